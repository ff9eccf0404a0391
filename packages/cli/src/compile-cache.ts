// On Node.js 22.1 and newer, V8's compiled code for the bundle is kept on disk between runs
// (measured: `auth list --file` on Node 24 goes from 1.24× to 1.17× `node -e 0`). Node 20 has
// no compile cache, and the call is skipped there.
// node:module itself is loaded only where the cache exists: on Node 20 it would cost start-up.
if (Number(process.versions.node.split('.')[0]) >= 22) {
  (process.getBuiltinModule('node:module') as { enableCompileCache?: () => unknown }).enableCompileCache?.();
}
