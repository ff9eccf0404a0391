import type { Authenticator } from './authenticator.js';
import { TooManyRedirectsError } from './errors.js';
import { createHopState, decideHop, type HopState } from './hop.js';
import { redact } from './redact.js';

export interface CreateFetchOptions {
  /** The fetch that sends each hop (default: the global one). */
  fetch?: typeof globalThis.fetch;
  /** Redirects followed before giving up (default 20, as browsers). */
  maxRedirects?: number;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
// Headers that describe a body: dropped with the body when a redirect turns the request into a GET.
const BODY_HEADERS = ['content-encoding', 'content-language', 'content-location', 'content-type', 'content-length'];

const originOf = (url: URL) => `${url.protocol}//${url.host}`;

/** The error fetch threw, with the secrets this chain sent scrubbed from it. */
function scrubbed(error: unknown, state: HopState): unknown {
  if (!(error instanceof Error) || error.name === 'AbortError' || error.name === 'TimeoutError') return error;
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  const summary =
    cause && typeof cause === 'object'
      ? { code: cause.code, message: typeof cause.message === 'string' ? redact(cause.message, state.secrets) : undefined }
      : undefined;
  const clean = new TypeError(redact(error.message, state.secrets), summary ? { cause: summary } : undefined);
  clean.stack = redact(error.stack ?? '', state.secrets);
  return clean;
}

/** The response with `url` showing no secret this chain added, and `redirected` true after a redirect. */
function answered(response: Response, url: string, redirected: boolean): Response {
  Object.defineProperty(response, 'url', { value: url, enumerable: true, configurable: true });
  Object.defineProperty(response, 'redirected', { value: redirected, enumerable: true, configurable: true });
  return response;
}

/**
 * A fetch that decorates every hop: redirects are followed here (`redirect: 'manual'` underneath)
 * so each hop is decided by `decideHop` for its own URL. Method and body follow the fetch
 * standard: 303 turns anything but HEAD into GET, 301 and 302 turn POST into GET, 307 and 308
 * keep both. The caller's Authorization is dropped on a hop to another origin, as fetch does.
 */
export function createFetch(authenticator: Authenticator, options: CreateFetchOptions = {}): typeof globalThis.fetch {
  const send = options.fetch ?? globalThis.fetch;
  const maxRedirects = options.maxRedirects ?? 20;

  return async function authFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const request = new Request(input, init);
    const mode = request.redirect;
    let method = request.method;
    // Read once, so 307 and 308 can send it again.
    let body: ArrayBuffer | undefined = request.body ? await request.arrayBuffer() : undefined;
    let headers = new Headers(request.headers);
    let url = request.url;
    let from: string | undefined;
    const state = createHopState();

    for (let redirects = 0; ; redirects++) {
      const hop = await decideHop(authenticator, state, { url, headers, from, method });
      let response: Response;
      try {
        response = await send(hop.url, { ...init, method, headers: hop.headers, body, redirect: 'manual', signal: request.signal });
      } catch (error) {
        throw scrubbed(error, state);
      }
      const location = response.headers.get('location');
      if (!REDIRECTS.has(response.status) || location === null || mode === 'manual') return answered(response, redirects > 0 ? redact(url, state.secrets) : request.url, redirects > 0);
      await response.body?.cancel();
      if (mode === 'error') throw new TypeError(`redirect refused (redirect: 'error') from ${redact(url, state.secrets)}`);
      if (redirects >= maxRedirects) throw new TooManyRedirectsError(maxRedirects);

      const sent = new URL(hop.url);
      const next = new URL(location, sent);
      if (next.protocol !== 'https:' && next.protocol !== 'http:') throw new TypeError(`redirect to a ${next.protocol} URL refused`);
      const status = response.status;
      if ((status === 303 && method !== 'GET' && method !== 'HEAD') || ((status === 301 || status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
        headers = new Headers(headers);
        for (const name of BODY_HEADERS) headers.delete(name);
      }
      if (originOf(next) !== originOf(sent)) {
        headers = new Headers(headers);
        headers.delete('authorization');
      }
      from = hop.url;
      url = next.href;
    }
  };
}
