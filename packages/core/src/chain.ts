import type { Credential } from './credential.js';
import { isAuthError, isUnavailable, ReadOnlyStoreError, type StoreUnavailableError } from './errors.js';
import type { CredentialStore } from './store.js';

export interface ChainEvents {
  /** A store could not be used and was passed over; called once per store. */
  onUnavailable?(store: CredentialStore, error: StoreUnavailableError): void;
  /** `set` wrote to `to` because `from` could not be used (the keychain → file fallback). */
  onFallback?(from: CredentialStore, to: CredentialStore, error: StoreUnavailableError): void;
  /** Pass over unavailable stores (default). When false, an unavailable store's error is thrown. */
  passOverUnavailable?: boolean;
}

export interface ListedKey {
  key: string;
  store: string;
  /** Which of the chain's stores holds it (names need not be unique). */
  position: number;
  /** An earlier store in the chain holds the same key, so this entry is never used. */
  shadowed: boolean;
}

export interface Found {
  key: string;
  store: CredentialStore;
  credential: Credential;
}

export interface DeleteReport {
  /** Names of the stores the key was removed from. */
  removedFrom: string[];
  /** Names of read-only stores that still hold the key. */
  readOnlyHolders: string[];
}

/**
 * Stores in order of precedence, as rattler's: get from the first that has the key, set into the
 * first writable one that works, delete from all. An unavailable store is reported through
 * `events` and passed over; any other failure is thrown.
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

  /** Runs `op` on a store; an unavailable store is reported and gives `undefined`. */
  async attempt<T>(store: CredentialStore, op: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: StoreUnavailableError }> {
    try {
      return { ok: true, value: await op() };
    } catch (error) {
      if (!isUnavailable(error) || this.#events.passOverUnavailable === false) throw error;
      this.reportUnavailable(store, error);
      return { ok: false, error };
    }
  }

  reportUnavailable(store: CredentialStore, error: StoreUnavailableError): void {
    if (this.#reported.has(store)) return;
    this.#reported.add(store);
    this.#events.onUnavailable?.(store, error);
  }

  async find(key: string): Promise<Found | undefined> {
    for (const store of this.stores) {
      const result = await this.attempt(store, () => store.get(key));
      if (result.ok && result.value !== undefined) return { key, store, credential: result.value };
    }
    return undefined;
  }

  async get(key: string): Promise<Credential | undefined> {
    return (await this.find(key))?.credential;
  }

  /** Stores the credential and returns the store that took it. */
  async store(key: string, credential: Credential): Promise<CredentialStore> {
    let skipped: { store: CredentialStore; error: StoreUnavailableError } | undefined;
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
    const report: DeleteReport = { removedFrom: [], readOnlyHolders: [] };
    for (const store of this.stores) {
      if (store.readOnly) {
        const listed = await this.attempt(store, () => store.list());
        if (listed.ok && listed.value.includes(key)) report.readOnlyHolders.push(store.name);
        continue;
      }
      const result = await this.attempt(store, () => store.delete(key));
      if (result.ok && result.value) report.removedFrom.push(store.name);
    }
    return report;
  }

  async delete(key: string): Promise<boolean> {
    return (await this.remove(key)).removedFrom.length > 0;
  }

  /** Every key with its store, in precedence order; later copies of a key are `shadowed`. */
  async entries(): Promise<ListedKey[]> {
    const seen = new Set<string>();
    const out: ListedKey[] = [];
    for (const [position, store] of this.stores.entries()) {
      const result = await this.attempt(store, () => store.list());
      if (!result.ok) continue;
      for (const key of [...result.value].sort()) {
        out.push({ key, store: store.name, position, shadowed: seen.has(key) });
      }
      for (const key of result.value) seen.add(key);
    }
    return out;
  }

  async list(): Promise<string[]> {
    return [...new Set((await this.entries()).map((e) => e.key))];
  }
}
