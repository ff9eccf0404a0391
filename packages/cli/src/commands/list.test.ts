import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sandbox } from '@auth/test-support/cli';

const EVIL_KEY = 'evil\u001b]0;pwned\u0007\nx.example.com';

describe('auth list output', () => {
  it('piped, it is clean TSV: no trailing tab, control characters escaped', () => {
    const s = sandbox({ keychain: false });
    writeFileSync(
      join(s.home, 'c.json'),
      JSON.stringify({ 'a.example.com': { BearerToken: 't' }, 'b.example.com': { BasicHTTP: { username: 'u\tv\u001b[2J', password: 'p' } }, [EVIL_KEY]: { BearerToken: 't' } }),
    );
    const out = s.auth(['list', '--file', 'c.json']);
    expect(out.code).toBe(0);
    expect(out.stdout).toBe(
      ['a.example.com\tbearer\tfile', 'b.example.com\tbasic\tfile\tu\\tv\\e[2J', 'evil\\e]0;pwned\\u0007\\nx.example.com\tbearer\tfile', ''].join('\n'),
    );
  });

  it('--json keeps keys and usernames exactly, as JSON escapes them', () => {
    const s = sandbox({ keychain: false });
    writeFileSync(join(s.home, 'c.json'), JSON.stringify({ [EVIL_KEY]: { BasicHTTP: { username: 'u\u001b', password: 'p' } } }));
    const listed = JSON.parse(s.auth(['list', '--json', '--file', 'c.json']).stdout) as { key: string; username: string }[];
    expect(listed).toEqual([{ key: EVIL_KEY, type: 'basic', store: 'file', shadowed: false, username: 'u\u001b' }]);
  });
});

describe('the keychain-unavailable warning', () => {
  const warnings = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('warning:'));

  it('a read that found what it wanted in the file says nothing; a miss and a listing say why, naming the settings', () => {
    const s = sandbox({ keychain: false });
    expect(s.auth(['login', 'a.example.com', '--token', 't']).code).toBe(0);
    const hit = s.auth(['token', 'a.example.com']);
    expect(hit).toMatchObject({ code: 0, stdout: 't\n', stderr: '' });
    const miss = s.auth(['token', 'missing.example.com']);
    expect(miss.code).toBe(1);
    expect(warnings(miss.stderr)).toHaveLength(1);
    expect(warnings(miss.stderr)[0]).toContain('AUTH_KEYCHAIN_TIMEOUT_MS');
    expect(warnings(miss.stderr)[0]).toContain('AUTH_KEYCHAIN=off');
    expect(warnings(s.auth(['list']).stderr)).toHaveLength(1);
  });

  it('a write always warns; AUTH_KEYCHAIN=off leaves the keychain out, without a word', () => {
    const s = sandbox({ keychain: false });
    const write = s.auth(['login', 'w.example.com', '--token', 't']);
    expect(warnings(write.stderr)).toHaveLength(1);
    expect(warnings(write.stderr)[0]).toContain('AUTH_KEYCHAIN_TIMEOUT_MS');
    const env = { AUTH_KEYCHAIN: 'off' };
    const off = s.auth(['login', 'o.example.com', '--token', 't'], { env });
    expect(off.code).toBe(0);
    expect(off.stderr).toBe(`Stored a token for o.example.com in file (${join(s.home, '.rattler', 'credentials.json')}).\n`);
    expect(s.auth(['list'], { env }).stderr).toBe('');
    expect(s.auth(['logout', 'o.example.com'], { env }).stderr).not.toContain('warning');
  });
});

describe('auth list flags keys another tool wrote that auth does not use', () => {
  it('a wildcard over a public suffix or a top-level domain: shown, marked, a "warning" in JSON', () => {
    const s = sandbox({ keychain: false });
    writeFileSync(join(s.home, 'c.json'), JSON.stringify({ '*.dev': { BearerToken: 't' }, '*.github.io': { BearerToken: 't' }, 'ok.example.com': { BearerToken: 't' } }));
    const listed = JSON.parse(s.auth(['list', '--json', '--file', 'c.json']).stdout) as { key: string; warning?: string }[];
    expect(listed.find((e) => e.key === '*.dev')?.warning).toContain('top-level domain');
    expect(listed.find((e) => e.key === '*.github.io')?.warning).toContain('public suffix');
    expect(listed.find((e) => e.key === 'ok.example.com')).not.toHaveProperty('warning');
    const piped = s.auth(['list', '--file', 'c.json']).stdout.split('\n');
    expect(piped).toContain('ok.example.com\tbearer\tfile');
    expect(piped.find((l) => l.startsWith('*.dev\t'))).toMatch(/^\*\.dev\tbearer\tfile\t\twarning: /);
  });
});
