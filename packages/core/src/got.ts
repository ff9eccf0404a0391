import type { BeforeErrorHook, BeforeRedirectHook, BeforeRequestHook, RequestError } from 'got';
import type { Authenticator } from './authenticator.js';
import { redactText, redactUrl } from './redact.js';

/**
 * Hooks for `got.extend(authHooks(authenticator))`.
 *
 * got runs `beforeRequest` again for every redirect hop, with the headers of the previous hop,
 * and it keeps Authorization when only the scheme changes. So each hop remembers what it added
 * and for which origin (scheme, host, port): a hop to another origin first loses what was added
 * for the old one, then gets what belongs to its own; after an https → http redirect nothing is
 * added at all.
 */

interface AddedFor {
  origin: string;
  header?: string;
  segment?: string;
}

interface HopState {
  added?: AddedFor;
  downgraded: boolean;
  secrets: Set<string>;
}

const KEY = 'authHopState';

/** The part of got's options the hooks use (got's hook types differ between its versions). */
interface HopOptions {
  url?: string | URL | undefined;
  headers: Record<string, string | string[] | undefined>;
  context: Record<string, unknown>;
  username?: string;
  password?: string;
}

// got copies `context` from hop to hop and may print it, so the context holds only an empty
// handle and the state, which holds secrets, lives here.
const states = new WeakMap<object, HopState>();

function stateOf(options: HopOptions): HopState {
  const context = options.context;
  let handle = context[KEY] as object | undefined;
  if (!handle) {
    handle = Object.freeze({});
    context[KEY] = handle;
  }
  let state = states.get(handle);
  if (!state) {
    state = { downgraded: false, secrets: new Set() };
    states.set(handle, state);
  }
  return state;
}

const originOf = (url: URL) => `${url.protocol}//${url.host}`;

function asUrl(options: HopOptions): URL | undefined {
  const { url } = options;
  if (url === undefined) return undefined;
  return typeof url === 'string' ? new URL(url) : url;
}

/** Takes back what was added for another origin. */
function strip(options: HopOptions, url: URL, added: AddedFor): void {
  if (added.header !== undefined && options.headers.authorization === added.header) delete options.headers.authorization;
  if (added.segment && (url.pathname === added.segment || url.pathname.startsWith(`${added.segment}/`))) {
    const next = new URL(url.href);
    next.pathname = url.pathname.slice(added.segment.length) || '/';
    options.url = next;
  }
}

export interface AuthHooks {
  hooks: {
    beforeRequest: BeforeRequestHook[];
    beforeRedirect: BeforeRedirectHook[];
    beforeError: BeforeErrorHook[];
  };
}

export function authHooks(authenticator: Authenticator): AuthHooks {
  const beforeRequest = async (options: HopOptions): Promise<void> => {
    const state = stateOf(options);
    let url = asUrl(options);
    if (!url) return;
    const origin = originOf(url);
    if (state.added && state.added.origin !== origin) {
      strip(options, url, state.added);
      state.added = undefined;
      url = asUrl(options) as URL;
    }
    if (state.downgraded) return;
    if (options.username || options.password) return; // the caller's own credentials
    if (options.headers.authorization !== undefined && options.headers.authorization !== state.added?.header) return;

    const decorated = await authenticator.decorate({ url: url.href, headers: {} });
    const header = decorated.headers.authorization;
    const added: AddedFor = { origin };
    if (typeof header === 'string') {
      options.headers.authorization = header;
      added.header = header;
      state.secrets.add(header.slice(header.indexOf(' ') + 1));
    }
    if (decorated.url !== url.href) {
      const next = new URL(decorated.url);
      added.segment = next.pathname.slice(0, next.pathname.length - url.pathname.length) || undefined;
      if (added.segment) state.secrets.add(decodeURIComponent(added.segment.slice(3)));
      options.url = next;
    }
    state.added = added;
  };

  const beforeRedirect = (options: HopOptions, response: { url: string }): void => {
    const state = stateOf(options);
    const next = asUrl(options);
    // Once a chain of redirects has left https for http, it never carries credentials again.
    if (new URL(response.url).protocol === 'https:' && next?.protocol === 'http:') {
      state.downgraded = true;
      if (state.added) strip(options, next, state.added);
      state.added = undefined;
    }
  };

  const beforeError: BeforeErrorHook = (error: RequestError) => {
    const state = error.options ? stateOf(error.options as unknown as HopOptions) : undefined;
    const secrets = state?.secrets ?? [];
    error.message = redactText(error.message, secrets);
    if (error.stack) error.stack = redactText(error.stack, secrets);
    // got's errors carry their options (URL, headers) as enumerable data: show a redacted summary
    // instead wherever an error is serialized or inspected.
    const url = error.options?.url ? redactUrl(error.options.url) : undefined;
    const summary = () => ({ name: error.name, code: error.code, message: error.message, url });
    Object.defineProperty(error, 'toJSON', { value: summary, enumerable: false, configurable: true });
    Object.defineProperty(error, Symbol.for('nodejs.util.inspect.custom'), {
      value: () => `${error.stack ?? error.message}\n${JSON.stringify({ code: error.code, url })}`,
      enumerable: false,
      configurable: true,
    });
    return error;
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
