import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { protect, tokenOf, validateCredential } from './credential.js';
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
