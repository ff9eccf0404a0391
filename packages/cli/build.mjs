// Bundles the CLI into CommonJS files for start-up speed (measured in BENCHMARKS.md): the ESM
// loader and dozens of module files cost more than the `auth list` budget allows, and V8 reads
// and compiles every byte of a bundle it loads. So the launcher loads one bundle with what every
// command runs; the keychain's client and the code that talks to servers (login, logout, status,
// OAuth, S3 signing, help, completion) are bundles of their own, loaded when used. got and the
// keychain's native module stay outside and load only for the commands that need them.
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { directCoreImports } from './build/direct-core-imports.mjs';
import { buildLazyBundles } from './build/lazy-bundles.mjs';
import { PSL_FILE, publicSuffixText } from './build/public-suffix-text.mjs';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const coreDist = createRequire(import.meta.url).resolve('@auth/core/package.json').replace(/package\.json$/, 'dist/');
const keychainEntry = createRequire(import.meta.url).resolve('@auth/store-keychain');

// `codeCache`: on Node 20 the launcher compiles it with V8's code cache (src/code-cache.ts). Not
// servers.cjs: code V8 compiled from a cache cannot import() on Node 20 (without an experimental
// flag), so everything that import()s an ES module (got, a store module given to --store) is there.
const BUNDLES = [
  { file: 'command.cjs', entry: resolve('src/command.ts'), codeCache: true },
  { file: 'keychain.cjs', roots: [keychainEntry], codeCache: true },
  {
    file: 'servers.cjs',
    roots: [
      ...['commands/login.ts', 'commands/logout.ts', 'commands/status.ts', 'oauth/fresh.ts', 'help.ts', 'completion.ts', 'store-module.ts'].map((f) => resolve('src', f)),
      // OAuth refresh and S3 signing, which core loads for the first credential that needs them.
      `${coreDist}application-steps.js`,
    ],
  },
];

const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20.19',
  // Identifiers stay as written (no minifyIdentifiers), so stack traces name real functions.
  // No keepNames: its __name() call per function cost every start-up 2 to 4 M instructions and
  // 60 KB of heap, for the few names esbuild suffixes to avoid a clash (checked below for classes).
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'linked',
  logLevel: 'warning',
};

// What an earlier build left that this one does not write (a fresh clone has no dist yet).
mkdirSync('dist', { recursive: true });
for (const file of readdirSync('dist', { withFileTypes: true })) {
  if (file.isFile() && /\.(cjs|txt)$/.test(file.name)) rmSync(`dist/${file.name}`);
}

await buildLazyBundles(BUNDLES, {
  ...common,
  outdir: 'dist',
  plugins: [await publicSuffixText(coreDist, 'dist'), await directCoreImports(coreDist)],
  external: ['@napi-rs/keyring', 'got'],
  // Keep `import()` of external packages as real dynamic imports (got is ESM only).
  supported: { 'dynamic-import': true },
  define: { AUTH_CLI_VERSION: JSON.stringify(version) },
});

// The executable: the process title (which hides argv) and the compile cache, then the command.
// Code cached on Node 20 is named by the bundles' fingerprint, so no build runs another's code.
const fingerprint = createHash('sha256');
for (const { file } of BUNDLES) fingerprint.update(readFileSync(`dist/${file}`));
await build({
  ...common,
  entryPoints: ['src/bin.ts'],
  outfile: 'dist/auth.cjs',
  external: ['./command.cjs'],
  banner: { js: '#!/usr/bin/env node' },
  define: {
    AUTH_BUNDLES_FINGERPRINT: JSON.stringify(fingerprint.digest('hex').slice(0, 16)),
    AUTH_COMMAND_WORDS: JSON.stringify(await commandNames()),
    AUTH_CODE_CACHED_BUNDLES: JSON.stringify(BUNDLES.filter((b) => b.codeCache).map((b) => b.file.replace(/\.cjs$/, ''))),
  },
});
chmodSync('dist/auth.cjs', 0o755);

// An error's name is its class's (`new.target.name`): a class esbuild renamed would change it.
// It renames for a clash (`UsageError2`) and for a class that names itself inside its own body
// in a lazily run module (`UsageError=class _UsageError`). And the launcher reads cached bundles
// as latin1 (code-cache.ts): esbuild writes ASCII by default.
const cached = new Set(BUNDLES.filter((b) => b.codeCache).map((b) => b.file));
for (const file of readdirSync('dist').filter((f) => f.endsWith('.cjs'))) {
  const text = readFileSync(`dist/${file}`, 'latin1');
  const renamed = text.match(/\bclass (?:[A-Za-z_$][\w$]*?\d+|_[\w$]+)\b|\b[A-Za-z_$][\w$]*?\d+=class\b/);
  if (renamed) throw new Error(`${file}: esbuild renamed a class (${renamed[0]}): give it a unique name, and make a static method that names the class a function beside it (as core's chainOf)`);
  if (cached.has(file) && !/^[\x00-\x7f]*$/.test(text)) throw new Error(`${file} is not ASCII`);
}

/** The commands spec.ts defines: the launcher names cache files after them, and after no other word. */
async function commandNames() {
  const out = await build({ entryPoints: ['src/spec.ts'], bundle: true, write: false, format: 'esm', platform: 'node', logLevel: 'warning' });
  const { commands } = await import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`);
  return commands.map((c) => c.name);
}

// Nothing else ships: `files` in package.json names exactly these.
const shipped = readdirSync('dist').filter((f) => !f.startsWith('.')).sort();
const expected = ['auth.cjs', ...BUNDLES.map((b) => b.file), PSL_FILE].sort();
if (shipped.join() !== expected.join()) throw new Error(`dist holds ${shipped.join(', ')}; expected ${expected.join(', ')}`);
