/**
 * One OAuth refresh per stored credential at a time across the processes of this user on this
 * machine. Servers that rotate refresh tokens often treat a second use of the old one as theft
 * and revoke the whole grant, so two processes must not refresh the same token together: the
 * second waits here, then re-reads the store and finds the first one's new token.
 *
 * A lock file in a private folder under the system temp folder, created with O_EXCL. A holder
 * that died, or that held it for longer than `staleMs`, loses it. Where the file system cannot
 * be used the refresh runs unlocked: the store re-read and the `invalid_grant` re-read remain.
 */

export interface LockTimes {
  /** A lock older than this is broken (a refresh is bounded by its request timeout). */
  staleMs: number;
  /** How often a waiter looks again. */
  pollMs: number;
}

const DEFAULT_TIMES: LockTimes = { staleMs: 45_000, pollMs: 25 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Runs `fn` while holding the lock named `id` (any string; it is hashed into a file name). */
export async function withRefreshLock<T>(id: string, fn: () => Promise<T>, times: LockTimes = DEFAULT_TIMES): Promise<T> {
  const release = await acquire(id, times).catch(() => undefined);
  try {
    return await fn();
  } finally {
    await release?.();
  }
}

async function acquire(id: string, times: LockTimes): Promise<(() => Promise<void>) | undefined> {
  const getBuiltin = process.getBuiltinModule;
  if (typeof getBuiltin !== 'function') return undefined;
  const { promises: fs } = getBuiltin('node:fs');
  const { join } = getBuiltin('node:path');
  const { tmpdir } = getBuiltin('node:os');
  const { createHash, randomUUID } = getBuiltin('node:crypto');

  const dir = join(tmpdir(), `auth-oauth-refresh-${process.getuid?.() ?? 'user'}`);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  // A folder someone else made (a shared /tmp) is not trusted to hold our locks.
  const owner = (await fs.lstat(dir)).uid;
  if (process.getuid && owner !== process.getuid()) return undefined;
  const path = join(dir, `${createHash('sha256').update(id).digest('hex').slice(0, 40)}.lock`);
  const mine = JSON.stringify({ pid: process.pid, nonce: randomUUID() });

  for (;;) {
    try {
      await fs.writeFile(path, mine, { flag: 'wx', mode: 0o600 });
      return async () => {
        // Only our own lock is removed: a broken one may have been taken by another process.
        const text = await fs.readFile(path, 'utf8').catch(() => '');
        if (text === mine) await fs.unlink(path).catch(() => undefined);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (await isStale(fs, path, times.staleMs)) {
      // Renamed away before removal, so two breakers cannot both remove a fresh lock.
      const aside = `${path}.${randomUUID()}.stale`;
      await fs.rename(path, aside).then(
        () => fs.unlink(aside),
        () => undefined,
      );
      continue;
    }
    await sleep(times.pollMs);
  }
}

async function isStale(fs: typeof import('node:fs').promises, path: string, staleMs: number): Promise<boolean> {
  try {
    const [text, info] = await Promise.all([fs.readFile(path, 'utf8'), fs.stat(path)]);
    if (Date.now() - info.mtimeMs > staleMs) return true;
    let pid: unknown;
    try {
      pid = (JSON.parse(text) as { pid?: unknown }).pid;
    } catch {
      // A holder between create and write: judged by age alone.
      return Date.now() - info.mtimeMs > 1000;
    }
    return typeof pid === 'number' && pid !== process.pid && !alive(pid);
  } catch {
    return false; // gone already: the next attempt creates it
  }
}
