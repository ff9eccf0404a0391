import { CredentialsInInputError, InvalidKeyError } from './errors.js';
import { wildcardReachesPublicSuffix } from './public-suffix.js';
import { REDACTED, redact } from './redact.js';

/**
 * Login input → the key a credential is stored under, as the design's "Keys" section says and
 * as pixi writes it for URLs (`pixi auth login`, rattler's `get_url`):
 * - `https://Repo.Prefix.dev:8443/chan/` → `repo.prefix.dev` (a URL: its host only);
 * - `prefix.dev` → `*.prefix.dev` (one dot: the domain and its subdomains), unless the wildcard
 *   would reach a public suffix (`github.io` stays `github.io`);
 * - `host:8443`, `host/channel-a/` → `host:8443`, `host/channel-a` (bare input keeps its scope);
 * - `s3://my-bucket/channel` → `my-bucket` (pixi keys S3 logins by the bucket);
 * - `*.example.com` as given, when it covers two labels or more and no public suffix.
 */

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;
const LABEL = '[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?';
const DOMAIN = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const FORBIDDEN = /[\s\u0000-\u001f\u007f-\u009f]/;
// `/t/<token>` anywhere in a path: a conda token.
const CONDA_SEGMENT = /(?:^|\/)t\/[^/]+/;

/** True when the input starts with `scheme://`. */
export function hasScheme(input: string): boolean {
  return SCHEME.test(input);
}

export function isIpAddress(host: string): boolean {
  return host.startsWith('[') || IPV4.test(host);
}

/** A WHATWG URL hostname as key material: its trailing dot dropped (the URL did the rest). */
export function normalizeHostname(hostname: string): string {
  return hostname.endsWith('.') ? hostname.slice(0, -1) : hostname;
}

/** A URL's path as key material: "" for the root, otherwise without trailing slashes. */
function trimPath(pathname: string): string {
  let end = pathname.length;
  while (end > 0 && pathname.charCodeAt(end - 1) === 47) end--;
  return pathname.slice(0, end);
}

/** A key split into its parts; `wildcard` keys cover `host` and its subdomains. */
interface KeyParts {
  wildcard: boolean;
  host: string;
  /** The port in decimal without leading zeros, or "" for none. */
  port: string;
  /** "" or `/segment/…` without a trailing slash, percent-decoded and free of `.`/`..`. */
  path: string;
}

/**
 * `host[:port][/path]` (no scheme, no wildcard) → its parts, host normalized as a URL would
 * normalize it. Throws InvalidKeyError naming the (redacted) input.
 */
function parseBare(input: string, text: string): KeyParts {
  const slash = text.indexOf('/');
  const authority = slash < 0 ? text : text.slice(0, slash);
  if (authority.includes('@')) throw new CredentialsInInputError(redact(input), 'a user name or password');
  const portAt = authority.startsWith('[') ? authority.indexOf(']:') + 1 : authority.lastIndexOf(':');
  const port = portAt > 0 ? authority.slice(portAt + 1) : '';
  try {
    if (port !== '' && !validPort(port)) throw new InvalidKeyError(redact(input), 'its port is not a number from 1 to 65535');
    const host = hostOf(input, portAt > 0 ? authority.slice(0, portAt) : authority);
    return { wildcard: false, host, port: port === '' ? '' : String(Number(port)), path: pathOf(input, slash < 0 ? '' : text.slice(slash)) };
  } catch (error) {
    // `user:pa/ss@host`: the `/` in the password ends the authority early.
    if (text.includes('@')) throw new CredentialsInInputError(redact(input), 'what looks like a user name or password');
    throw error;
  }
}

function validPort(port: string): boolean {
  return /^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535;
}

/** A host as URLs carry it: lower case, IDNA ASCII, IPv4 dotted, IPv6 in brackets, no trailing dot. */
function hostOf(input: string, text: string): string {
  if (text === '' || /[/?#@\\%*]/.test(text)) throw new InvalidKeyError(redact(input), 'not a valid host name');
  let hostname: string;
  try {
    hostname = new URL(`http://${text}/`).hostname;
  } catch {
    throw new InvalidKeyError(redact(input), 'not a valid host name');
  }
  const host = normalizeHostname(hostname);
  if (!(isIpAddress(host) || DOMAIN.test(host))) throw new InvalidKeyError(redact(input), 'not a valid host name');
  return host;
}

/** A path as key material: percent-decoded, `.`/`..` resolved, no empty segments, no trailing slash. */
function pathOf(input: string, path: string): string {
  // Slashes typed twice in login input are one: `host//channel` is `host/channel`.
  const normalized = normalizePath(path.replace(/[/\\]{2,}/g, '/'));
  if (normalized === undefined) throw new InvalidKeyError(redact(input), 'its path has a malformed %-escape or an empty segment');
  if (FORBIDDEN.test(normalized)) throw new InvalidKeyError(redact(input), 'its path holds white space or control characters');
  if (/[?#]/.test(normalized)) throw new InvalidKeyError(redact(input), 'a key has no query or fragment');
  if (CONDA_SEGMENT.test(normalized)) throw new CredentialsInInputError(redact(input), 'a conda token (/t/<token>/)');
  return normalized;
}

/**
 * A URL path the way path scopes compare it: percent-decoded, `\` as `/`, `.` and `..` resolved
 * (also `..;x`, which some servers read as `..`), no trailing slash.
 * Undefined when the %-escapes are malformed or an empty segment stands inside the path (servers
 * disagree on what `//` means): then no path scope applies.
 */
export function normalizePath(pathname: string): string | undefined {
  let decoded = pathname;
  if (pathname.includes('%')) {
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return undefined;
    }
  }
  if (!/\\|\/\.|\/\//.test(decoded)) return trimPath(decoded);
  const out: string[] = [];
  const segments = decoded.replaceAll('\\', '/').split('/');
  let last = segments.length - 1;
  while (last > 0 && segments[last] === '') last--;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as string;
    const dots = segment.split(';')[0];
    // An empty segment inside the path (`//org-a`, `/%2F/org-a`) is read as nothing by servers
    // that merge slashes and as a segment of its own by others: no path scope can be sure of it.
    if (segment === '' && i > 0 && i < last) return undefined;
    if (segment === '' || dots === '.') continue;
    if (dots === '..') out.pop();
    else out.push(segment);
  }
  return trimPath(out.length ? `/${out.join('/')}` : '');
}

/** pixi's rule: a domain of exactly two labels stands for itself and its subdomains. */
function pixiWildcard(host: string): string {
  if (isIpAddress(host) || host.split('.').length !== 2 || wildcardReachesPublicSuffix(host)) return host;
  return `*.${host}`;
}

function checkedWildcard(input: string, domainText: string): string {
  if (/[/:@?#]/.test(domainText)) throw new InvalidKeyError(redact(input), 'a wildcard key is a domain only, like *.example.com');
  const host = hostOf(input, domainText);
  if (isIpAddress(host)) throw new InvalidKeyError(redact(input), 'an IP address has no subdomains');
  if (!host.includes('.')) {
    throw new InvalidKeyError(redact(input), 'a wildcard must cover a domain of at least two labels, like *.prefix.dev');
  }
  if (wildcardReachesPublicSuffix(host)) {
    throw new InvalidKeyError(redact(input), `*.${host} would cover a public suffix (sites of many owners); log in to the exact host instead`);
  }
  return `*.${host}`;
}

/** Refuses what never becomes a key: empty, blanks, controls, secrets in the input. */
function screen(input: string): string {
  const text = input.trim();
  if (text === '') throw new InvalidKeyError(redact(input), 'it is empty');
  if (FORBIDDEN.test(text)) {
    // A blank may cut a password in two (`https://alice:pa ss@host`): then nothing of it is shown.
    if (text.includes('@')) throw new CredentialsInInputError(REDACTED, 'what looks like a user name or password');
    throw new InvalidKeyError(redact(input), 'it contains white space or control characters');
  }
  return text;
}

function parseUrl(input: string, text: string): URL {
  // Up to the first `/` after `://`: a password may hold `?`, `#` or `@`, so look for any `@`.
  const pathStart = text.indexOf('/', text.indexOf('://') + 3);
  if (text.slice(0, pathStart < 0 ? undefined : pathStart).includes('@')) {
    throw new CredentialsInInputError(redact(input), 'a user name or password');
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    if (text.includes('@')) throw new CredentialsInInputError(redact(input), 'what looks like a user name or password');
    throw new InvalidKeyError(redact(input), 'not a host name or URL');
  }
  if (url.username || url.password) throw new CredentialsInInputError(redact(input), 'a user name or password');
  // Servers decode `%74` and `%2F`: `/%74/<token>/` is a conda token as much as `/t/<token>/`.
  if (CONDA_SEGMENT.test(url.pathname) || CONDA_SEGMENT.test(normalizePath(url.pathname) ?? '')) {
    throw new CredentialsInInputError(redact(input), 'a conda token (/t/<token>/)');
  }
  return url;
}

/** The host of a scheme URL as pixi reads it (`host_str`): buckets for s3, hosts for http(s). */
function urlHost(input: string, text: string, scheme: string): string {
  const url = parseUrl(input, text);
  if (scheme === 's3') return bucketOf(input, url);
  if (scheme !== 'http' && scheme !== 'https') {
    throw new InvalidKeyError(redact(input), `the scheme "${scheme}" is not supported (use a host name, an http(s) URL or s3://)`);
  }
  const host = normalizeHostname(url.hostname);
  if (!(isIpAddress(host) || DOMAIN.test(host))) throw new InvalidKeyError(redact(input), 'not a valid host name');
  return host;
}

export function keyFromInput(input: string): string {
  const text = screen(input);
  const scheme = SCHEME.exec(text)?.[1]?.toLowerCase();
  if (scheme !== undefined) return pixiWildcard(urlHost(input, text, scheme));
  if (text.startsWith('*.')) return checkedWildcard(input, text.slice(2));
  if (text.includes('*')) throw new InvalidKeyError(redact(input), 'a wildcard may only stand first, as in *.example.com');
  const parts = parseBare(input, text);
  if (!parts.port && !parts.path) return pixiWildcard(parts.host);
  return formatKey(parts);
}

function formatKey(parts: KeyParts): string {
  return `${parts.wildcard ? '*.' : ''}${parts.host}${parts.port ? `:${parts.port}` : ''}${parts.path}`;
}

/**
 * A key given to `store.set()` in its canonical form, or InvalidKeyError. Unlike login input it
 * is never widened: `HTTPS://Foo.Example.com/` → `foo.example.com`, `example.com` stays, and the
 * keys rattler and pixi write (`*.dev`, `my-bucket`, `s3://bucket/path`, `*.host:port`) pass
 * unchanged.
 */
export function canonicalKey(key: string): string {
  const text = screen(key);
  const scheme = SCHEME.exec(text)?.[1]?.toLowerCase();
  if (scheme === 's3') return s3Key(key, text);
  if (scheme !== undefined) {
    const url = parseUrl(key, text);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidKeyError(redact(key), `the scheme "${scheme}" is not supported`);
    return formatKey(parseBare(key, `${url.host}${url.pathname}`));
  }
  const wildcard = text.startsWith('*.');
  const body = wildcard ? text.slice(2) : text;
  if (body.includes('*')) throw new InvalidKeyError(redact(key), 'a wildcard may only stand first, as in *.example.com');
  const parts = parseBare(key, body);
  if (wildcard && isIpAddress(parts.host)) throw new InvalidKeyError(redact(key), 'an IP address has no subdomains');
  return formatKey({ ...parts, wildcard });
}

/** `s3://Bucket/path/` → `s3://bucket/path`: rattler looks these up by URL prefix. */
function s3Key(input: string, text: string): string {
  const url = parseUrl(input, text);
  return `s3://${bucketOf(input, url)}${pathOf(input, url.pathname)}`;
}

/** An S3 bucket name: lower-case letters, digits, dots and hyphens, and a host name as it stands. */
function bucketOf(input: string, url: URL): string {
  const bucket = url.host.toLowerCase();
  const refused = new InvalidKeyError(redact(input), 'an s3 key needs a bucket name: s3://bucket/path');
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(bucket) || !DOMAIN.test(bucket)) throw refused;
  // `0.0` or `a.0` would be read as an IPv4 address where the bucket name is used as a host.
  if (hostOf(input, bucket) !== bucket) throw refused;
  return bucket;
}
