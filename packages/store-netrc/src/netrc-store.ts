import { close as closeCallback, constants, fstat as fstatCallback, open as openCallback, readFile as readFileCallback } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { promisify } from 'node:util';
import { type Credential, type CredentialStore, isAuthError, protect, ReadOnlyStoreError } from '@auth/core';
import { type Netrc, parseNetrc } from './netrc.js';

// Not node:fs/promises: loading it costs a CLI's start-up more than reading the file.
const readFile = promisify(readFileCallback);
const open = promisify(openCallback);
const fstat = promisify(fstatCallback);
const close = promisify(closeCallback);

/** What a path that is not a regular file is, for the warning. */
function kind(info: import('node:fs').Stats): string {
  if (info.isFIFO()) return 'a FIFO';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * The text of the netrc file. Opened without blocking and checked on the open descriptor: a FIFO
 * would hang the read, and a device such as /dev/zero would never end. A folder keeps its EISDIR.
 */
async function readRegular(path: string): Promise<string> {
  const fd = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const info = await fstat(fd);
    if (info.isDirectory()) throw Object.assign(new Error(`EISDIR: ${path}`), { code: 'EISDIR' });
    if (!info.isFile()) throw Object.assign(new Error(`${path} is ${kind(info)}`), { code: 'ENOTREG', kind: kind(info) });
    return await readFile(fd, 'utf8');
  } finally {
    await close(fd).catch(() => {});
  }
}

export interface NetrcStoreOptions {
  /** The netrc file. Default: `NETRC` (if set and not empty), else `~/.netrc`. */
  path?: string;
  /** The environment that gives NETRC and HOME. Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /**
   * Told, once per message, why the netrc file is not used (missing, unreadable, malformed, no
   * HOME); the store then counts as empty. Default: `process.emitWarning`.
   */
  onWarning?: (message: string) => void;
}

const empty = (): Netrc => ({ machines: new Map(), default: undefined });

/**
 * `~/.netrc` as a read-only store: each `machine` entry is a basic credential for exactly that
 * key. The `default` entry is never used: it would send a password to every host there is.
 * As in rattler, a netrc that cannot be read or parsed is a warning and counts as empty: it is a
 * file other tools own, and it must not make a command fail.
 */
export class NetrcStore implements CredentialStore {
  readonly name = 'netrc';
  readonly readOnly = true;
  /** Undefined when there is neither NETRC nor a usable HOME. */
  readonly path: string | undefined;
  /** A file named explicitly should exist; the implicit `~/.netrc` may be absent without a word. */
  readonly #explicit: boolean;
  readonly #warn: (message: string) => void;
  readonly #warned = new Set<string>();

  constructor(options: NetrcStoreOptions = {}) {
    const env = options.env ?? process.env;
    const home = env.HOME && isAbsolute(env.HOME) ? env.HOME : undefined;
    this.path = options.path ?? (env.NETRC || (home && join(home, '.netrc')));
    this.#explicit = options.path !== undefined || Boolean(env.NETRC);
    this.#warn = options.onWarning ?? ((message) => process.emitWarning(message, 'NetrcWarning'));
  }

  get location(): string | undefined {
    return this.path;
  }

  #reading: Promise<Netrc> | undefined;

  /** Calls made while a read is under way share it. */
  #read(): Promise<Netrc> {
    this.#reading ??= this.#readNow().finally(() => {
      this.#reading = undefined;
    });
    return this.#reading;
  }

  async #readNow(): Promise<Netrc> {
    if (this.path === undefined) {
      this.#warning('HOME is not set or not an absolute path, so ~/.netrc is not read; set HOME or NETRC');
      return empty();
    }
    let text: string;
    try {
      text = await readRegular(this.path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && !this.#explicit) return empty();
      this.#warning(
        code === 'ENOENT'
          ? `the netrc file ${this.path} (named by NETRC) does not exist; it is not used`
          : code === 'ENOTREG'
            ? `the netrc file ${this.path} is ${(error as { kind: string }).kind}, not a regular file; it is not used`
            : `cannot read the netrc file ${this.path} (${code}); it is not used`,
      );
      return empty();
    }
    try {
      return parseNetrc(text, this.path);
    } catch (error) {
      if (!isAuthError(error, 'STORE_CORRUPT')) throw error;
      this.#warning(`${error.message}; the netrc file is not used`);
      return empty();
    }
  }

  #warning(message: string): void {
    if (this.#warned.has(message)) return;
    this.#warned.add(message);
    this.#warn(message);
  }

  async get(key: string): Promise<Credential | undefined> {
    const entry = (await this.#read()).machines.get(key);
    if (!entry) return undefined;
    return protect({ type: 'basic', username: entry.login ?? '', password: entry.password ?? '' });
  }

  async list(): Promise<string[]> {
    return [...(await this.#read()).machines.keys()].sort();
  }

  async set(): Promise<void> {
    throw new ReadOnlyStoreError(this.name, `the netrc store is read-only; edit ${this.path ?? '~/.netrc'} yourself`);
  }

  async delete(): Promise<boolean> {
    throw new ReadOnlyStoreError(this.name, `the netrc store is read-only; edit ${this.path ?? '~/.netrc'} yourself`);
  }
}

export function createStore(options?: NetrcStoreOptions): NetrcStore {
  return new NetrcStore(options);
}
