import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import got from 'got';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_CLIENT, startProvider, type TestProvider } from '@auth/test-support/oauth-provider';
import { createAuthenticator } from './authenticator.js';
import type { OAuthCredential } from './credential.js';
import { createFetch } from './fetch.js';
import { credentialFromTokens } from './oauth-endpoint.js';
import { authHooks } from './got.js';
import { MemoryStore } from './store.js';

/**
 * OAuth refresh inside requests, against a real OAuth server (oidc-provider, rotating refresh
 * tokens) and a loopback server that records the Authorization of every request.
 */

let provider: TestProvider;
let server: Server;
let origin: string;
let key: string;
const seen: (string | undefined)[] = [];

beforeAll(async () => {
  provider = await startProvider({ accessTokenTtl: 3600 });
  server = createServer((req, res) => {
    seen.push(req.headers.authorization);
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  key = `127.0.0.1:${port}`;
});
afterAll(async () => {
  server.close();
  await provider.close();
});

const refreshCalls = () => provider.tokenCalls.filter((c) => c.grantType === 'refresh_token').length;

/** A real login at the provider, read as the CLI reads a token response, expiring in `expiresIn` seconds. */
async function loggedIn(expiresIn: number): Promise<OAuthCredential> {
  const reply = { status: 200, body: { ...(await provider.issueTokens()) } };
  const now = Math.floor(Date.now() / 1000);
  const endpoints = { tokenEndpoint: provider.tokenEndpoint, revocationEndpoint: provider.revocationEndpoint, clientId: PUBLIC_CLIENT };
  return { ...credentialFromTokens(reply, endpoints, now), expiresAt: now + expiresIn };
}

/** The login one second before expiry, in a fresh store, with the counters before the requests. */
async function aboutToExpire() {
  const credential = await loggedIn(1);
  const store = new MemoryStore([[key, credential]]);
  seen.length = 0;
  return { credential, store, auth: createAuthenticator({ store }), before: refreshCalls() };
}

/** One refresh happened, every request carried its new token, and the rotated tokens are stored. */
async function expectOneRefresh(store: MemoryStore, credential: OAuthCredential, before: number, sent: (string | undefined)[]) {
  expect(refreshCalls() - before).toBe(1);
  const stored = (await store.get(key)) as OAuthCredential;
  expect(stored.accessToken).not.toBe(credential.accessToken);
  expect(stored.refreshToken).toBeTruthy();
  expect(stored.refreshToken).not.toBe(credential.refreshToken);
  expect(await provider.isActive(stored.refreshToken as string)).toBe(true);
  expect(sent).toEqual(Array(20).fill(`Bearer ${stored.accessToken}`));
  expect(await provider.userinfoStatus(stored.accessToken)).toBe(200);
}

describe('OAuth credentials are refreshed on the way out', () => {
  it('20 concurrent decorate() calls 1 s before expiry: one refresh, all carry the new token, rotation stored', async () => {
    const { credential, store, auth, before } = await aboutToExpire();
    const outs = await Promise.all(Array.from({ length: 20 }, (_, i) => auth.decorate({ url: `${origin}/pkg/${i}.json` })));
    await expectOneRefresh(
      store,
      credential,
      before,
      outs.map((o) => o.headers.authorization),
    );
  });

  it('20 concurrent got requests through authHooks: one refresh, the server sees the new token on each', async () => {
    const { credential, store, auth, before } = await aboutToExpire();
    const client = got.extend(authHooks(auth), { retry: { limit: 0 } });
    const statuses = await Promise.all(Array.from({ length: 20 }, (_, i) => client(`${origin}/got/${i}`).then((r) => r.statusCode)));
    expect(statuses).toEqual(Array(20).fill(200));
    await expectOneRefresh(store, credential, before, [...seen]);
  });

  it('20 concurrent requests through createFetch: one refresh, the server sees the new token on each', async () => {
    const { credential, store, auth, before } = await aboutToExpire();
    const authFetch = createFetch(auth);
    const statuses = await Promise.all(Array.from({ length: 20 }, (_, i) => authFetch(`${origin}/fetch/${i}`).then((r) => r.status)));
    expect(statuses).toEqual(Array(20).fill(200));
    await expectOneRefresh(store, credential, before, [...seen]);
  });

  it('a token valid for longer than 300 s is sent as it is, without asking the server', async () => {
    const credential = await loggedIn(3600);
    const auth = createAuthenticator({ store: new MemoryStore([[key, credential]]) });
    const before = refreshCalls();
    const out = await auth.decorate({ url: `${origin}/x` });
    expect(out.headers.authorization).toBe(`Bearer ${credential.accessToken}`);
    expect(refreshCalls()).toBe(before);
  });

  it('an expired login (the server answers invalid_grant) sends no Authorization and does not throw', async () => {
    const credential = { ...(await loggedIn(-10)), refreshToken: 'a-refresh-token-the-server-never-issued' };
    const auth = createAuthenticator({ store: new MemoryStore([[key, credential]]) });
    const before = provider.tokenCalls.length;
    const out = await auth.decorate({ url: `${origin}/x` });
    expect(out.headers).toEqual({});
    expect(provider.tokenCalls.slice(before)).toEqual([expect.objectContaining({ grantType: 'refresh_token', ok: false, error: 'invalid_grant' })]);
    seen.length = 0;
    const response = await createFetch(auth)(`${origin}/y`);
    expect(response.status).toBe(200);
    const viaGot = await got.extend(authHooks(auth), { retry: { limit: 0 } })(`${origin}/z`);
    expect(viaGot.statusCode).toBe(200);
    expect(seen).toEqual([undefined, undefined]);
  });
});
