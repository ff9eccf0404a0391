// Bundles the CLI into one CommonJS file for start-up speed (measured in BENCHMARKS.md): the
// ESM loader and dozens of module files cost more than the `auth list` budget allows. Modules
// that are imported dynamically (each command, each store, help, completion) still initialise
// only when used; got and the keychain's native module stay outside and load only for the
// commands that need them.
import { chmodSync, readFileSync, rmSync } from 'node:fs';
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
// The command: every module of it, in one file.
await build({
  ...common,
  entryPoints: ['src/command.ts'],
  outfile: 'dist/command.cjs',
  external: ['@napi-rs/keyring', 'got'],
  // Keep `import()` of external packages as real dynamic imports (got is ESM only).
  supported: { 'dynamic-import': true },
  define: { AUTH_CLI_VERSION: JSON.stringify(version) },
});
chmodSync('dist/auth.cjs', 0o755);
// The yargs bundle of earlier builds is gone: one bundle holds all command code.
rmSync('dist/yargs.cjs', { force: true });
