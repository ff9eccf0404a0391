import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import {
  CorruptStoreError,
  type Credential,
  type CredentialStore,
  type CredentialsDocument,
  decodeCredential,
  encodeCredential,
  JsonSyntaxError,
  parseCredentialsDocument,
  serializeCredentialsDocument,
  StoreFailedError,
  validateCredential,
} from '@auth/core';
import { close, fchmod, fsync, mkdir, open, readdir, readFile, realpath, rename, stat, unlink, writeFile } from './fs.js';
import { acquireLock, alive } from './lock.js';

export interface FileStoreOptions {
  /** The credentials file. Default: `~/.rattler/credentials.json`, the file rattler and pixi use. */
  path?: string;
  /** The store's name in listings and messages. Default: "file". */
  name?: string;
  /** How long a write waits for another writer's lock. Default: 10 s. */
  lockTimeoutMs?: number;
  /** A lock older than this is stale whoever holds it. Default: 30 s. */
  staleLockMs?: number;
}

export function defaultCredentialsPath(): string {
  return join(homedir(), '.rattler', 'credentials.json');
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
  readonly path: string;
  readonly #lockTimeoutMs: number;
  readonly #staleLockMs: number;
  #snapshot: Snapshot | undefined;
  #reading: Promise<CredentialsDocument> | undefined;

  constructor(options: FileStoreOptions = {}) {
    this.path = options.path ?? defaultCredentialsPath();
    this.name = options.name ?? 'file';
    this.#lockTimeoutMs = options.lockTimeoutMs ?? 10_000;
    this.#staleLockMs = options.staleLockMs ?? 30_000;
  }

  get location(): string {
    return this.path;
  }

  async get(key: string): Promise<Credential | undefined> {
    const raw = (await this.#read()).get(key);
    return raw === undefined ? undefined : decodeCredential(raw);
  }

  async list(): Promise<string[]> {
    return [...(await this.#read()).keys()].sort();
  }

  async set(key: string, credential: Credential): Promise<void> {
    validateCredential(credential);
    const raw = encodeCredential(credential);
    await this.#update((doc) => {
      if (doc.get(key) === raw) return false;
      doc.set(key, raw);
      return true;
    });
  }

  async delete(key: string): Promise<boolean> {
    let removed = false;
    await this.#update((doc) => {
      removed = doc.delete(key);
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
    let info: import('node:fs').BigIntStats;
    try {
      info = (await stat(this.path, { bigint: true })) as import('node:fs').BigIntStats;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
      throw this.#failed('read', error);
    }
    const stamp = `${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}`;
    if (this.#snapshot?.stamp === stamp) return this.#snapshot.doc;
    const doc = await this.#parseFile();
    // As git does with "racily clean" files: a file changed within the clock's granularity could
    // change again without its stamp changing, so only an older file's snapshot is reused.
    if (Date.now() - Number(info.mtimeMs) > 2000) this.#snapshot = { stamp, doc };
    return doc;
  }

  async #parseFile(path = this.path): Promise<CredentialsDocument> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
      throw this.#failed('read', error);
    }
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

  /** Lock, re-read, let `change` edit the document, and replace the file if it changed. */
  async #update(change: (doc: CredentialsDocument) => boolean): Promise<void> {
    const target = await this.#target();
    const folder = dirname(target);
    try {
      await mkdir(folder, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw this.#failed('create the folder for', error);
    }
    const release = await acquireLock(`${target}.lock`, { timeoutMs: this.#lockTimeoutMs, staleMs: this.#staleLockMs });
    try {
      const doc = await this.#parseFile(target);
      if (!change(doc)) return;
      await removeAbandonedTemps(folder, basename(target));
      await writeAtomically(target, serializeCredentialsDocument(doc));
      this.#snapshot = undefined;
    } catch (error) {
      if (error instanceof CorruptStoreError || error instanceof StoreFailedError) throw error;
      throw this.#failed('write', error);
    } finally {
      await release();
    }
  }

  /** The real file behind a symlink, so that a linked credentials file stays linked. */
  async #target(): Promise<string> {
    try {
      return await realpath(this.path);
    } catch {
      return this.path;
    }
  }

  #failed(what: string, error: unknown): StoreFailedError {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return new StoreFailedError(this.name, `cannot ${what} ${this.path}: ${code}`, { cause: error });
  }
}

const tempPrefix = (name: string) => `.${name}.`;
let tempCounter = 0;

/** Unique within this process by pid and counter; the random part only guards against pid reuse. */
function tempSuffix(): string {
  tempCounter++;
  return `${process.pid}.${tempCounter}${Math.random().toString(36).slice(2, 8)}`;
}

/** Writes a sibling temporary file (0600), syncs it, renames it over the target, syncs the folder. */
async function writeAtomically(target: string, text: string): Promise<void> {
  const folder = dirname(target);
  // Not node:crypto for the name: loading it costs the CLI's start-up more than the whole write.
  const temp = join(folder, `${tempPrefix(basename(target))}${tempSuffix()}.tmp`);
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
    await rename(temp, target);
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
  await syncFolder(folder);
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

/** Temporary files left by a writer that was killed; only the lock holder calls this. */
async function removeAbandonedTemps(folder: string, name: string): Promise<void> {
  const prefix = tempPrefix(name);
  for (const entry of await readdir(folder)) {
    if (!entry.startsWith(prefix) || !entry.endsWith('.tmp')) continue;
    const pid = Number(entry.slice(prefix.length).split('.')[0]);
    if (pid !== process.pid && !alive(pid)) await unlink(join(folder, entry)).catch(() => {});
  }
}

export function createStore(options?: FileStoreOptions): FileStore {
  return new FileStore(options);
}
