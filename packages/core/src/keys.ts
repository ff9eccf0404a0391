import { InvalidKeyError } from './errors.js';

/**
 * Login input → the key a credential is stored under, as the design's "Keys" section says:
 * `https://Repo.Prefix.dev/` → `repo.prefix.dev`, `prefix.dev` → `*.prefix.dev`,
 * `host:8443/channel/` → `host:8443/channel`, `s3://bucket/path` whole.
 */

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;
const DOMAIN = /^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)*$/;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const FORBIDDEN = /[\s\u0000-\u001f\u007f]/;

/** True when the input starts with `scheme://`. */
export function hasScheme(input: string): boolean {
  return SCHEME.test(input);
}

export function isIpAddress(host: string): boolean {
  return host.startsWith('[') || IPV4.test(host);
}

/** Lower-cased, IDNA (punycode) ASCII, trailing dot dropped; IPv6 in brackets. */
export function normalizeHostname(hostname: string): string {
  return hostname.endsWith('.') ? hostname.slice(0, -1) : hostname;
}

function validHost(host: string): boolean {
  return isIpAddress(host) || DOMAIN.test(host);
}

/** A URL's path as key material: "" for the root, otherwise without trailing slashes. */
export function trimPath(pathname: string): string {
  let end = pathname.length;
  while (end > 0 && pathname.charCodeAt(end - 1) === 47) end--;
  return pathname.slice(0, end);
}

function parse(input: string, url: string): URL {
  try {
    return new URL(url);
  } catch {
    throw new InvalidKeyError(input, 'not a host name or URL');
  }
}

function s3Key(input: string): string {
  const rest = trimPath(input.slice('s3://'.length));
  const bucket = rest.split('/')[0] ?? '';
  if (!/^[a-z0-9][a-z0-9.-]*$/.test(bucket)) throw new InvalidKeyError(input, 'an s3 key needs a bucket name: s3://bucket/path');
  return `s3://${rest}`;
}

function wildcardKey(input: string, domain: string): string {
  if (/[/:@?#]/.test(domain)) throw new InvalidKeyError(input, 'a wildcard key is a domain only, like *.example.com');
  const url = parse(input, `http://${domain}`);
  const host = normalizeHostname(url.hostname);
  if (!DOMAIN.test(host) || isIpAddress(host)) throw new InvalidKeyError(input, 'not a domain name');
  if (host.split('.').length < 2) {
    throw new InvalidKeyError(input, 'a wildcard must cover a domain of at least two labels, like *.prefix.dev');
  }
  return `*.${host}`;
}

export function keyFromInput(input: string): string {
  const text = input.trim();
  if (text === '') throw new InvalidKeyError(input, 'it is empty');
  if (FORBIDDEN.test(text)) throw new InvalidKeyError(input, 'it contains white space or control characters');
  const scheme = SCHEME.exec(text)?.[1]?.toLowerCase();
  if (scheme === 's3') return s3Key(`s3://${text.slice(5)}`);
  if (text.startsWith('*.')) return wildcardKey(input, text.slice(2));
  if (text.includes('*')) throw new InvalidKeyError(input, 'a wildcard may only stand first, as in *.example.com');
  if (scheme !== undefined && scheme !== 'http' && scheme !== 'https') {
    throw new InvalidKeyError(input, `the scheme "${scheme}" is not supported (use a host name, an http(s) URL or s3://)`);
  }

  const url = parse(input, scheme ? text : `http://${text}`);
  if (url.username || url.password) {
    throw new InvalidKeyError(input, 'it contains a user name or password; pass those with --username and --password');
  }
  const host = normalizeHostname(url.hostname);
  if (!validHost(host)) throw new InvalidKeyError(input, 'not a valid host name');

  // Without a scheme neither 80 nor 443 can be told from the default, so both mean "no port".
  const port = !scheme && url.port === '443' ? '' : url.port;
  const path = trimPath(url.pathname);

  // pixi's rule: a bare domain of two labels covers itself and every subdomain.
  if (!port && !path && !isIpAddress(host) && host.split('.').length === 2) return `*.${host}`;
  return `${host}${port ? `:${port}` : ''}${path}`;
}

/**
 * The key `pixi auth login <input>` would have written, so that `logout` removes it too:
 * pixi takes the host of a URL, or the input as typed, and adds `*.` when it has one dot.
 */
export function pixiKeyFor(input: string): string | undefined {
  let host = input.trim();
  if (host.includes('://')) {
    try {
      host = new URL(host).hostname;
    } catch {
      return undefined;
    }
  }
  if (host === '') return undefined;
  return host.split('.').length === 2 ? `*.${host}` : host;
}
