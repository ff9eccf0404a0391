import { lstatSync, mkdirSync, realpathSync, type Stats } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';

/**
 * Where V8's compiled code for the command is kept between runs: $XDG_CACHE_HOME/auth/compile-cache
 * (else ~/.cache/auth/compile-cache). The cache is code this process will run, so nobody else
 * may be able to put anything there, now or later:
 * - the base ($XDG_CACHE_HOME or HOME, through a link only if the link is this user's or root's)
 *   and every folder made below it are real folders (not links) of this user's own, writable by
 *   no one else;
 * - every folder above the base belongs to this user or root, and is writable by no one else
 *   unless it is sticky (/tmp: others may not rename what is ours there);
 * - nothing is made below a base of someone else's (root running with another user's HOME).
 * Node's default, one folder in the shared temp directory, meets none of this. Undefined where
 * there is no such folder (no home, a read-only one, one of someone else's, Windows): the command
 * then runs without the cache.
 */
export function privateCacheDir(env: NodeJS.ProcessEnv): string | undefined {
  if (typeof process.geteuid !== 'function') return undefined;
  const uid = process.geteuid();
  const xdg = env.XDG_CACHE_HOME;
  const [base, below] =
    xdg && isAbsolute(xdg) ? [xdg, ['auth', 'compile-cache']] : env.HOME && isAbsolute(env.HOME) ? [env.HOME, ['.cache', 'auth', 'compile-cache']] : [];
  if (base === undefined || below === undefined) return undefined;
  try {
    // A link another user made, anywhere on the path as given, would let them choose which of
    // our folders takes the cache. Checked on the path as written, without a trailing `/` or `.`
    // (which would make lstat follow the link), and that same path is then resolved.
    const path = resolve(base);
    if (!linksTrusted(path, uid)) return undefined;
    let dir = realpathSync.native(path);
    if (!ownFolder(dir, uid)) return undefined;
    for (let above = dirname(dir); ; above = dirname(above)) {
      if (!safeAbove(above, uid)) return undefined;
      if (dirname(above) === above) break;
    }
    for (const name of below) {
      dir = join(dir, name);
      // Made only when missing: a mkdir that fails with EEXIST on every run costs about 0.2 ms.
      let info = lstatSync(dir, { throwIfNoEntry: false });
      if (info === undefined) {
        try {
          mkdirSync(dir, { mode: 0o700 });
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        }
        info = lstatSync(dir);
      }
      if (!isOwnFolder(info, uid)) return undefined;
    }
    return dir;
  } catch {
    // A home that cannot be read or written: run without the cache.
    return undefined;
  }
}

/** No component of `path` is a link of another user's (root's are trusted, as the system's own). */
function linksTrusted(path: string, uid: number): boolean {
  for (let at = path; ; at = dirname(at)) {
    const info = lstatSync(at);
    if (info.isSymbolicLink() && info.uid !== uid && info.uid !== 0) return false;
    if (dirname(at) === at) return true;
  }
}

const WRITABLE_BY_OTHERS = 0o022;
const STICKY = 0o1000;

/** A real folder (lstat: a link is not one) of this user's, that no one else can write to. */
function ownFolder(path: string, uid: number): boolean {
  return isOwnFolder(lstatSync(path), uid);
}

function isOwnFolder(info: Stats, uid: number): boolean {
  return info.isDirectory() && info.uid === uid && (info.mode & WRITABLE_BY_OTHERS) === 0;
}

/** A folder above the base: this user's or root's, and writable by others only if sticky. */
function safeAbove(path: string, uid: number): boolean {
  const info = lstatSync(path);
  return info.isDirectory() && (info.uid === uid || info.uid === 0) && ((info.mode & WRITABLE_BY_OTHERS) === 0 || (info.mode & STICKY) !== 0);
}
