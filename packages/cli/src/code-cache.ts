// V8's compiled code for the command's bundles, kept between runs by the launcher itself on
// Node.js 20, which has no compile cache of its own (module.enableCompileCache starts at 22.1;
// compile-cache.ts). Measured on Node 20: `auth token` on the keychain 4–6 ms faster.
//
// Each bundle is compiled through vm.Script with the data an earlier run left; after a run that
// succeeded, the code V8 compiled for the bundles it used (what ran, not only the top level) is
// written back wherever there was none or it could not be used. One set of files per command
// word: `auth token` and `auth list` run different code.
//
// The files are code this process will run: they live only in the folder privateCacheDir()
// found. V8 itself checks its version, its flags and the source's length, but nothing inside its
// data in release builds: one damaged byte would crash every later run. So every file holds
// its data twice and says which bundle it was made from; data whose copies differ, or made from
// another build or another copy of the bundle, is compiled afresh and replaced. What this cannot
// find is a change made to both copies alike: only a deliberate write makes one, by someone who
// can write this user's files, and so could as well change the bundle itself.
import { closeSync, constants, fstatSync, openSync, readdirSync, readSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Script } from 'node:vm';

declare const AUTH_BUNDLES_FINGERPRINT: string;
/** The command names (spec.ts): only these name cache files, never another word of argv. */
declare const AUTH_COMMAND_WORDS: readonly string[];
/**
 * The bundles compiled here. Not servers.cjs: code compiled through vm.Script cannot import()
 * on Node 20 without an experimental flag, and it import()s got and store modules.
 */
declare const AUTH_CODE_CACHED_BUNDLES: readonly string[];

type ModuleClass = (new (id: string, parent?: unknown) => NodeModule & { paths: string[]; loaded: boolean }) & {
  createRequire(filename: string): NodeJS.Require;
  _nodeModulePaths(dir: string): string[];
};

const SIBLING_BUNDLE = /^\.\/([a-z]+)\.cjs$/;

/**
 * Runs `command.cjs` from `distDir` with the code cache in `cacheDir`, loading the bundles it
 * asks for the same way. `launcher` is the launcher's own module (its Module class and parent).
 */
export function runWithCodeCache(distDir: string, cacheDir: string, launcher: NodeModule): void {
  // node:vm only here: on Node 22 and newer the launcher never gets this far.
  const { Script } = require('node:vm') as typeof import('node:vm');
  const Module = launcher.constructor as ModuleClass;
  const tag = `${AUTH_BUNDLES_FINGERPRINT}.${process.version}.${process.arch}${flagsTag()}`;
  // A command names its cache files; anything else (a flag first, a mistyped word) shares one set.
  const word = AUTH_COMMAND_WORDS.find((name) => name === process.argv[2]) ?? '-';
  const loaded = new Map<string, NodeModule>();
  const toWrite: { file: string; stamp: string; script: Script }[] = [];
  const nodeRequire = Module.createRequire(join(distDir, 'command.cjs'));
  const memory = scratch();

  const requireFromBundle = (id: string): unknown => {
    const sibling = SIBLING_BUNDLE.exec(id)?.[1];
    return sibling !== undefined && AUTH_CODE_CACHED_BUNDLES.includes(sibling) ? load(sibling) : nodeRequire(id);
  };

  function load(name: string): unknown {
    const known = loaded.get(name);
    if (known) return known.exports; // as require() does, also while the bundle still runs
    // Where require() itself would find it (links resolved as Node resolves them), so that a
    // bundle require()d by Node (servers.cjs) gets this very module from require's cache.
    const filename = nodeRequire.resolve(`./${name}.cjs`);
    const file = join(cacheDir, `${word}.${name}.${tag}.v8`);
    const module = new Module(filename, launcher);
    module.filename = filename;
    module.paths = Module._nodeModulePaths(dirname(filename));
    nodeRequire.cache[filename] = module;
    loaded.set(name, module);
    const { source, stamp } = readBundle(filename, memory);
    const cachedData = readCache(file, stamp, memory);
    // The wrapper's columns taken off, so that stack traces point where they do under require().
    const script = new Script(source, { filename, cachedData, columnOffset: -WRAPPER_START.length });
    if (cachedData === undefined || script.cachedDataRejected) toWrite.push({ file, stamp, script });
    const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
    wrapper.call(module.exports, module.exports, requireFromBundle, module, filename, dirname(filename));
    module.loaded = true;
    return module.exports;
  }

  process.once('exit', (code) => {
    if (code === 0) for (const { file, stamp, script } of toWrite) writeCache(file, stamp, script.createCachedData());
  });
  load('command');
}

const WRAPPER_START = Buffer.from('(function (exports, require, module, __filename, __dirname) {', 'latin1');
const WRAPPER_END = Buffer.from('\n})', 'latin1');

/** The node flags of this run, given on its command line or in NODE_OPTIONS. */
function nodeFlags(): string {
  return `${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`.trim();
}

/**
 * Whether the launcher can keep the code at all. A policy (`--experimental-policy`) checks the
 * integrity of what require() loads, and hides the Module class the cache needs: under one, the
 * bundles are require()d as they are.
 */
export function canKeepCode(launcher: NodeModule): boolean {
  return !nodeFlags().includes('policy') && typeof (launcher.constructor as { createRequire?: unknown }).createRequire === 'function';
}

/**
 * V8 refuses data made under other flags: runs with and without NODE_OPTIONS or node flags keep
 * files of their own, rather than each replacing the other's on every run.
 */
function flagsTag(): string {
  const flags = nodeFlags();
  if (flags === '') return '';
  let hash = 0x811c9dc5; // FNV-1a: a name, not a check
  for (let i = 0; i < flags.length; i++) hash = Math.imul(hash ^ flags.charCodeAt(i), 0x01000193);
  return `.f${(hash >>> 0).toString(16)}`;
}

/**
 * The bundle wrapped as Node wraps a CommonJS module, made as one string (padded where that
 * keeps it out of the young generation: paddedLength): adding the wrapper to a string of the
 * file would make V8 copy all of it once more (a bundle is ASCII: the build checks it). With it,
 * which copy of the bundle this is: one patched, copied over or installed again gets other
 * cached data.
 */
function readBundle(filename: string, memory: Scratch): { source: string; stamp: string } {
  const fd = openSync(filename, 'r');
  try {
    // ctime too: touch, cp -p and tar keep a file's size and mtime, and npm gives every file the
    // same mtime, but no write leaves ctime as it was.
    const { size, mtimeMs, ctimeMs, ino } = fstatSync(fd);
    const end = WRAPPER_START.length + size + WRAPPER_END.length;
    const length = paddedLength(end);
    const bytes = memory(length);
    WRAPPER_START.copy(bytes);
    if (!readInto(fd, bytes, WRAPPER_START.length, size, 0)) throw new Error(`${filename} ended early`);
    WRAPPER_END.copy(bytes, WRAPPER_START.length + size);
    bytes.fill(0x20, end, length);
    return { source: bytes.toString('latin1', 0, length), stamp: `${size}:${mtimeMs}:${ctimeMs}:${ino}` };
  } finally {
    closeSync(fd);
  }
}

/**
 * V8 keeps a string of more than 128 KiB in its large-object space, where a scavenge of the young
 * generation neither counts nor copies it. The young generation starts at 1 MB, and V8 schedules
 * a scavenge once 80 % of it is used: `auth token` on the keychain got there just before it
 * connected to the bus, and the scavenge then ran before the connection's first write, 3 ms in
 * the way (BENCHMARKS.md). The command bundle's text, 100 KB, was the largest young object: so a
 * bundle that large is padded with spaces, after the wrapper's end, to a large object. Nothing
 * V8 runs or reports (stack positions) changes; a smaller bundle would cost more pages padded
 * than it takes out of the young generation.
 */
const LARGE_STRING = 129 * 1024;

export function paddedLength(length: number): number {
  return length > LARGE_STRING / 2 && length < LARGE_STRING ? LARGE_STRING : length;
}

/**
 * Memory for the files the launcher reads, given out again for each: a bundle's text until V8
 * has its string, then the cached data until V8 has read it, then the next bundle's. So each page
 * of it is first touched once (BENCHMARKS.md: a first touch costs 12 µs), and pages no file
 * reaches are never touched at all.
 */
export type Scratch = (size: number) => Buffer;

export function scratch(): Scratch {
  let memory = Buffer.allocUnsafeSlow(0);
  return (size) => {
    if (size > memory.length) memory = Buffer.allocUnsafeSlow(Math.max(size, 512 * 1024));
    return memory;
  };
}

/** `length` bytes of the file from `position` into `bytes` from `offset`; false when it ends before. */
function readInto(fd: number, bytes: Buffer, offset: number, length: number, position: number): boolean {
  for (let at = 0; at < length; ) {
    const read = readSync(fd, bytes, offset + at, length - at, position + at);
    if (read === 0) return false;
    at += read;
  }
  return true;
}

// `auth-v8-cache 1`, the stamp's and the data's lengths, the stamp, then the data twice.
const MAGIC = Buffer.from('auth-v8-cache 1\n', 'latin1');
const HEADER = MAGIC.length + 8;

// A cache file is a few hundred KB; anything far larger is not one of ours.
const MAX_CACHE_BYTES = 16 * 2 ** 20;

/**
 * The file's V8 data, when the file is whole, made for this copy of the bundle, and undamaged.
 * Only a regular file of ours is read: a link, a FIFO (whose open would wait for a writer) or a
 * device in its place is not.
 */
function readCache(file: string, stamp: string, memory: Scratch): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch {
    return undefined; // none yet, a link, or unreadable: compiled from source
  }
  try {
    const info = fstatSync(fd);
    const size = info.size;
    if (!info.isFile() || size > MAX_CACHE_BYTES) return undefined;
    return unseal(size, (bytes, offset, length, position) => readInto(fd, bytes, offset, length, position), stamp, memory);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Reads `length` bytes from `position` into `bytes` from `offset`; false when there are fewer. */
export type ReadAt = (bytes: Buffer, offset: number, length: number, position: number) => boolean;

// The second copy is compared a piece at a time through this much memory, not read whole: every
// page a command first touches costs it (BENCHMARKS.md).
const COMPARE_PIECE = 16 * 1024;

/** The V8 data of a sealed file of `size` bytes, if it is whole, has this stamp and its two copies agree. */
export function unseal(size: number, readAt: ReadAt, stamp: string, memory: Scratch): Buffer | undefined {
  // The stamp is ASCII (sizes, times, an inode): its length is its byte length.
  const head = Buffer.allocUnsafe(HEADER + stamp.length);
  if (size < head.length || !readAt(head, 0, head.length, 0) || head.compare(MAGIC, 0, MAGIC.length, 0, MAGIC.length) !== 0) return undefined;
  const dataLength = head.readUInt32LE(MAGIC.length + 4);
  const start = head.length;
  if (head.readUInt32LE(MAGIC.length) !== stamp.length || head.toString('latin1', HEADER) !== stamp) return undefined;
  if (dataLength === 0 || size !== start + 2 * dataLength) return undefined;
  // At the start of the memory, where V8 wants its data to start: V8 copies data that does not.
  const pieceLength = Math.min(COMPARE_PIECE, dataLength);
  const space = memory(dataLength + pieceLength);
  const data = space.subarray(0, dataLength);
  const piece = space.subarray(dataLength, dataLength + pieceLength);
  if (!readAt(data, 0, dataLength, start)) return undefined;
  for (let at = 0; at < dataLength; at += piece.length) {
    const length = Math.min(piece.length, dataLength - at);
    if (!readAt(piece, 0, length, start + dataLength + at) || data.compare(piece, 0, length, at, at + length) !== 0) return undefined;
  }
  return data;
}

export function seal(stamp: string, data: Buffer): Buffer {
  const header = Buffer.alloc(HEADER);
  MAGIC.copy(header);
  header.writeUInt32LE(Buffer.byteLength(stamp, 'latin1'), MAGIC.length);
  header.writeUInt32LE(data.length, MAGIC.length + 4);
  return Buffer.concat([header, Buffer.from(stamp, 'latin1'), data, data]);
}

// Files of other builds, Node.js versions and flags stay (two installs used in turn would
// otherwise replace each other's on every run); past this many, the oldest go. A temporary file
// a killed writer left goes after an hour.
const MAX_FILES = 32;
const STALE_TEMPORARY_MS = 60 * 60 * 1000;

/** Written whole or not at all: a run that reads it meanwhile sees the old file or none. */
function writeCache(file: string, stamp: string, data: Buffer): void {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, seal(stamp, data), { flag: 'wx', mode: 0o600 });
    renameSync(temporary, file);
  } catch {
    remove(temporary);
    return;
  }
  const dir = dirname(file);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return; // left for the next write
  }
  const now = Date.now();
  const kept: { path: string; mtime: number }[] = [];
  for (const name of names) {
    const path = join(dir, name);
    // The file just written stays, whatever the clock said of the others.
    if (path === file || !(name.endsWith('.v8') || name.endsWith('.tmp'))) continue;
    const mtime = mtimeOf(path);
    if (mtime === undefined) continue;
    if (name.endsWith('.tmp')) {
      if (now - mtime > STALE_TEMPORARY_MS) remove(path);
    } else kept.push({ path, mtime });
  }
  kept.sort((a, b) => a.mtime - b.mtime);
  for (const { path } of kept.slice(0, Math.max(0, kept.length + 1 - MAX_FILES))) remove(path);
}

function mtimeOf(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

/** Removed if it can be: what cannot (a folder someone put there) is passed over. */
function remove(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Passed over.
  }
}
