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
 * Node 22 and newer write their compile cache (compile-cache.ts) only on a natural exit or when
 * asked, which they can be from 22.10 on: false where it cannot be asked. On Node 20 the
 * launcher writes its own on the `exit` event, which process.exit() emits too (code-cache.ts).
 */
function compileCacheWritten(): boolean {
  if (Number(process.versions.node.split('.')[0]) < 22) return true;
  const { flushCompileCache } = process.getBuiltinModule('node:module') as { flushCompileCache?: () => void };
  if (flushCompileCache === undefined) return false;
  flushCompileCache();
  return true;
}
