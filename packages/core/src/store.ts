import { type Credential, protect, validateCredential } from './credential.js';
import { canonicalKey } from './keys.js';

/**
 * The key a store writes under: `canonicalKey(key)`, so `HTTPS://Foo.Example.com/` is written as
 * `foo.example.com` and keys as pixi writes them pass unchanged; InvalidKeyError for a key that
 * cannot be one.
 */
export function keyForWrite(key: string): string {
  return canonicalKey(key);
}

/**
 * The keys a store reads or deletes for `key`: the key as given (so a key another tool wrote in
 * another form can still be read and removed, exactly as `auth list` shows it), then its
 * canonical form when that differs. Lazily: a reader that finds the key as given (every key
 * `list()` returned) never pays for canonicalising it.
 */
export function* keysForRead(key: string): Generator<string, void, undefined> {
  yield key;
  const other = otherForm(key);
  if (other !== undefined) yield other;
}

/**
 * `read` of the first of `keysForRead(key)` that holds something, without a generator: a
 * listing reads every entry, and a generator per read allocated more than the read itself.
 */
export function readFirstForm<T>(key: string, read: (form: string) => T | undefined): T | undefined {
  const found = read(key);
  if (found !== undefined) return found;
  const other = otherForm(key);
  return other === undefined ? undefined : read(other);
}

/** The canonical form of `key` when it differs from the key as given, else undefined. */
function otherForm(key: string): string | undefined {
  let canonical: string;
  try {
    canonical = canonicalKey(key);
  } catch {
    return undefined;
  }
  return canonical === key ? undefined : canonical;
}

/** What `getFirst()` found: the key as given, and its credential. */
export interface FirstHeld {
  key: string;
  credential: Credential;
}

/** Where credentials live. Implement this to swap in storage of your own. */
export interface CredentialStore {
  /** "keychain", "file", "netrc", or a plugin's own name. */
  readonly name: string;
  /** True when `set` and `delete` always throw ReadOnlyStoreError. */
  readonly readOnly?: boolean;
  /** Where the data is, for messages (a file path, a service name). Never a secret. */
  readonly location?: string;
  /**
   * How readers find a URL's credential in this store. `list` (the default): one `list()`, then
   * `get()` only for keys it returned. `probe`: `get()` each candidate key, for stores whose
   * `list()` costs more than a few reads (the keychain's reads every secret of its service).
   */
  readonly lookup?: 'list' | 'probe';
  get(key: string): Promise<Credential | undefined>;
  /**
   * Optional, for `probe` stores that can ask about many keys at once (the keychain sends every
   * search on one connection): the first of `keys`, in their order, that the store holds, with
   * that key as given. Each key is read as `get()` reads it. Readers then ask once per lookup,
   * not once per candidate key.
   */
  getFirst?(keys: readonly string[]): Promise<FirstHeld | undefined>;
  /** Read-only stores throw ReadOnlyStoreError. */
  set(key: string, credential: Credential): Promise<void>;
  delete(key: string): Promise<boolean>;
  /** Keys only; never reads more secrets than it must. */
  list(): Promise<string[]>;
}

/** A store that lives as long as the process: for tests, and for tools that inject credentials. */
export class MemoryStore implements CredentialStore {
  readonly name: string;
  readonly #entries = new Map<string, Credential>();

  constructor(entries: Iterable<[string, Credential]> = [], name = 'memory') {
    this.name = name;
    for (const [key, credential] of entries) this.#entries.set(key, protect({ ...credential }));
  }

  async get(key: string): Promise<Credential | undefined> {
    const found = readFirstForm(key, (k) => this.#entries.get(k));
    return found && protect({ ...found });
  }

  async set(key: string, credential: Credential): Promise<void> {
    validateCredential(credential);
    this.#entries.set(keyForWrite(key), protect({ ...credential }));
  }

  async delete(key: string): Promise<boolean> {
    let removed = false;
    for (const k of keysForRead(key)) removed = this.#entries.delete(k) || removed;
    return removed;
  }

  async list(): Promise<string[]> {
    return [...this.#entries.keys()];
  }
}
