import { type Credential, isExpired, validateCredential } from './credential.js';
import { InvalidCredentialError } from './errors.js';

export type HeaderValue = string | string[] | number | undefined;
export type Headers = Record<string, HeaderValue>;

export interface HttpRequest {
  url: string;
  headers: Headers;
}

export interface RequestInput {
  url: string | URL;
  headers?: Headers | undefined;
}

/** How a credential is applied, computed once per credential and reused for every request. */
export type Application =
  | { kind: 'header'; value: string }
  | { kind: 'path'; segment: string }
  | { kind: 'none' };

export function applicationOf(credential: Credential, nowSeconds = Date.now() / 1000): Application {
  switch (credential.type) {
    case 'bearer':
      return { kind: 'header', value: `Bearer ${credential.token}` };
    case 'basic':
      return {
        kind: 'header',
        value: `Basic ${Buffer.from(`${credential.username}:${credential.password}`, 'utf8').toString('base64')}`,
      };
    case 'oauth':
      return isExpired(credential, nowSeconds) ? { kind: 'none' } : { kind: 'header', value: `Bearer ${credential.accessToken}` };
    case 'conda-token':
      return { kind: 'path', segment: `/t/${encodeURIComponent(credential.token)}` };
    default:
      // s3 needs request signing and unknown credentials are not ours to interpret.
      return { kind: 'none' };
  }
}

/** Checks a stored credential before it goes on the wire: another tool may have written it. */
export function safeApplicationOf(credential: Credential, key: string): Application {
  try {
    validateCredential(credential);
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'it is malformed';
    throw new InvalidCredentialError(`the credential stored for ${key} cannot be sent: ${reason}`);
  }
  return applicationOf(credential);
}

/** Index of the end of `scheme://authority`, or -1 when the string has no authority. */
export function authorityEnd(url: string): number {
  const start = url.indexOf('://');
  if (start < 0) return -1;
  for (let i = start + 3; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === 47 || c === 63 || c === 35 || c === 92) return i; // / ? # \
  }
  return url.length;
}

export function hasAuthorization(headers: Headers | undefined): boolean {
  if (!headers) return false;
  for (const name in headers) {
    if (headers[name] !== undefined && name.length === 13 && name.toLowerCase() === 'authorization') return true;
  }
  return false;
}

/** True when the URL carries user:password or a conda token already. */
export function urlHasCredentials(url: string): boolean {
  return credentialsInUrl(url, authorityEnd(url));
}

function credentialsInUrl(url: string, end: number): boolean {
  return end >= 0 && (url.lastIndexOf('@', end) > url.indexOf('://') || url.startsWith('/t/', end));
}

/**
 * Applies a precomputed application to a request. A request that already carries credentials
 * (an Authorization header, user:password or /t/<token>/ in its URL) is returned unchanged.
 */
export function applyTo(request: RequestInput, application: Application): HttpRequest {
  const url = typeof request.url === 'string' ? request.url : request.url.href;
  return applyAt(url, authorityEnd(url), request.headers, application);
}

/** applyTo for a URL whose authority end is known already (the authenticator's hot path). */
export function applyAt(url: string, end: number, headers: Headers | undefined, application: Application): HttpRequest {
  if (application.kind === 'none' || end < 0 || hasAuthorization(headers) || credentialsInUrl(url, end)) {
    return { url, headers: headers ?? {} };
  }
  if (application.kind === 'header') {
    return { url, headers: headers ? { ...headers, authorization: application.value } : { authorization: application.value } };
  }
  const rest = url.slice(end);
  return { url: url.slice(0, end) + application.segment + (rest.startsWith('/') ? rest : `/${rest}`), headers: headers ?? {} };
}

/** Decorates one request with one credential. */
export function decorate(request: RequestInput, credential: Credential, key = 'this host'): HttpRequest {
  return applyTo(request, safeApplicationOf(credential, key));
}
