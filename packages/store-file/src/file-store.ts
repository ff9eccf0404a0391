import { type BigIntStats, lstatSync, type Stats, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import {
  CorruptStoreError,
  type Credential,
  type CredentialStore,
  type CredentialsDocument,
  decodeCredential,
  encodeCredential,
  fileKind,
  JsonSyntaxError,
  keyForWrite,
  keysForRead,
  readFirstForm,
  NoHomeError,
  NotRegularFileError,
  parseCredentialsDocument,
  readRegularFileSync,
  serializeCredentialsDocument,
  StoreFailedError,
  validateCredential,
} from '@auth/core';
import { close, fchmod, fsync, mkdir, open, realpath, rename, unlink, writeFile } from './fs.js';
import { acquireLock } from './lock.js';
import { checkWritable } from './special-files.js';
import { removeAbandonedTemps, tempPath } from './temp-files.js';

export interface FileStoreOptions {
  /** The credentials file. Default: `~/.rattler/credentials.json`, the file rattler and pixi use. */
  path?: string;
  /** The store's name in listings and messages. Default: "file". */
  name?: string;
  /** The environment that gives HOME for the default path. Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** How long a write waits for another writer's lock. Default: 10 s. */
  lockTimeoutMs?: number;
  /**
   * A lock held by a process on another machine (a shared home folder) is stale when its
   * heartbeat is older than this. A holder on this machine keeps its lock as long as it lives.
   * Default: 30 s.
   */
  staleLockMs?: number;
  /** The machine this process is on, as locks record it. Default: host name, pid namespace and boot id. */
  machine?: string;
}

/** `~/.rattler/credentials.json`; a missing, empty or relative HOME is an error, never the current folder. */
export function defaultCredentialsPath(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.HOME;
  if (!home || !isAbsolute(home)) {
    throw new NoHomeError('file', 'default credentials file (~/.rattler/credentials.json)', 'name a file with RATTLER_AUTH_FILE or --file');
  }
  return join(home, '.rattler', 'credentials.json');
}

interface Snapshot {
  /** Identifies the file's version: a rename gives a new inode, a write a new mtime or size. */
  stamp: string;
  doc: CredentialsDocument;
}

/**
 * rattler's `credentials.json`: one JSON object of key → rattler credential JSON, keys sorted.
 * Reads see what other processes wrote; writes are locked, re-read the file, change only their
 * own key, and replace the file atomically, so concurrent writers and crashes lose nothing.
 */
export class FileStore implements CredentialStore {
  readonly name: string;
  /** Undefined when there is no default path (no HOME): every operation then throws NoHomeError. */
  readonly path: string | undefined;
  readonly #noPath: NoHomeError | undefined;
  readonly #lockTimeoutMs: number;
  readonly #staleLockMs: number;
  readonly #machine: string | undefined;
  #snapshot: Snapshot | undefined;
  #reading: Promise<CredentialsDocument> | undefined;

  constructor(options: FileStoreOptions = {}) {
    this.name = options.name ?? 'file';
    try {
      this.path = options.path ?? defaultCredentialsPath(options.env ?? process.env);
    } catch (error) {
      this.#noPath = error as NoHomeError;
    }
    this.#lockTimeoutMs = options.lockTimeoutMs ?? 10_000;
    this.#staleLockMs = options.staleLockMs ?? 30_000;
    this.#machine = options.machine;
  }

  /** The file, or the reason there is none. */
  #file(): string {
    if (this.path === undefined) throw this.#noPath;
    return this.path;
  }

  get location(): string | undefined {
    return this.path;
  }

  get(key: string): Promise<Credential | undefined> {
    // `then` rather than `await`: `auth list` reads every entry, and a suspended async call
    // costs several times the allocation of a callback.
    return this.#read().then((doc) => {
      const raw = readFirstForm(key, (k) => doc.get(k));
      return raw === undefined ? undefined : decodeCredential(raw);
    });
  }

  async list(): Promise<string[]> {
    return [...(await this.#read()).keys()].sort();
  }

  async set(key: string, credential: Credential): Promise<void> {
    const stored = keyForWrite(key);
    validateCredential(credential);
    const raw = encodeCredential(credential);
    await this.#update((doc) => {
      if (doc.get(stored) === raw) return false;
      doc.set(stored, raw);
      return true;
    });
  }

  async delete(key: string): Promise<boolean> {
    let removed = false;
    await this.#update((doc) => {
      for (const k of keysForRead(key)) removed = doc.delete(k) || removed;
      return removed;
    });
    return removed;
  }

  /**
   * The document as it is on disk now; parsed again only when the file changed. Calls made while
   * a read is under way share it: `auth list` asks for every entry at once.
   */
  #read(): Promise<CredentialsDocument> {
    this.#reading ??= this.#readNow().finally(() => {
      this.#reading = undefined;
    });
    return this.#reading;
  }

  async #readNow(): Promise<CredentialsDocument> {
    const path = this.#file();
    let info: BigIntStats | undefined;
    try {
      // Synchronous, as the read itself is (readRegularFileSync says why).
      info = statSync(path, { bigint: true, throwIfNoEntry: false });
    } catch (error) {
      throw this.#failed('read', error);
    }
    if (info === undefined) {
      // Missing, or a link to nothing: the second is said, as a write into it would be refused.
      if (lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink()) throw new NotRegularFileError(this.name, path, 'a dangling symlink');
      return new Map();
    }
    if (!info.isFile()) throw new NotRegularFileError(this.name, path, fileKind(info as unknown as Stats));
    const stamp = `${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}`;
    if (this.#snapshot?.stamp === stamp) return this.#snapshot.doc;
    const doc = this.#parseFile(path);
    // As git does with "racily clean" files: a file changed within the clock's granularity could
    // change again without its stamp changing, so only an older file's snapshot is reused.
    if (Date.now() - Number(info.mtimeMs) > 2000) this.#snapshot = { stamp, doc };
    return doc;
  }

  #parseFile(path: string): CredentialsDocument {
    let text: string | undefined;
    try {
      text = readRegularFileSync(this.name, path);
    } catch (error) {
      if (error instanceof NotRegularFileError) throw error;
      throw this.#failed('read', error);
    }
    if (text === undefined) return new Map();
    try {
      return parseCredentialsDocument(text);
    } catch (error) {
      if (!(error instanceof JsonSyntaxError)) throw error;
      throw new CorruptStoreError(
        this.name,
        `${path} is not a valid credentials file (${error.message}); fix or move it, it will not be overwritten`,
        { path, line: error.line, column: error.column },
      );
    }
  }

  /**
   * Lock, re-read, let `change` edit the document, and replace the file if it changed. A writer
   * that finds its lock taken before it renames writes nothing and starts again from the lock.
   */
  async #update(change: (doc: CredentialsDocument) => boolean): Promise<void> {
    const target = await this.#target();
    const folder = dirname(target);
    try {
      await mkdir(folder, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw this.#failed('create the folder for', error);
    }
    const deadline = Date.now() + this.#lockTimeoutMs;
    for (;;) {
      const lock = await acquireLock(`${target}.lock`, {
        timeoutMs: Math.max(0, deadline - Date.now()),
        staleMs: this.#staleLockMs,
        ...(this.#machine === undefined ? {} : { machine: this.#machine }),
      });
      try {
        const doc = this.#parseFile(target);
        if (!change(doc)) return;
        await removeAbandonedTemps(folder, basename(target), this.#staleLockMs);
        const renamed = await writeAtomically(target, serializeCredentialsDocument(doc), lock.owned);
        if (renamed) {
          this.#snapshot = undefined;
          return;
        }
      } catch (error) {
        if (error instanceof CorruptStoreError || error instanceof StoreFailedError) throw error;
        throw this.#failed('write', error);
      } finally {
        await lock.release();
      }
    }
  }

  /** The file to replace: the real file behind a symlink, so that a linked file stays linked. */
  async #target(): Promise<string> {
    const path = this.#file();
    await checkWritable(this.name, path).catch((error: unknown) => {
      throw error instanceof NotRegularFileError ? error : this.#failed('write', error);
    });
    try {
      return await realpath(path);
    } catch {
      return path;
    }
  }

  #failed(what: string, error: unknown): StoreFailedError {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return new StoreFailedError(this.name, `cannot ${what} ${this.path}: ${code}`, { cause: error });
  }
}

/**
 * Writes a sibling temporary file (0600), syncs it, and, if `stillOurs()` says the lock is still
 * ours, renames it over the target and syncs the folder. Returns whether it renamed.
 */
async function writeAtomically(target: string, text: string, stillOurs: () => Promise<boolean>): Promise<boolean> {
  const temp = tempPath(target);
  const fd = await open(temp, 'wx', 0o600);
  try {
    await writeFile(fd, text, 'utf8');
    await fchmod(fd, 0o600);
    await fsync(fd);
  } catch (error) {
    await close(fd);
    await unlink(temp).catch(() => {});
    throw error;
  }
  await close(fd);
  try {
    if (!(await stillOurs())) {
      await unlink(temp).catch(() => {});
      return false;
    }
    await rename(temp, target);
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
  await syncFolder(dirname(target));
  return true;
}

async function syncFolder(folder: string): Promise<void> {
  let fd: number | undefined;
  try {
    fd = await open(folder, 'r');
    await fsync(fd);
  } catch {
    // Some platforms cannot sync a directory; the rename itself is still atomic.
  } finally {
    if (fd !== undefined) await close(fd);
  }
}

export function createStore(options?: FileStoreOptions): FileStore {
  return new FileStore(options);
}
