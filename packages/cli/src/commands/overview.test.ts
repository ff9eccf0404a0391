import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sandbox } from '@auth/test-support/cli';
import type { OverviewEntry } from './overview.js';

// A JWT whose payload is {"exp":2000000000}, written out by hand (the signature is not checked).
const JWT_PAYLOAD = Buffer.from('{"sub":"x","exp":2000000000}').toString('base64url');
const JWT = `eyJhbGciOiJIUzI1NiJ9.${JWT_PAYLOAD}.c2lnbmF0dXJl`;
const oauth = (over: Record<string, unknown>) => ({
  OAuth: { access_token: 'at-SECRET', refresh_token: null, expires_at: 4000000000, token_endpoint: 'http://127.0.0.1:1/token', revocation_endpoint: null, client_id: 'c', ...over },
});

type Entry = OverviewEntry;

describe('auth status without a URL: the overview', () => {
  it('every entry of every store, with store, shadowed, method and expiry; never a secret', async () => {
    // A token endpoint that says the refresh token is spent, as a server does after logout.
    const server = createServer((_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end('{"error":"invalid_grant"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const tokenEndpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
    try {
      const s = sandbox({ keychain: false });
      mkdirSync(join(s.home, '.rattler'));
      writeFileSync(join(s.home, 'first.json'), JSON.stringify({ 'dup.example.com': { BearerToken: 'first-SECRET' } }));
      writeFileSync(
        join(s.home, '.rattler', 'credentials.json'),
        JSON.stringify({
          'basic.example.com': { BasicHTTP: { username: 'u', password: 'pw-SECRET' } },
          'conda.example.com': { CondaToken: 'conda-SECRET' },
          'dup.example.com': { BearerToken: 'second-SECRET' },
          'jwt.example.com': { BearerToken: JWT },
          'live.example.com': oauth({}),
          'gone.example.com': oauth({ expires_at: 1000 }),
          'spent.example.com': oauth({ expires_at: 1000, refresh_token: 'rt-SECRET', token_endpoint: tokenEndpoint }),
          bucket: { S3Credentials: { access_key_id: 'AK', secret_access_key: 's3-SECRET', session_token: null } },
          'odd.example.com': { Future: 1 },
        }),
      );
      const env = { AUTH_KEYCHAIN: 'off', RATTLER_AUTH_FILE: join(s.home, 'first.json') };
      const out = await s.authAsync(['status', '--json'], { env });
      expect(out.code, out.stderr).toBe(0);
      const byKey = Object.fromEntries((JSON.parse(out.stdout) as Entry[]).map((e) => [`${e.key} ${e.shadowed ? 'shadowed' : ''}`.trim(), e]));
      expect(byKey['dup.example.com']).toMatchObject({ store: 'file', method: 'bearer', expiresAt: null, state: 'valid' });
      expect(byKey['dup.example.com shadowed']).toMatchObject({ store: 'file', method: 'bearer' });
      expect(byKey['basic.example.com']).toMatchObject({ method: 'basic', shadowed: false });
      expect(byKey['conda.example.com']).toMatchObject({ method: 'conda-token' });
      expect(byKey.bucket).toMatchObject({ method: 's3' });
      expect(byKey['odd.example.com']).toMatchObject({ method: 'unknown' });
      expect(byKey['jwt.example.com']).toMatchObject({ method: 'bearer', expiresAt: '2033-05-18T03:33:20.000Z', expirySource: 'jwt', state: 'valid' });
      expect(byKey['live.example.com']).toMatchObject({ method: 'oauth', expiresAt: new Date(4000000000 * 1000).toISOString(), expirySource: 'oauth', state: 'valid' });
      expect(byKey['gone.example.com']).toMatchObject({ method: 'oauth', state: 'expired: log in again' });
      expect(byKey['spent.example.com']).toMatchObject({ method: 'oauth', state: 'expired: log in again' });
      expect(Object.keys(byKey)).toHaveLength(10);
      const human = await s.authAsync(['status'], { env });
      expect(human.code).toBe(0);
      expect(human.stdout).toContain('gone.example.com\toauth\tfile\t1970-01-01T00:16:40.000Z\texpired: log in again');
      for (const text of [out.stdout, out.stderr, human.stdout, human.stderr]) expect(text).not.toMatch(/SECRET|eyJ/);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('no entries: says so on stderr, prints [] with --json', () => {
    const s = sandbox({ keychain: false });
    const env = { AUTH_KEYCHAIN: 'off' };
    expect(s.auth(['status'], { env })).toMatchObject({ code: 0, stdout: '', stderr: 'No credentials are stored.\n' });
    expect(s.auth(['status', '--json'], { env })).toMatchObject({ code: 0, stdout: '[]\n' });
  });
});
