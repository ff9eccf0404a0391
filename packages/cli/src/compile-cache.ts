// On Node.js 22.1 and newer, V8's compiled code for the bundles is kept on disk between runs
// (measured: `auth list --file` on Node 24 goes from 1.24× to 1.17× `node -e 0`). Node 20 has
// no compile cache, and the call is skipped there. A cache of our own through vm.Script's
// cachedData was built and measured: 0–4 ms, and V8 does not verify that data in release
// builds (one flipped bit crashed every later run), so checking it would cost what it saves.
// The cache is code this process will run: it lives in a folder of the user's own
// (private-cache-dir.ts), never in Node's default, a folder in the shared temp directory.
//
// node:module itself is loaded only where the cache exists: on Node 20 it would cost start-up.
import { privateCacheDir } from './private-cache-dir.js';

if (Number(process.versions.node.split('.')[0]) >= 22 && process.env.NODE_DISABLE_COMPILE_CACHE === undefined) {
  const enable = (process.getBuiltinModule('node:module') as { enableCompileCache?: (dir?: string) => unknown }).enableCompileCache;
  // Windows has no owner ids to check, and there Node's default, the temp folder, is the user's own.
  if (process.platform === 'win32') enable?.();
  else {
    const dir = privateCacheDir(process.env);
    if (dir !== undefined) enable?.(dir);
  }
}
