import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { authBin, inKeyring, requireTool, sandbox } from '@auth/test-support/cli';
import type { ListedEntry } from './commands/list.js';
import { testScript } from '@auth/test-support/paths';

type Listed = ListedEntry;
const lookup = (key: string) => execFileSync('secret-tool', ['lookup', 'service', 'rattler', 'username', key], { encoding: 'utf8' });

describe.skipIf(!inKeyring)('auth on a real Secret Service', () => {
  // secret-tool reads the entries as another client would.
  beforeAll(() => requireTool('secret-tool', 'libsecret-tools'));
  const key = (name: string) => `${name}-${process.pid}.example.com`;

  it('login goes to the keychain by default, as rattler JSON that secret-tool reads', () => {
    const s = sandbox();
    const out = s.auth(['login', key('kc'), '--token', 'kc-token']);
    expect(out.code).toBe(0);
    expect(out.stderr).toContain('in keychain');
    expect(out.stderr).not.toContain('warning');
    expect(lookup(key('kc'))).toBe('{"BearerToken":"kc-token"}');
    expect(s.auth(['token', key('kc')]).stdout).toBe('kc-token\n');
  });

  it('an entry stored by another client (as pixi would) is listed and used', () => {
    const s = sandbox();
    execFileSync('secret-tool', ['store', '--label', 'pixi', 'service', 'rattler', 'username', key('pixi')], {
      input: '{"CondaToken":"from-pixi"}',
    });
    const listed = JSON.parse(s.auth(['list', '--json', '--store', 'keychain']).stdout) as Listed[];
    expect(listed).toContainEqual({ key: key('pixi'), type: 'conda-token', store: 'keychain', shadowed: false });
    expect(s.auth(['token', `https://${key('pixi')}/channel`]).stdout).toBe('from-pixi\n');
  });

  it('a key in both the keychain and the file: the file copy is shadowed; logout removes both', () => {
    const s = sandbox();
    const k = key('both');
    expect(s.auth(['login', k, '--token', 'in-keychain']).code).toBe(0);
    expect(s.auth(['login', k, '--token', 'in-file', '--file', join(s.home, '.rattler', 'credentials.json')]).code).toBe(0);
    const listed = (JSON.parse(s.auth(['list', '--json']).stdout) as Listed[]).filter((e) => e.key === k);
    expect(listed).toEqual([
      { key: k, type: 'bearer', store: 'keychain', shadowed: false },
      { key: k, type: 'bearer', store: 'file', shadowed: true },
    ]);
    expect(s.auth(['token', k]).stdout).toBe('in-keychain\n');
    const out = s.auth(['logout', k]);
    expect(out.code).toBe(0);
    expect(out.stderr).toContain('from keychain');
    expect(out.stderr).toContain('from file');
    expect(readFileSync(join(s.home, '.rattler', 'credentials.json'), 'utf8')).toBe('{}');
    expect(s.auth(['token', k]).code).toBe(1);
  });

  it('--file never loads the keychain, even with a keychain present', () => {
    const s = sandbox();
    const out = s.auth(['login', key('fileonly'), '--token', 't', '--file', 'c.json']);
    expect(out.code).toBe(0);
    expect(() => lookup(key('fileonly'))).toThrow();
  });
});

const canLock = ['dbus-run-session', 'gnome-keyring-daemon', 'secret-tool'].every(
  (tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0,
);

describe.skipIf(!canLock)('auth on a locked keyring', () => {
  it('login stores in the file and says once that the keyring is locked', () => {
    const script = testScript('locked-keyring.sh');
    const run = spawnSync(
      'bash',
      [script, 'bash', '-c', `cd "$HOME" && "$0" "$1" login l.example.com --token locked-tok; echo "rc=$?"; cat .rattler/credentials.json`, process.execPath, authBin],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(run.stdout).toContain('rc=0');
    expect(run.stdout).toContain('{"l.example.com":{"BearerToken":"locked-tok"}}');
    const warnings = run.stderr.split('\n').filter((l) => l.startsWith('warning:'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('the keyring is locked');
    expect(warnings[0]).toContain('.rattler/credentials.json');
  }, 60_000);
});
