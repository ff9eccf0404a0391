import http from 'node:http';
import type { AddressInfo } from 'node:net';
import got from 'got';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator } from './authenticator.js';
import { createFetch } from './fetch.js';
import { authHooks } from './got.js';
import { MemoryStore } from './store.js';

/**
 * A conda token this chain put into a URL never reaches another origin. The trusted server
 * redirects within its origin, then echoes the path it was asked for (token included) into a
 * cross-origin Location, in the path behind a prefix and in the query. The hop is refused with a
 * typed error (there is no telling what of such a URL may be taken off), and nothing is sent.
 */

const TOKEN = 'CTOK-attack12-SECRET';
const seen: { port: number; url: string }[] = [];
let trusted: http.Server;
let other: http.Server;

function listen(handler: http.RequestListener): Promise<http.Server> {
  return new Promise((resolve) => {
    const s = http.createServer((req, res) => {
      seen.push({ port: (s.address() as AddressInfo).port, url: req.url ?? '' });
      handler(req, res);
    });
    s.listen(0, '127.0.0.1', () => resolve(s));
  });
}

beforeAll(async () => {
  other = await listen((_req, res) => res.end('ok'));
  const otherPort = (other.address() as AddressInfo).port;
  trusted = await listen((req, res) => {
    const u = req.url ?? '';
    if (u.endsWith('/start')) res.writeHead(302, { location: `/t/${TOKEN}/next` });
    else if (u.endsWith('/next')) res.writeHead(302, { location: `http://127.0.0.1:${otherPort}/mirror${u}?from=${encodeURIComponent(u)}` });
    res.end();
  });
});
afterAll(() => {
  trusted.close();
  other.close();
});

function authenticator() {
  const host = `127.0.0.1:${(trusted.address() as AddressInfo).port}`;
  return { host, auth: createAuthenticator({ store: new MemoryStore([[host, { type: 'conda-token', token: TOKEN }]]) }) };
}

describe('a conda token never reaches another origin through an echoed Location', () => {
  it('got hooks', async () => {
    seen.length = 0;
    const { host, auth } = authenticator();
    const error = await got.extend(authHooks(auth))(`http://${host}/chan/start`).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INVALID_URL' });
    const otherPort = (other.address() as AddressInfo).port;
    const leaked = seen.filter((r) => r.port === otherPort && r.url.includes(TOKEN));
    expect(leaked).toEqual([]);
  });

  it('createFetch', async () => {
    seen.length = 0;
    const { host, auth } = authenticator();
    const error = await createFetch(auth)(`http://${host}/chan/start`).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INVALID_URL' });
    const otherPort = (other.address() as AddressInfo).port;
    const leaked = seen.filter((r) => r.port === otherPort && r.url.includes(TOKEN));
    expect(leaked).toEqual([]);
  });
});
