import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { closedPort, type Expect, hostKey, selfSignedCert, useServers } from '@auth/test-support/http';
import { createAuthenticator } from './authenticator.js';
import type { Credential } from './credential.js';
import { TooManyRedirectsError } from './errors.js';
import { createFetch } from './fetch.js';
import { MemoryStore } from './store.js';

const expectCreds: Expect = { bearer: 'bear-tok', conda: 'ct-123' };

const servers = useServers(expectCreds);

/**
 * A fetch over node:http(s) that trusts the test certificate, for the https server: the global
 * fetch reads its CAs at start-up. Passing it also tests the `fetch` option.
 */
const nodeFetch: typeof globalThis.fetch = async (input, init) => {
  const url = new URL(String(input));
  const headers: Record<string, string> = {};
  new Headers(init?.headers).forEach((value, name) => {
    headers[name] = value;
  });
  const body = init?.body ? Buffer.from(init.body as ArrayBuffer) : undefined;
  return new Promise<Response>((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, { method: init?.method ?? 'GET', headers, ca: selfSignedCert().cert }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const out = new Headers();
        for (const [name, value] of Object.entries(res.headers)) if (typeof value === 'string') out.set(name, value);
        const status = res.statusCode ?? 500;
        resolve(new Response(status === 204 || status === 304 ? null : Buffer.concat(chunks), { status, headers: out }));
      });
    });
    req.on('error', reject);
    req.end(body);
  });
};

function client(entries: [string, Credential][], options: Parameters<typeof createFetch>[1] = {}) {
  return createFetch(createAuthenticator({ store: new MemoryStore(entries) }), options);
}

const to = (url: string) => encodeURIComponent(url);

describe('createFetch against real servers', () => {
  it('bearer and conda credentials are accepted; the response URL shows no token', async () => {
    const fetch = client([
      [`${hostKey(servers.a)}/bearer`, { type: 'bearer', token: 'bear-tok' }],
      [`${hostKey(servers.a)}/conda`, { type: 'conda-token', token: 'ct-123' }],
    ]);
    expect((await fetch(`${servers.a.origin}/bearer/x`)).status).toBe(200);
    const conda = await fetch(`${servers.a.origin}/conda/noarch/repodata.json`);
    expect(conda.status).toBe(200);
    expect(servers.a.seen.at(-1)?.path).toBe('/t/ct-123/conda/noarch/repodata.json');
    expect(conda.url).toBe(`${servers.a.origin}/conda/noarch/repodata.json`);
    expect(conda.redirected).toBe(false);
  });

  it('a cross-origin redirect carries nothing; the other origin gets its own credential', async () => {
    const only = client([[hostKey(servers.a), { type: 'bearer', token: 'bear-tok' }]]);
    servers.b.seen.length = 0;
    const res = await only(`${servers.a.origin}/redirect/302?to=${to(`${servers.b.origin}/bearer/x`)}`);
    expect(res.status).toBe(401);
    expect(res.redirected).toBe(true);
    expect(servers.b.seen.map((s) => s.authorization)).toEqual([undefined]);

    const both = client([
      [hostKey(servers.a), { type: 'bearer', token: 'for-a' }],
      [hostKey(servers.b), { type: 'bearer', token: 'bear-tok' }],
    ]);
    servers.b.seen.length = 0;
    expect((await both(`${servers.a.origin}/redirect/307?to=${to(`${servers.b.origin}/bearer/x`)}`)).status).toBe(200);
    expect(servers.b.seen.map((s) => s.authorization)).toEqual(['Bearer bear-tok']);
  });

  it('relative and same-origin redirects keep the credential; cross-origin after them does not', async () => {
    const fetch = client([[hostKey(servers.a), { type: 'bearer', token: 'bear-tok' }]]);
    servers.a.seen.length = 0;
    servers.b.seen.length = 0;
    expect((await fetch(`${servers.a.origin}/redirect/302?to=../bearer/x`)).status).toBe(200);
    const second = `/redirect/307?to=${to(`${servers.b.origin}/bearer/x`)}`;
    await fetch(`${servers.a.origin}/redirect/302?to=${to(second)}`);
    expect(servers.a.seen.map((s) => s.authorization)).toEqual(['Bearer bear-tok', 'Bearer bear-tok', 'Bearer bear-tok', 'Bearer bear-tok']);
    expect(servers.b.seen.map((s) => s.authorization)).toEqual([undefined]);
  });

  it('a conda token never crosses to another origin, even through an echoing server', async () => {
    const fetch = client([[hostKey(servers.a), { type: 'conda-token', token: 'ct-123' }]]);
    servers.b.seen.length = 0;
    const second = `/t/ct-123/echo/302?to=${to(servers.b.origin)}`;
    const res = await fetch(`${servers.a.origin}/redirect/302?to=${to(second)}`);
    expect(res.status).toBe(200);
    expect(servers.b.seen).toHaveLength(1);
    expect(JSON.stringify(servers.b.seen)).not.toContain('ct-123');
    expect(res.url).not.toContain('ct-123');
  });

  it('a path-scoped key stays inside its path', async () => {
    const fetch = client([[`${hostKey(servers.a)}/org-a`, { type: 'bearer', token: 'bear-tok' }]]);
    servers.a.seen.length = 0;
    await fetch(`${servers.a.origin}/org-a/redirect/302?to=/org-evil/x`);
    await fetch(`${servers.a.origin}/org-a/redirect/302?to=/org-a/%2e%2e/org-evil/y`);
    expect(servers.a.seen.map((s) => [s.path.split('?')[0], s.authorization])).toEqual([
      ['/org-a/redirect/302', 'Bearer bear-tok'],
      ['/org-evil/x', undefined],
      ['/org-a/redirect/302', 'Bearer bear-tok'],
      ['/org-evil/y', undefined],
    ]);
  });

  it('https → http carries nothing, even to a host that has a credential', async () => {
    const fetch = client(
      [
        [hostKey(servers.secure), { type: 'bearer', token: 'bear-tok' }],
        [hostKey(servers.a), { type: 'bearer', token: 'bear-tok' }],
      ],
      { fetch: nodeFetch },
    );
    servers.a.seen.length = 0;
    servers.secure.seen.length = 0;
    const res = await fetch(`${servers.secure.origin}/redirect/302?to=${to(`${servers.a.origin}/bearer/x`)}`);
    expect(servers.secure.seen.map((s) => s.authorization)).toEqual(['Bearer bear-tok']);
    expect(res.status).toBe(401);
    expect(servers.a.seen.map((s) => s.authorization)).toEqual([undefined]);
  });

  it('methods and bodies follow the fetch standard on 301, 302, 303, 307 and 308', async () => {
    const fetch = client([]);
    const cases: [number, string, string | undefined][] = [
      [301, 'GET', undefined],
      [302, 'GET', undefined],
      [303, 'GET', undefined],
      [307, 'POST', 'payload'],
      [308, 'POST', 'payload'],
    ];
    for (const [code, method, body] of cases) {
      servers.a.seen.length = 0;
      await fetch(`${servers.a.origin}/redirect/${code}?to=/public/x`, { method: 'POST', body: 'payload', headers: { 'content-type': 'text/plain' } });
      expect(servers.a.seen.map((s) => [s.method, s.body])).toEqual([
        ['POST', 'payload'],
        [method, body],
      ]);
    }
    servers.a.seen.length = 0;
    await fetch(`${servers.a.origin}/redirect/302?to=/public/x`, { method: 'PUT', body: 'payload' });
    expect(servers.a.seen.map((s) => [s.method, s.body])).toEqual([
      ['PUT', 'payload'],
      ['PUT', 'payload'],
    ]);
  });

  it('the caller’s own Authorization is kept on its origin, dropped on another, never replaced', async () => {
    const fetch = client([[hostKey(servers.a), { type: 'bearer', token: 'bear-tok' }]]);
    servers.a.seen.length = 0;
    servers.b.seen.length = 0;
    await fetch(`${servers.a.origin}/redirect/302?to=${to(`${servers.b.origin}/public/x`)}`, { headers: { Authorization: 'Bearer mine' } });
    expect(servers.a.seen.map((s) => s.authorization)).toEqual(['Bearer mine']);
    expect(servers.b.seen.map((s) => s.authorization)).toEqual([undefined]);
  });

  it('maxRedirects is enforced with a typed error; redirect: manual returns the redirect', async () => {
    const fetch = client([], { maxRedirects: 2 });
    const loop = `${servers.a.origin}/redirect/302?to=${to(`/redirect/302?to=${to('/redirect/302?to=/public/x')}`)}`;
    await expect(fetch(loop)).rejects.toBeInstanceOf(TooManyRedirectsError);
    const manual = await fetch(`${servers.a.origin}/redirect/302?to=/public/x`, { redirect: 'manual' });
    expect(manual.status).toBe(302);
    expect(manual.headers.get('location')).toBe('/public/x');
    await expect(fetch(`${servers.a.origin}/redirect/302?to=/public/x`, { redirect: 'error' })).rejects.toBeInstanceOf(TypeError);
    expect((await client([])(`${servers.a.origin}/redirect/302?to=${to('/redirect/302?to=/public/x')}`)).status).toBe(200);
  });

  it('a failed request throws an error with no secret in it', async () => {
    const port = await closedPort();
    const fetch = client([[`127.0.0.1:${port}`, { type: 'conda-token', token: 'ct-secret' }]]);
    const error = await fetch(`http://127.0.0.1:${port}/channel/x.json`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(inspect(error, { depth: 10, showHidden: true }) + JSON.stringify(error)).not.toContain('ct-secret');
  });
});
