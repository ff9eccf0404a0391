import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Sandbox, sandbox } from '@auth/test-support/cli';
import { closedPort } from '@auth/test-support/http';

/** A loopback stand-in for prefix.dev's GraphQL API that answers `reply` and keeps what it saw. */
async function prefixApi(reply: unknown) {
  const seen: { url: string; method: string; headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      seen.push({ url: req.url ?? '', method: req.method ?? '', headers: req.headers, body });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(reply));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const file = (s: Sandbox) => join(s.home, 'c.json');
const stored = (s: Sandbox) => readFileSync(file(s), 'utf8');

describe('auth login checks a prefix.dev token as pixi does', () => {
  it('POSTs { viewer { login } } with the token, and stores it when prefix.dev knows the user', async () => {
    const api = await prefixApi({ data: { viewer: { login: 'alice' } } });
    try {
      const s = sandbox({ keychain: false });
      const out = await s.authAsync(['login', 'prefix.dev', '--token', 'pfx_good', '--file', 'c.json'], { env: { PREFIX_DEV_API_URL: api.origin } });
      expect(out.code, out.stderr).toBe(0);
      expect(out.stderr).toContain('user alice');
      expect(stored(s)).toBe('{"*.prefix.dev":{"BearerToken":"pfx_good"}}');
      expect(api.seen).toHaveLength(1);
      expect(api.seen[0]).toMatchObject({ url: '/api/graphql', method: 'POST', body: '{"query":"{ viewer { login } }"}' });
      expect(api.seen[0]?.headers.authorization).toBe('Bearer pfx_good');
    } finally {
      await api.close();
    }
  });

  it('viewer: null is refused and nothing is stored', async () => {
    const api = await prefixApi({ data: { viewer: null } });
    try {
      const s = sandbox({ keychain: false });
      const out = await s.authAsync(['login', 'repo.prefix.dev', '--token', 'pfx_bad-SECRET', '--file', 'c.json'], { env: { PREFIX_DEV_API_URL: api.origin } });
      expect(out.code).toBe(1);
      expect(out.stderr).toContain('did not accept the token');
      expect(out.stderr).not.toContain('SECRET');
      expect(existsSync(file(s))).toBe(false);
    } finally {
      await api.close();
    }
  });

  it('a network failure says so and stores nothing; --no-verify skips the check', async () => {
    const s = sandbox({ keychain: false });
    const env = { PREFIX_DEV_API_URL: `http://127.0.0.1:${await closedPort()}` };
    const out = await s.authAsync(['login', 'prefix.dev', '--token', 'pfx_x', '--file', 'c.json'], { env });
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('could not reach');
    expect(out.stderr).toContain('--no-verify');
    expect(existsSync(file(s))).toBe(false);
    const skipped = await s.authAsync(['login', 'prefix.dev', '--token', 'pfx_x', '--no-verify', '--file', 'c.json'], { env });
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(stored(s)).toBe('{"*.prefix.dev":{"BearerToken":"pfx_x"}}');
  });

  it('a token for another host is not sent to prefix.dev', async () => {
    const api = await prefixApi({ data: { viewer: null } });
    try {
      const s = sandbox({ keychain: false });
      const out = await s.authAsync(['login', 'notprefix.dev', '--token', 't', '--file', 'c.json'], { env: { PREFIX_DEV_API_URL: api.origin } });
      expect(out.code, out.stderr).toBe(0);
      expect(api.seen).toHaveLength(0);
    } finally {
      await api.close();
    }
  });
});

describe('auth login says what the user should know', () => {
  it('a port or path key: pixi and rattler will not read it', () => {
    const s = sandbox({ keychain: false });
    const out = s.auth(['login', 'h.example.com:8443/chan', '--token', 't', '--file', 'c.json']);
    expect(out.code).toBe(0);
    expect(out.stderr).toMatch(/note: pixi and rattler look up host names only/);
    expect(s.auth(['login', 'h.example.com', '--token', 't', '--file', 'c.json']).stderr).not.toContain('note:');
  });

  it('a byte-order mark in front of a piped secret is removed, and the user is told', () => {
    const s = sandbox({ keychain: false });
    const out = s.auth(['login', 'h.example.com', '--token', '-', '--file', 'c.json'], { input: '\ufefftok\n' });
    expect(out.code, out.stderr).toBe(0);
    expect(out.stderr).toContain('byte-order mark');
    expect(stored(s)).toBe('{"h.example.com":{"BearerToken":"tok"}}');
  });

  it('--oauth-client-secret - reads stdin like the other secrets', async () => {
    const s = sandbox({ keychain: false });
    const issuer = `http://127.0.0.1:${await closedPort()}`;
    const args = ['login', 'h.example.com', '--oauth', '--oauth-issuer-url', issuer, '--oauth-client-secret', '-', '--file', 'c.json'];
    const out = await s.authAsync(args, { input: '\ufeffcs-SECRET\n' });
    // The secret was read (its byte-order mark removed) before the unreachable issuer failed.
    expect(out.stderr).toContain('byte-order mark (U+FEFF) at the start of the oauth client secret was removed');
    expect(out.code).toBe(1);
    expect(out.stderr).not.toContain('cs-SECRET');
    expect(existsSync(file(s))).toBe(false);
  });
});
