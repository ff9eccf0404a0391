import type { Application } from './application.js';
import type { Authenticator } from './authenticator.js';
import { applyTo, type DecoratedRequest, unchanged } from './decorate.js';
import { type HeadersInput, withoutAuthorization } from './headers.js';
import { InvalidUrlError } from './errors.js';
import { parseRequestUrl, type RequestUrl } from './request-url.js';

/**
 * One request and its redirects, as the got hooks and fetch follow them. Every hop is decided
 * from scratch for its own URL: what the chain added on earlier hops is taken off, then the
 * authenticator says what this URL gets. So nothing added for one origin or path scope reaches
 * another, and once the chain has gone from https to http nothing is added at all.
 */
export interface HopState {
  /** Authorization values this chain added. */
  readonly headers: Set<string>;
  /** Conda tokens this chain put in front of a path. */
  readonly tokens: Set<string>;
  /** The chain went from https to http. */
  downgraded: boolean;
  /** Every secret this chain sent, to scrub from error text. */
  readonly secrets: Set<string>;
  /** `name=value` query parameters of the presigned URLs this chain sent (S3's X-Amz-*). */
  readonly signed: Set<string>;
  /** The origins those presigned URLs went to: the only ones that may see them again. */
  readonly signedOrigins: Set<string>;
  /** The origins any secret of this chain went to. */
  readonly sentTo: Set<string>;
}

export interface Hop<H extends HeadersInput> {
  /** The URL this hop goes to, as the client resolved it. */
  url: string | URL;
  /** The headers the client would send on this hop. */
  headers: H | undefined;
  /** The URL of the hop before, as it was sent; undefined for the first. */
  from?: string | URL | undefined;
  /** The method of this hop (an `s3://` URL is presigned for it); GET when absent. */
  method?: string | undefined;
}

export function createHopState(): HopState {
  return { headers: new Set(), tokens: new Set(), downgraded: false, secrets: new Set(), signed: new Set(), signedOrigins: new Set(), sentTo: new Set() };
}

const LEADING_TOKEN = /^\/t\/([^/]*)(\/.*)?$/;

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The URL without a leading `/t/<token>` that this chain put there (compared decoded). */
function withoutTokens(target: RequestUrl, tokens: Set<string>): RequestUrl {
  if (tokens.size === 0) return target;
  const match = LEADING_TOKEN.exec(target.url.pathname);
  if (!match || !tokens.has(decoded(match[1] ?? ''))) return target;
  const url = new URL(target.url.href);
  url.pathname = match[2] ?? '/';
  return parseRequestUrl(url);
}

/**
 * The URL without the presigning parameters this chain sent, unless it goes back to the origin
 * they were sent to: a redirect (whose Location may echo the query) never takes S3's signature,
 * key id or session token to another host.
 */
function withoutSignature(target: RequestUrl, state: HopState): RequestUrl {
  if (state.signed.size === 0 || state.signedOrigins.has(target.origin) || target.url.search === '') return target;
  const url = new URL(target.url.href);
  for (const [name, value] of [...url.searchParams]) if (state.signed.has(`${name}=${value}`)) url.searchParams.delete(name, value);
  return url.search === target.url.search ? target : parseRequestUrl(url);
}

const SIGNING_SECRETS = new Set(['x-amz-signature', 'x-amz-credential', 'x-amz-security-token']);

function rememberSigned(state: HopState, presigned: string): void {
  const url = new URL(presigned);
  state.signedOrigins.add(`${url.protocol}//${url.host}`);
  for (const [name, value] of url.searchParams) {
    if (!name.toLowerCase().startsWith('x-amz-')) continue;
    state.signed.add(`${name}=${value}`);
    if (SIGNING_SECRETS.has(name.toLowerCase())) state.secrets.add(value);
  }
}

function remember(state: HopState, target: RequestUrl, application: Application): void {
  state.sentTo.add(target.origin);
  if (application.kind === 'url') rememberSigned(state, application.url);
  else if (application.kind === 'header') {
    state.headers.add(application.value);
    state.secrets.add(application.value.slice(application.value.indexOf(' ') + 1));
  } else if (application.kind === 'path') {
    state.tokens.add(application.token);
    state.secrets.add(application.token);
    state.secrets.add(application.segment.slice(3));
  }
}

// Shorter values could stand in a URL by chance; every token and signature is far longer.
const ECHO_MIN_LENGTH = 8;

/**
 * A server may echo the URL it was asked for (a conda token in its path, a signature in its
 * query) into a Location anywhere: in the middle of a path, in a query parameter, encoded. A hop
 * to an origin that was never sent the secret, whose URL still holds it after the chain's own
 * additions are taken off, is not followed: there is no telling what of it may be removed.
 */
function refuseEchoedSecret(target: RequestUrl, state: HopState): void {
  if (state.secrets.size === 0 || state.sentTo.has(target.origin)) return;
  const href = target.url.href;
  let plain = href;
  try {
    plain = decodeURIComponent(href);
  } catch {
    // Malformed escapes: the raw text is checked alone.
  }
  for (const secret of state.secrets) {
    if (secret.length >= ECHO_MIN_LENGTH && (href.includes(secret) || plain.includes(secret))) {
      throw new InvalidUrlError(`a redirect to ${target.origin} carries a credential that was sent to another origin; it was not followed`);
    }
  }
}

function schemeOf(url: string | URL): string | undefined {
  try {
    return (typeof url === 'string' ? new URL(url) : url).protocol;
  } catch {
    return undefined;
  }
}

/** The request to send on this hop. The one place where a hop's credentials are decided. */
export async function decideHop<H extends HeadersInput>(authenticator: Authenticator, state: HopState, hop: Hop<H>): Promise<DecoratedRequest<H>> {
  let target = parseRequestUrl(hop.url);
  if (hop.from !== undefined && schemeOf(hop.from) === 'https:' && target.url.protocol === 'http:') state.downgraded = true;
  let headers = hop.headers;
  if (headers) for (const value of state.headers) headers = withoutAuthorization(headers, value);
  target = withoutSignature(withoutTokens(target, state.tokens), state);
  refuseEchoedSecret(target, state);
  if (state.downgraded) return unchanged(target, headers);
  const applied = await authenticator.applicationFor(target.url, { method: hop.method });
  const out = applied && applyTo(target, headers, applied.application);
  if (!out || !applied) return unchanged(target, headers);
  remember(state, target, applied.application);
  return out;
}
