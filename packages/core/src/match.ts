import { isIpAddress, normalizeHostname, normalizePath } from './keys.js';
import { wildcardReachesPublicSuffix } from './public-suffix.js';

/**
 * URL → the keys that could hold its credential, most specific first:
 * `host:port` with each path prefix, `host:port`, the same without the port, then wildcards of
 * the host and each parent domain (never of one label, never over a public suffix, none for IP
 * addresses). The port is the effective one, so `host:443` keys apply to `https://host/`.
 * `s3://bucket/…` tries the bucket (pixi's key), then its `s3://` prefixes, as rattler does.
 */
export function candidateKeys(url: string | URL): string[] {
  return [...candidates(typeof url === 'string' ? new URL(url) : url)];
}

/**
 * `candidateKeys`, one at a time: a reader that finds an earlier key (a host's own, as most
 * are) never builds the wildcards, whose public-suffix check reads the list on first use. What
 * they are built from is read from the URL now: the caller's URL object may change while a
 * lookup awaits a store.
 */
export function candidates(u: URL): Iterable<string> {
  if (u.protocol === 's3:') {
    const bucket = u.host.toLowerCase();
    return lazily([bucket, ...pathCandidates(`s3://${bucket}`, u.pathname)], bucket);
  }
  return lazily(
    hostBases(u).flatMap((base) => pathCandidates(base, u.pathname)),
    normalizeHostname(u.hostname),
  );
}

function* lazily(keys: readonly string[], wildcardHost: string): Generator<string, void, undefined> {
  yield* keys;
  yield* wildcardsFor(wildcardHost);
}

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443', 'ws:': '80', 'wss:': '443' };

/** `host:port` (the effective port: WHATWG drops a default one) and `host`: the bases of path keys. */
export function hostBases(u: URL): string[] {
  const host = normalizeHostname(u.hostname);
  const port = u.port || DEFAULT_PORTS[u.protocol];
  return port ? [`${host}:${port}`, host] : [host];
}

/**
 * `base/a/b/c`, `base/a/b`, `base/a`, `base`, on the normalized path (percent-decoded, dot
 * segments resolved), so a prefix only ever matches whole segments. A path whose %-escapes are
 * malformed gets the base alone: no path scope applies to it.
 */
function pathCandidates(base: string, pathname: string): string[] {
  const out: string[] = [];
  let path = deepestScope(normalizePath(pathname) ?? '');
  while (path !== '') {
    out.push(base + path);
    path = path.slice(0, path.lastIndexOf('/'));
  }
  out.push(base);
  return out;
}

// Deeper path keys are never matched: a URL of 30,000 segments must not cost 30,000 candidates.
const MAX_PATH_DEPTH = 64;
// A DNS name has at most 253 characters: longer hosts get no wildcards (and no quadratic walk).
const MAX_HOST_LENGTH = 253;

/** The path cut to its first MAX_PATH_DEPTH segments. */
function deepestScope(path: string): string {
  let at = 0;
  for (let depth = 0; depth < MAX_PATH_DEPTH; depth++) {
    at = path.indexOf('/', at + 1);
    if (at < 0) return path;
  }
  return path.slice(0, at);
}

// Hosts with path keys ask for their wildcards on every request: remember the last ones.
const wildcardCache = new Map<string, readonly string[]>();

/**
 * `*.a.b.c`, `*.b.c`: never a wildcard of one label or over a public suffix, none for IP
 * addresses. The array is shared between calls: do not change it.
 */
function wildcardsFor(host: string): readonly string[] {
  let out = wildcardCache.get(host);
  if (out === undefined) {
    out = computeWildcards(host);
    if (wildcardCache.size >= 1024) wildcardCache.clear();
    wildcardCache.set(host, out);
  }
  return out;
}

function computeWildcards(host: string): string[] {
  if (host === '' || host.length > MAX_HOST_LENGTH || isIpAddress(host)) return [];
  const out: string[] = [];
  for (let rest = host; rest.includes('.'); rest = rest.slice(rest.indexOf('.') + 1)) {
    if (!wildcardReachesPublicSuffix(rest)) out.push(`*.${rest}`);
  }
  return out;
}

/** True when a stored key would be chosen for this URL (used by listings and tests). */
export function keyMatches(key: string, url: string | URL): boolean {
  return candidateKeys(url).includes(key);
}
