import type { BeforeErrorHook, BeforeRedirectHook, BeforeRequestHook, Got, RequestError } from 'got';
import type { Authenticator } from './authenticator.js';
import { createHopState, decideHop, type HopState } from './hop.js';
import { REDACTED, redact } from './redact.js';
import { redactPresignedUrl } from './s3-presign.js';

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
    else if (Array.isArray(value)) out[name] = value.map((v) => redact(String(v), secrets));
    else out[name] = value === undefined ? undefined : redact(String(value), secrets);
  }
  return out;
}

/** A URL fit to print: userinfo, conda tokens, S3 signatures and every secret this chain sent hidden. */
const shownUrl = (url: unknown, secrets: Iterable<string>) => redactPresignedUrl(redact(String(url), secrets));
const redactedOrUndefined = (url: unknown, secrets: Iterable<string>) => (url === undefined || url === null ? undefined : shownUrl(url, secrets));

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
  clean.message = redact(error.message, secrets);
  clean.stack = redact(error.stack ?? '', secrets);
  clean.timings = error.timings;
  clean.options = { method: options.method, url: redactedOrUndefined(options.url, secrets), headers: redactedHeaders(options.headers, secrets) };
  const response = error.response as GotResponseLike | undefined;
  if (response) {
    const body = typeof response.body === 'string' || Buffer.isBuffer(response.body) ? redact(String(response.body), secrets) : undefined;
    clean.response = {
      statusCode: response.statusCode,
      statusMessage: response.statusMessage,
      ok: response.ok,
      retryCount: response.retryCount,
      headers: redactedHeaders(response.headers, secrets),
      url: redactedOrUndefined(response.url, secrets),
      requestUrl: redactedOrUndefined(response.requestUrl, secrets),
      redirectUrls: (response.redirectUrls ?? []).map((u) => shownUrl(u, secrets)),
      body,
    };
  }
  return clean as unknown as RequestError;
}

export function authHooks(authenticator: Authenticator): AuthHooks {
  const beforeRequest = async (options: HopOptions): Promise<void> => {
    const hop = hopOf(options);
    if (options.url === undefined) return;
    const next = await decideHop(authenticator, hop.state, { url: s3Target(options), headers: options.headers, from: hop.from, method: options.method });
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

// got refuses any scheme but http(s) while it builds its options, before a hook runs. So
// `authGot` sends an s3:// request to this placeholder with the real URL in `context`, and
// `beforeRequest` puts the presigned URL in its place. `.invalid` never resolves (RFC 6761):
// if the hook did not run, nothing leaves the machine.
const S3_PLACEHOLDER = 'http://s3-request.invalid/';
const S3_URL = 'authS3Url';

/** The URL this hop is for: the s3:// URL behind the placeholder, else got's own. */
function s3Target(options: HopOptions): string | URL {
  const url = options.url as string | URL;
  const s3 = options.context[S3_URL];
  return typeof s3 === 'string' && String(url) === S3_PLACEHOLDER ? s3 : url;
}

const isS3 = (url: unknown): url is string | URL => (typeof url === 'string' || url instanceof URL) && /^s3:/i.test(String(url));
const isPlain = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !(value instanceof URL);

/** got's arguments with an s3:// URL (first argument, or `url` in either options object) moved into `context`. */
function s3Arguments(args: unknown[]): unknown[] {
  const [input, options] = args;
  const moved = (from: Record<string, unknown> | undefined, url: string | URL) => ({
    ...from,
    url: undefined,
    context: { ...(from?.context as object | undefined), [S3_URL]: String(url) },
  });
  if (isS3(input)) return [S3_PLACEHOLDER, { ...moved(isPlain(options) ? options : undefined, input), url: undefined }, ...args.slice(2)];
  if (isPlain(input) && isS3(input.url)) return [{ ...moved(input, input.url), url: S3_PLACEHOLDER }, ...args.slice(1)];
  if (input === undefined && isPlain(options) && isS3(options.url)) return [undefined, { ...moved(options, options.url), url: S3_PLACEHOLDER }, ...args.slice(2)];
  return args;
}

const ALIASES = new Set(['get', 'post', 'put', 'patch', 'head', 'delete', 'stream', 'paginate']);

/** The callable (got, got.stream, an alias) with s3:// URLs accepted, and so its aliases and extensions. */
function acceptingS3<F extends object>(callable: F): F {
  return new Proxy(callable, {
    apply: (target, self, args: unknown[]) => Reflect.apply(target as (...a: unknown[]) => unknown, self, s3Arguments(args)),
    get: (target, name, receiver) => {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (name === 'extend') return (...more: unknown[]) => acceptingS3((value as (...a: unknown[]) => object).apply(target, more));
      if (typeof name === 'string' && ALIASES.has(name) && typeof value === 'function') return acceptingS3(value);
      return value;
    },
  });
}

/**
 * `got.extend(authHooks(authenticator))` that also takes `s3://bucket/key` URLs: they go out as
 * the bucket's presigned http(s) URL. Use it where s3:// URLs may come; `authHooks` alone serves
 * http(s).
 */
export function authGot<G extends Got>(got: G, authenticator: Authenticator): G {
  return acceptingS3(got.extend(authHooks(authenticator)) as G);
}

/** A URL from a got error or response, fit to print. */
export function redactedUrl(url: string | URL | undefined): string {
  return url === undefined ? '' : redact(url);
}
