// Bundles the CLI into one CommonJS file for start-up speed (measured in BENCHMARKS.md): the
// ESM loader and dozens of module files cost more than the `auth list` budget allows. Modules
// that are imported dynamically (each command, each store, help, completion) still initialise
// only when used; got and the keychain's native module stay outside and load only for the
// commands that need them.
import { chmodSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { build } from 'esbuild';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20.19',
  // Identifiers stay as written, so --verbose stack traces name real functions and classes.
  minifyWhitespace: true,
  minifySyntax: true,
  keepNames: true,
  legalComments: 'linked',
  logLevel: 'warning',
};

// The executable: the process title (which hides argv) and the compile cache, then the command.
await build({
  ...common,
  entryPoints: ['src/bin.ts'],
  outfile: 'dist/auth.cjs',
  external: ['./command.cjs'],
  banner: { js: '#!/usr/bin/env node' },
});
// The Public Suffix List (85 KB of the command's code) in a file of its own, read only when a
// wildcard is checked: every start-up would otherwise compile it.
const require = createRequire(import.meta.url);
const pslData = require.resolve('@auth/core/package.json').replace(/package\.json$/, 'dist/public-suffix-data.js');
await build({ ...common, entryPoints: [pslData], outfile: 'dist/public-suffix-data.cjs' });
const lazyPsl = {
  name: 'lazy-public-suffix-data',
  setup(b) {
    b.onResolve({ filter: /public-suffix-data\.js$/ }, () => ({ path: 'lazy-psl', namespace: 'lazy-psl' }));
    // A CommonJS module: its exports are read where they are used, so the getter defers the load.
    b.onLoad({ filter: /.*/, namespace: 'lazy-psl' }, () => ({
      contents: "module.exports = { get PSL_RULES() { return require('./public-suffix-data.cjs').PSL_RULES; } };",
      loader: 'js',
    }));
  },
};

// The command: every module of it, in one file.
await build({
  ...common,
  entryPoints: ['src/command.ts'],
  outfile: 'dist/command.cjs',
  plugins: [lazyPsl],
  external: ['@napi-rs/keyring', 'got', './public-suffix-data.cjs'],
  // Keep `import()` of external packages as real dynamic imports (got is ESM only).
  supported: { 'dynamic-import': true },
  define: { AUTH_CLI_VERSION: JSON.stringify(version) },
});
chmodSync('dist/auth.cjs', 0o755);
// The yargs bundle of earlier builds is gone: one bundle holds all command code.
rmSync('dist/yargs.cjs', { force: true });
