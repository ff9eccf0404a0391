import type { StoreChain } from './chain.js';
import type { Credential } from './credential.js';
import { type Application, applyAt, authorityEnd, type HttpRequest, type RequestInput, safeApplicationOf } from './decorate.js';
import { isUnavailable, type StoreUnavailableError } from './errors.js';
import { normalizeHostname } from './keys.js';
import { candidateKeys, hostBases, wildcardsFor } from './match.js';
import type { CredentialStore } from './store.js';

export interface Resolution {
  key: string;
  /** The name of the store the credential came from. */
  store: string;
  credential: Credential;
}

export interface Authenticator {
  /** The credential a request to this URL would carry, or undefined. */
  resolve(url: string | URL): Promise<Resolution | undefined>;
  /** The request to send: headers or URL with the credential applied, or unchanged. */
  decorate(request: RequestInput): Promise<HttpRequest>;
  /** Forgets every cached key and credential, so the next request reads the stores again. */
  clear(): void;
}

export interface AuthenticatorOptions {
  store: CredentialStore;
  /** Called once per store that cannot be used (it is then treated as empty). */
  onUnavailable?(store: CredentialStore, error: StoreUnavailableError): void;
}

interface Index {
  /** key → position of the first store that holds it. */
  owner: Map<string, number>;
  /** `host` and `host:port` bases that have keys with a path: only those need the full path walk. */
  pathBases: Set<string>;
}

interface Entry {
  resolution: Resolution;
  application?: Application;
  error?: unknown;
}

type Match = { key: string; store: number };

interface Origin {
  matches: Match[] | null;
  /** The credential for this origin once read; null when no key matched. */
  entry?: Entry | null;
}

function isChain(store: CredentialStore): store is StoreChain {
  const candidate = store as Partial<StoreChain>;
  return Array.isArray(candidate.stores) && typeof candidate.reportUnavailable === 'function';
}

/**
 * Resolves and applies credentials with a per-process cache: each store is listed once, each
 * matched key is read once (hits and misses alike), and concurrent first lookups share one read.
 */
export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  // Told by shape, not class: the chain may come from another copy of this package.
  const chain = isChain(options.store) ? options.store : undefined;
  const stores = chain ? chain.stores : [options.store];
  const reported = new Set<CredentialStore>();
  const report = (store: CredentialStore, error: StoreUnavailableError) => {
    chain?.reportUnavailable(store, error);
    if (reported.has(store)) return;
    reported.add(store);
    options.onUnavailable?.(store, error);
  };

  let index: Promise<Index> | undefined;
  let settledIndex: Index | undefined;
  const entries = new Map<string, Promise<Entry | undefined>>();
  const origins = new Map<string, Origin>();

  async function loadIndex(): Promise<Index> {
    const owner = new Map<string, number>();
    const pathBases = new Set<string>();
    const lists = await Promise.all(
      stores.map(async (store) => {
        try {
          return await store.list();
        } catch (error) {
          if (!isUnavailable(error)) throw error;
          report(store, error);
          return [];
        }
      }),
    );
    lists.forEach((keys, position) => {
      for (const key of keys) {
        if (!owner.has(key)) owner.set(key, position);
        const slash = key.indexOf('/');
        if (slash > 0 && !key.startsWith('s3://')) pathBases.add(key.slice(0, slash));
      }
    });
    settledIndex = { owner, pathBases };
    return settledIndex;
  }

  function matches(idx: Index, keys: string[]): Match[] {
    const out: Match[] = [];
    for (const key of keys) {
      const store = idx.owner.get(key);
      if (store !== undefined) out.push({ key, store });
    }
    return out;
  }

  /**
   * What a `scheme://authority` prefix resolves to. Keys without a path depend on nothing else,
   * so for hosts without path keys the result is cached per origin string and, once read, a
   * request costs one scan of the authority and one Map lookup. `matches: null` marks origins
   * whose host has path keys: those walk the path on every request.
   */
  function originFor(idx: Index, origin: string): Origin {
    let found = origins.get(origin);
    if (!found) {
      found = { matches: originMatches(idx, origin) };
      origins.set(origin, found);
    }
    return found;
  }

  function originMatches(idx: Index, origin: string): Match[] | null {
    let u: URL;
    try {
      u = new URL(origin);
    } catch {
      return null;
    }
    if (u.protocol === 's3:') return null;
    const bases = hostBases(u);
    if (bases.some((base) => idx.pathBases.has(base))) return null;
    return matches(idx, [...bases, ...wildcardsFor(normalizeHostname(u.hostname))]);
  }

  function entryFor(match: Match): Promise<Entry | undefined> {
    const id = `${match.store}\u0000${match.key}`;
    let pending = entries.get(id);
    if (!pending) {
      const store = stores[match.store] as CredentialStore;
      pending = (async () => {
        let credential: Credential | undefined;
        try {
          credential = await store.get(match.key);
        } catch (error) {
          if (!isUnavailable(error)) throw error;
          report(store, error);
        }
        if (!credential) return undefined;
        const entry: Entry = { resolution: { key: match.key, store: store.name, credential } };
        if (credential.type !== 'oauth') {
          try {
            entry.application = safeApplicationOf(credential, match.key);
          } catch (error) {
            entry.error = error;
          }
        }
        return entry;
      })();
      entries.set(id, pending);
      // A failed read is retried by the next request.
      pending.catch(() => entries.delete(id));
    }
    return pending;
  }

  async function firstEntry(list: Match[]): Promise<Entry | null> {
    for (const match of list) {
      const entry = await entryFor(match);
      if (entry) return entry;
    }
    return null;
  }

  async function find(url: string, end: number): Promise<Entry | null> {
    const idx = settledIndex ?? (await (index ??= loadIndex().catch((error) => {
      index = undefined;
      throw error;
    })));
    const origin = end < 0 ? undefined : originFor(idx, url.slice(0, end));
    if (!origin || origin.matches === null) return firstEntry(matches(idx, candidateKeys(url)));
    if (origin.entry === undefined) origin.entry = await firstEntry(origin.matches);
    return origin.entry;
  }

  /** The settled entry for a URL of a warm origin without path keys; undefined when not known yet. */
  function warm(url: string, end: number): Entry | null | undefined {
    if (!settledIndex || end < 0) return undefined;
    return origins.get(url.slice(0, end))?.entry;
  }

  function apply(request: RequestInput, url: string, end: number, entry: Entry | null): HttpRequest {
    if (!entry) return { url, headers: request.headers ?? {} };
    if (entry.error) throw entry.error;
    const application = entry.application ?? safeApplicationOf(entry.resolution.credential, entry.resolution.key);
    return applyAt(url, end, request.headers, application);
  }

  return {
    async resolve(url) {
      const href = typeof url === 'string' ? url : url.href;
      const end = authorityEnd(href);
      const known = warm(href, end);
      return (known === undefined ? await find(href, end) : known)?.resolution;
    },
    async decorate(request) {
      const url = typeof request.url === 'string' ? request.url : request.url.href;
      const end = authorityEnd(url);
      const known = warm(url, end);
      return apply(request, url, end, known === undefined ? await find(url, end) : known);
    },
    clear() {
      index = undefined;
      settledIndex = undefined;
      entries.clear();
      origins.clear();
    },
  };
}
