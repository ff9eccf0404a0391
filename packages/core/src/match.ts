import { isIpAddress, normalizeHostname, trimPath } from './keys.js';

/**
 * URL → the keys that could hold its credential, most specific first:
 * host:port with each path prefix, host:port, the same without the port, then wildcards of the
 * host and each parent domain of two labels or more. Path prefixes end at segment boundaries.
 */
export function candidateKeys(url: string | URL): string[] {
  const u = typeof url === 'string' ? new URL(url) : url;
  if (u.protocol === 's3:') return pathCandidates(`s3://${u.host}`, u.pathname);

  const host = normalizeHostname(u.hostname);
  const out: string[] = [];
  if (u.port) out.push(...pathCandidates(`${host}:${u.port}`, u.pathname));
  out.push(...pathCandidates(host, u.pathname));
  out.push(...wildcardsFor(host));
  return out;
}

/** `base/a/b/c`, `base/a/b`, `base/a`, `base`. */
export function pathCandidates(base: string, pathname: string): string[] {
  const out: string[] = [];
  let path = trimPath(pathname);
  while (path !== '') {
    out.push(base + path);
    path = trimPath(path.slice(0, path.lastIndexOf('/')));
  }
  out.push(base);
  return out;
}

/** `*.a.b.c`, `*.b.c`: never a wildcard of one label, none for IP addresses. */
export function wildcardsFor(host: string): string[] {
  if (isIpAddress(host) || host === '') return [];
  const out: string[] = [];
  let rest = host;
  while (rest.includes('.')) {
    out.push(`*.${rest}`);
    rest = rest.slice(rest.indexOf('.') + 1);
  }
  return out;
}

/** True when a stored key would be chosen for this URL (used by listings and tests). */
export function keyMatches(key: string, url: string | URL): boolean {
  return candidateKeys(url).includes(key);
}
