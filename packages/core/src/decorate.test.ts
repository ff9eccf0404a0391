import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Credential } from './credential.js';
import { decorate } from './decorate.js';
import { InvalidCredentialError, InvalidUrlError } from './errors.js';

const bearer: Credential = { type: 'bearer', token: 'tok' };
const conda: Credential = { type: 'conda-token', token: 'xy-1' };

describe('decorating a request', () => {
  it('bearer adds Authorization: Bearer', () => {
    expect(decorate({ url: 'https://h/x' }, bearer)).toEqual({ url: 'https://h/x', headers: { authorization: 'Bearer tok' } });
  });

  it('basic encodes UTF-8 user:password in base64', () => {
    const out = decorate({ url: 'https://h/x', headers: { accept: 'a' } }, { type: 'basic', username: 'jürgen', password: 'p:ss' });
    expect(out.headers).toEqual({ accept: 'a', authorization: `Basic ${Buffer.from('jürgen:p:ss', 'utf8').toString('base64')}` });
  });

  it('a conda token goes in front of the path, once', () => {
    expect(decorate({ url: 'https://conda.anaconda.org/conda-forge/x.json' }, conda).url).toBe('https://conda.anaconda.org/t/xy-1/conda-forge/x.json');
    expect(decorate({ url: 'https://h/t/xy-1/conda-forge/x.json' }, conda).url).toBe('https://h/t/xy-1/conda-forge/x.json');
    expect(decorate({ url: 'https://h' }, conda).url).toBe('https://h/t/xy-1/');
    expect(decorate({ url: 'https://h?q=1' }, conda).url).toBe('https://h/t/xy-1/?q=1');
    expect(decorate({ url: 'https://h:8443/x#f' }, conda).url).toBe('https://h:8443/t/xy-1/x#f');
    expect(decorate({ url: 'https://h/x' }, { type: 'conda-token', token: 'a/b?c' }).url).toBe('https://h/t/a%2Fb%3Fc/x');
  });

  it('oauth sends its access token only while unexpired', () => {
    const base = { type: 'oauth' as const, accessToken: 'at', tokenEndpoint: 'e', clientId: 'c' };
    expect(decorate({ url: 'https://h/' }, { ...base, expiresAt: null }).headers.authorization).toBe('Bearer at');
    expect(decorate({ url: 'https://h/' }, { ...base, expiresAt: 1 }).headers.authorization).toBeUndefined();
  });

  it('s3 and unknown credentials change nothing', () => {
    const req = { url: 'https://h/x', headers: { a: 'b' } };
    expect(decorate(req, { type: 's3', accessKeyId: 'a', secretAccessKey: 's' })).toEqual(req);
    expect(decorate(req, { type: 'unknown', raw: '{}' })).toEqual(req);
  });

  it('a request that already carries credentials is left alone', () => {
    const requests: { url: string; headers: Record<string, string> }[] = [
      { url: 'https://h/x', headers: { Authorization: 'Bearer mine' } },
      { url: 'https://h/x', headers: { AUTHORIZATION: 'Basic x' } },
      { url: 'https://me:pw@h/x', headers: {} },
      { url: 'https://me@h/x', headers: {} },
    ];
    for (const req of requests) {
      expect(decorate(req, bearer)).toEqual(req);
      expect(decorate(req, conda)).toEqual(req);
    }
    expect(decorate({ url: 'https://h/t/old/x', headers: {} }, { type: 'conda-token', token: 'new' }).url).toBe('https://h/t/old/x');
  });

  it('a /t/ segment blocks only a conda token: a header credential is still sent', () => {
    expect(decorate({ url: 'https://repo.example.com/t/noarch/x.json' }, bearer).headers).toEqual({ authorization: 'Bearer tok' });
    const basic: Credential = { type: 'basic', username: 'u', password: 'p' };
    expect(decorate({ url: 'https://repo.example.com/t/noarch/x.json' }, basic).headers.authorization).toMatch(/^Basic /);
  });

  it('Headers in, Headers out; pairs in, pairs out; the caller’s headers are kept and not mutated', () => {
    const given = new Headers({ accept: 'application/json', 'x-trace': '1' });
    const out = decorate({ url: 'https://h/x', headers: given }, bearer);
    expect(out.headers).toBeInstanceOf(Headers);
    expect(Object.fromEntries(out.headers)).toEqual({ accept: 'application/json', 'x-trace': '1', authorization: 'Bearer tok' });
    expect(given.has('authorization')).toBe(false);

    const pairs: [string, string][] = [['accept', 'a'], ['x-trace', '1']];
    const outPairs = decorate({ url: 'https://h/x', headers: pairs }, bearer);
    expect(outPairs.headers).toEqual([['accept', 'a'], ['x-trace', '1'], ['authorization', 'Bearer tok']]);
    expect(pairs).toHaveLength(2);

    const record = { accept: 'a' };
    decorate({ url: 'https://h/x', headers: record }, bearer);
    expect(record).toEqual({ accept: 'a' });
  });

  it('the caller’s Authorization is never replaced, in any kind or case', () => {
    const h = new Headers({ Authorization: 'Bearer mine' });
    expect(decorate({ url: 'https://h/x', headers: h }, bearer).headers.get('authorization')).toBe('Bearer mine');
    expect(decorate({ url: 'https://h/x', headers: [['AuThOrIzAtIoN', 'Bearer mine']] }, bearer).headers).toEqual([['AuThOrIzAtIoN', 'Bearer mine']]);
    expect(decorate({ url: 'https://h/x', headers: { aUTHORIZATION: 'Bearer mine' } }, bearer).headers).toEqual({ aUTHORIZATION: 'Bearer mine' });
  });

  it('a URL that another parser would read differently is a typed error', () => {
    for (const url of [
      'https:///conda.anaconda.org/x',
      'https://\\conda.anaconda.org/x',
      'https:conda.anaconda.org/x',
      'https://conda.anaconda.org\\@evil.com/x',
      'https://con\tda.anaconda.org/x',
      ' https://conda.anaconda.org/x',
      'https://',
      'conda.anaconda.org/x',
    ]) {
      expect(() => decorate({ url }, conda), url).toThrow(InvalidUrlError);
    }
  });

  it('normalisations of a well-formed URL are accepted', () => {
    expect(decorate({ url: 'HTTPS://Repo.Example.COM:443/x' }, bearer).url).toBe('https://repo.example.com/x');
    expect(decorate({ url: new URL('https://h/a b') }, bearer).url).toBe('https://h/a%20b');
  });

  it('the error for a malformed URL does not show a token in it', () => {
    expect(() => decorate({ url: 'https:///h/t/sekrit-token/x' }, conda)).toThrow(InvalidUrlError);
    try {
      decorate({ url: 'https:///h/t/sekrit-token/x' }, conda);
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('sekrit-token');
    }
  });

  it('a stored credential with CR or LF is refused, naming the key and not the secret', () => {
    expect(() => decorate({ url: 'https://h/' }, { type: 'bearer', token: 'a\r\nX-Evil: 1' }, 'h')).toThrow(InvalidCredentialError);
    expect(() => decorate({ url: 'https://h/' }, { type: 'bearer', token: 'a\r\nX-Evil: 1' }, 'h')).toThrow(/stored for h/);
  });

  it('decoration never produces a header with CR or LF', () => {
    const secret = fc.string({ unit: 'binary', maxLength: 30 });
    const credential: fc.Arbitrary<Credential> = fc.oneof(
      fc.record({ type: fc.constant('bearer' as const), token: secret }),
      fc.record({ type: fc.constant('basic' as const), username: secret, password: secret }),
      fc.record({ type: fc.constant('conda-token' as const), token: secret }),
    );
    fc.assert(
      fc.property(credential, (c) => {
        let out: ReturnType<typeof decorate>;
        try {
          out = decorate({ url: 'https://h/a', headers: {} }, c);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidCredentialError);
          return;
        }
        for (const value of Object.values(out.headers)) expect(String(value)).not.toMatch(/[\r\n\0]/);
        expect(out.url).not.toMatch(/[\r\n\0\s]/);
        expect(new URL(out.url).host).toBe('h');
      }),
    );
  });
});

describe('the README snippet', () => {
  it('type-checks under strict: decorate() output goes straight into fetch()', () => {
    const dir = mkdtempSync(join(import.meta.dirname, '..', '.snippet-'));
    try {
      writeFileSync(
        join(dir, 'snippet.ts'),
        `import { createAuthenticator, MemoryStore } from '../src/index.js';
const auth = createAuthenticator({ store: new MemoryStore() });
export async function get(url: string): Promise<Response> {
  const { url: target, headers } = await auth.decorate({ url });
  return fetch(target, { headers });
}
export async function withHeaders(url: string): Promise<Response> {
  const decorated = await auth.decorate({ url, headers: new Headers({ accept: 'application/json' }) });
  return fetch(decorated.url, { headers: decorated.headers });
}
`,
      );
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            strict: true,
            noEmit: true,
            target: 'ES2022',
            lib: ['ES2023'],
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            types: ['node'],
            skipLibCheck: true,
          },
          files: ['snippet.ts'],
        }),
      );
      const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
      // Throws with tsc's diagnostics when the snippet does not compile.
      execFileSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
