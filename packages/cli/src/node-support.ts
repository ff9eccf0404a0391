/**
 * The Node.js versions auth runs on: 20.19 and newer, but not 21 (out of support since June
 * 2024) nor 22.0-22.2. Neither has process.getBuiltinModule, through which the packages load a
 * built-in module only when it is needed (node:os for a lock, node:crypto for S3 signing,
 * node:tty for a terminal): there the command would fail halfway, after part of its work.
 */
export function requireSupportedNode(): void {
  if (typeof (process as { getBuiltinModule?: unknown }).getBuiltinModule === 'function') return;
  process.stderr.write(`error: auth needs Node.js 20.19 or newer (22.3 or newer on Node.js 22); this is ${process.version}\n`);
  process.exit(1);
}

/**
 * Node.js 22 and newer keep V8's compiled code themselves (module.enableCompileCache, written on
 * the natural exit or when flushed); on Node 20 the launcher keeps it (code-cache.ts).
 */
export function nodeKeepsCompileCache(): boolean {
  return Number(process.versions.node.split('.')[0]) >= 22;
}
