import type { Application } from './application.js';
import type { Authenticator } from './authenticator.js';
import { applyTo, type DecoratedRequest, unchanged } from './decorate.js';
import { type HeadersInput, withoutAuthorization } from './headers.js';
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
}

export interface Hop<H extends HeadersInput> {
  /** The URL this hop goes to, as the client resolved it. */
  url: string | URL;
  /** The headers the client would send on this hop. */
  headers: H | undefined;
  /** The URL of the hop before, as it was sent; undefined for the first. */
  from?: string | URL | undefined;
}

export function createHopState(): HopState {
  return { headers: new Set(), tokens: new Set(), downgraded: false, secrets: new Set() };
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

function remember(state: HopState, application: Application): void {
  if (application.kind === 'header') {
    state.headers.add(application.value);
    state.secrets.add(application.value.slice(application.value.indexOf(' ') + 1));
  } else if (application.kind === 'path') {
    state.tokens.add(application.token);
    state.secrets.add(application.token);
    state.secrets.add(application.segment.slice(3));
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
  target = withoutTokens(target, state.tokens);
  if (state.downgraded) return unchanged(target, headers);
  const applied = await authenticator.applicationFor(target.url);
  const out = applied && applyTo(target, headers, applied.application);
  if (!out || !applied) return unchanged(target, headers);
  remember(state, applied.application);
  return out;
}
