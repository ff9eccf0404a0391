import { answerOf, firstHeldReads, readsManyAtOnce, type Lookup, type ReadKey, type StoreChain } from './chain.js';
import type { Credential } from './credential.js';
import type { StoreUnavailableError } from './errors.js';
import type { CredentialStore } from './store.js';

/**
 * After this many distinct keys probed in a `probe` store, one `list()` is cheaper than probing
 * on: a long-running client asking for thousands of distinct paths switches to the listing.
 */
export const PROBE_LIMIT = 64;

interface StoreView {
  store: CredentialStore;
  /** The store's keys once listed; undefined while it is probed key by key. */
  keys?: Set<string>;
  /** Listing it said it is unavailable: every read gives this error. */
  unavailable?: StoreUnavailableError;
  /** Reads by key, hits and misses alike; concurrent readers share one. */
  reads: Map<string, Promise<Credential | undefined>>;
  /** Keys already part of a `getFirst()` question, not yet read, with how to read them from its answer. */
  asked: Map<string, (key: string) => Promise<Credential | undefined>>;
  switching?: boolean;
}

/**
 * A cached view of a chain for many lookups (the authenticator's): each `list` store is listed
 * once, each `probe` store is asked per candidate key, and each key is read once per store. The
 * chain still decides precedence and what an unavailable store means (`StoreChain.first`).
 */
export class ChainReader {
  readonly chain: StoreChain;
  readonly #views = new Map<CredentialStore, StoreView>();
  #listing: Promise<void> | undefined;
  /** True once every `list` store has been listed (or found unavailable). */
  settled = false;
  /** `host` and `host:port` that have keys with a path in some listed store. */
  readonly #pathBases = new Set<string>();

  constructor(chain: StoreChain) {
    this.chain = chain;
    for (const store of chain.stores) this.#views.set(store, { store, reads: new Map(), asked: new Map() });
  }

  /** Lists every `list` store once; concurrent callers share the listing, a failure is retried. */
  ready(): Promise<void> {
    this.#listing ??= this.#listAll().catch((error) => {
      this.#listing = undefined;
      throw error;
    });
    return this.#listing;
  }

  async #listAll(): Promise<void> {
    const views = [...this.#views.values()].filter((v) => v.store.lookup !== 'probe');
    await Promise.all(views.map((view) => this.#list(view)));
    this.settled = true;
  }

  async #list(view: StoreView): Promise<void> {
    const result = await this.chain.attempt(view.store, () => view.store.list());
    if (!result.ok) {
      view.unavailable = result.error;
      return;
    }
    this.#index(view, result.value);
  }

  #index(view: StoreView, keys: string[]): void {
    view.keys = new Set(keys);
    for (const key of keys) {
      const slash = key.indexOf('/');
      if (slash > 0 && !key.startsWith('s3://')) this.#pathBases.add(key.slice(0, slash));
    }
  }

  /**
   * True when no store can hold a key with a path under this host: a URL's credential then
   * depends on its origin alone. Unknown (false) while a store is probed key by key.
   */
  originOnly(bases: readonly string[]): boolean {
    for (const view of this.#views.values()) if (!view.keys && !view.unavailable) return false;
    return !bases.some((base) => this.#pathBases.has(base));
  }

  /** The first of `keys` that some store holds, by the chain's precedence. */
  async lookup(keys: Iterable<string>): Promise<Lookup> {
    await this.ready();
    return this.chain.first(keys, this.#read);
  }

  readonly #read: ReadKey = (store, key, keys) => {
    const view = this.#views.get(store) as StoreView;
    if (view.unavailable) return Promise.reject(view.unavailable);
    if (view.keys && !view.keys.has(key)) return undefined;
    let pending = view.reads.get(key);
    if (!pending) {
      pending = this.#askedWith(view, key, keys)(key);
      view.reads.set(key, pending);
      // A failed read is asked again next time.
      pending.catch(() => view.reads.delete(key));
      if (!view.keys && view.reads.size > PROBE_LIMIT) this.#switchToListing(view);
    }
    return pending;
  };

  /**
   * How `key` is read: `get()`, or for a store that reads many keys at once, the one question
   * that asked about every key of the lookup not yet read (`firstHeldReads`), shared by them.
   */
  #askedWith(view: StoreView, key: string, keys: readonly string[]): (key: string) => Promise<Credential | undefined> {
    const { store } = view;
    if (view.keys || !readsManyAtOnce(store) || !keys.includes(key)) return (k) => answerOf(() => store.get(k));
    const asked = view.asked.get(key);
    if (asked) return asked;
    const unread = keys.filter((k) => !view.reads.has(k) && !view.asked.has(k));
    const batch = firstHeldReads(store, unread);
    for (const k of unread) view.asked.set(k, batch.read);
    // After a failure every key of it is asked again.
    batch.held.catch(() => {
      for (const k of unread) if (view.asked.get(k) === batch.read) view.asked.delete(k);
    });
    return batch.read;
  }

  #switchToListing(view: StoreView): void {
    if (view.switching) return;
    view.switching = true;
    view.store.list().then(
      (keys) => this.#index(view, keys),
      // The store goes on being probed.
      () => {},
    );
  }
}
