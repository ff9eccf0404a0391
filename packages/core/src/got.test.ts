import got from 'got';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Expect, selfSignedCert, startServer, type TestServer } from '@auth/test-support/http';
import { createAuthenticator } from './authenticator.js';
import type { Credential } from './credential.js';
import { authHooks } from './got.js';
import { MemoryStore } from './store.js';

const expectCreds: Expect = {
  bearer: 'bear-tok',
  basic: { username: 'jürgen', password: 'pa:ss' },
  conda: 'ct-123',
};

let a: TestServer;
let b: TestServer;
let secure: TestServer;

beforeAll(async () => {
  a = await startServer(expectCreds);
  b = await startServer(expectCreds);
  secure = await startServer(expectCreds, { https: true });
});
afterAll(async () => {
  await Promise.all([a.close(), b.close(), secure.close()]);
});

function client(entries: [string, Credential][]) {
  const authenticator = createAuthenticator({ store: new MemoryStore(entries) });
  return got.extend(authHooks(authenticator), {
    throwHttpErrors: false,
    retry: { limit: 0 },
    https: { certificateAuthority: selfSignedCert().cert },
  });
}

const hostKey = (s: TestServer) => `127.0.0.1:${s.port}`;

describe('got with auth hooks, against real servers', () => {
  it('bearer, basic with a UTF-8 name and a colon in the password, and conda tokens are accepted', async () => {
    const http = client([
      [`${hostKey(a)}/bearer`, { type: 'bearer', token: 'bear-tok' }],
      [`${hostKey(a)}/basic`, { type: 'basic', username: 'jürgen', password: 'pa:ss' }],
      [`${hostKey(a)}/conda`, { type: 'conda-token', token: 'ct-123' }],
    ]);
    expect((await http(`${a.origin}/bearer/x.json`)).statusCode).toBe(200);
    expect((await http(`${a.origin}/basic/x.json`)).statusCode).toBe(200);
    const conda = await http(`${a.origin}/conda/noarch/repodata.json`);
    expect(conda.statusCode).toBe(200);
    expect(a.seen.at(-1)?.path).toBe('/t/ct-123/conda/noarch/repodata.json');
  });

  it('a redirect to another origin (another port) never carries the credential', async () => {
    const http = client([[hostKey(a), { type: 'bearer', token: 'bear-tok' }]]);
    b.seen.length = 0;
    const res = await http(`${a.origin}/redirect/302?to=${encodeURIComponent(`${b.origin}/bearer/x`)}`);
    expect(res.statusCode).toBe(401);
    expect(b.seen).toHaveLength(1);
    expect(b.seen[0]?.authorization).toBeUndefined();
    expect(a.seen.at(-1)?.authorization).toBe('Bearer bear-tok');
  });

  it("the other origin gets its own credential, not the first one's", async () => {
    const http = client([
      [hostKey(a), { type: 'bearer', token: 'for-a' }],
      [hostKey(b), { type: 'bearer', token: 'bear-tok' }],
    ]);
    b.seen.length = 0;
    const res = await http(`${a.origin}/redirect/307?to=${encodeURIComponent(`${b.origin}/bearer/x`)}`);
    expect(res.statusCode).toBe(200);
    expect(b.seen.map((s) => s.authorization)).toEqual(['Bearer bear-tok']);
  });

  it('a conda token put in the path for one origin is taken out when the server redirects elsewhere', async () => {
    const http = client([[`${hostKey(a)}`, { type: 'conda-token', token: 'ct-123' }]]);
    b.seen.length = 0;
    // Our server echoes the whole path, token included, into the Location, as a careless server might.
    await http(`${a.origin}/redirect/302?to=${encodeURIComponent(`${b.origin}/t/ct-123/public/x`)}`);
    expect(a.seen.at(-1)?.path).toMatch(/^\/t\/ct-123\/redirect\/302/);
    expect(b.seen.map((s) => s.path)).toEqual(['/public/x']);
  });

  it('a same-origin redirect keeps the credential', async () => {
    const http = client([[hostKey(a), { type: 'bearer', token: 'bear-tok' }]]);
    a.seen.length = 0;
    const res = await http(`${a.origin}/redirect/302?to=/bearer/next`);
    expect(res.statusCode).toBe(200);
    expect(a.seen.map((s) => s.authorization)).toEqual(['Bearer bear-tok', 'Bearer bear-tok']);
  });

  it('an https → http redirect carries nothing, even to a host that has a credential', async () => {
    const http = client([
      [hostKey(secure), { type: 'bearer', token: 'bear-tok' }],
      [hostKey(a), { type: 'bearer', token: 'bear-tok' }],
    ]);
    a.seen.length = 0;
    secure.seen.length = 0;
    const res = await http(`${secure.origin}/redirect/302?to=${encodeURIComponent(`${a.origin}/bearer/x`)}`);
    expect(secure.seen[0]?.authorization).toBe('Bearer bear-tok');
    expect(res.statusCode).toBe(401);
    expect(a.seen.map((s) => s.authorization)).toEqual([undefined]);
  });

  it('a request that already has credentials is left alone', async () => {
    const http = client([[hostKey(a), { type: 'bearer', token: 'bear-tok' }]]);
    a.seen.length = 0;
    await http(`${a.origin}/bearer/x`, { headers: { authorization: 'Bearer mine' } });
    await http(`${a.origin}/bearer/x`, { username: 'me', password: 'pw' });
    expect(a.seen.map((s) => s.authorization)).toEqual(['Bearer mine', `Basic ${Buffer.from('me:pw').toString('base64')}`]);
  });

  it('errors thrown by got carry redacted URLs and no secret', async () => {
    const http = got.extend(
      authHooks(createAuthenticator({ store: new MemoryStore([['127.0.0.1:1', { type: 'conda-token', token: 'ct-secret' }]]) })),
      { retry: { limit: 0 } },
    );
    const error = await http('http://127.0.0.1:1/channel/x.json').catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    const { inspect } = await import('node:util');
    const text = `${(error as Error).message}\n${(error as Error).stack}\n${JSON.stringify(error)}\n${inspect(error)}`;
    expect(text).not.toContain('ct-secret');
    expect(JSON.stringify(error)).toContain('/t/***/channel/x.json');
    expect((error as { code?: string }).code).toBe('ECONNREFUSED');
  });
});
