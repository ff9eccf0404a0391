import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { authBin, sandbox } from '@auth/test-support/cli';

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
      if (pending.length && /: $/.test(screen)) {
        child.stdin.write(pending[0] as string);
        pending = pending.slice(1);
      }
    });
    child.on('close', (code) => resolve({ code, screen }));
  });
}

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

  it('prompts for a token flag given without a value', async () => {
    const s = sandbox({ keychain: false });
    const { code, screen } = await inTerminal(['login', 'prefix.dev', '--token', '--file', 'c.json'], s.env, ['pfx_typed\r']);
    expect(code).toBe(0);
    expect(screen).toContain('Token for *.prefix.dev: ');
    expect(screen).not.toContain('pfx_typed');
    expect(readFileSync(join(s.home, 'c.json'), 'utf8')).toBe('{"*.prefix.dev":{"BearerToken":"pfx_typed"}}');
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
    s.auth(['login', 'prefix.dev', '--token', 't', '--file', 'c.json']);
    const { code, screen } = await inTerminal(['list', '--file', 'c.json'], s.env, []);
    expect(code).toBe(0);
    expect(screen.replace(/\r/g, '').trim().split('\n')).toEqual([
      'KEY            TYPE    STORE  USERNAME',
      '*.prefix.dev   bearer  file',
      'a.example.com  basic   file   alice',
    ]);
  });
});
