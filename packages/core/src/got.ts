import type { BeforeErrorHook, BeforeRedirectHook, BeforeRequestHook, RequestError } from 'got';
import type { Authenticator } from './authenticator.js';
import { createHopState, decideHop, type HopState } from './hop.js';
import { REDACTED, redactText, redactUrl } from './redact.js';

/**
 * Hooks for `got.extend(authHooks(authenticator))`.
 *
 * got runs `beforeRequest` again for every redirect hop, with the headers of the hop before, and
 * keeps Authorization when only the scheme changes. Each hop is handed to `decideHop`, which takes
 * off what earlier hops added and decides this one from its own URL. Errors got throws are
 * replaced by copies that carry only redacted data.
 */

interface GotHop {
  state: HopState;
  /** The URL of the hop before, from `beforeRedirect`. */
  from?: string;
}

/** The part of got's options the hooks use (got's hook types differ between its versions). */
interface HopOptions {
  url?: string | URL | undefined;
  headers: Record<string, string | string[] | undefined>;
  context: Record<string, unknown>;
  method?: string;
}

const KEY = 'authHopState';

// got copies `context` from hop to hop and may print it, so the context holds only an empty
// handle, and the state, which holds secrets, lives here.
const hops = new WeakMap<object, GotHop>();

function hopOf(options: HopOptions): GotHop {
  const context = options.context;
  let handle = context[KEY] as object | undefined;
  if (!handle) {
    handle = Object.freeze({});
    context[KEY] = handle;
  }
  let hop = hops.get(handle);
  if (!hop) {
    hop = { state: createHopState() };
    hops.set(handle, hop);
  }
  return hop;
}

export interface AuthHooks {
  hooks: {
    beforeRequest: BeforeRequestHook[];
    beforeRedirect: BeforeRedirectHook[];
    beforeError: BeforeErrorHook[];
  };
}

function redactedHeaders(headers: Record<string, unknown> | undefined, secrets: Iterable<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const lower = name.toLowerCase();
    if (lower === 'authorization' || lower === 'proxy-authorization' || lower === 'cookie' || lower === 'set-cookie') out[name] = REDACTED;
    else if (Array.isArray(value)) out[name] = value.map((v) => redactText(String(v), secrets));
    else out[name] = value === undefined ? undefined : redactText(String(value), secrets);
  }
  return out;
}

const redactedOrUndefined = (url: unknown) => (url === undefined || url === null ? undefined : redactUrl(String(url)));

interface GotResponseLike {
  statusCode?: number;
  statusMessage?: string;
  headers?: Record<string, unknown>;
  url?: string;
  requestUrl?: URL | string;
  redirectUrls?: (URL | string)[];
  body?: unknown;
  ok?: boolean;
  retryCount?: number;
  timings?: unknown;
}

/** A copy of got's error of the same class, holding only data that is safe to print. */
function scrubbed(error: RequestError, secrets: Set<string>): RequestError {
  const options = (error.options ?? {}) as unknown as HopOptions;
  const clean = Object.create(Object.getPrototypeOf(error)) as Record<string, unknown>;
  clean.name = error.name;
  clean.code = error.code;
  clean.message = redactText(error.message, secrets);
  clean.stack = redactText(error.stack ?? '', secrets);
  clean.timings = error.timings;
  clean.options = { method: options.method, url: redactedOrUndefined(options.url), headers: redactedHeaders(options.headers, secrets) };
  const response = error.response as GotResponseLike | undefined;
  if (response) {
    const body = typeof response.body === 'string' || Buffer.isBuffer(response.body) ? redactText(String(response.body), secrets) : undefined;
    clean.response = {
      statusCode: response.statusCode,
      statusMessage: response.statusMessage,
      ok: response.ok,
      retryCount: response.retryCount,
      headers: redactedHeaders(response.headers, secrets),
      url: redactedOrUndefined(response.url),
      requestUrl: redactedOrUndefined(response.requestUrl),
      redirectUrls: (response.redirectUrls ?? []).map((u) => redactUrl(String(u))),
      body,
    };
  }
  return clean as unknown as RequestError;
}

export function authHooks(authenticator: Authenticator): AuthHooks {
  const beforeRequest = async (options: HopOptions): Promise<void> => {
    const hop = hopOf(options);
    if (options.url === undefined) return;
    const next = await decideHop(authenticator, hop.state, { url: options.url, headers: options.headers, from: hop.from });
    options.headers = next.headers;
    if (next.url !== String(options.url)) options.url = new URL(next.url);
  };

  const beforeRedirect = (options: HopOptions, response: { url: string }): void => {
    hopOf(options).from = response.url;
  };

  const beforeError = (error: RequestError): RequestError => {
    const secrets = error.options ? hopOf(error.options as unknown as HopOptions).state.secrets : new Set<string>();
    return scrubbed(error, secrets);
  };

  return {
    hooks: {
      beforeRequest: [beforeRequest as unknown as BeforeRequestHook],
      beforeRedirect: [beforeRedirect as unknown as BeforeRedirectHook],
      beforeError: [beforeError],
    },
  };
}

/** A URL from a got error or response, fit to print. */
export function redactedUrl(url: string | URL | undefined): string {
  return url === undefined ? '' : redactUrl(url);
}
