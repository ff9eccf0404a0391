// V8's compiled code for the bundles, kept between runs by the launcher itself on Node.js
// versions without a compile cache of their own (module.enableCompileCache starts at 22.1).
// Measured on Node 20: `auth token --file` runs about 25 M instructions fewer, `auth list` 20 M.
//
// Each bundle is compiled through vm.Script with the data an earlier run left; after a run
// that succeeded, the code V8 compiled for the bundles it used (what ran, not only the top
// level) is written back wherever there was none or V8 refused it. One set of files per command
// word: `auth token` and `auth list` run different code. The files live only in the folder
// privateCacheDir() found, since they are code this process will run; V8 checks its version,
// flags and the source's length, and the file name carries the bundles' own fingerprint.
import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Script } from 'node:vm';

declare const AUTH_BUNDLES_FINGERPRINT: string;
/** The bundles compiled here; the others (servers.cjs, which import()s got) are require()d. */
declare const AUTH_CODE_CACHED_BUNDLES: readonly string[];

type Require = (id: string) => unknown;
type ModuleClass = (new (id: string, parent?: unknown) => NodeModule & { paths: string[]; loaded: boolean }) & {
  createRequire(filename: string): NodeJS.Require;
  _nodeModulePaths(dir: string): string[];
};

// A command word names its cache files; anything else (a flag first, a long word) shares one set.
const COMMAND_WORD = /^[a-z]{1,16}$/;
const SIBLING_BUNDLE = /^\.\/([a-z]+)\.cjs$/;

/**
 * Runs `command.cjs` from `distDir` with the code cache in `cacheDir`, loading the bundles it
 * asks for the same way. `launcher` is the launcher's own module (its Module class and parent).
 */
export function runWithCodeCache(distDir: string, cacheDir: string, launcher: NodeModule): void {
  const Module = launcher.constructor as ModuleClass;
  const word = process.argv[2] !== undefined && COMMAND_WORD.test(process.argv[2]) ? process.argv[2] : '-';
  const tag = `${AUTH_BUNDLES_FINGERPRINT}.${process.version}.${process.arch}`;
  const loaded = new Map<string, unknown>();
  const toWrite: { file: string; script: Script }[] = [];
  const nodeRequire = Module.createRequire(join(distDir, 'command.cjs'));

  const requireFromBundle: Require = (id) => {
    const sibling = SIBLING_BUNDLE.exec(id)?.[1];
    return sibling !== undefined && AUTH_CODE_CACHED_BUNDLES.includes(sibling) ? load(sibling) : nodeRequire(id);
  };

  function load(name: string): unknown {
    if (loaded.has(name)) return loaded.get(name);
    const filename = join(distDir, `${name}.cjs`);
    const cacheFile = join(cacheDir, `${word}.${name}.${tag}.v8`);
    const module = new Module(filename, launcher);
    module.filename = filename;
    module.paths = Module._nodeModulePaths(distDir);
    // In require's cache too, as a require()d bundle would be: whatever requires it gets this one.
    nodeRequire.cache[filename] = module;
    loaded.set(name, module.exports);
    let cachedData: Buffer | undefined;
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      // None yet, or unreadable: compiled from source.
    }
    const source = readFileSync(filename, 'utf8');
    const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename, cachedData });
    if (cachedData === undefined || script.cachedDataRejected) toWrite.push({ file: cacheFile, script });
    const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
    wrapper.call(module.exports, module.exports, requireFromBundle, module, filename, distDir);
    module.loaded = true;
    loaded.set(name, module.exports);
    return module.exports;
  }

  process.once('exit', (code) => {
    if (code === 0) for (const { file, script } of toWrite) writeCache(file, script);
  });
  load('command');
}

/** Written whole or not at all: a run that reads it meanwhile sees the old file or none. */
function writeCache(file: string, script: Script): void {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, script.createCachedData(), { flag: 'wx', mode: 0o600 });
    renameSync(temporary, file);
  } catch {
    try {
      unlinkSync(temporary);
    } catch {
      // Never made.
    }
  }
}
