import http from 'node:http';
import type { AddressInfo } from 'node:net';
import got from 'got';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator } from './authenticator.js';
import { createFetch } from './fetch.js';
import { authHooks } from './got.js';
import { MemoryStore } from './store.js';

/**
 * attack12: a conda token this chain put into a URL must not reach another origin. The trusted
 * server redirects within its origin, then echoes the path it was asked for (token included) into
 * a cross-origin Location, in the path behind a prefix and in the query. decideHop only takes
 * off a LEADING `/t/<token>` it added, so the token goes to the other origin.
 * The fix belongs in packages/core/src/hop.ts: on every hop, remove (or refuse to follow a URL
 * holding) each token of `state.tokens` wherever it stands, unless this hop's own application
 * puts it there.
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
    await got.extend(authHooks(auth))(`http://${host}/chan/start`);
    const otherPort = (other.address() as AddressInfo).port;
    const leaked = seen.filter((r) => r.port === otherPort && r.url.includes(TOKEN));
    expect(leaked).toEqual([]);
  });

  it('createFetch', async () => {
    seen.length = 0;
    const { host, auth } = authenticator();
    await createFetch(auth)(`http://${host}/chan/start`);
    const otherPort = (other.address() as AddressInfo).port;
    const leaked = seen.filter((r) => r.port === otherPort && r.url.includes(TOKEN));
    expect(leaked).toEqual([]);
  });
});
