import { readFile as readFileCallback } from 'node:fs';
import { promisify } from 'node:util';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { type Credential, type CredentialStore, protect, ReadOnlyStoreError, StoreFailedError } from '@auth/core';
import { type Netrc, parseNetrc } from './netrc.js';

// Not node:fs/promises: loading it costs a CLI's start-up more than reading the file.
const readFile = promisify(readFileCallback);

export interface NetrcStoreOptions {
  /** The netrc file. Default: `NETRC`, else `~/.netrc`. */
  path?: string;
}

/**
 * `~/.netrc` as a read-only store: each `machine` entry is a basic credential for exactly that
 * key. The `default` entry is never used: it would send a password to every host there is.
 */
export class NetrcStore implements CredentialStore {
  readonly name = 'netrc';
  readonly readOnly = true;
  readonly path: string;
  /** A file named explicitly must exist; the implicit `~/.netrc` may be absent. */
  readonly #explicit: boolean;

  constructor(options: NetrcStoreOptions = {}) {
    const fromEnv = process.env.NETRC;
    this.path = options.path ?? (fromEnv || join(homedir(), '.netrc'));
    this.#explicit = options.path !== undefined || Boolean(fromEnv);
  }

  get location(): string {
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
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && !this.#explicit) return { machines: new Map(), default: undefined };
      throw new StoreFailedError(
        this.name,
        code === 'ENOENT' ? `the netrc file ${this.path} does not exist (named by NETRC or --store)` : `cannot read ${this.path}: ${code}`,
        { cause: error },
      );
    }
    return parseNetrc(text, this.path);
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
    throw new ReadOnlyStoreError(this.name, `the netrc store is read-only; edit ${this.path} yourself`);
  }

  async delete(): Promise<boolean> {
    throw new ReadOnlyStoreError(this.name, `the netrc store is read-only; edit ${this.path} yourself`);
  }
}

export function createStore(options?: NetrcStoreOptions): NetrcStore {
  return new NetrcStore(options);
}
