import { createRequire } from 'node:module';
import { posix } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalKey } from './keys.js';
import { keyMatches } from './match.js';
import { redact } from './redact.js';

/**
 * The fuzz run in CI: 100,000 random URLs, keys and secrets against a reference matcher written
 * here, apart from the code: 0 keys applied outside their host, port and path scope, 0 secrets
 * left in redacted output.
 */
const require = createRequire(import.meta.url);
const psl = require('psl') as { parse(domain: string): { domain?: string | null } | { error: unknown } };

const DEFAULT_PORT: Record<string, string> = { 'http:': '80', 'https:': '443' };

/**
 * The path a server resolves: decoded, `\` and `;`-dot segments as separators and dots, then
 * RFC 3986's remove_dot_segments. Empty segments stay: `//org-a` is not `/org-a` to a server
 * that does not merge slashes.
 */
function referencePath(pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  const dots = decoded.replaceAll('\\', '/').replace(/(^|\/)(\.\.?);[^/]*/g, '$1$2');
  // An empty segment inside the path: servers disagree (merge or keep), so no path scope applies.
  if (/\/\/+[^/]/.test(dots)) return null;
  const normalized = posix.normalize(`/${dots}`).replace(/\/+$/, '');
  return normalized === '/' ? '' : normalized;
}

function within(path: string | null, scope: string): boolean {
  if (scope === '') return true;
  return path !== null && (path === scope || path.startsWith(`${scope}/`));
}

const registrable = new Map<string, boolean>();
function registrableOrBelow(domain: string): boolean {
  let known = registrable.get(domain);
  if (known === undefined) {
    const parsed = psl.parse(domain);
    known = domain.includes('.') && 'domain' in parsed && parsed.domain !== null && parsed.domain !== undefined;
    registrable.set(domain, known);
  }
  return known;
}

/** Does the key's scope (host, port, path) cover this URL? */
function referenceMatches(key: string, url: URL): boolean {
  const path = referencePath(url.pathname);
  if (url.protocol === 's3:') {
    const bucket = url.host.toLowerCase();
    if (key === bucket) return true;
    if (key.startsWith('s3://')) {
      const [kBucket, ...rest] = key.slice(5).split('/');
      return kBucket === bucket && within(path, rest.length ? `/${rest.join('/')}` : '');
    }
    return key.startsWith('*.') && (bucket === key.slice(2) || bucket.endsWith(key.slice(1))) && registrableOrBelow(key.slice(2));
  }
  const host = url.hostname.replace(/\.$/, '');
  if (key.startsWith('*.')) {
    const domain = key.slice(2);
    if (/[:/[\]]/.test(domain) || /^[\d.]+$/.test(domain)) return false;
    return (host === domain || host.endsWith(`.${domain}`)) && registrableOrBelow(domain);
  }
  const m = /^(\[[^\]]+\]|[^:/]+)(?::(\d+))?(\/.*)?$/.exec(key);
  if (!m || m[1] !== host) return false;
  if (m[2] !== undefined && m[2] !== (url.port || DEFAULT_PORT[url.protocol])) return false;
  return within(path, m[3] ?? '');
}

const label = fc.constantFrom('a', 'b', 'ab', 'repo', 'prefix', 'dev', 'github', 'io', 'co', 'uk', 'example', 'xn--bcher-kva', 's3', 'amazonaws', 'com');
const host = fc.oneof(
  { weight: 6, arbitrary: fc.array(label, { minLength: 1, maxLength: 4 }).map((l) => l.join('.')) },
  { weight: 1, arbitrary: fc.constantFrom('127.0.0.1', '10.0.0.1', '[::1]', 'localhost', 'Repo.Prefix.DEV.', 'bücher.example') },
);
const segment = fc.constantFrom('a', 'ab', 'org-a', 'org-evil', 't', '..', '.', '%2e%2e', '..%2F', '..%5C', '..;x', '%2F', '%6Frg-a', '', 'x.json', '%zz', '@scope');
const path = fc.array(segment, { maxLength: 5 }).map((s) => (s.length ? `/${s.join('/')}` : ''));
const port = fc.constantFrom('', ':443', ':80', ':8443');
const scheme = fc.constantFrom('https://', 'http://', 's3://');
const secret = fc.array(fc.constantFrom(...'abcXYZ019-_.~!$&()*+,;=:/?#@'.split('')), { minLength: 1, maxLength: 10 }).map((c) => `Q${c.join('')}Q`);
const token = fc.array(fc.constantFrom(...'abcXYZ019-_.~'.split('')), { minLength: 1, maxLength: 10 }).map((c) => `Q${c.join('')}Q`);

const randomKey = fc.oneof(
  fc.tuple(fc.constantFrom('', '', '*.'), host, port, path).map(([w, h, p, pa]) => `${w}${h}${p}${pa}`),
  fc.tuple(host, path).map(([h, pa]) => `s3://${h}${pa}`),
);

/** Where a key near the URL comes from: which parent of the host, wildcard, port, how much of the path. */
const near = fc.record({
  use: fc.boolean(),
  drop: fc.nat(3),
  wildcard: fc.boolean(),
  port: fc.constantFrom('same', '', ':443'),
  keep: fc.nat(6),
  s3Prefix: fc.boolean(),
});

/** A key near the URL: its host or a parent, maybe a wildcard, a port, a prefix of its path. */
function nearKey(s: string, h: string, p: string, pa: string, n: { drop: number; wildcard: boolean; port: string; keep: number; s3Prefix: boolean }): string {
  const kh = h.split('.').slice(n.drop).join('.') || h;
  const kpath = pa.split('/').slice(0, n.keep).join('/');
  if (s === 's3://' && n.s3Prefix) return `s3://${h}${kpath}`;
  if (n.wildcard) return `*.${kh}`;
  return `${kh}${n.port === 'same' ? p : n.port}${kpath}`;
}

describe('fuzz: keys stay in scope, secrets stay hidden', () => {
  it('100,000 random URLs and keys against the reference matcher; every secret redacted', () => {
    let matched = 0;
    fc.assert(
      fc.property(scheme, host, port, path, randomKey, near, fc.option(secret), fc.option(token), (s, h, p, pa, random, n, password, condaToken) => {
        const raw = n.use ? nearKey(s, h, p, pa, n) : random;
        let url: URL;
        let key: string;
        try {
          url = new URL(`${s}${h}${s === 's3://' ? '' : p}${pa}`);
          key = canonicalKey(raw);
        } catch {
          return;
        }
        const applied = keyMatches(key, url);
        const reference = referenceMatches(key, url);
        if (applied) matched++;
        // Never outside its scope; and a key without a wildcard is found wherever its scope holds.
        if (applied || !key.startsWith('*.')) expect([key, url.href, applied]).toEqual([key, url.href, reference]);

        const shown = `${s}alice:${password ?? ''}@${h}${p}${condaToken ? `/t/${condaToken}` : ''}${pa}`;
        const out = redact(`request to ${shown} failed`);
        if (password) expect([shown, out.includes(password)]).toEqual([shown, false]);
        if (condaToken) expect([shown, out.includes(condaToken)]).toEqual([shown, false]);
      }),
      { numRuns: 100_000 },
    );
    // The generators must make keys that do match, or the run proves nothing.
    expect(matched).toBeGreaterThan(5000);
  }, 180_000);
});
