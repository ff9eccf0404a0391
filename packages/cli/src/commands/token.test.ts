import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Sandbox, sandbox } from '@auth/test-support/cli';

function withFile(entries: Record<string, unknown>): Sandbox {
  const s = sandbox({ keychain: false });
  writeFileSync(join(s.home, 'c.json'), JSON.stringify(entries));
  return s;
}
const token = (s: Sandbox, input: string) => s.auth(['token', input, '--file', 'c.json']);

describe('auth token resolves as a request would', () => {
  it('wildcard, port, path and s3 keys', () => {
    const s = withFile({
      '*.example.com': { BearerToken: 'wild' },
      'h.example.com:8443': { BearerToken: 'port' },
      'p.example.org/chan-a': { CondaToken: 'path' },
      bucket: { BearerToken: 's3' },
    });
    expect(token(s, 'https://repo.example.com/x').stdout).toBe('wild\n');
    expect(token(s, 'https://h.example.com:8443/x').stdout).toBe('port\n');
    expect(token(s, 'h.example.com').stdout).toBe('wild\n');
    expect(token(s, 'https://p.example.org/chan-a/noarch/repodata.json').stdout).toBe('path\n');
    expect(token(s, 'https://p.example.org/chan-ab/x').code).toBe(1);
    expect(token(s, 's3://bucket/some/key').stdout).toBe('s3\n');
  });

  it('refuses a stored token that could not be sent: exit 1, nothing on stdout', () => {
    for (const bad of ['a\r\nX-Evil: 1', 'caf\u00e9\u0100', 'x\ufffdy']) {
      const s = withFile({ 'bad.example.com': { BearerToken: bad } });
      const out = token(s, 'bad.example.com');
      expect(out.code).toBe(1);
      expect(out.stdout).toBe('');
      expect(out.stderr).toContain('could not be sent');
      expect(out.stderr).not.toContain(bad);
    }
  });

  it('every message shows the input redacted', () => {
    const s = withFile({});
    for (const input of ['https://u:pa55-SECRET@h.example.com/', 'https://h.example.com/t/tk-SECRET-9/x', 'https://u:pa55-SECRET@[bad/']) {
      const out = token(s, input);
      expect(out.code).toBeGreaterThan(0);
      expect(out.stdout).toBe('');
      expect(out.stderr).not.toContain('SECRET');
    }
  });

  it('an expired OAuth token that cannot be refreshed: "expired: log in again"', () => {
    const s = withFile({
      'o.example.com': { OAuth: { access_token: 'at', refresh_token: null, expires_at: 1000, token_endpoint: 'http://127.0.0.1:1/token', revocation_endpoint: null, client_id: 'c' } },
    });
    const out = token(s, 'o.example.com');
    expect(out.code).toBe(1);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain('expired: log in again');
  });

  it('basic credentials have no token to print', () => {
    const s = withFile({ 'b.example.com': { BasicHTTP: { username: 'u', password: 'p-SECRET' } } });
    const out = token(s, 'b.example.com');
    expect(out).toMatchObject({ code: 1, stdout: '' });
    expect(out.stderr).toContain('not a token');
  });

  it('a URL that carries its own credentials, or that parsers read differently, is refused', () => {
    const s = withFile({ 'h.example.com': { BearerToken: 'stored' } });
    for (const input of ['https://u:pa55-SECRET@h.example.com/', 'https://h.example.com/t/tk-SECRET-1/chan', 'https:///h.example.com', 'https://\\h.example.com']) {
      const out = token(s, input);
      expect(out.code, input).toBe(2);
      expect(out.stdout).toBe('');
      expect(out.stderr).not.toContain('SECRET');
    }
  });
});
