import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { authBin } from '@auth/test-support/cli';
import { testScript } from '@auth/test-support/paths';

const canLock = ['dbus-run-session', 'gnome-keyring-daemon', 'secret-tool'].every((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0);
const script = testScript('locked-keyring.sh');

/** Runs a shell session of `auth` commands ("$auth" …) against a locked keyring, in its private HOME. */
function lockedSession(commands: string): { stdout: string; stderr: string } {
  const run = spawnSync('bash', [script, 'bash', '-c', `cd "$HOME"; node="$0"; bin="$1"; auth() { "$node" "$bin" "$@"; echo "rc=$?"; }; ${commands}`, process.execPath, authBin], {
    encoding: 'utf8',
    timeout: 90_000,
  });
  return { stdout: run.stdout, stderr: run.stderr };
}

describe.skipIf(!canLock)('a locked keychain is never reported as "nothing stored"', () => {
  it('login warns that an older keychain entry may win; token, list, logout and status say the keychain was not checked', () => {
    const out = lockedSession(
      [
        'auth login l.example.com --token locked-tok',
        'echo "--- token"; auth token l.example.com',
        'echo "--- list"; auth list',
        'echo "--- missing"; auth logout missing.example.com',
        'echo "--- status"; auth status',
        'echo "--- logout"; auth logout l.example.com',
      ].join('; '),
    );
    const sections = `${out.stdout}`.split('--- ');
    expect(sections[0]).toContain('rc=0');
    expect(out.stderr).toContain('an older entry in the keychain may win once it is unlocked');
    expect(sections[1]).toContain('locked-tok');
    expect(sections[3]).toContain('rc=1');
    expect(out.stderr).toMatch(/could not check keychain/);
    expect(out.stderr).not.toContain('no credentials were stored for missing.example.com');
    expect(sections[4]).toContain('l.example.com\tbearer\tfile');
    expect(sections[5]).toContain('rc=0');
    const locked = out.stderr.split('\n').filter((l) => /locked/.test(l));
    // login, token, list, logout (missing), status, logout: each names the locked keychain.
    expect(locked.length).toBeGreaterThanOrEqual(6);
  }, 90_000);
});
