import { chmodSync, chownSync, existsSync, lchownSync, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sandbox } from '@auth/test-support/cli';
import { tempDir } from '@auth/test-support/temp';
import { privateCacheDir } from './private-cache-dir.js';

const asRoot = process.getuid?.() === 0;

describe('the compile cache folder', () => {
  it('is made under ~/.cache/auth, readable and writable by this user alone', () => {
    const home = tempDir();
    const dir = privateCacheDir({ HOME: home });
    expect(dir).toBe(join(home, '.cache', 'auth', 'compile-cache'));
    expect(lstatSync(dir as string).mode & 0o777).toBe(0o700);
  });

  it('follows an absolute XDG_CACHE_HOME and ignores a relative one', () => {
    const home = tempDir();
    const xdg = tempDir();
    expect(privateCacheDir({ HOME: home, XDG_CACHE_HOME: xdg })).toBe(join(xdg, 'auth', 'compile-cache'));
    expect(privateCacheDir({ HOME: home, XDG_CACHE_HOME: 'cache' })).toBe(join(home, '.cache', 'auth', 'compile-cache'));
  });

  it('is not used when others may write to it: compiled code there would run as this user', () => {
    const home = tempDir();
    const dir = privateCacheDir({ HOME: home }) as string;
    chmodSync(dir, 0o777);
    expect(privateCacheDir({ HOME: home })).toBeUndefined();
    chmodSync(dir, 0o720);
    expect(privateCacheDir({ HOME: home })).toBeUndefined();
  });

  it('is not used when it is a link or a file', () => {
    const home = tempDir();
    const elsewhere = tempDir();
    mkdirSync(join(home, '.cache', 'auth'), { recursive: true });
    symlinkSync(elsewhere, join(home, '.cache', 'auth', 'compile-cache'));
    expect(privateCacheDir({ HOME: home })).toBeUndefined();
    const other = tempDir();
    mkdirSync(join(other, '.cache', 'auth'), { recursive: true });
    writeFileSync(join(other, '.cache', 'auth', 'compile-cache'), '');
    expect(privateCacheDir({ HOME: other })).toBeUndefined();
  });

  it.runIf(asRoot)('is not used when it, or a folder on the way to it, belongs to another user', () => {
    const home = tempDir();
    const dir = privateCacheDir({ HOME: home }) as string;
    chownSync(dir, 1000, 1000);
    expect(privateCacheDir({ HOME: home })).toBeUndefined();
    const other = tempDir();
    privateCacheDir({ HOME: other });
    chownSync(join(other, '.cache', 'auth'), 1000, 1000);
    expect(privateCacheDir({ HOME: other })).toBeUndefined();
  });

  it.runIf(asRoot)('is not used through a base that is a link of another user', () => {
    const target = tempDir();
    const link = join(tempDir(), 'xdg');
    symlinkSync(target, link);
    expect(privateCacheDir({ HOME: tempDir(), XDG_CACHE_HOME: link })).toBe(join(target, 'auth', 'compile-cache'));
    const other = join(tempDir(), 'xdg');
    symlinkSync(tempDir(), other);
    lchownSync(other, 1000, 1000);
    expect(privateCacheDir({ HOME: tempDir(), XDG_CACHE_HOME: other })).toBeUndefined();
    // Written so that lstat would follow it, or with the link in the middle of the path.
    for (const given of [`${other}/`, `${other}/.`, `${other}//`]) expect(privateCacheDir({ HOME: tempDir(), XDG_CACHE_HOME: given }), given).toBeUndefined();
    mkdirSync(join(other, 'deeper'));
    expect(privateCacheDir({ HOME: tempDir(), XDG_CACHE_HOME: join(other, 'deeper') })).toBeUndefined();
    expect(privateCacheDir({ HOME: join(other, 'deeper') })).toBeUndefined();
  });

  it.runIf(asRoot)("makes nothing in another user's home (root with that user's HOME, as sudo -E gives)", () => {
    const home = tempDir();
    chownSync(home, 1000, 1000);
    expect(privateCacheDir({ HOME: home })).toBeUndefined();
    expect(readdirSync(home)).toEqual([]);
  });

  it('is not used below a folder others may write to, or through a link on the way', () => {
    const shared = tempDir();
    chmodSync(shared, 0o777);
    const xdg = join(shared, 'cache');
    mkdirSync(xdg, { mode: 0o700 });
    expect(privateCacheDir({ HOME: tempDir(), XDG_CACHE_HOME: xdg })).toBeUndefined();
    // The sticky temp folder is fine: nobody else may rename what is ours there.
    chmodSync(shared, 0o1777);
    expect(privateCacheDir({ HOME: tempDir(), XDG_CACHE_HOME: xdg })).toBe(join(xdg, 'auth', 'compile-cache'));
    const home = tempDir();
    mkdirSync(join(home, '.cache'));
    symlinkSync(tempDir(), join(home, '.cache', 'auth'));
    expect(privateCacheDir({ HOME: home })).toBeUndefined();
  });

  it('is none without a home, or with a relative one', () => {
    expect(privateCacheDir({})).toBeUndefined();
    expect(privateCacheDir({ HOME: 'home' })).toBeUndefined();
  });

  it('is none when the home cannot be written, and the command still runs', () => {
    const s = sandbox({ keychain: false });
    writeFileSync(join(s.home, 'c.json'), '{"a.example.com":{"BearerToken":"t"}}');
    chmodSync(s.home, 0o500);
    try {
      if (!asRoot) expect(privateCacheDir({ HOME: s.home })).toBeUndefined();
      expect(s.auth(['token', 'a.example.com', '--file', 'c.json'])).toEqual({ code: 0, stdout: 't\n', stderr: '' });
    } finally {
      chmodSync(s.home, 0o700);
    }
  });

  it('holds the compiled command, never a secret, and nothing goes to the shared temp directory', () => {
    const s = sandbox({ keychain: false });
    const tmp = tempDir();
    const secret = 'cache-probe-Zq9vX2';
    expect(s.auth(['login', 'a.example.com', '--token', secret, '--file', 'c.json'], { env: { TMPDIR: tmp } }).code).toBe(0);
    expect(s.auth(['token', 'a.example.com', '--file', 'c.json'], { env: { TMPDIR: tmp } }).stdout).toBe(`${secret}\n`);
    expect(s.auth(['list', '--file', 'c.json'], { env: { TMPDIR: tmp } }).code).toBe(0);
    // Node 22 and newer keep it themselves, older ones through the launcher (code-cache.ts).
    const cache = join(s.home, '.cache', 'auth', 'compile-cache');
    const files = readdirSync(cache, { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(readFileSync(join(f.parentPath, f.name)).includes(secret)).toBe(false);
    expect(existsSync(join(tmp, 'node-compile-cache'))).toBe(false);
  });
});
