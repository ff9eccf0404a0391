import { describe, expect, it } from 'vitest';
import { sandbox } from '@auth/test-support/cli';
import { renderHelp, wrap } from './help.js';
import { commands } from './spec.js';

describe('help', () => {
  it('auth help <command>, auth <command> --help and -h print the same help, on stdout', () => {
    const s = sandbox({ keychain: false });
    for (const { name } of commands) {
      const viaHelp = s.auth(['help', name]);
      expect(viaHelp).toMatchObject({ code: 0, stderr: '' });
      expect(viaHelp.stdout).toContain(`Usage: auth ${name}`);
      expect(viaHelp.stdout).toContain('Examples:');
      expect(s.auth([name, '--help']).stdout).toBe(viaHelp.stdout);
      expect(s.auth([name, '-h']).stdout).toBe(viaHelp.stdout);
    }
    expect(s.auth(['help']).stdout).toBe(s.auth(['--help']).stdout);
    expect(s.auth(['help', 'logn']).stderr).toContain('there is no such command (did you mean login?)');
  });

  it('auth completion --help prints help, not the script', () => {
    const s = sandbox({ keychain: false });
    const out = s.auth(['completion', '--help']);
    expect(out.stdout).toContain('Usage: auth completion [shell]');
    expect(out.stdout).not.toContain('complete -o default');
  });

  it('examples are never wrapped, however narrow the terminal', () => {
    for (const width of [40, 60, 80, 100]) {
      for (const { name, examples } of [...commands, { name: undefined, examples: [] as [string, string][] }]) {
        const text = renderHelp(name, width);
        for (const [example] of examples) expect(text.split('\n')).toContain(`  ${example.replace(/\$0/g, 'auth')}`);
        // Every other line fits, except the usage line and a single word longer than the width.
        for (const line of text.split('\n')) {
          if (line.length > width && !line.startsWith('Usage: ')) expect(examples.some(([e]) => line.trim() === e.replace(/\$0/g, 'auth')) || !line.trim().includes(' ')).toBe(true);
        }
      }
    }
  });

  it('wrap breaks at spaces only and keeps long words whole', () => {
    expect(wrap('see https://example.com/a/very/long/path/that/does/not/fit here', 20)).toEqual([
      'see',
      'https://example.com/a/very/long/path/that/does/not/fit',
      'here',
    ]);
  });

  it('steers secrets to the prompt and "-", for every login value flag, and names the keychain settings', () => {
    const login = renderHelp('login');
    expect(login).toContain('leave the credential flag out to be asked in a terminal');
    for (const flag of ['token', 'username', 'password', 'conda-token', 's3-access-key-id', 's3-secret-access-key', 's3-session-token']) {
      const line = login.slice(login.indexOf(`--${flag} <`)).split('\n').slice(0, 3).join(' ');
      expect(line.replace(/\s+/g, ' ')).toContain('- reads it from stdin');
    }
    expect(login).not.toMatch(/--token pfx_/);
    const overview = renderHelp(undefined);
    expect(overview).toContain('AUTH_KEYCHAIN=off');
    expect(overview).toContain('AUTH_KEYCHAIN_TIMEOUT_MS');
  });
});
