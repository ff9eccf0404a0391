import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sandbox } from '@auth/test-support/cli';

/**
 * Secrets another tool wrote into a store (a token that cannot be sent, a key holding a conda
 * token or user:password, escape sequences) and secrets typed where a host goes: with the built
 * CLI in a private HOME, none reaches the terminal.
 */

function withFile(entries: Record<string, unknown>) {
  const s = sandbox({ keychain: false });
  const file = join(s.home, 'credentials.json');
  writeFileSync(file, JSON.stringify(entries), { mode: 0o600 });
  return { s, file };
}

describe('auth token never prints a token that could not be sent (commands/token.ts uses tokenOf, not sendableToken)', () => {
  it.each([
    ['CR/LF (header injection through $(auth token …))', 'abc\r\nX-Injected: 1'],
    ['characters above U+00FF', 'tok\u00e9\u4e2d'],
    ['U+FFFD from invalid UTF-8', 'a\ufffdb'],
    ['a byte-order mark', '\ufeffBOMTOK'],
  ])('%s: refused, exit 1, nothing on stdout', (_what, token) => {
    const { s, file } = withFile({ 'bad.example.com': { BearerToken: token } });
    const r = s.auth(['token', 'bad.example.com', '--file', file]);
    expect(r.stdout).toBe('');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/printable ASCII|could not be sent/);
  });
});

describe('auth token never echoes a secret typed in its argument (commands/token.ts quotes the input raw)', () => {
  it.each([
    ['https://alice:S3cretPass@nothing.example/', 'S3cretPass'],
    ['https://alice:S3cret/Pass@nothing.example/', 'S3cret/Pass'],
    ['https://nothing.example/t/CONDASECRET9/x', 'CONDASECRET9'],
  ])('%s', (input, secret) => {
    const { s, file } = withFile({});
    for (const extra of [[], ['--verbose']]) {
      const r = s.auth(['token', input, '--file', file, ...extra]);
      expect(r.code).not.toBe(0);
      expect(`${r.stdout}${r.stderr}`).not.toContain(secret);
    }
  });
});

describe('auth list shows no secret, and flags keys that must not be used (commands/list.ts)', () => {
  it('a key holding a conda token or userinfo (written by another tool) is shown without it, in text and JSON', () => {
    const { s, file } = withFile({
      'conda.anaconda.org/t/LISTSECRET77/my-channel': { CondaToken: 'LISTSECRET77' },
      'https://u:PWSECRET88@h.example.com': { BearerToken: 'abc' },
    });
    for (const args of [['list'], ['list', '--json']]) {
      const r = s.auth([...args, '--file', file]);
      expect(r.code).toBe(0);
      expect(`${r.stdout}${r.stderr}`).not.toMatch(/LISTSECRET77|PWSECRET88/);
    }
  });

  it('a wildcard over a public suffix (*.github.io, written by another tool) is flagged', () => {
    const { s, file } = withFile({ '*.github.io': { BearerToken: 'GHTOKEN123' } });
    const r = s.auth(['list', '--file', file]);
    expect(r.code).toBe(0);
    expect(`${r.stdout}${r.stderr}`).toMatch(/public suffix/);
  });
});

describe('logout removes a stored key given as auth list shows it, even one holding a secret (commands/logout.ts)', () => {
  it('conda.anaconda.org/t/<TOKEN>/my-channel written by another tool can be removed, and the error or note shows no token', () => {
    const key = 'conda.anaconda.org/t/LOGOUTSECRET5/my-channel';
    const { s, file } = withFile({ [key]: { CondaToken: 'LOGOUTSECRET5' }, 'other.example.com': { BearerToken: 'keep' } });
    const r = s.auth(['logout', key, '--file', file]);
    expect(`${r.stdout}${r.stderr}`).not.toContain('LOGOUTSECRET5');
    expect(r.code).toBe(0);
    expect(Object.keys(JSON.parse(readFileSync(file, 'utf8')))).toEqual(['other.example.com']);
  });
});

describe('login strips a byte-order mark from a secret and says so (commands/login.ts or secrets.ts)', () => {
  it('--token - with a BOM stores the token without it, with a note on stderr', () => {
    const { s, file } = withFile({});
    const r = s.auth(['login', 'bom.example.com', '--token', '-', '--file', file], { input: '\ufeffBOMTOKEN\n' });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/byte.order mark|BOM/i);
    expect(r.stderr).not.toContain('BOMTOKEN');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ 'bom.example.com': { BearerToken: 'BOMTOKEN' } });
  });
});

describe('terminal output escapes what a store or the user wrote (commands/status.ts, commands/login.ts)', () => {
  it('auth status <url> shows a stored key holding an escape sequence escaped (the key matches the URL %1b-decoded)', () => {
    const { s, file } = withFile({ '127.0.0.1:9/a\u001b[2Jb': { BasicHTTP: { username: 'user', password: 'p\u0007' } } });
    const r = s.auth(['status', 'http://127.0.0.1:9/a%1b[2Jb/x', '--file', file]);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });

  it('auth login names the --file path escaped and redacted', () => {
    const s = sandbox({ keychain: false });
    const file = join(s.home, 'a\u001b[31mRED', 'u:PATHSECRET7@x', 'c.json');
    const r = s.auth(['login', 'y.example.com', '--token', 'abc', '--file', file]);
    expect(r.code).toBe(0);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(`${r.stdout}${r.stderr}`).not.toContain('PATHSECRET7');
  });
});
