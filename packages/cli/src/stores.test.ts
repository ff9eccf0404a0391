import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sandbox } from '@auth/test-support/cli';

describe('the stores take HOME and NETRC from the command environment', () => {
  it.each([['empty', ''], ['relative', '.']])('HOME %s: login fails with a clear error and writes nothing in the current folder', (_, home) => {
    const box = sandbox({ keychain: false });
    const cwd = join(box.home, 'work');
    mkdirSync(cwd);
    const run = box.auth(['login', 'h.example.com', '--token', 'tok'], { env: { HOME: home }, cwd });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('HOME is not set or not an absolute path, so there is no default credentials file');
    expect(existsSync(join(cwd, '.rattler'))).toBe(false);
  });

  it('a malformed netrc and a missing NETRC file are warnings; the command still works', () => {
    const box = sandbox({ keychain: false });
    writeFileSync(join(box.home, '.netrc'), 'machine a.example login u password p\nbogus word\n');
    expect(box.auth(['login', 'h.example.com', '--token', 'tok']).code).toBe(0);
    const list = box.auth(['list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('h.example.com');
    expect(list.stdout).not.toContain('a.example');
    expect(list.stderr).toContain(`warning: ${join(box.home, '.netrc')}, line 2: unexpected word`);
    const missing = box.auth(['list', '--store', 'netrc'], { env: { NETRC: join(box.home, 'nope') } });
    expect(missing.code).toBe(0);
    expect(missing.stderr).toContain(`warning: the netrc file ${join(box.home, 'nope')} (named by NETRC) does not exist`);
  });
});
