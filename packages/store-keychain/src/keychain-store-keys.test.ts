import { execFileSync } from 'node:child_process';
import { type Credential, isAuthError } from '@auth/core';
import { describe, expect, it } from 'vitest';
import { KeychainStore } from './keychain-store.js';

const inKeyring = process.env.AUTH_KEYRING === '1';
const service = `auth-keys-test-${process.pid}`;
const token: Credential = { type: 'bearer', token: 'tok' };

/** The secret another client (secret-tool) finds under this account, or '' when there is none. */
function lookup(account: string): string {
  try {
    return execFileSync('secret-tool', ['lookup', 'service', service, 'username', account], { encoding: 'utf8' });
  } catch {
    return '';
  }
}

describe.skipIf(!inKeyring)('KeychainStore keys on a real Secret Service', () => {
  const store = new KeychainStore({ service });

  it('set() writes the canonical account: HTTPS://Foo.Example.com/ is foo.example.com', async () => {
    await store.set('HTTPS://Foo.Example.com/', token);
    expect(lookup('foo.example.com')).toBe('{"BearerToken":"tok"}');
    expect(lookup('HTTPS://Foo.Example.com/')).toBe('');
    expect(await store.get('https://FOO.example.com')).toEqual(token);
    expect(await store.delete('HTTPS://Foo.Example.com/')).toBe(true);
    expect(lookup('foo.example.com')).toBe('');
  });

  it('keys as pixi writes them pass unchanged', async () => {
    for (const key of ['*.prefix.dev', 'my-bucket', 's3://bucket/path']) {
      await store.set(key, token);
      expect(lookup(key), key).toBe('{"BearerToken":"tok"}');
      await store.delete(key);
    }
  });

  it('an invalid key is refused with InvalidKeyError before the keychain is asked', async () => {
    const error = await store.set('https://u:p@h.example.com/', token).catch((e: unknown) => e);
    expect(isAuthError(error, 'INVALID_KEY')).toBe(true);
  });
});
