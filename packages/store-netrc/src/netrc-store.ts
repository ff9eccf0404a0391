import { isAbsolute, join } from 'node:path';
import { type Credential, type CredentialStore, isAuthError, protect, ReadOnlyStoreError, readRegularFileSync } from '@auth/core';
import { type Netrc, parseNetrc } from './netrc.js';

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
    let text: string | undefined;
    try {
      text = readRegularFileSync('netrc', this.path, 'the netrc file');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      this.#warning(isAuthError(error) ? `${error.message}; it is not used` : `cannot read the netrc file ${this.path} (${code}); it is not used`);
      return empty();
    }
    if (text === undefined) {
      if (this.#explicit) this.#warning(`the netrc file ${this.path} (named by NETRC) does not exist; it is not used`);
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
