// Bundles the CLI into one CommonJS file for start-up speed (measured in BENCHMARKS.md): the
// ESM loader and dozens of module files cost more than the `auth list` budget allows. Modules
// that are imported dynamically (yargs, each command, each store) still initialise only when
// used; got and the keychain's native module stay outside and load only for the commands that
// need them.
import { chmodSync, readFileSync } from 'node:fs';
import { build } from 'esbuild';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20.19',
  minify: true,
  legalComments: 'linked',
  external: ['@napi-rs/keyring', 'got'],
  // Keep `import()` of external packages as real dynamic imports (got is ESM only).
  supported: { 'dynamic-import': true },
  define: { AUTH_CLI_VERSION: JSON.stringify(version) },
  logLevel: 'warning',
};

// What plain invocations run (bin.ts → main.ts), and, apart, the yargs parser.
const yargsApart = {
  name: 'yargs-apart',
  setup(b) {
    b.onResolve({ filter: /^\.\/cli\.js$/ }, () => ({ path: './yargs.cjs', external: true }));
  },
};
await build({
  ...common,
  entryPoints: ['src/bin.ts'],
  outfile: 'dist/auth.cjs',
  plugins: [yargsApart],
  banner: { js: '#!/usr/bin/env node' },
});
chmodSync('dist/auth.cjs', 0o755);
await build({
  ...common,
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/yargs.cjs',
  // yargs' ESM build locates itself through import.meta.url, which CommonJS does not have.
  banner: { js: 'var __importMetaUrl=require("node:url").pathToFileURL(__filename).href;' },
  define: { ...common.define, 'import.meta.url': '__importMetaUrl' },
});
