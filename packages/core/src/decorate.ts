import { type Application, applicationOf, checkStored } from './application.js';
import type { Credential } from './credential.js';
import { authorizationOf, type HeadersInput, withAuthorization } from './headers.js';
import { parseRequestUrl, type RequestUrl } from './request-url.js';

export interface RequestInput<H extends HeadersInput = HeadersInput> {
  url: string | URL;
  headers?: H | undefined;
  /** The request method (default GET): an `s3://` URL is presigned for GET or HEAD. */
  method?: string | undefined;
}

/** The request to send: the parsed URL's href, and headers of the kind that came in. */
export interface DecoratedRequest<H extends HeadersInput = Record<string, string>> {
  url: string;
  headers: H;
}

/**
 * Whether an application may touch this request. The caller's own credentials win: a request
 * with an Authorization header or user:password in its URL is left alone, and one whose path
 * already starts with `/t/<token>/` takes no second conda token (a header credential still goes).
 */
function applies(target: RequestUrl, headers: HeadersInput | undefined, application: Application): boolean {
  if (application.kind === 'none' || target.userinfo || authorizationOf(headers) !== undefined) return false;
  const { origin } = target;
  if (application.kind === 'url') return origin.startsWith('s3:');
  if (!origin.startsWith('https:') && !origin.startsWith('http:')) return false;
  return application.kind !== 'path' || !hasCondaSegment(target.url.href, origin.length);
}

/** The path (which starts at `at`) begins with `/t/<something>`. */
function hasCondaSegment(href: string, at: number): boolean {
  return href.startsWith('/t/', at) && at + 3 < href.length && !'/?#'.includes(href.charAt(at + 3));
}

/**
 * The request with the application applied, or undefined when nothing was added. A conda
 * segment is spliced into the parsed URL right after its authority, which stays as it was.
 */
export function applyTo<H extends HeadersInput>(
  target: RequestUrl,
  headers: H | undefined,
  application: Application | undefined,
): DecoratedRequest<H> | undefined {
  if (!application || !applies(target, headers, application)) return undefined;
  switch (application.kind) {
    case 'header':
      return { url: target.url.href, headers: withAuthorization(headers, application.value) };
    case 'path':
      // Without userinfo the href starts with exactly `scheme://host[:port]`, then the path.
      return { url: spliced(target.url.href, target.origin.length, application.segment), headers: headers ?? ({} as H) };
    case 'url':
      return { url: application.url, headers: headers ?? ({} as H) };
    default:
      return undefined;
  }
}

function spliced(href: string, at: number, segment: string): string {
  return href.slice(0, at) + segment + href.slice(at);
}

/**
 * `applyTo` for a conda token on a URL text that is already canonical (its origin, `at` long,
 * was settled before and `isCanonicalTail` holds for the rest), so it need not be parsed: the
 * same rules, on the text. Undefined when nothing is added.
 */
export function applyPathToText<H extends HeadersInput>(
  text: string,
  at: number,
  headers: H | undefined,
  application: Extract<Application, { kind: 'path' }>,
): DecoratedRequest<H> | undefined {
  if (authorizationOf(headers) !== undefined || hasCondaSegment(text, at)) return undefined;
  return { url: spliced(text, at, application.segment), headers: headers ?? ({} as H) };
}

/** The request unchanged, in the shape `decorate()` returns. */
export function unchanged<H extends HeadersInput>(target: RequestUrl, headers: H | undefined): DecoratedRequest<H> {
  return { url: target.url.href, headers: headers ?? ({} as H) };
}

/** Decorates one request with one credential (kinds that need no per-request step). */
export function decorate<H extends HeadersInput = Record<string, string>>(
  request: RequestInput<H>,
  credential: Credential,
  key = 'this host',
): DecoratedRequest<H> {
  const target = parseRequestUrl(request.url);
  checkStored(credential, key);
  return applyTo(target, request.headers, applicationOf(credential)) ?? unchanged(target, request.headers);
}
