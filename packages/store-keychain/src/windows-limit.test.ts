import type { Credential } from '@auth/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeychainStore } from './keychain-store.js';
import { checkWindowsSecretSize } from './windows-limit.js';

// The rule, written out independently: Credential Manager's blob holds 2,560 bytes, and the
// password goes in as UTF-16LE.
const fitsWindows = (secret: string) => Buffer.byteLength(secret, 'utf16le') <= 2560;

describe('Windows Credential Manager secret size', () => {
  it('accepts exactly what fits in 2,560 bytes of UTF-16, for any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 1400 }), (secret) => {
        let accepted = true;
        try {
          checkWindowsSecretSize(secret);
        } catch {
          accepted = false;
        }
        expect(accepted).toBe(fitsWindows(secret));
      }),
    );
  });

  it('at the edge: 1,280 ASCII characters fit, 1,281 do not, and a non-BMP character counts twice', () => {
    expect(() => checkWindowsSecretSize('a'.repeat(1280))).not.toThrow();
    expect(() => checkWindowsSecretSize('a'.repeat(1281))).toThrow(/2560 bytes/);
    expect(() => checkWindowsSecretSize(`${'a'.repeat(1278)}😀`)).not.toThrow();
    expect(() => checkWindowsSecretSize(`${'a'.repeat(1279)}😀`)).toThrow();
  });

  it('a long OAuth credential on win32 is refused before any keychain call, so the chain falls back', async () => {
    const store = new KeychainStore({ platform: 'win32', env: {} });
    const long: Credential = {
      type: 'oauth',
      accessToken: 'a'.repeat(1500),
      refreshToken: 'r'.repeat(900),
      expiresAt: 1760000000,
      tokenEndpoint: 'https://o.example.com/token',
      revocationEndpoint: null,
      clientId: 'c',
    };
    const error = await store.set('o.example.com', long).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'StoreUnavailableError', code: 'STORE_UNAVAILABLE', store: 'keychain' });
    expect((error as Error).message).toMatch(/Windows Credential Manager holds at most 2560 bytes per secret, and this credential needs \d+/);
    expect((error as Error).message).not.toContain('aaaa');
  });
});
