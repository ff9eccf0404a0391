import { fileKind, NotRegularFileError, StoreFailedError, StoreLockedError } from '@auth/core';
import { close, fstat, futimes, link, lstat, open, readFile, rename, unlink, writeFile } from './fs.js';
import { alive, processStart, thisMachine } from './liveness.js';
import { tempPath, uniqueSuffix } from './temp-files.js';

/**
 * An exclusive lock beside the credentials file (`<file>.lock`).
 *
 * Why not proper-lockfile: it judges a lock stale when its mtime stops moving, so a holder that
 * is merely stopped (SIGSTOP, a suspended laptop, a debugger) loses its lock and then writes
 * anyway. Here a holder on this machine is judged by whether its process still exists (pid and
 * start time, so a reused pid is not mistaken for it); only a holder on another machine, whose
 * process we cannot see, is judged by its heartbeat. And every lock carries a unique token, which
 * the holder checks before it renames and before it releases.
 *
 * The lock is born complete: its record is written to a temporary file that is then hard-linked
 * to the lock path, so no reader ever sees an empty lock and a full disk leaves none behind.
 */

export interface LockOptions {
  /** How long to wait for a live holder before giving up. */
  timeoutMs: number;
  /** A lock of another machine's process whose heartbeat is older than this is stale. */
  staleMs: number;
  /** Which machine we are on. Default: host name, pid namespace and boot id. Tests pretend otherwise. */
  machine?: string;
}

/** What a lock file records about its holder. */
interface Holder {
  pid: number;
  /** Host name, pid namespace and boot id: pids mean something only where all are ours. */
  machine: string;
  /** The process's start time (clock ticks since boot), when the OS tells it: tells reused pids apart. */
  start?: string;
  token: string;
}

export interface Lock {
  readonly path: string;
  /** Whether the lock file is still the one this holder created. */
  owned(): Promise<boolean>;
  /** Removes the lock if it is still ours; stops the heartbeat. */
  release(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Read on the first lock, not at load: a command that only reads never needs it.
let ownStartRead: { value: string | undefined } | undefined;
const ownStart = () => (ownStartRead ??= { value: processStart(process.pid) }).value;
const newToken = () => `${process.pid}.${uniqueSuffix()}`;

/** Tokens of the locks this module holds now: a lock with our pid and another token is a leftover. */
const held = new Set<string>();

interface Found {
  holder: Holder | undefined;
  text: string;
  mtimeMs: number;
}

/** The lock as it is now, or undefined if there is none. Anything but a regular file is an error. */
async function inspect(lockPath: string): Promise<Found | undefined> {
  let info: import('node:fs').Stats;
  try {
    info = await lstat(lockPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw lockFailed(lockPath, error);
  }
  if (!info.isFile()) throw new NotRegularFileError('file', lockPath, fileKind(info), 'the lock file');
  let text: string;
  try {
    text = await readFile(lockPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw lockFailed(lockPath, error);
  }
  return { holder: parseHolder(text), text, mtimeMs: info.mtimeMs };
}

function parseHolder(text: string): Holder | undefined {
  try {
    const value = JSON.parse(text) as Partial<Holder> & { host?: string };
    if (typeof value.pid !== 'number') return undefined;
    // Locks of earlier versions recorded only the host name and no token.
    return { pid: value.pid, machine: value.machine ?? value.host ?? '', start: value.start, token: value.token ?? '' };
  } catch {
    return undefined;
  }
}

/** Whether a recorded machine is ours; a record without a pid namespace is matched by host name. */
function sameMachine(recorded: string, machine: string): boolean {
  return recorded === machine || (!recorded.includes(' ') && recorded === machine.split(' ')[0]);
}

/**
 * The one rule for taking a lock from its holder: the holder is gone. On this machine that means
 * its process is dead, or its pid now belongs to another process (another start time; our own
 * pid with a token we do not hold, as after a container restart). A holder elsewhere is gone when
 * its heartbeat stopped. A lock we cannot read (another tool's) is judged by its age alone.
 */
function isStale(found: Found, options: LockOptions, machine: string): boolean {
  const { holder } = found;
  if (!holder || !sameMachine(holder.machine, machine)) return Date.now() - found.mtimeMs > options.staleMs;
  if (holder.pid === process.pid) {
    if (holder.start !== undefined && ownStart() !== undefined && holder.start !== ownStart()) return true;
    return !held.has(holder.token);
  }
  if (!alive(holder.pid)) return true;
  const start = holder.start === undefined ? undefined : processStart(holder.pid);
  return start !== undefined && start !== holder.start;
}

/**
 * Removes the lock we judged stale, and nothing else: it is moved aside first, and if what was
 * moved is not the lock we judged (a new holder took it in between), it is linked back.
 */
async function breakStale(lockPath: string, judged: Found): Promise<void> {
  const aside = tempPath(lockPath);
  try {
    await rename(lockPath, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw lockFailed(lockPath, error);
  }
  const moved = await readFile(aside, 'utf8').catch(() => undefined);
  if (moved !== judged.text) await link(aside, lockPath).catch(() => {});
  await unlink(aside).catch(() => {});
}

/** Creates the lock complete or not at all: written to a temporary file, then linked into place. */
async function tryCreate(lockPath: string, holder: Holder): Promise<number | undefined> {
  const temp = tempPath(lockPath);
  let fd: number | undefined;
  try {
    fd = await open(temp, 'wx', 0o600);
    await writeFile(fd, JSON.stringify(holder));
    await link(temp, lockPath);
    return fd;
  } catch (error) {
    if (fd !== undefined) await close(fd).catch(() => {});
    if ((error as NodeJS.ErrnoException).code === 'EEXIST' && fd !== undefined) return undefined;
    throw lockFailed(lockPath, error);
  } finally {
    await unlink(temp).catch(() => {});
  }
}

export async function acquireLock(lockPath: string, options: LockOptions): Promise<Lock> {
  const machine = options.machine ?? thisMachine();
  const deadline = Date.now() + options.timeoutMs;
  let wait = 2;
  for (;;) {
    const holder: Holder = { pid: process.pid, machine, start: ownStart(), token: newToken() };
    held.add(holder.token);
    const fd = await tryCreate(lockPath, holder).catch((error: unknown) => {
      held.delete(holder.token);
      throw error;
    });
    if (fd !== undefined) return heldLock(lockPath, fd, holder, options.staleMs);
    held.delete(holder.token);
    const found = await inspect(lockPath);
    if (found && isStale(found, options, machine)) {
      await breakStale(lockPath, found);
      continue;
    }
    if (Date.now() >= deadline) throw lockedError(lockPath, found, options.timeoutMs);
    await sleep(wait + Math.random() * wait);
    wait = Math.min(wait * 2, 50);
  }
}

/** A lock we hold: its heartbeat keeps it fresh for holders on other machines. */
function heldLock(lockPath: string, fd: number, holder: Holder, staleMs: number): Lock {
  const beat = setInterval(
    () => {
      const now = new Date();
      futimes(fd, now, now).catch(() => {});
    },
    Math.max(10, Math.floor(staleMs / 3)),
  );
  beat.unref();
  const owned = async (): Promise<boolean> => {
    const found = await inspect(lockPath).catch(() => undefined);
    if (found?.holder?.token !== holder.token) return false;
    // The same text could in theory be a copy; the same inode cannot.
    const [mine, now] = await Promise.all([fstat(fd), lstat(lockPath).catch(() => undefined)]);
    return now !== undefined && mine.ino === now.ino && mine.dev === now.dev;
  };
  let released = false;
  return {
    path: lockPath,
    owned,
    async release() {
      if (released) return;
      released = true;
      clearInterval(beat);
      try {
        if (await owned()) await unlink(lockPath).catch(() => {});
      } finally {
        held.delete(holder.token);
        await close(fd).catch(() => {});
      }
    },
  };
}

function lockedError(lockPath: string, found: Found | undefined, timeoutMs: number): StoreLockedError {
  const who = found?.holder ? `process ${found.holder.pid} on ${found.holder.machine.split(' ')[0]}` : 'another process';
  return new StoreLockedError(
    'file',
    `the credentials file is locked by ${who} for over ${timeoutMs} ms; if no auth or pixi command is running, remove ${lockPath}`,
  );
}

function lockFailed(lockPath: string, error: unknown): StoreFailedError {
  const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  return new StoreFailedError('file', `cannot create the lock ${lockPath}: ${code}`, { cause: error });
}
