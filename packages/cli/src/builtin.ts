/**
 * A Node.js builtin module, loaded only when it is asked for. process.getBuiltinModule is not
 * there on Node 21 and 22.0-22.2 (both within engines >=20.19): require() loads it there (the
 * CLI is a CommonJS bundle).
 */
export function builtin<T extends keyof BuiltinModules>(id: T): BuiltinModules[T] {
  const get = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  return (typeof get === 'function' ? get.call(process, id) : require(id)) as BuiltinModules[T];
}

interface BuiltinModules {
  'node:tty': typeof import('node:tty');
  'node:module': typeof import('node:module');
}
