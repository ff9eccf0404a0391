import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '@auth/test-support/paths';
import { PUBLIC_CLIENT, startProvider, type TestProvider } from '@auth/test-support/oauth-provider';
import type { Credential, OAuthCredential } from './credential.js';
import { isAuthError, OAuthError } from './errors.js';
import { freshCredential } from './oauth-refresh.js';
import { type CredentialStore, MemoryStore } from './store.js';
import { CountingStore } from '@auth/test-support/counting-store';

let provider: TestProvider;
beforeAll(async () => {
  provider = await startProvider();
});
afterAll(() => provider.close());

const nowSeconds = () => Math.floor(Date.now() / 1000);
const refreshCalls = () => provider.tokenCalls.filter((c) => c.grantType === 'refresh_token');

/** A real login at the provider, stored as rattler stores it, with the given expiry. */
async function loggedIn(expiresIn: number): Promise<OAuthCredential> {
  const tokens = await provider.issueTokens();
  return {
    type: 'oauth',
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token ?? null,
    expiresAt: nowSeconds() + expiresIn,
    tokenEndpoint: provider.tokenEndpoint,
    revocationEndpoint: provider.revocationEndpoint,
    clientId: PUBLIC_CLIENT,
  };
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('freshCredential', () => {
  it('leaves a token alone that is valid for more than 300 s, and other credential types', async () => {
    const credential = await loggedIn(301 + 5);
    const store = new CountingStore([['auth.example', credential]]);
    const before = provider.tokenCalls.length;
    expect(await freshCredential({ key: 'auth.example', store, credential })).toBe(credential);
    const bearer: Credential = { type: 'bearer', token: 'abc' };
    expect(await freshCredential({ key: 'b', store, credential: bearer })).toBe(bearer);
    expect(provider.tokenCalls.length).toBe(before);
    expect(store.calls.get).toBe(0);
  });

  it('refreshes once for 20 concurrent callers 1 s before expiry and writes the rotated tokens back', async () => {
    const credential = await loggedIn(1);
    const store = new CountingStore([['*.prefix.dev', credential]]);
    const before = refreshCalls().length;
    const results = await Promise.all(
      Array.from({ length: 20 }, () => freshCredential({ key: '*.prefix.dev', store, credential })),
    );
    expect(refreshCalls().length - before).toBe(1);
    const stored = (await store.get('*.prefix.dev')) as OAuthCredential;
    expect(stored.accessToken).not.toBe(credential.accessToken);
    expect(stored.refreshToken).toBeTruthy();
    expect(stored.refreshToken).not.toBe(credential.refreshToken);
    expect(stored.expiresAt).toBeGreaterThanOrEqual(nowSeconds() + 3000);
    expect(stored.tokenEndpoint).toBe(credential.tokenEndpoint);
    expect(stored.revocationEndpoint).toBe(credential.revocationEndpoint);
    expect(stored.clientId).toBe(PUBLIC_CLIENT);
    for (const result of results) expect((result as OAuthCredential).accessToken).toBe(stored.accessToken);
    expect(await provider.userinfoStatus(stored.accessToken)).toBe(200);
    expect(await provider.isActive(stored.refreshToken as string)).toBe(true);
    // The refreshed token is remembered: a later caller with the old one costs no request.
    await freshCredential({ key: '*.prefix.dev', store, credential });
    expect(refreshCalls().length - before).toBe(1);
  });

  it('takes the token another process already refreshed instead of refreshing again', async () => {
    const old = await loggedIn(10);
    const newer = await loggedIn(3600);
    const store = new MemoryStore([['k', newer]]);
    const before = refreshCalls().length;
    const result = (await freshCredential({ key: 'k', store, credential: old })) as OAuthCredential;
    expect(result.accessToken).toBe(newer.accessToken);
    expect(refreshCalls().length).toBe(before);
  });

  it('after invalid_grant, takes the token another process rotated in while this one was refreshing', async () => {
    const old = await loggedIn(10);
    const newer = await loggedIn(3600);
    const inner = new MemoryStore([['k', old]]);
    let reads = 0;
    // The first read sees the old token; then another process stores its rotation.
    const racing: CredentialStore = {
      name: 'racing',
      async get(key) {
        reads++;
        const value = await inner.get(key);
        if (reads === 1) await inner.set(key, newer);
        return value;
      },
      set: (key, value) => inner.set(key, value),
      delete: (key) => inner.delete(key),
      list: () => inner.list(),
    };
    // The other process used the old refresh token first.
    await fetch(provider.tokenEndpoint, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: old.refreshToken as string, client_id: PUBLIC_CLIENT }),
    });
    const result = (await freshCredential({ key: 'k', store: racing, credential: old })) as OAuthCredential;
    expect(refreshCalls().at(-1)).toMatchObject({ ok: false, error: 'invalid_grant' });
    expect(result.accessToken).toBe(newer.accessToken);
  });

  it('says "expired: log in again" when the refresh token is refused and nothing newer is stored, with no secret', async () => {
    const credential = await loggedIn(1);
    const store = new MemoryStore([['*.prefix.dev', { ...credential, refreshToken: 'not-a-refresh-token-known-here' }]]);
    const error = await caught(freshCredential({ key: '*.prefix.dev', store, credential }));
    expect(error).toBeInstanceOf(OAuthError);
    expect(isAuthError(error, 'OAUTH_EXPIRED')).toBe(true);
    expect((error as OAuthError).reason).toBe('expired');
    expect((error as OAuthError).oauthError).toBe('invalid_grant');
    expect((error as Error).message).toMatch(/expired: log in again/);
    const shown = `${(error as Error).message}\n${inspect(error)}\n${JSON.stringify(error)}`;
    for (const secret of [credential.accessToken, credential.refreshToken as string, 'not-a-refresh-token-known-here']) {
      expect(shown).not.toContain(secret);
    }
  });

  it('keeps sending a token that has not expired yet when the server cannot be reached', async () => {
    const credential: OAuthCredential = { ...(await loggedIn(100)), tokenEndpoint: 'http://127.0.0.1:9/token' };
    const store = new MemoryStore([['k', credential]]);
    const result = await freshCredential({ key: 'k', store, credential });
    expect((result as OAuthCredential).accessToken).toBe(credential.accessToken);
  });

  it('fails (typed, no secret) for an expired token when the server cannot be reached', async () => {
    const credential: OAuthCredential = { ...(await loggedIn(-5)), tokenEndpoint: 'http://127.0.0.1:9/token' };
    const store = new MemoryStore([['k', credential]]);
    const error = await caught(freshCredential({ key: 'k', store, credential }));
    expect(isAuthError(error, 'OAUTH_FAILED')).toBe(true);
    expect((error as Error).message).toContain('127.0.0.1:9');
    expect(inspect(error)).not.toContain(credential.refreshToken as string);
  });

  it('never sends a refresh token to a plain-http endpoint off the loopback interface', async () => {
    const credential: OAuthCredential = { ...(await loggedIn(-5)), tokenEndpoint: 'http://auth.example.invalid/token' };
    const store = new MemoryStore([['k', credential]]);
    const error = await caught(freshCredential({ key: 'k', store, credential }));
    expect((error as Error).message).toMatch(/not https/);
  });

  it('still returns the new token when it cannot be written back, and says so', async () => {
    const credential = await loggedIn(1);
    const inner = new MemoryStore([['k', credential]]);
    const failing: CredentialStore = {
      name: 'locked',
      get: (key) => inner.get(key),
      set: async () => {
        throw new Error('keyring locked');
      },
      delete: (key) => inner.delete(key),
      list: () => inner.list(),
    };
    const failures: unknown[] = [];
    const result = (await freshCredential({ key: 'k', store: failing, credential }, { onStoreError: (e) => failures.push(e) })) as OAuthCredential;
    expect(result.accessToken).not.toBe(credential.accessToken);
    expect(await provider.userinfoStatus(result.accessToken)).toBe(200);
    expect(failures).toHaveLength(1);
  });

  it('refuses a logout in between: a credential no longer stored is not refreshed back into the store', async () => {
    const credential = await loggedIn(1);
    const store = new MemoryStore();
    const error = await caught(freshCredential({ key: 'gone', store, credential }));
    expect((error as OAuthError).reason).toBe('expired');
    expect(await store.list()).toEqual([]);
  });
});

describe('two processes refreshing one file-stored token together', () => {
  it('both end with a working token, refreshed once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'auth-refresh-'));
    const path = join(dir, 'credentials.json');
    const credential = await loggedIn(2);
    const { encodeCredential } = await import('./rattler.js');
    writeFileSync(path, `{"*.prefix.dev":${encodeCredential(credential)}}`);
    const script = `
      import { freshCredential } from ${JSON.stringify(join(repoRoot, 'packages/core/dist/index.js'))};
      import { FileStore } from ${JSON.stringify(join(repoRoot, 'packages/store-file/dist/index.js'))};
      const store = new FileStore({ path: process.argv[1] });
      const found = { key: '*.prefix.dev', store, credential: await store.get('*.prefix.dev') };
      const fresh = await freshCredential(found);
      process.stdout.write(fresh.accessToken);
    `;
    const run = () =>
      new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, ['--input-type=module', '-e', script, path], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        child.stdout.on('data', (d: Buffer) => (out += d));
        child.stderr.on('data', (d: Buffer) => (err += d));
        child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}: ${err}`))));
      });
    const before = refreshCalls().length;
    const [a, b] = await Promise.all([run(), run()]);
    expect(refreshCalls().length - before).toBe(1);
    expect(a).toBe(b);
    expect(a).not.toBe(credential.accessToken);
    expect(await provider.userinfoStatus(a)).toBe(200);
    const stored = JSON.parse(readFileSync(path, 'utf8'))['*.prefix.dev'].OAuth;
    expect(stored.access_token).toBe(a);
    expect(await provider.isActive(stored.refresh_token)).toBe(true);
  });
});
