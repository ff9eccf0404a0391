import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Credential } from './credential.js';
import { decorate } from './decorate.js';
import { InvalidCredentialError } from './errors.js';

describe('decorating a request', () => {
  it('bearer adds Authorization: Bearer', () => {
    expect(decorate({ url: 'https://h/x' }, { type: 'bearer', token: 'tok' })).toEqual({
      url: 'https://h/x',
      headers: { authorization: 'Bearer tok' },
    });
  });

  it('basic encodes UTF-8 user:password in base64', () => {
    const out = decorate({ url: 'https://h/x', headers: { accept: 'a' } }, { type: 'basic', username: 'jürgen', password: 'p:ss' });
    expect(out.headers).toEqual({ accept: 'a', authorization: `Basic ${Buffer.from('jürgen:p:ss', 'utf8').toString('base64')}` });
  });

  it('a conda token goes in front of the path, once', () => {
    const c: Credential = { type: 'conda-token', token: 'xy-1' };
    expect(decorate({ url: 'https://conda.anaconda.org/conda-forge/x.json' }, c).url).toBe(
      'https://conda.anaconda.org/t/xy-1/conda-forge/x.json',
    );
    expect(decorate({ url: 'https://h/t/xy-1/conda-forge/x.json' }, c).url).toBe('https://h/t/xy-1/conda-forge/x.json');
    expect(decorate({ url: 'https://h' }, c).url).toBe('https://h/t/xy-1/');
    expect(decorate({ url: 'https://h?q=1' }, c).url).toBe('https://h/t/xy-1/?q=1');
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
    const c: Credential = { type: 'bearer', token: 'tok' };
    for (const req of [
      { url: 'https://h/x', headers: { Authorization: 'Bearer mine' } },
      { url: 'https://h/x', headers: { AUTHORIZATION: 'Basic x' } },
      { url: 'https://me:pw@h/x', headers: {} },
      { url: 'https://me@h/x', headers: {} },
    ]) {
      expect(decorate(req, c)).toEqual(req);
    }
    const conda: Credential = { type: 'conda-token', token: 'new' };
    expect(decorate({ url: 'https://h/t/old/x', headers: {} }, conda).url).toBe('https://h/t/old/x');
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
