import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { authBin } from '@auth/test-support/cli';
import { testScript } from '@auth/test-support/paths';

/**
 * Issue 13, item 5: "Shadowing is never silent." The keyring of tooling/test/locked-keyring.sh
 * holds `seed.example.com` = {"BearerToken":"x"} and is locked. Every command is run inside that
 * session by one script, which prints what each one said.
 */
const lockedKeyring = testScript('locked-keyring.sh');
const canLock = ['dbus-run-session', 'gnome-keyring-daemon', 'secret-tool'].every(
  (tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0,
);

type Said = { code: number | null; stdout: string; stderr: string };

function inLockedKeyring(commands: string[][]): Said[] {
  const script = `
    const { spawnSync } = require('node:child_process');
    const out = ${JSON.stringify(commands)}.map((args) => {
      const r = spawnSync(process.execPath, [${JSON.stringify(authBin)}, ...args], { encoding: 'utf8', timeout: 20000 });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    });
    console.log(JSON.stringify(out));`;
  const run = spawnSync('bash', [lockedKeyring, process.execPath, '-e', script], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { PATH: process.env.PATH, AUTH_KEYCHAIN_TIMEOUT_MS: '5000' },
  });
  return JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '[]') as Said[];
}

describe.skipIf(!canLock)('a token rotated while the keyring is locked', () => {
  it('list does not say nothing is stored; login says the older keychain entry may win once the keyring is unlocked; token and logout say the keychain was not checked', () => {
    const [listFirst, login, token, logoutSeed, logoutOther] = inLockedKeyring([
      ['list'],
      ['login', 'seed.example.com', '--token', 'new'],
      ['token', 'seed.example.com'],
      ['logout', 'seed.example.com'],
      ['logout', 'other.example.com'],
    ]) as [Said, Said, Said, Said, Said];
    // The keychain holds seed.example.com but could not be read: that is not "nothing stored".
    expect.soft(listFirst.stdout + listFirst.stderr).not.toContain('No credentials are stored');
    // The new token went to the file; the keychain still holds "x", which wins once it is unlocked.
    expect.soft(login.code).toBe(0);
    expect.soft(login.stderr).toMatch(/(older|existing|earlier).*(entry|credential)|may (win|shadow)|once it is unlocked/i);
    // token printed "new", but the keychain, which comes first, could not be checked.
    expect.soft(token.stdout).toBe('new\n');
    expect.soft(token.stderr).toMatch(/keychain/i);
    // logout removed the file's copy only; the keychain's copy of the same key was not checked.
    expect.soft(logoutSeed.stderr).toMatch(/could not (be )?check|not checked|may still/i);
    // Nothing was found in the stores that could be checked; the keychain was not one of them.
    expect.soft(logoutOther.stderr).not.toMatch(/^error: no credentials were stored/m);
  }, 150_000);
});

describe('HOME empty while RATTLER_AUTH_FILE names a file', () => {
  it('login stores in RATTLER_AUTH_FILE, the first store of the chain, instead of failing on the default file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'auth-nohome-'));
    try {
      const file = join(dir, 'auth.json');
      const env = { PATH: process.env.PATH, HOME: '', RATTLER_AUTH_FILE: file, AUTH_KEYCHAIN: 'off' };
      const login = spawnSync(process.execPath, [authBin, 'login', 'example.org', '--token', 't1'], { encoding: 'utf8', env, cwd: dir });
      expect(login.stderr).not.toContain('HOME is not set');
      expect(login.status).toBe(0);
      const token = spawnSync(process.execPath, [authBin, 'token', 'example.org'], { encoding: 'utf8', env, cwd: dir });
      expect(token.stdout).toBe('t1\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
