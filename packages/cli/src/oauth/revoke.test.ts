import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import type { OAuthCredential } from '@auth/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandbox } from '@auth/test-support/cli';
import { closedPort } from '@auth/test-support/http';
import { PUBLIC_CLIENT, startProvider, type TestProvider } from '@auth/test-support/oauth-provider';
import { revokeCredential } from './revoke.js';

let provider: TestProvider;
beforeAll(async () => {
  provider = await startProvider();
});
afterAll(() => provider.close());

async function loggedIn(): Promise<OAuthCredential> {
  const tokens = await provider.issueTokens();
  return {
    type: 'oauth',
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token ?? null,
    expiresAt: Math.floor(Date.now() / 1000) + 3600,
    tokenEndpoint: provider.tokenEndpoint,
    revocationEndpoint: provider.revocationEndpoint,
    clientId: PUBLIC_CLIENT,
  };
}

const asRattlerJson = (c: OAuthCredential) => ({
  OAuth: {
    access_token: c.accessToken,
    refresh_token: c.refreshToken,
    expires_at: c.expiresAt,
    token_endpoint: c.tokenEndpoint,
    revocation_endpoint: c.revocationEndpoint,
    client_id: c.clientId,
  },
});

describe('revokeCredential', () => {
  it('revokes the refresh and access tokens: the provider rejects both afterwards', async () => {
    const credential = await loggedIn();
    expect(await provider.userinfoStatus(credential.accessToken)).toBe(200);
    const result = await revokeCredential(credential);
    expect(result.revoked).toBe(true);
    expect(await provider.isActive(credential.refreshToken as string)).toBe(false);
    expect(await provider.isActive(credential.accessToken)).toBe(false);
    expect(await provider.userinfoStatus(credential.accessToken)).toBe(401);
  });

  it('reports, without throwing and without a token, a server it cannot reach or that has no endpoint', async () => {
    const credential = await loggedIn();
    const unreachable = await revokeCredential({ ...credential, revocationEndpoint: `http://127.0.0.1:${await closedPort()}/revoke` });
    expect(unreachable.revoked).toBe(false);
    expect(unreachable.message).toMatch(/could not reach/);
    const none = await revokeCredential({ ...credential, revocationEndpoint: null });
    expect(none).toEqual({ revoked: false, message: expect.stringMatching(/no revocation endpoint/) });
    for (const shown of [inspect(unreachable), inspect(none)]) {
      expect(shown).not.toContain(credential.accessToken);
      expect(shown).not.toContain(credential.refreshToken);
    }
    expect(await provider.isActive(credential.refreshToken as string)).toBe(true);
  });

  it('reports a refusal by the server (an unknown client)', async () => {
    const credential = await loggedIn();
    const result = await revokeCredential({ ...credential, clientId: 'nobody' });
    expect(result.revoked).toBe(false);
    expect(result.message).toMatch(/refused/);
    expect(result.message).not.toContain(credential.refreshToken);
  });
});

describe('auth logout with an OAuth login', () => {
  it('revokes it at the server, then deletes it', async () => {
    const s = sandbox({ keychain: false });
    const credential = await loggedIn();
    writeFileSync(join(s.home, 'c.json'), JSON.stringify({ 'repo.example.com': asRattlerJson(credential) }));
    const result = await s.authAsync(['logout', 'repo.example.com', '--file', 'c.json']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/Revoked the OAuth login for repo.example.com/);
    expect(JSON.parse(readFileSync(join(s.home, 'c.json'), 'utf8'))).toEqual({});
    expect(await provider.isActive(credential.refreshToken as string)).toBe(false);
    expect(await provider.userinfoStatus(credential.accessToken)).toBe(401);
  });

  it('deletes it all the same when the revocation fails, and says so', async () => {
    const s = sandbox({ keychain: false });
    const credential = { ...(await loggedIn()), revocationEndpoint: `http://127.0.0.1:${await closedPort()}/revoke` };
    writeFileSync(join(s.home, 'c.json'), JSON.stringify({ 'repo.example.com': asRattlerJson(credential) }));
    const result = await s.authAsync(['logout', '--all', '--yes', '--file', 'c.json']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/warning: could not revoke the OAuth login for repo.example.com/);
    expect(result.stderr).not.toContain(credential.accessToken);
    expect(JSON.parse(readFileSync(join(s.home, 'c.json'), 'utf8'))).toEqual({});
  });
});
