import { nodeKeepsCompileCache } from './node-support.js';

/**
 * Ends the process once the command is done, without the natural exit's wait: everything the
 * command writes has gone out synchronously (io.ts) and every store call was awaited, so what a
 * natural exit would still do is wait for handles nothing needs and tear the heap down page by
 * page, 3 ms of a 30 ms command (BENCHMARKS.md). A keychain call that timed out may also still
 * hold a native thread: the process never waits for it.
 */
export function exitWith(code: number): void {
  process.exitCode = code;
  if (compileCacheWritten()) process.exit(code);
  // Node writes its compile cache on this natural exit.
  setTimeout(() => process.exit(code), 200).unref();
}

/**
 * Node writes its compile cache only on a natural exit or when asked, which it can be from 22.10
 * on: false where it cannot be asked. The launcher's own cache (Node 20) is written on the `exit`
 * event, which process.exit() emits too (code-cache.ts).
 */
function compileCacheWritten(): boolean {
  if (!nodeKeepsCompileCache()) return true;
  const { flushCompileCache } = process.getBuiltinModule('node:module') as { flushCompileCache?: () => void };
  if (flushCompileCache === undefined) return false;
  flushCompileCache();
  return true;
}
