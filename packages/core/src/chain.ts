import type { Credential } from './credential.js';
import { isAuthError, isUnavailable, ReadOnlyStoreError, type StoreUnavailableError } from './errors.js';
import type { CredentialStore, FirstHeld } from './store.js';

export interface ChainEvents {
  /** A store could not be used and was passed over; called once per store. */
  onUnavailable?(store: CredentialStore, error: StoreUnavailableError): void;
  /** `set` wrote to `to` because `from` could not be used (the keychain → file fallback). */
  onFallback?(from: CredentialStore, to: CredentialStore, error: StoreUnavailableError): void;
  /** Pass over unavailable stores (default). When false, an unavailable store's error is thrown. */
  passOverUnavailable?: boolean;
}

/** A store that could not be checked (no keychain, locked, timed out), and why. */
export interface Unchecked {
  store: CredentialStore;
  error: StoreUnavailableError;
}

/** One stored credential and where it came from. */
export interface Resolution {
  key: string;
  store: CredentialStore;
  credential: Credential;
}

/**
 * The answer to a read. Nothing stored is `found: undefined` with `unchecked` empty; a non-empty
 * `unchecked` means those stores (all before the found one, if any) could not be asked.
 */
export interface Lookup {
  found: Resolution | undefined;
  unchecked: Unchecked[];
}

export interface ListedKey {
  key: string;
  store: CredentialStore;
  /** An earlier store in the chain holds the same key, so this entry is never used. */
  shadowed: boolean;
}

export interface Listing {
  entries: ListedKey[];
  /** Stores whose keys could not be listed. */
  unchecked: Unchecked[];
}

export interface DeleteReport {
  removedFrom: CredentialStore[];
  /** Read-only stores that still hold the key. */
  readOnlyHolders: CredentialStore[];
  /** Stores that could not be asked: they may still hold the key. */
  unchecked: Unchecked[];
}

/**
 * How a reader asks one store for one key of a lookup (`keys`, all of them in order, for stores
 * that read many at once): a pending read, or undefined when it knows without asking that the
 * store does not hold the key (from the store's listing).
 */
export type ReadKey = (store: CredentialStore, key: string, keys: readonly string[]) => Promise<Credential | undefined> | undefined;

type Attempt<T> = { ok: true; value: T } | { ok: false; error: StoreUnavailableError };

type ReadsManyAtOnce = CredentialStore & Required<Pick<CredentialStore, 'getFirst'>>;

/** A store that answers for many keys at once (`getFirst`): readers ask it once per lookup. */
export function readsManyAtOnce(store: CredentialStore): store is ReadsManyAtOnce {
  return typeof store.getFirst === 'function';
}

/** Reads without a cache; a store with `getFirst` is asked once per lookup (`firstHeldReads`). */
function directReader(): ReadKey {
  const batches = new Map<CredentialStore, FirstHeldReads>();
  return (store, key, keys) => {
    if (!readsManyAtOnce(store)) return store.get(key);
    let batch = batches.get(store);
    if (!batch) {
      batch = firstHeldReads(store, keys);
      batches.set(store, batch);
    }
    return batch.read(key);
  };
}

export interface FirstHeldReads {
  /** The store's one answer. */
  held: Promise<FirstHeld | undefined>;
  /** A read of one key, from that answer. */
  read: (key: string) => Promise<Credential | undefined>;
}

/**
 * One `getFirst(keys)` as reads of each of `keys`: the found key gives its credential, the keys
 * before it give nothing (the store does not hold them), and a key after it, which the store was
 * not asked about, is read with `get()` when it is read.
 */
export function firstHeldReads(store: ReadsManyAtOnce, keys: readonly string[]): FirstHeldReads {
  const held = answerOf(() => store.getFirst(keys));
  held.catch(() => {}); // each read carries the error
  const read = (key: string) =>
    held.then((given) => {
      // A plugin's answer without a credential is no answer.
      const found = given?.credential ? given : undefined;
      if (key === found?.key) return found.credential;
      const at = keys.indexOf(key);
      const before = at >= 0 && (found === undefined || at < keys.indexOf(found.key));
      return before ? undefined : store.get(key);
    });
  return { held, read };
}

/** A store's answer as a promise, whether the store returned one, a value, or threw (a plugin's may). */
export function answerOf<T>(call: () => T | Promise<T>): Promise<T> {
  try {
    return Promise.resolve(call());
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * Stores in order of precedence, as rattler's: get from the first that has the key, set into the
 * first writable one that works, delete from all. The chain alone decides what an unavailable
 * store means: it is reported through `events` once and passed over (or thrown, with
 * `passOverUnavailable: false`), and every result names the stores that could not be checked.
 */
export class StoreChain implements CredentialStore {
  readonly name = 'chain';
  readonly stores: readonly CredentialStore[];
  readonly #events: ChainEvents;
  readonly #reported = new Set<CredentialStore>();

  constructor(stores: readonly CredentialStore[], events: ChainEvents = {}) {
    this.stores = stores;
    this.#events = events;
  }

  /** Runs `op` on a store; an unavailable store is reported and gives its error. */
  async attempt<T>(store: CredentialStore, op: () => Promise<T>): Promise<Attempt<T>> {
    try {
      return { ok: true, value: await op() };
    } catch (error) {
      if (!isUnavailable(error) || this.#events.passOverUnavailable === false) throw error;
      if (!this.#reported.has(store)) {
        this.#reported.add(store);
        this.#events.onUnavailable?.(store, error);
      }
      return { ok: false, error };
    }
  }

  /**
   * The rule of precedence, for every reader: keys in the order given (most specific first), and
   * for each key the stores in chain order; the first store that has a key wins.
   */
  async first(keys: Iterable<string>, read: ReadKey = directReader()): Promise<Lookup> {
    const unchecked: Unchecked[] = [];
    // A store that reads many keys at once is given them all (wildcard keys included), so the
    // candidates are made up front; otherwise they stay lazy, made only until one answers.
    const all: readonly string[] = this.stores.some(readsManyAtOnce) ? [...keys] : [];
    for (const key of all.length > 0 ? all : keys) {
      for (const store of this.stores) {
        if (unchecked.some((u) => u.store === store)) continue;
        const pending = read(store, key, all);
        if (pending === undefined) continue;
        const result = await this.attempt(store, () => pending);
        if (!result.ok) unchecked.push({ store, error: result.error });
        else if (result.value !== undefined) return { found: { key, store, credential: result.value }, unchecked };
      }
    }
    return { found: undefined, unchecked };
  }

  find(key: string): Promise<Lookup> {
    return this.first([key]);
  }

  async get(key: string): Promise<Credential | undefined> {
    return (await this.find(key)).found?.credential;
  }

  /** Stores the credential and returns the store that took it. */
  async store(key: string, credential: Credential): Promise<CredentialStore> {
    let skipped: Unchecked | undefined;
    let readOnly: CredentialStore | undefined;
    for (const store of this.stores) {
      if (store.readOnly) {
        readOnly ??= store;
        continue;
      }
      try {
        await store.set(key, credential);
      } catch (error) {
        if (isAuthError(error, 'STORE_READ_ONLY')) {
          readOnly ??= store;
          continue;
        }
        if (!isUnavailable(error) || this.#events.passOverUnavailable === false) throw error;
        skipped ??= { store, error };
        continue;
      }
      if (skipped) this.#events.onFallback?.(skipped.store, store, skipped.error);
      return store;
    }
    if (skipped) throw skipped.error;
    if (readOnly) {
      const where = readOnly.location ? `: edit ${readOnly.location} yourself` : '';
      throw new ReadOnlyStoreError(readOnly.name, `the ${readOnly.name} store is read-only${where}`);
    }
    throw new ReadOnlyStoreError('chain', 'no store is configured');
  }

  async set(key: string, credential: Credential): Promise<void> {
    await this.store(key, credential);
  }

  /** Removes the key from every writable store that has it. */
  async remove(key: string): Promise<DeleteReport> {
    const report: DeleteReport = { removedFrom: [], readOnlyHolders: [], unchecked: [] };
    for (const store of this.stores) {
      const result = store.readOnly
        ? await this.attempt(store, async () => (await store.get(key)) !== undefined)
        : await this.attempt(store, () => store.delete(key));
      if (!result.ok) report.unchecked.push({ store, error: result.error });
      else if (result.value) (store.readOnly ? report.readOnlyHolders : report.removedFrom).push(store);
    }
    return report;
  }

  async delete(key: string): Promise<boolean> {
    return (await this.remove(key)).removedFrom.length > 0;
  }

  /** Every key with its store, in precedence order; later copies of a key are `shadowed`. */
  async entries(): Promise<Listing> {
    const seen = new Set<string>();
    const listing: Listing = { entries: [], unchecked: [] };
    for (const [position, store] of this.stores.entries()) {
      const result = await this.attempt(store, () => store.list());
      if (!result.ok) {
        listing.unchecked.push({ store, error: result.error });
        continue;
      }
      for (const key of [...result.value].sort()) listing.entries.push({ key, store, shadowed: seen.has(key) });
      // Only keys a later store also holds are shadowed (and a listing may be long).
      if (position < this.stores.length - 1) for (const key of result.value) seen.add(key);
    }
    return listing;
  }

  async list(): Promise<string[]> {
    return [...new Set((await this.entries()).entries.map((e) => e.key))];
  }
}

/**
 * The chain itself, or a chain of one for a bare store. A function beside the class, not a static
 * method: a class that names itself inside its body is renamed by the CLI's bundler.
 */
export function chainOf(store: CredentialStore): StoreChain {
  return store instanceof StoreChain ? store : new StoreChain([store]);
}
