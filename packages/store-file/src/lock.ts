import { close, open, readFile, rename, stat, unlink, writeFile } from './fs.js';
import { hostname } from 'node:os';
import { StoreFailedError, StoreLockedError } from '@auth/core';

/**
 * An exclusive lock beside the credentials file (`<file>.lock`), created with O_EXCL so exactly
 * one process holds it. A lock whose holder died (same host, no such process) or that is older
 * than `staleMs` is broken; breakers take a second lock so that two of them never both break
 * it and one of them then removes a fresh lock.
 */

export interface LockOptions {
  /** How long to wait for a live holder before giving up. */
  timeoutMs: number;
  /** A lock older than this is stale even if its process id is alive (it may have been reused). */
  staleMs: number;
}

interface Holder {
  pid: number;
  host: string;
  time: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether a process of this id exists (EPERM: it does, but is not ours to signal). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readHolder(path: string): Promise<{ holder: Holder | undefined; text: string; mtimeMs: number } | undefined> {
  try {
    const [text, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    let holder: Holder | undefined;
    try {
      holder = JSON.parse(text) as Holder;
    } catch {
      holder = undefined; // a holder killed between create and write: judged by age alone
    }
    return { holder, text, mtimeMs: info.mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function isStale(found: { holder: Holder | undefined; mtimeMs: number }, staleMs: number): boolean {
  const age = Date.now() - found.mtimeMs;
  if (age > staleMs) return true;
  const { holder } = found;
  if (!holder) return age > 1000;
  return holder.host === hostname() && holder.pid !== process.pid && !alive(holder.pid);
}

/** Removes a stale lock if it is still the one we judged stale. */
async function breakStale(lockPath: string, judged: string, staleMs: number): Promise<void> {
  const breaker = `${lockPath}.break`;
  let fd: number;
  try {
    fd = await open(breaker, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // Another process is breaking it; a breaker that died holding this is itself stale.
    const info = await stat(breaker).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > Math.min(staleMs, 5000)) await unlink(breaker).catch(() => {});
    return;
  }
  try {
    const now = await readHolder(lockPath);
    if (now && now.text === judged) {
      // Rename first so the stale lock vanishes in one step, then clean it up.
      const aside = `${lockPath}.stale-${process.pid}-${Date.now()}`;
      await rename(lockPath, aside);
      await unlink(aside).catch(() => {});
    }
  } finally {
    await close(fd);
    await unlink(breaker).catch(() => {});
  }
}

export async function acquireLock(lockPath: string, options: LockOptions): Promise<() => Promise<void>> {
  const deadline = Date.now() + options.timeoutMs;
  let wait = 2;
  for (;;) {
    try {
      const fd = await open(lockPath, 'wx', 0o600);
      try {
        await writeFile(fd, JSON.stringify({ pid: process.pid, host: hostname(), time: Date.now() }));
      } finally {
        await close(fd);
      }
      return async () => {
        await unlink(lockPath).catch(() => {});
      };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') {
        throw new StoreFailedError('file', `cannot create the lock ${lockPath}: ${code ?? (error as Error).message}`);
      }
    }
    const found = await readHolder(lockPath);
    if (found && isStale(found, options.staleMs)) {
      await breakStale(lockPath, found.text, options.staleMs);
      continue;
    }
    if (Date.now() >= deadline) {
      const who = found?.holder ? `process ${found.holder.pid} on ${found.holder.host}` : 'another process';
      throw new StoreLockedError(
        'file',
        `the credentials file is locked by ${who} for over ${options.timeoutMs} ms; if no auth or pixi command is running, remove ${lockPath}`,
      );
    }
    await sleep(wait + Math.random() * wait);
    wait = Math.min(wait * 2, 50);
  }
}
