import got, { HTTPError, RequestError } from 'got';
import { describe, expect, it } from 'vitest';
import { type Expect, hostKey, selfSignedCert, useServers } from '@auth/test-support/http';
import { createAuthenticator } from './authenticator.js';
import type { Credential } from './credential.js';
import { authHooks } from './got.js';
import { MemoryStore } from './store.js';

const expectCreds: Expect = {
  bearer: 'bear-tok',
  basic: { username: 'jürgen', password: 'pa:ss' },
  conda: 'ct-123',
};

const servers = useServers(expectCreds);

function client(entries: [string, Credential][]) {
  const authenticator = createAuthenticator({ store: new MemoryStore(entries) });
  return got.extend(authHooks(authenticator), {
    throwHttpErrors: false,
    retry: { limit: 0 },
    https: { certificateAuthority: selfSignedCert().cert },
  });
}


describe('got with auth hooks, against real servers', () => {
  it('bearer, basic with a UTF-8 name and a colon in the password, and conda tokens are accepted', async () => {
    const http = client([
      [`${hostKey(servers.a)}/bearer`, { type: 'bearer', token: 'bear-tok' }],
      [`${hostKey(servers.a)}/basic`, { type: 'basic', username: 'jürgen', password: 'pa:ss' }],
      [`${hostKey(servers.a)}/conda`, { type: 'conda-token', token: 'ct-123' }],
    ]);
    expect((await http(`${servers.a.origin}/bearer/x.json`)).statusCode).toBe(200);
    expect((await http(`${servers.a.origin}/basic/x.json`)).statusCode).toBe(200);
    const conda = await http(`${servers.a.origin}/conda/noarch/repodata.json`);
    expect(conda.statusCode).toBe(200);
    expect(servers.a.seen.at(-1)?.path).toBe('/t/ct-123/conda/noarch/repodata.json');
  });

  it('a redirect to another origin (another port) never carries the credential', async () => {
    const http = client([[hostKey(servers.a), { type: 'bearer', token: 'bear-tok' }]]);
    servers.b.seen.length = 0;
    const res = await http(`${servers.a.origin}/redirect/302?to=${encodeURIComponent(`${servers.b.origin}/bearer/x`)}`);
    expect(res.statusCode).toBe(401);
    expect(servers.b.seen).toHaveLength(1);
    expect(servers.b.seen[0]?.authorization).toBeUndefined();
    expect(servers.a.seen.at(-1)?.authorization).toBe('Bearer bear-tok');
  });

  it("the other origin gets its own credential, not the first one's", async () => {
    const http = client([
      [hostKey(servers.a), { type: 'bearer', token: 'for-a' }],
      [hostKey(servers.b), { type: 'bearer', token: 'bear-tok' }],
    ]);
    servers.b.seen.length = 0;
    const res = await http(`${servers.a.origin}/redirect/307?to=${encodeURIComponent(`${servers.b.origin}/bearer/x`)}`);
    expect(res.statusCode).toBe(200);
    expect(servers.b.seen.map((s) => s.authorization)).toEqual(['Bearer bear-tok']);
  });

  it('a conda token put in the path for one origin is taken out when the server redirects elsewhere', async () => {
    const http = client([[`${hostKey(servers.a)}`, { type: 'conda-token', token: 'ct-123' }]]);
    servers.b.seen.length = 0;
    // Our server echoes the whole path, token included, into the Location, as a careless server might.
    await http(`${servers.a.origin}/redirect/302?to=${encodeURIComponent(`${servers.b.origin}/t/ct-123/public/x`)}`);
    expect(servers.a.seen.at(-1)?.path).toMatch(/^\/t\/ct-123\/redirect\/302/);
    expect(servers.b.seen.map((s) => s.path)).toEqual(['/public/x']);
  });

  it('a same-origin redirect keeps the credential', async () => {
    const http = client([[hostKey(servers.a), { type: 'bearer', token: 'bear-tok' }]]);
    servers.a.seen.length = 0;
    const res = await http(`${servers.a.origin}/redirect/302?to=/bearer/next`);
    expect(res.statusCode).toBe(200);
    expect(servers.a.seen.map((s) => s.authorization)).toEqual(['Bearer bear-tok', 'Bearer bear-tok']);
  });

  it('an https → http redirect carries nothing, even to a host that has a credential', async () => {
    const http = client([
      [hostKey(servers.secure), { type: 'bearer', token: 'bear-tok' }],
      [hostKey(servers.a), { type: 'bearer', token: 'bear-tok' }],
    ]);
    servers.a.seen.length = 0;
    servers.secure.seen.length = 0;
    const res = await http(`${servers.secure.origin}/redirect/302?to=${encodeURIComponent(`${servers.a.origin}/bearer/x`)}`);
    expect(servers.secure.seen[0]?.authorization).toBe('Bearer bear-tok');
    expect(res.statusCode).toBe(401);
    expect(servers.a.seen.map((s) => s.authorization)).toEqual([undefined]);
  });

  it('a request that already has credentials is left alone', async () => {
    const http = client([[hostKey(servers.a), { type: 'bearer', token: 'bear-tok' }]]);
    servers.a.seen.length = 0;
    await http(`${servers.a.origin}/bearer/x`, { headers: { authorization: 'Bearer mine' } });
    await http(`${servers.a.origin}/bearer/x`, { username: 'me', password: 'pw' });
    expect(servers.a.seen.map((s) => s.authorization)).toEqual(['Bearer mine', `Basic ${Buffer.from('me:pw').toString('base64')}`]);
  });

  it('a relative redirect is decided for its own URL and keeps the credential', async () => {
    const http = client([[hostKey(servers.a), { type: 'bearer', token: 'bear-tok' }]]);
    servers.a.seen.length = 0;
    const res = await http(`${servers.a.origin}/redirect/302?to=../bearer/x`);
    expect(res.statusCode).toBe(200);
    expect(servers.a.seen.map((s) => [s.path, s.authorization])).toEqual([
      ['/redirect/302?to=../bearer/x', 'Bearer bear-tok'],
      ['/bearer/x', 'Bearer bear-tok'],
    ]);
  });

  it('cross-origin after a same-origin hop carries nothing to the other origin', async () => {
    const http = client([[hostKey(servers.a), { type: 'bearer', token: 'bear-tok' }]]);
    servers.a.seen.length = 0;
    servers.b.seen.length = 0;
    const second = `/redirect/307?to=${encodeURIComponent(`${servers.b.origin}/bearer/x`)}`;
    const res = await http(`${servers.a.origin}/redirect/302?to=${encodeURIComponent(second)}`);
    expect(res.statusCode).toBe(401);
    expect(servers.a.seen.map((s) => s.authorization)).toEqual(['Bearer bear-tok', 'Bearer bear-tok']);
    expect(servers.b.seen.map((s) => s.authorization)).toEqual([undefined]);
  });

  it('a conda token: a same-origin hop to a URL already carrying /t/<token>, then an echoing server, never takes it across', async () => {
    const http = client([[hostKey(servers.a), { type: 'conda-token', token: 'ct-123' }]]);
    servers.a.seen.length = 0;
    servers.b.seen.length = 0;
    // Hop 2 is an absolute path that already has the token; a then echoes its path to b.
    const second = `/t/ct-123/echo/302?to=${encodeURIComponent(servers.b.origin)}`;
    const res = await http(`${servers.a.origin}/redirect/302?to=${encodeURIComponent(second)}`);
    expect(res.statusCode).toBe(200);
    expect(servers.a.seen.map((s) => s.path.slice(0, 14))).toEqual(['/t/ct-123/redi', '/t/ct-123/echo']);
    expect(servers.b.seen).toHaveLength(1);
    expect(servers.b.seen[0]?.path).toMatch(/^\/public\?to=/);
    expect(JSON.stringify(servers.b.seen)).not.toContain('ct-123');
  });

  it('a path-scoped key is not sent when the server redirects outside its path', async () => {
    const http = client([
      [`${hostKey(servers.a)}/org-a`, { type: 'bearer', token: 'bear-tok' }],
      [`${hostKey(servers.b)}/org-a`, { type: 'conda-token', token: 'ct-123' }],
    ]);
    servers.a.seen.length = 0;
    await http(`${servers.a.origin}/org-a/redirect/302?to=/org-evil/x`);
    await http(`${servers.a.origin}/org-a/redirect/302?to=../../org-evil/y`);
    await http(`${servers.a.origin}/org-a/redirect/302?to=/org-a/%2e%2e/org-evil/z`);
    expect(servers.a.seen.map((s) => [s.path.split('?')[0], s.authorization])).toEqual([
      ['/org-a/redirect/302', 'Bearer bear-tok'],
      ['/org-evil/x', undefined],
      ['/org-a/redirect/302', 'Bearer bear-tok'],
      ['/org-evil/y', undefined],
      ['/org-a/redirect/302', 'Bearer bear-tok'],
      ['/org-evil/z', undefined],
    ]);
    servers.b.seen.length = 0;
    await http(`${servers.b.origin}/org-a/redirect/302?to=/org-evil/x`);
    expect(servers.b.seen.map((s) => s.path.split('?')[0])).toEqual(['/t/ct-123/org-a/redirect/302', '/org-evil/x']);
  });

  it('after https → http, even a later hop back to https carries nothing', async () => {
    const http = client([
      [hostKey(servers.secure), { type: 'bearer', token: 'bear-tok' }],
      [hostKey(servers.a), { type: 'bearer', token: 'bear-tok' }],
    ]);
    servers.secure.seen.length = 0;
    servers.a.seen.length = 0;
    const back = `/redirect/302?to=${encodeURIComponent(`${servers.secure.origin}/bearer/x`)}`;
    await http(`${servers.secure.origin}/redirect/302?to=${encodeURIComponent(`${servers.a.origin}${back}`)}`);
    expect(servers.secure.seen.map((s) => s.authorization)).toEqual(['Bearer bear-tok', undefined]);
    expect(servers.a.seen.map((s) => s.authorization)).toEqual([undefined]);
  });

  it('errors thrown by got carry no secret in any property, however deep', async () => {
    const { inspect } = await import('node:util');
    const store = new MemoryStore([
      ['127.0.0.1:1', { type: 'conda-token', token: 'ct-secret' }],
      [hostKey(servers.a), { type: 'bearer', token: 'bear-secret' }],
      [hostKey(servers.b), { type: 'conda-token', token: 'ct-other-secret' }],
    ]);
    const http = got.extend(authHooks(createAuthenticator({ store })), { retry: { limit: 0 } });
    const refused = (await http('http://127.0.0.1:1/channel/x.json').catch((e: Error) => e)) as RequestError;
    const rejected = (await http(`${servers.a.origin}/status/500`).catch((e: Error) => e)) as RequestError;
    const condaRejected = (await http(`${servers.b.origin}/status/403`).catch((e: Error) => e)) as RequestError;
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
