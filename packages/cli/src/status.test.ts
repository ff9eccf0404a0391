import { once } from 'node:events';
import { readFileSync, existsSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool, sandbox } from '@auth/test-support/cli';
import { closedPort, selfSignedCert, startServer, type TestServer } from '@auth/test-support/http';
import { publishPackage, type Registry, startVerdaccio } from '@auth/test-support/verdaccio';
import type { StatusReport } from './commands/status.js';

type Report = StatusReport;

const creds = { bearer: 'bear-tok', basic: { username: 'jürgen', password: 'pa:ss' }, conda: 'ct-123' };
let a: TestServer;
let b: TestServer;
let secure: TestServer;
let silent: Server;
let silentPort: number;
const sockets: Socket[] = [];

beforeAll(async () => {
  // The https server's certificate is made with openssl.
  requireTool('openssl', 'openssl');
  a = await startServer(creds);
  b = await startServer(creds);
  secure = await startServer(creds, { https: true });
  silent = createServer((s) => sockets.push(s)).listen(0, '127.0.0.1'); // accepts, never answers
  await once(silent, 'listening');
  silentPort = (silent.address() as AddressInfo).port;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  silent.close();
  await Promise.all([a.close(), b.close(), secure.close()]);
});

const status = async (s: ReturnType<typeof sandbox>, url: string, extra: string[] = []) => {
  const out = await s.authAsync(['status', url, '--json', '--file', 'c.json', ...extra], {
    env: { NODE_EXTRA_CA_CERTS: selfSignedCert().certPath },
  });
  return { ...out, report: out.stdout ? (JSON.parse(out.stdout) as Report) : undefined };
};

describe('auth status against real servers', () => {
  it('bearer, basic and conda credentials succeed and report key, store and type', async () => {
    const s = sandbox({ keychain: false });
    const h = `127.0.0.1:${a.port}`;
    s.auth(['login', `${h}/bearer`, '--token', 'bear-tok', '--file', 'c.json']);
    s.auth(['login', `${h}/basic`, '--username', 'jürgen', '--password', 'pa:ss', '--file', 'c.json']);
    s.auth(['login', `${h}/conda`, '--conda-token', 'ct-123', '--file', 'c.json']);
    const bearer = await status(s, `${a.origin}/bearer/x.json`);
    expect(bearer.code).toBe(0);
    expect(bearer.report).toMatchObject({ key: `${h}/bearer`, store: 'file', type: 'bearer', status: 200, ok: true, url: `${a.origin}/bearer/x.json` });
    expect((await status(s, `${a.origin}/basic/x.json`)).report).toMatchObject({ type: 'basic', status: 200, ok: true });
    const conda = await status(s, `${a.origin}/conda/noarch/repodata.json`);
    expect(conda.report).toMatchObject({ type: 'conda-token', status: 200, ok: true, finalUrl: `${a.origin}/t/***/conda/noarch/repodata.json` });
    expect(a.seen.at(-1)?.path).toBe('/t/ct-123/conda/noarch/repodata.json');
    expect(conda.stdout + conda.stderr).not.toContain('ct-123');
  });

  it('a rejected credential exits 1 with status 401', async () => {
    const s = sandbox({ keychain: false });
    s.auth(['login', `127.0.0.1:${a.port}`, '--token', 'wrong', '--file', 'c.json']);
    const out = await status(s, `${a.origin}/bearer/x`);
    expect(out.code).toBe(1);
    expect(out.report).toMatchObject({ status: 401, ok: false, key: `127.0.0.1:${a.port}` });
  });

  it('a redirect to a second origin carries no credential; a same-origin one keeps it', async () => {
    const s = sandbox({ keychain: false });
    s.auth(['login', `127.0.0.1:${a.port}`, '--token', 'bear-tok', '--file', 'c.json']);
    b.seen.length = 0;
    const cross = await status(s, `${a.origin}/redirect/302?to=${encodeURIComponent(`${b.origin}/bearer/x`)}`);
    expect(cross.report).toMatchObject({ status: 401, finalUrl: `${b.origin}/bearer/x` });
    expect(b.seen).toEqual([{ method: 'GET', path: '/bearer/x', authorization: undefined }]);
    a.seen.length = 0;
    const same = await status(s, `${a.origin}/redirect/301?to=/bearer/y`);
    expect(same.report).toMatchObject({ status: 200, ok: true });
    expect(a.seen.map((r) => r.authorization)).toEqual(['Bearer bear-tok', 'Bearer bear-tok']);
  });

  it('https (trusted through NODE_EXTRA_CA_CERTS) to http carries nothing', async () => {
    const s = sandbox({ keychain: false });
    s.auth(['login', `127.0.0.1:${secure.port}`, '--token', 'bear-tok', '--file', 'c.json']);
    s.auth(['login', `127.0.0.1:${a.port}`, '--token', 'bear-tok', '--file', 'c.json']);
    a.seen.length = 0;
    const out = await status(s, `${secure.origin}/redirect/302?to=${encodeURIComponent(`${a.origin}/bearer/x`)}`);
    expect(secure.seen.at(-1)?.authorization).toBe('Bearer bear-tok');
    expect(a.seen).toEqual([{ method: 'GET', path: '/bearer/x', authorization: undefined }]);
    expect(out.report).toMatchObject({ status: 401, ok: false });
    expect((await status(s, `${secure.origin}/bearer/x`)).report).toMatchObject({ status: 200, ok: true });
  });

  it('connection refused, DNS failure and timeouts exit 1 and print no secret', async () => {
    const s = sandbox({ keychain: false });
    const refused = await closedPort();
    const longLabel = `${'a'.repeat(64)}.test`; // glibc refuses it without sending a query
    for (const host of [`127.0.0.1:${refused}`, longLabel, `127.0.0.1:${silentPort}`]) {
      s.auth(['login', host, '--conda-token', 'ct-SECRET', '--file', 'c.json']);
    }
    const cases: [string, RegExp][] = [
      [`http://127.0.0.1:${refused}/conda/x`, /ECONNREFUSED/],
      [`http://${longLabel}/conda/x`, /ENOTFOUND/],
      [`http://127.0.0.1:${silentPort}/conda/x`, /no response headers within 1 s/],
    ];
    for (const [url, error] of cases) {
      const out = await status(s, url, ['--timeout', '1']);
      expect(out.code).toBe(1);
      expect(out.report).toMatchObject({ status: null, ok: false, type: 'conda-token' });
      expect(out.report?.error).toMatch(error);
      expect(out.stdout + out.stderr).not.toContain('ct-SECRET');
      const human = await s.authAsync(['status', url, '--file', 'c.json', '--timeout', '1', '--verbose']);
      expect(human.code).toBe(1);
      expect(human.stderr).toMatch(error);
      expect(human.stderr).not.toContain('ct-SECRET');
    }
  });

  it('no stored credential exits 1', async () => {
    const s = sandbox({ keychain: false });
    const out = await status(s, `${a.origin}/public/x`);
    expect(out.code).toBe(1);
    expect(out.report).toMatchObject({ key: null, store: null, type: null, status: 200, ok: false });
  });

  it('login --verify stores a credential the server accepts and nothing it rejects', async () => {
    const s = sandbox({ keychain: false });
    const url = `${a.origin}/bearer/check`;
    const bad = await s.authAsync(['login', url, '--token', 'wrong', '--verify', '--file', 'c.json']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('rejected the credential (HTTP 401); nothing was stored');
    expect(existsSync(join(s.home, 'c.json'))).toBe(false);
    const good = await s.authAsync(['login', url, '--token', 'bear-tok', '--verify', '--file', 'c.json']);
    expect(good.code).toBe(0);
    expect(readFileSync(join(s.home, 'c.json'), 'utf8')).toContain('"BearerToken":"bear-tok"');
  });
});

describe('auth against Verdaccio, a real npm registry on loopback', () => {
  let registry: Registry;
  let token: string;
  beforeAll(async () => {
    registry = await startVerdaccio();
    token = await registry.addUser('alice', 'alice-pw');
    await publishPackage(registry, token, '@private/pkg');
  }, 120_000);
  afterAll(() => registry?.stop());

  it('a token from its login endpoint, stored with auth login, is accepted', async () => {
    const s = sandbox({ keychain: false });
    expect(s.auth(['login', `127.0.0.1:${registry.port}`, '--token', token, '--file', 'c.json']).code).toBe(0);
    const whoami = await status(s, `${registry.url}/-/whoami`);
    expect(whoami.code).toBe(0);
    expect(whoami.report).toMatchObject({ status: 200, ok: true, type: 'bearer' });
    const pkg = await status(s, `${registry.url}/@private%2fpkg`);
    expect(pkg.code).toBe(0);
    expect(pkg.report).toMatchObject({ status: 200, ok: true });
    expect(pkg.stdout + pkg.stderr).not.toContain(token);
  });

  it('a wrong token gives exit 1 and status 401 on a protected package', async () => {
    const s = sandbox({ keychain: false });
    s.auth(['login', `127.0.0.1:${registry.port}`, '--token', 'not-a-real-token', '--file', 'c.json']);
    const out = await status(s, `${registry.url}/@private%2fpkg`);
    expect(out.code).toBe(1);
    expect(out.report).toMatchObject({ status: 401, ok: false });
  });

  it('basic credentials of a registry user are accepted too', async () => {
    const s = sandbox({ keychain: false });
    s.auth(['login', `127.0.0.1:${registry.port}`, '--username', 'alice', '--password', 'alice-pw', '--file', 'c.json']);
    expect((await status(s, `${registry.url}/@private%2fpkg`)).report).toMatchObject({ status: 200, ok: true, type: 'basic' });
  });

  it('login --verify against the protected package refuses a wrong token', async () => {
    const s = sandbox({ keychain: false });
    const url = `${registry.url}/@private%2fpkg`;
    expect((await s.authAsync(['login', url, '--token', 'nope', '--verify', '--file', 'c.json'])).code).toBe(1);
    expect(existsSync(join(s.home, 'c.json'))).toBe(false);
    expect((await s.authAsync(['login', url, '--token', token, '--verify', '--file', 'c.json'])).code).toBe(0);
  });
});
