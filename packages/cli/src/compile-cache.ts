// V8's compiled code for the bundles is kept on disk between runs. On Node.js 22.1 and newer
// Node keeps it (measured: `auth list --file` on Node 24 goes from 1.24× to 1.17× `node -e 0`);
// on older versions the launcher does (code-cache.ts).
// The cache is code this process will run: it lives in a folder of the user's own
// (private-cache-dir.ts), never in Node's default, a folder in the shared temp directory.
import { canKeepCode, runWithCodeCache } from './code-cache.js';
import { nodeKeepsCompileCache } from './node-support.js';
import { privateCacheDir } from './private-cache-dir.js';

/** Runs the command bundle (`command.cjs` in `distDir`) with a compile cache where there can be one. */
export function runCommand(distDir: string, launcher: NodeModule): void {
  if (process.env.NODE_DISABLE_COMPILE_CACHE === undefined) {
    // Windows has no owner ids to check, and there Node's default, the temp folder, is the user's own.
    const dir = process.platform === 'win32' ? undefined : privateCacheDir(process.env);
    if (nodeKeepsCompileCache()) {
      // node:module itself is loaded only here: on Node 20 it would cost start-up.
      const enable = (require('node:module') as { enableCompileCache?: (dir?: string) => unknown }).enableCompileCache;
      if (process.platform === 'win32') enable?.();
      else if (dir !== undefined) enable?.(dir);
    } else if (dir !== undefined && canKeepCode(launcher)) {
      runWithCodeCache(distDir, dir, launcher);
      return;
    }
  }
  require('./command.cjs');
}
