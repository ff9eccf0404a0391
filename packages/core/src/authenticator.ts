import { type Applied, applicationOf, checkStored, presigned, type S3Endpoint, type Step, type StepContext, steps } from './application.js';
import type { Env } from './aws-config.js';
import { ChainReader } from './chain-reader.js';
import { chainOf, type Lookup, type Resolution } from './chain.js';
import type { Credential } from './credential.js';
import { applyPathToText, applyTo, type DecoratedRequest, type RequestInput, unchanged } from './decorate.js';
import { authorizationOf, type HeadersInput, withAuthorization } from './headers.js';
import { candidates, hostBases } from './match.js';
import { isCanonicalTail, parseRequestUrl, type RequestUrl, textOrigin } from './request-url.js';
import type { CredentialStore } from './store.js';

export interface Authenticator {
  /** The credential a request to this URL would carry, or undefined. */
  resolve(url: string | URL): Promise<Resolution | undefined>;
  /** Like `resolve`, and also the stores that could not be checked (unavailable, locked). */
  find(url: string | URL): Promise<Lookup>;
  /** What a request to this URL gets, and from which key and store: the got hooks and fetch use it per hop. */
  applicationFor(url: string | URL, request?: { method?: string | undefined }): Promise<Applied | undefined>;
  /** The request to send: headers or URL with the credential applied, or unchanged. */
  decorate<H extends HeadersInput = Record<string, string>>(request: RequestInput<H>): Promise<DecoratedRequest<H>>;
  /** Forgets every cached key and credential, so the next request reads the stores again. */
  clear(): void;
}

export interface AuthenticatorOptions {
  /** A StoreChain, or a bare store (read as a chain of one). Unavailable stores are the chain's to report. */
  store: CredentialStore;
  /** S3 endpoints by bucket name. */
  s3?: Record<string, S3Endpoint>;
  /** Where the AWS variables and `HOME` come from for `s3://` URLs (default `process.env`). */
  env?: Env;
}

/** A credential as the authenticator keeps it: checked once, applied from then on. */
interface Entry {
  resolution: Resolution;
  /** For kinds without a step: the same for every request. */
  applied?: Applied;
  step?: Step;
  /** The stored credential cannot be sent: thrown by every request that would use it. */
  error?: unknown;
}

interface Settled {
  lookup: Lookup;
  entry: Entry | undefined;
}

/** Origins whose credential does not depend on the path: settled once per origin. */
interface OriginRecord {
  pending: Promise<Settled>;
  settled?: Settled;
}

function entryOf(resolution: Resolution): Entry {
  const entry: Entry = { resolution };
  try {
    checkStored(resolution.credential, resolution.key);
  } catch (error) {
    entry.error = error;
    return entry;
  }
  entry.step = steps[resolution.credential.type];
  if (!entry.step) entry.applied = { key: resolution.key, store: resolution.store, application: applicationOf(resolution.credential) };
  return entry;
}

/**
 * Resolves and applies credentials with a per-process cache: the chain's stores are read through
 * a ChainReader (each `list` store listed once, each key read once, concurrent first lookups
 * sharing one read), and a host without path keys is settled once per origin.
 */
export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const chain = chainOf(options.store);
  const s3 = options.s3 ?? {};
  const env = options.env;
  let reader = new ChainReader(chain);
  let origins = new Map<string, OriginRecord>();
  let entries = new WeakMap<Credential, Entry>();

  function entryFor(resolution: Resolution): Entry {
    let entry = entries.get(resolution.credential);
    if (!entry) {
      entry = entryOf(resolution);
      entries.set(resolution.credential, entry);
    }
    return entry;
  }

  async function settle(keys: Iterable<string>): Promise<Settled> {
    const lookup = await reader.lookup(keys);
    return { lookup, entry: lookup.found && entryFor(lookup.found) };
  }

  /** The settled answer for a warm origin, without awaiting anything. */
  function warm(target: RequestUrl): Settled | undefined {
    return reader.settled ? origins.get(target.origin)?.settled : undefined;
  }

  async function lookupFor(target: RequestUrl): Promise<Settled> {
    await reader.ready();
    const { url } = target;
    const byOrigin = url.protocol === 'https:' || url.protocol === 'http:';
    if (!byOrigin || !reader.originOnly(hostBases(url))) return settle(candidates(url));
    let record = origins.get(target.origin);
    if (!record) {
      const own: OriginRecord = { pending: settle(candidates(url)) };
      own.pending.then(
        (settled) => {
          own.settled = settled;
        },
        // A failed read is retried by the next request.
        () => origins.delete(target.origin),
      );
      origins.set(target.origin, own);
      record = own;
    }
    return record.pending;
  }

  function applied(settled: Settled, target: RequestUrl, method: string | undefined): Applied | Promise<Applied> | undefined {
    const entry = settled.entry;
    const context: StepContext = { url: target.url, s3, method, env };
    // Nothing stored: an s3:// URL is still signed with AWS's keys from the environment or files.
    if (!entry) return target.url.protocol === 's3:' ? presigned(context).then((application) => ({ key: undefined, store: undefined, application })) : undefined;
    if (entry.error) throw entry.error;
    if (entry.applied) return entry.applied;
    const { resolution } = entry;
    return (entry.step as Step)(resolution, context).then((application) => ({
      key: resolution.key,
      store: resolution.store,
      application,
    }));
  }


  /**
   * A warm origin with a header credential or none: the decision depends on the origin alone,
   * and the URL is not changed, so it is not parsed. A conda token on a URL text that is already
   * canonical is spliced into the text. Undefined: the URL must be parsed.
   */
  function unparsed<H extends HeadersInput>(settled: Settled, text: string, at: number, headers: H | undefined): DecoratedRequest<H> | undefined {
    if (!settled.entry) return { url: text, headers: headers ?? ({} as H) };
    const application = settled.entry.applied?.application;
    if (application?.kind === 'path') {
      if (!isCanonicalTail(text, at)) return undefined;
      return applyPathToText(text, at, headers, application) ?? { url: text, headers: headers ?? ({} as H) };
    }
    if (application?.kind !== 'header') return undefined;
    if (authorizationOf(headers) !== undefined) return { url: text, headers: headers as H };
    return { url: text, headers: withAuthorization(headers, application.value) };
  }

  async function find(url: string | URL): Promise<Lookup> {
    const target = parseRequestUrl(url);
    return (warm(target) ?? (await lookupFor(target))).lookup;
  }

  return {
    find,
    async resolve(url) {
      return (await find(url)).found;
    },
    async applicationFor(url, request) {
      const target = parseRequestUrl(url);
      return applied(warm(target) ?? (await lookupFor(target)), target, request?.method);
    },
    async decorate(request) {
      // A URL text that starts with an origin settled before (so canonical) may need no parsing.
      const origin = typeof request.url === 'string' && reader.settled ? textOrigin(request.url) : undefined;
      const early = origin === undefined ? undefined : origins.get(origin)?.settled;
      const quick = early && unparsed(early, request.url as string, (origin as string).length, request.headers);
      if (quick) return quick;
      const target = parseRequestUrl(request.url);
      const settled = early ?? warm(target) ?? (await lookupFor(target));
      // The common case, a credential applied the same way to every request, awaits nothing.
      const fixed = settled.entry?.applied;
      const application = fixed ? fixed.application : (await applied(settled, target, request.method))?.application;
      return applyTo(target, request.headers, application) ?? unchanged(target, request.headers);
    },
    clear() {
      reader = new ChainReader(chain);
      origins = new Map();
      entries = new WeakMap();
    },
  };
}
