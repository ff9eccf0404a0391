import got, { HTTPError, RequestError } from 'got';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Expect, selfSignedCert, startServer, type TestServer } from '../../../tooling/test/http.js';
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

  it('a relative redirect is decided for its own URL and keeps the credential', async () => {
    const http = client([[hostKey(a), { type: 'bearer', token: 'bear-tok' }]]);
    a.seen.length = 0;
    const res = await http(`${a.origin}/redirect/302?to=../bearer/x`);
    expect(res.statusCode).toBe(200);
    expect(a.seen.map((s) => [s.path, s.authorization])).toEqual([
      ['/redirect/302?to=../bearer/x', 'Bearer bear-tok'],
      ['/bearer/x', 'Bearer bear-tok'],
    ]);
  });

  it('cross-origin after a same-origin hop carries nothing to the other origin', async () => {
    const http = client([[hostKey(a), { type: 'bearer', token: 'bear-tok' }]]);
    a.seen.length = 0;
    b.seen.length = 0;
    const second = `/redirect/307?to=${encodeURIComponent(`${b.origin}/bearer/x`)}`;
    const res = await http(`${a.origin}/redirect/302?to=${encodeURIComponent(second)}`);
    expect(res.statusCode).toBe(401);
    expect(a.seen.map((s) => s.authorization)).toEqual(['Bearer bear-tok', 'Bearer bear-tok']);
    expect(b.seen.map((s) => s.authorization)).toEqual([undefined]);
  });

  it('a conda token: a same-origin hop to a URL already carrying /t/<token>, then an echoing server, never takes it across', async () => {
    const http = client([[hostKey(a), { type: 'conda-token', token: 'ct-123' }]]);
    a.seen.length = 0;
    b.seen.length = 0;
    // Hop 2 is an absolute path that already has the token; a then echoes its path to b.
    const second = `/t/ct-123/echo/302?to=${encodeURIComponent(b.origin)}`;
    const res = await http(`${a.origin}/redirect/302?to=${encodeURIComponent(second)}`);
    expect(res.statusCode).toBe(200);
    expect(a.seen.map((s) => s.path.slice(0, 14))).toEqual(['/t/ct-123/redi', '/t/ct-123/echo']);
    expect(b.seen).toHaveLength(1);
    expect(b.seen[0]?.path).toMatch(/^\/public\?to=/);
    expect(JSON.stringify(b.seen)).not.toContain('ct-123');
  });

  it('a path-scoped key is not sent when the server redirects outside its path', async () => {
    const http = client([
      [`${hostKey(a)}/org-a`, { type: 'bearer', token: 'bear-tok' }],
      [`${hostKey(b)}/org-a`, { type: 'conda-token', token: 'ct-123' }],
    ]);
    a.seen.length = 0;
    await http(`${a.origin}/org-a/redirect/302?to=/org-evil/x`);
    await http(`${a.origin}/org-a/redirect/302?to=../../org-evil/y`);
    await http(`${a.origin}/org-a/redirect/302?to=/org-a/%2e%2e/org-evil/z`);
    expect(a.seen.map((s) => [s.path.split('?')[0], s.authorization])).toEqual([
      ['/org-a/redirect/302', 'Bearer bear-tok'],
      ['/org-evil/x', undefined],
      ['/org-a/redirect/302', 'Bearer bear-tok'],
      ['/org-evil/y', undefined],
      ['/org-a/redirect/302', 'Bearer bear-tok'],
      ['/org-evil/z', undefined],
    ]);
    b.seen.length = 0;
    await http(`${b.origin}/org-a/redirect/302?to=/org-evil/x`);
    expect(b.seen.map((s) => s.path.split('?')[0])).toEqual(['/t/ct-123/org-a/redirect/302', '/org-evil/x']);
  });

  it('after https → http, even a later hop back to https carries nothing', async () => {
    const http = client([
      [hostKey(secure), { type: 'bearer', token: 'bear-tok' }],
      [hostKey(a), { type: 'bearer', token: 'bear-tok' }],
    ]);
    secure.seen.length = 0;
    a.seen.length = 0;
    const back = `/redirect/302?to=${encodeURIComponent(`${secure.origin}/bearer/x`)}`;
    await http(`${secure.origin}/redirect/302?to=${encodeURIComponent(`${a.origin}${back}`)}`);
    expect(secure.seen.map((s) => s.authorization)).toEqual(['Bearer bear-tok', undefined]);
    expect(a.seen.map((s) => s.authorization)).toEqual([undefined]);
  });

  it('errors thrown by got carry no secret in any property, however deep', async () => {
    const { inspect } = await import('node:util');
    const store = new MemoryStore([
      ['127.0.0.1:1', { type: 'conda-token', token: 'ct-secret' }],
      [hostKey(a), { type: 'bearer', token: 'bear-secret' }],
      [hostKey(b), { type: 'conda-token', token: 'ct-other-secret' }],
    ]);
    const http = got.extend(authHooks(createAuthenticator({ store })), { retry: { limit: 0 } });
    const refused = (await http('http://127.0.0.1:1/channel/x.json').catch((e: Error) => e)) as RequestError;
    const rejected = (await http(`${a.origin}/status/500`).catch((e: Error) => e)) as RequestError;
    const condaRejected = (await http(`${b.origin}/status/403`).catch((e: Error) => e)) as RequestError;
    expect(refused.code).toBe('ECONNREFUSED');
    expect(rejected).toBeInstanceOf(HTTPError);
    expect(rejected.response?.statusCode).toBe(500);
    expect(condaRejected.response?.statusCode).toBe(403);
    for (const error of [refused, rejected, condaRejected]) {
      expect(error).toBeInstanceOf(RequestError);
      const text = [
        error.message,
        error.stack,
        JSON.stringify(error),
        inspect(error, { depth: 10, showHidden: true }),
        String(error.options?.url),
        JSON.stringify(error.options?.headers),
        String(error.response?.url),
        inspect(error.request, { depth: 10, showHidden: true }),
        inspect(error.response, { depth: 10, showHidden: true }),
        inspect((error as { cause?: unknown }).cause, { depth: 10, showHidden: true }),
      ].join('\n');
      for (const secret of ['ct-secret', 'bear-secret', 'ct-other-secret']) expect(text).not.toContain(secret);
    }
    expect(String(refused.options.url)).toContain('/t/***/channel/x.json');
    expect(String(condaRejected.response?.url)).toContain('/t/***/status/403');
  });
});
