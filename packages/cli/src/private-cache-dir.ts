import { lstatSync, mkdirSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

/**
 * Where V8's compiled code for the command is kept between runs: $XDG_CACHE_HOME/auth/compile-cache
 * (else ~/.cache/auth/compile-cache), made if missing, and used only if it is a real folder (not
 * a link) owned by this user and writable by no one else. The cache is code this process will
 * run: Node's default, one folder in the shared temp directory, would run whatever compiled code
 * another local user left there. Undefined where there is no such folder (no home, a read-only
 * one, a folder of someone else's, Windows): the command then runs without the cache.
 */
export function privateCacheDir(env: NodeJS.ProcessEnv): string | undefined {
  if (typeof process.geteuid !== 'function') return undefined;
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : env.HOME && isAbsolute(env.HOME) ? join(env.HOME, '.cache') : undefined;
  if (base === undefined) return undefined;
  const dir = join(base, 'auth', 'compile-cache');
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const info = lstatSync(dir);
    if (!info.isDirectory() || info.uid !== process.geteuid() || (info.mode & 0o022) !== 0) return undefined;
    return dir;
  } catch {
    // A read-only or missing home: run without the cache.
    return undefined;
  }
}
