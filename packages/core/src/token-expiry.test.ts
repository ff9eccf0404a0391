import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expiryOf, jwtExpiry } from './token-expiry.js';

// The reference: a JWT is base64url(header).base64url(payload).signature, built here by hand.
const b64url = (text: string) => Buffer.from(text, 'utf8').toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const jwt = (payload: unknown) => `${b64url('{"alg":"RS256","typ":"JWT"}')}.${b64url(JSON.stringify(payload))}.c2lnbmF0dXJl`;

const oauth = { type: 'oauth', accessToken: 'opaque', refreshToken: null, tokenEndpoint: 'https://a/t', revocationEndpoint: null, clientId: 'rattler' } as const;

describe('expiryOf', () => {
  it('gives an OAuth credential its expires_at', () => {
    expect(expiryOf({ ...oauth, expiresAt: 1760000000 })).toEqual({ expiresAt: 1760000000, source: 'oauth' });
  });

  it("reads a JWT bearer token's exp, for any exp and any other claims", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.dictionary(fc.string(), fc.jsonValue()), (exp, claims) => {
        const token = jwt({ ...claims, exp });
        expect(expiryOf({ type: 'bearer', token })).toEqual({ expiresAt: exp, source: 'jwt' });
      }),
    );
  });

  it("falls back to the OAuth access token's exp when expires_at is null", () => {
    expect(expiryOf({ ...oauth, accessToken: jwt({ exp: 42 }), expiresAt: null })).toEqual({ expiresAt: 42, source: 'jwt' });
  });

  it('has no expiry for opaque tokens, JWTs without exp, and other credential types', () => {
    expect(expiryOf({ type: 'bearer', token: 'pfx_abc.def' })).toBeUndefined();
    expect(expiryOf({ type: 'bearer', token: jwt({ sub: 'x' }) })).toBeUndefined();
    expect(expiryOf({ type: 'bearer', token: jwt({ exp: '42' }) })).toBeUndefined();
    expect(expiryOf({ type: 'bearer', token: 'a.%%%.c' })).toBeUndefined();
    expect(expiryOf({ type: 'bearer', token: `a.${b64url('not json')}.c` })).toBeUndefined();
    expect(expiryOf({ ...oauth, expiresAt: null })).toBeUndefined();
    expect(expiryOf({ type: 'conda-token', token: jwt({ exp: 1 }) })).toBeUndefined();
    expect(expiryOf({ type: 'basic', username: 'u', password: jwt({ exp: 1 }) })).toBeUndefined();
  });

  it('never throws on arbitrary token text', () => {
    fc.assert(fc.property(fc.string(), (token) => void jwtExpiry(token)));
  });
});
