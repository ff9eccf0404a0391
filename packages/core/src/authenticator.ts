import { StoreChain } from './chain.js';
import type { Credential } from './credential.js';
import { type Application, type HttpRequest, type RequestInput, applyTo, authorityEnd, safeApplicationOf } from './decorate.js';
import { StoreUnavailableError } from './errors.js';
import { normalizeHostname } from './keys.js';
import { candidateKeys, wildcardsFor } from './match.js';
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

/**
 * Resolves and applies credentials with a per-process cache: each store is listed once, each
 * matched key is read once (hits and misses alike), and concurrent first lookups share one read.
 */
export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const stores = options.store instanceof StoreChain ? options.store.stores : [options.store];
  const chain = options.store instanceof StoreChain ? options.store : undefined;
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
  const settled = new Map<string, Entry | undefined>();
  const origins = new Map<string, Match[] | null>();

  async function loadIndex(): Promise<Index> {
    const owner = new Map<string, number>();
    const pathBases = new Set<string>();
    const lists = await Promise.all(
      stores.map(async (store) => {
        try {
          return await store.list();
        } catch (error) {
          if (!(error instanceof StoreUnavailableError)) throw error;
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
   * Matches for a URL. Keys without a path depend only on `scheme://authority`, so they are
   * cached per origin string; `null` marks origins whose host has path keys (walked per URL).
   */
  function matchesFor(idx: Index, url: string): Match[] {
    const end = authorityEnd(url);
    const origin = end < 0 ? url : url.slice(0, end);
    let cached = origins.get(origin);
    if (cached === undefined) {
      cached = end < 0 ? null : originMatches(idx, origin);
      origins.set(origin, cached);
    }
    return cached ?? matches(idx, candidateKeys(url));
  }

  function originMatches(idx: Index, origin: string): Match[] | null {
    let u: URL;
    try {
      u = new URL(origin);
    } catch {
      return null;
    }
    if (u.protocol === 's3:') return null;
    const host = normalizeHostname(u.hostname);
    const withPort = u.port ? `${host}:${u.port}` : host;
    if (idx.pathBases.has(host) || idx.pathBases.has(withPort)) return null;
    const keys = u.port ? [withPort, host] : [host];
    return matches(idx, [...keys, ...wildcardsFor(host)]);
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
          if (!(error instanceof StoreUnavailableError)) throw error;
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
      pending.then(
        (entry) => settled.set(id, entry),
        () => entries.delete(id), // a failed read is retried by the next request
      );
    }
    return pending;
  }

  async function find(url: string | URL): Promise<Entry | undefined> {
    const idx = settledIndex ?? (await (index ??= loadIndex().catch((error) => {
      index = undefined;
      throw error;
    })));
    for (const match of matchesFor(idx, String(url))) {
      const id = `${match.store}\u0000${match.key}`;
      const entry = settled.has(id) ? settled.get(id) : await entryFor(match);
      if (entry) return entry;
    }
    return undefined;
  }

  return {
    async resolve(url) {
      return (await find(url))?.resolution;
    },
    async decorate(request) {
      const entry = await find(request.url);
      if (!entry) return { url: String(request.url), headers: request.headers ?? {} };
      if (entry.error) throw entry.error;
      const application = entry.application ?? safeApplicationOf(entry.resolution.credential, entry.resolution.key);
      return applyTo(request, application);
    },
    clear() {
      index = undefined;
      settledIndex = undefined;
      entries.clear();
      settled.clear();
      origins.clear();
    },
  };
}
