import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { authBin, requireTool, sandbox } from '@auth/test-support/cli';

// The pseudo-terminal comes from util-linux `script`.
beforeAll(() => requireTool('script', 'bsdutils'));

/** Runs `auth` in a pseudo-terminal (util-linux `script`) and types into it after a prompt. */
function inTerminal(args: string[], env: NodeJS.ProcessEnv, answers: string[]): Promise<{ code: number | null; screen: string }> {
  return new Promise((resolve) => {
    const command = [process.execPath, authBin, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], { env, cwd: env.HOME });
    let screen = '';
    let pending = [...answers];
    child.stdout.on('data', (d: Buffer) => {
      screen += d.toString();
      // Answer only once the prompt is on screen, after raw mode is on: typed earlier, the
      // terminal itself would echo it.
      if (pending.length && /[:\]] $/.test(screen)) {
        child.stdin.write(pending[0] as string);
        pending = pending.slice(1);
      }
    });
    child.on('close', (code) => resolve({ code, screen }));
  });
}

const stored = (home: string): unknown => JSON.parse(readFileSync(join(home, 'c.json'), 'utf8'));

describe('the password prompt', () => {
  it('asks for a missing secret on a terminal and does not echo it', async () => {
    const s = sandbox({ keychain: false });
    const { code, screen } = await inTerminal(['login', 'p.example.com', '--username', 'alice', '--file', 'c.json'], s.env, [
      'typed-s3cret\r',
    ]);
    expect(code).toBe(0);
    expect(screen).toContain('Password for alice at p.example.com: ');
    expect(screen).not.toContain('typed-s3cret');
    expect(readFileSync(join(s.home, 'c.json'), 'utf8')).toBe(
      '{"p.example.com":{"BasicHTTP":{"username":"alice","password":"typed-s3cret"}}}',
    );
  });

  it('login with no credential flag asks for a token, and stores what was typed', async () => {
    const s = sandbox({ keychain: false });
    const { code, screen } = await inTerminal(['login', 'repo.example.com', '--file', 'c.json'], s.env, ['pfx_typed\r']);
    expect(code).toBe(0);
    expect(screen).toContain('Token for repo.example.com (leave empty to give a username and password): ');
    expect(screen).not.toContain('pfx_typed');
    expect(stored(s.home)).toEqual({ 'repo.example.com': { BearerToken: 'pfx_typed' } });
  });

  it('an empty token answer asks for a username (echoed) and a password (not echoed)', async () => {
    const s = sandbox({ keychain: false });
    const { code, screen } = await inTerminal(['login', 'b.example.com', '--file', 'c.json'], s.env, ['\r', 'bob\r', 'hunter2-pw\r']);
    expect(code).toBe(0);
    expect(screen).toContain('Username for b.example.com: bob');
    expect(screen).toContain('Password for bob at b.example.com: ');
    expect(screen).not.toContain('hunter2-pw');
    expect(stored(s.home)).toEqual({ 'b.example.com': { BasicHTTP: { username: 'bob', password: 'hunter2-pw' } } });
  });

  it('"-" in a terminal asks without echo, for the token and for the S3 secret', async () => {
    const s = sandbox({ keychain: false });
    const token = await inTerminal(['login', 't.example.com', '--token', '-', '--file', 'c.json'], s.env, ['dash-typed\r']);
    expect(token.code).toBe(0);
    expect(token.screen).toContain('Token for t.example.com: ');
    expect(token.screen).not.toContain('dash-typed');
    const s3 = await inTerminal(['login', 's3://bkt', '--s3-access-key-id', 'AKID', '--s3-secret-access-key', '-', '--file', 'c.json'], s.env, ['s3-typed\r']);
    expect(s3.code).toBe(0);
    expect(s3.screen).toContain('S3 secret access key for s3://bkt: ');
    expect(s3.screen).not.toContain('s3-typed');
    expect(stored(s.home)).toEqual({
      // keyed as pixi keys s3://bkt: the bucket name (DESIGN: S3 follows pixi)
      bkt: { S3Credentials: { access_key_id: 'AKID', secret_access_key: 's3-typed', session_token: null } },
      't.example.com': { BearerToken: 'dash-typed' },
    });
  });

  it('logout --all asks first in a terminal: "n" keeps everything, "y" removes it', async () => {
    const s = sandbox({ keychain: false });
    s.auth(['login', 'a.example.com', '--token', 't', '--file', 'c.json']);
    const no = await inTerminal(['logout', '--all', '--file', 'c.json'], s.env, ['n\r']);
    expect(no.code).toBe(1);
    expect(no.screen).toContain('Remove all 1 stored credential? [y/N] n');
    expect(stored(s.home)).toEqual({ 'a.example.com': { BearerToken: 't' } });
    const yes = await inTerminal(['logout', '--all', '--file', 'c.json'], s.env, ['y\r']);
    expect(yes.code).toBe(0);
    expect(stored(s.home)).toEqual({});
  });

  it('Ctrl-C at the prompt stores nothing', async () => {
    const s = sandbox({ keychain: false });
    const { code } = await inTerminal(['login', 'p.example.com', '--username', 'alice', '--file', 'c.json'], s.env, ['abc\u0003']);
    expect(code).toBe(130);
    expect(() => readFileSync(join(s.home, 'c.json'))).toThrow();
  });

  it('list prints an aligned table on a terminal', async () => {
    const s = sandbox({ keychain: false });
    s.auth(['login', 'a.example.com', '--username', 'alice', '--password', 'p', '--file', 'c.json']);
    s.auth(['login', 'prefix.dev', '--token', 't', '--no-verify', '--file', 'c.json']);
    const { code, screen } = await inTerminal(['list', '--file', 'c.json'], s.env, []);
    expect(code).toBe(0);
    expect(screen.replace(/\r/g, '').trim().split('\n')).toEqual([
      'KEY            TYPE    STORE  USERNAME',
      '*.prefix.dev   bearer  file',
      'a.example.com  basic   file   alice',
    ]);
  });
});
