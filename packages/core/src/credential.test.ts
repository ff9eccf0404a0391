import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { type Credential, MAX_SECRET_BYTES, protect, sendableToken, stripBom, tokenOf, validateCredential } from './credential.js';
import { InvalidCredentialError } from './errors.js';
import { decodeCredential } from './rattler.js';

describe('credentials', () => {
  it('a decoded credential never prints its secret', () => {
    const credential = decodeCredential('{"BasicHTTP":{"username":"alice","password":"hunter2-secret"}}');
    expect(inspect(credential)).not.toContain('hunter2-secret');
    expect(inspect(credential)).toContain('alice');
    expect(JSON.stringify({ credential })).not.toContain('hunter2-secret');
    expect(`${JSON.stringify(credential)}`).toContain('***');
    // ...yet it is plain data to code that reads it.
    expect(credential).toEqual({ type: 'basic', username: 'alice', password: 'hunter2-secret' });
    expect({ ...credential }).toEqual({ type: 'basic', username: 'alice', password: 'hunter2-secret' });
  });

  it('every secret field is hidden', () => {
    const c = protect({
      type: 'oauth',
      accessToken: 'AT-secret',
      refreshToken: 'RT-secret',
      expiresAt: 1,
      tokenEndpoint: 'https://x/token',
      clientId: 'cid',
    });
    expect(inspect(c, { depth: 5 })).not.toMatch(/AT-secret|RT-secret/);
    const s3 = protect({ type: 's3', accessKeyId: 'AKIA', secretAccessKey: 'S3-secret', sessionToken: 'ST-secret' });
    expect(inspect(s3)).not.toMatch(/S3-secret|ST-secret/);
  });

  it.each(['\r', '\n', '\u0000', '\u001b', '\u007f'])('a secret with control character %j is refused', (ch) => {
    for (const c of [
      { type: 'bearer' as const, token: `a${ch}b` },
      { type: 'conda-token' as const, token: `a${ch}b` },
      { type: 'basic' as const, username: `u${ch}`, password: 'p' },
      { type: 'basic' as const, username: 'u', password: `p${ch}` },
      { type: 's3' as const, accessKeyId: 'a', secretAccessKey: `s${ch}` },
    ]) {
      expect(() => validateCredential(c)).toThrow(InvalidCredentialError);
      try {
        validateCredential(c);
      } catch (e) {
        expect((e as Error).message).not.toContain(`a${ch}b`);
      }
    }
  });

  it('a username with a colon is refused (basic auth cannot carry it)', () => {
    expect(() => validateCredential({ type: 'basic', username: 'a:b', password: 'p' })).toThrow(/":"/);
  });

  it('an expired OAuth token is not a token to send', () => {
    const oauth = { type: 'oauth' as const, accessToken: 'at', tokenEndpoint: 'e', clientId: 'c', expiresAt: 100 };
    expect(tokenOf(oauth, 99)).toBe('at');
    expect(tokenOf(oauth, 100)).toBeUndefined();
    expect(tokenOf({ ...oauth, expiresAt: null }, 1e12)).toBe('at');
    expect(tokenOf({ type: 'basic', username: 'u', password: 'p' })).toBeUndefined();
  });
});

function refusalOf(credential: Credential): string {
  try {
    validateCredential(credential);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidCredentialError);
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('one secret rule per credential kind', () => {
  const oauth = { type: 'oauth' as const, accessToken: 'at', tokenEndpoint: 'https://x/token', clientId: 'c' };
  const tokens = (t: string): Credential[] => [
    { type: 'bearer', token: t },
    { type: 'conda-token', token: t },
    { ...oauth, accessToken: t },
    { ...oauth, refreshToken: t },
    { type: 's3', accessKeyId: 'AKIA', secretAccessKey: t },
  ];

  it.each(['tök-SECRET', 'tok SECRET', 'tok\u00a0SECRET', 'tok\u2028SECRET', 'tok\ufffdSECRET', 'tok\u0085SECRET'])(
    'tokens are printable ASCII only: %j is refused, and the error says so without the token',
    (t) => {
      for (const c of tokens(t)) {
        const message = refusalOf(c);
        expect(message).toContain('printable ASCII');
        expect(message).not.toContain('SECRET');
      }
    },
  );

  it('basic credentials take UTF-8 without control characters', () => {
    expect(() => validateCredential({ type: 'basic', username: 'jürgen', password: 'päss wörd ✓ 🔑' })).not.toThrow();
    expect(refusalOf({ type: 'basic', username: 'u', password: 'p\u0085SECRET' })).toContain('control character');
    expect(refusalOf({ type: 'basic', username: 'u', password: 'p\ud800SECRET' })).toContain('lone surrogate');
    expect(refusalOf({ type: 'basic', username: 'a:b', password: 'p' })).toContain('":"');
  });

  it(`secrets are capped at ${MAX_SECRET_BYTES} bytes (servers answer 431 beyond), basic at 6 KiB before base64`, () => {
    expect(() => validateCredential({ type: 'bearer', token: 'a'.repeat(MAX_SECRET_BYTES) })).not.toThrow();
    expect(refusalOf({ type: 'bearer', token: 'a'.repeat(MAX_SECRET_BYTES + 1) })).toContain(`${MAX_SECRET_BYTES} bytes`);
    expect(refusalOf({ type: 'bearer', token: 'a'.repeat(1 << 20) })).not.toContain('aaaa');
    expect(refusalOf({ type: 'basic', username: 'u', password: 'ü'.repeat(3100) })).toContain('6144 bytes');
  });

  it('every accepted token is visible ASCII (reference: a char-code check written here)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 20 }), (t) => {
        const visibleAscii = t.length > 0 && [...t].every((c) => c.charCodeAt(0) >= 0x21 && c.charCodeAt(0) <= 0x7e);
        let accepted = true;
        try {
          validateCredential({ type: 'bearer', token: t });
        } catch {
          accepted = false;
        }
        expect(accepted).toBe(visibleAscii);
      }),
    );
  });

  it('stripBom drops one leading byte-order mark and says so', () => {
    expect(stripBom('\ufefftok')).toEqual({ value: 'tok', stripped: true });
    expect(stripBom('tok')).toEqual({ value: 'tok', stripped: false });
    expect(stripBom('t\ufeffok')).toEqual({ value: 't\ufeffok', stripped: false });
  });

  it('sendableToken refuses a stored token that could not be sent, without showing it', () => {
    expect(sendableToken({ type: 'bearer', token: 'pfx_ok' })).toBe('pfx_ok');
    expect(sendableToken({ type: 'basic', username: 'u', password: 'p' })).toBeUndefined();
    expect(sendableToken({ ...oauth, expiresAt: 1 }, 2)).toBeUndefined();
    for (const bad of ['a\r\nX-Evil: SECRET', 'SECRET\u0100', 'SECRET\ufffd', 'SECRET\n']) {
      let message = '';
      try {
        sendableToken({ type: 'bearer', token: bad });
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidCredentialError);
        message = (error as Error).message;
      }
      expect(message).toContain('printable ASCII');
      expect(message).not.toContain('SECRET');
    }
  });
});

// Found by attack12 (s3-presign.test.ts expected it): a token with CR/LF is refused naming the
// control character, and still says printable ASCII.
describe('a token with a control character', () => {
  it.each(['\n', '\r', '\u0000', '\u001b', '\u0085'])('%j: the error names the control character and printable ASCII, not the token', (ch) => {
    let message = '';
    try {
      validateCredential({ type: 'bearer', token: `TOKSECRET${ch}x` });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('control character');
    expect(message).toContain('printable ASCII');
    expect(message).not.toContain('TOKSECRET');
  });
});
