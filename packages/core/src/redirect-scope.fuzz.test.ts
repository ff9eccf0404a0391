import { domainToASCII } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAuthenticator } from './authenticator.js';
import type { Credential } from './credential.js';
import { isAuthError } from './errors.js';
import { MemoryStore } from './store.js';

/**
 * 100,000 random URLs, malformed ones among them, through `decorate` and `resolve` with random
 * sets of keys; a reference written here, without the code's own matching, checks that every
 * credential that went out went to a host, port and path its key covers.
 */

const KEYS = [
  'a.example.com',
  'example.com',
  '*.example.com',
  '*.a.example.com',
  'a.example.com:8443',
  'a.example.com/org-a',
  'a.example.com/org-a/b',
  'a.example.com:8443/org-a',
  'b.example.com/t',
  '127.0.0.1',
  '127.0.0.1:8443/org-a',
  '[::1]',
  'xn--bcher-kva.example.com',
  '*.example.co.uk',
];

// Each key's secret is recognisable in any output: `sec<index>q`.
const TOKEN = /sec(\d+)q/;

const host = fc.constantFrom(
  'a.example.com',
  'A.Example.COM',
  'example.com',
  'example.com.',
  'b.example.com',
  'x.a.example.com',
  'evil-example.com',
  'example.com.evil.net',
  'a.example.com@evil.net',
  '127.0.0.1',
  '0x7f.1',
  '[::1]',
  'bücher.example.com',
  'a.example.co.uk',
  'co.uk',
);
const port = fc.constantFrom('', '', ':8443', ':443', ':80', ':08443', ':99999', ':');
const segment = fc.constantFrom('org-a', 'org-b', 'b', '..', '%2e%2e', '.%2E', '.', '%2F', 'org-a%2F..%2Forg-evil', 't', 'x', '', 'x y', '%', '%zz', '\\..');
const path = fc.array(segment, { maxLength: 5 }).map((s) => (s.length ? `/${s.join('/')}` : ''));
const scheme = fc.constantFrom('https://', 'https://', 'http://', 'HTTPS://', 'https:///', 'https:', 'https:\\\\', 'https://\\', 'ftp://', 's3://', ' https://', 'https:/');
const userinfo = fc.constantFrom('', '', '', '', 'u:p@', 'u@', '@');
const tail = fc.constantFrom('', '', '?q=1', '#f', '?x=/t/a/', '\t', '\\x');
const structured = fc.tuple(scheme, userinfo, host, port, path, tail).map((parts) => parts.join(''));
const anyUrl = fc.oneof({ weight: 8, arbitrary: structured }, { weight: 1, arbitrary: fc.webUrl() }, { weight: 1, arbitrary: fc.string() });

const keySet = fc.uniqueArray(fc.tuple(fc.nat(KEYS.length - 1), fc.boolean()), { minLength: 1, maxLength: 6, selector: ([i]) => i });

/** Decoded, with `.` and `..` resolved: the path a server that decodes sees. */
function serverPath(pathname: string): string {
  const decoded = pathname.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  const out: string[] = [];
  for (const part of decoded.replace(/\\/g, '/').split('/').slice(1)) {
    if (part === '..') out.pop();
    else if (part !== '.') out.push(part);
  }
  return `/${out.join('/')}`;
}

/** The reference: does `key` cover this host, port and path? */
function covers(key: string, hostname: string, portText: string, pathname: string | undefined): boolean {
  const m = /^(\*\.)?(\[[^\]]+\]|[^:/]+)(?::(\d+))?(\/.*)?$/.exec(key);
  if (!m) return false;
  const [, wild, keyHost, keyPort, keyPath] = m;
  const h = hostname.toLowerCase().replace(/\.$/, '');
  if (wild ? !(h === keyHost || h.endsWith(`.${keyHost}`)) : h !== keyHost) return false;
  if (keyPort && portText !== keyPort) return false;
  if (keyPath) {
    if (pathname === undefined) return false;
    const p = serverPath(pathname);
    if (p !== keyPath && !p.startsWith(`${keyPath}/`)) return false;
  }
  return true;
}

/** The host as a naive reader of the text sees it: scheme://, then up to / ? # or \. */
function naiveHost(text: string): { host: string; port: string } | undefined {
  const m = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/([^/?#\\]*)/.exec(text);
  if (!m) return undefined;
  const authority = (m[1] ?? '').slice((m[1] ?? '').lastIndexOf('@') + 1);
  const hp = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(authority);
  const port = hp?.[2] ?? '';
  return { host: domainToASCII(hp?.[1] ?? '') || (hp?.[1] ?? ''), port: /^0*443$|^0*80$/.test(port) ? '' : port.replace(/^0+(?=\d)/, '') };
}

function credentialFor(index: number, conda: boolean): Credential {
  return conda ? { type: 'conda-token', token: `sec${index}q` } : { type: 'bearer', token: `sec${index}q` };
}

describe('no credential leaves its scope (fuzz against a reference)', () => {
  it('100,000 random URLs through decorate and resolve', async () => {
    let sent = 0;
    let urls = 0;
    await fc.assert(
      fc.asyncProperty(keySet, fc.array(anyUrl, { minLength: 500, maxLength: 500 }), async (keys, inputs) => {
        const auth = createAuthenticator({ store: new MemoryStore(keys.map(([i, conda]) => [KEYS[i] as string, credentialFor(i, conda)])) });
        for (const input of inputs) {
          urls++;
          let out: { url: string; headers: Record<string, string> };
          try {
            out = await auth.decorate({ url: input });
          } catch (error) {
            // A malformed URL, or an s3:// URL that cannot be signed (no keys, userinfo): refused, nothing sent.
            if (isAuthError(error, 'INVALID_URL', 'S3_FAILED')) continue;
            throw error;
          }
          const header = out.headers.authorization ?? '';
          const dest = new URL(out.url);
          const inPath = TOKEN.exec(dest.pathname.startsWith('/t/sec') ? dest.pathname : '');
          const inHeader = TOKEN.exec(header);
          const used = inHeader ?? inPath;
          if (!used) {
            expect(out.url + header, input).not.toMatch(TOKEN);
            continue;
          }
          sent++;
          const key = KEYS[Number(used[1])] as string;
          const path = inPath ? dest.pathname.slice(dest.pathname.indexOf('/', 3)) : dest.pathname;
          expect(covers(key, dest.hostname, dest.port, path), `${key} sent to ${out.url} for ${JSON.stringify(input)}`).toBe(true);
          expect(dest.protocol === 'https:' || dest.protocol === 'http:').toBe(true);
          // Whatever a naive reader of the text takes for the host is covered too.
          const naive = naiveHost(input);
          expect(naive && covers(key, naive.host, naive.port, undefined) === covers(key, dest.hostname, dest.port, undefined), input).toBe(true);
          const resolved = await auth.resolve(input);
          expect(resolved && covers(resolved.key, dest.hostname, dest.port, path), input).toBeTruthy();
        }
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 200), endOnFailure: true },
    );
    expect(urls).toBe(500 * Number(process.env.FUZZ_RUNS ?? 200));
    // The generator must reach credentials often enough for the check to mean something.
    expect(sent).toBeGreaterThan(urls / 50);
  }, 120_000);
});
