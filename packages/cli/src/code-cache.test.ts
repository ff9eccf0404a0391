import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sandbox } from '@auth/test-support/cli';

// Node 22 and newer keep the cache themselves (compile-cache.ts); the launcher's own is Node 20's.
const launcherKeepsIt = Number(process.versions.node.split('.')[0]) < 22;

function setUp() {
  const s = sandbox({ keychain: false });
  writeFileSync(join(s.home, 'c.json'), '{"a.example.com":{"BearerToken":"tok-a"},"b.example.com":{"BearerToken":"tok-b"}}');
  const cache = join(s.home, '.cache', 'auth', 'compile-cache');
  const files = () => readdirSync(cache).sort();
  return { s, cache, files };
}

describe.skipIf(!launcherKeepsIt)("the launcher's code cache (Node.js 20)", () => {
  it('is written after a command that succeeded, one file per command word, readable by this user alone', () => {
    const { s, cache, files } = setUp();
    expect(s.auth(['token', 'a.example.com', '--file', 'c.json'])).toEqual({ code: 0, stdout: 'tok-a\n', stderr: '' });
    expect(files()).toEqual([expect.stringMatching(/^token\.command\.[0-9a-f]{16}\.v\d+\.\d+\.\d+\.\w+\.v8$/)]);
    expect(s.auth(['list', '--file', 'c.json']).code).toBe(0);
    expect(files().map((f) => f.split('.').slice(0, 2).join('.'))).toEqual(['list.command', 'token.command']);
    for (const f of files()) expect(statSync(join(cache, f)).mode & 0o777).toBe(0o600);
  });

  it('is read, not written again, by the next run, which answers the same', () => {
    const { s, cache, files } = setUp();
    s.auth(['token', 'a.example.com', '--file', 'c.json']);
    const [file] = files();
    const before = statSync(join(cache, file as string));
    for (const host of ['a.example.com', 'b.example.com']) {
      expect(s.auth(['token', host, '--file', 'c.json']).code).toBe(0);
    }
    const after = statSync(join(cache, file as string));
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
    expect(s.auth(['token', 'a.example.com', '--file', 'c.json']).stdout).toBe('tok-a\n');
  });

  it('is not written by a command that failed', () => {
    const { s, cache } = setUp();
    expect(s.auth(['token', 'nothing.example.com', '--file', 'c.json']).code).toBe(1);
    expect(s.auth(['tokn', 'a.example.com']).code).toBe(2);
    expect(readdirSync(cache)).toEqual([]);
  });

  it('that V8 refuses (damaged, or from another Node) is replaced, and the command runs from source meanwhile', () => {
    const { s, cache, files } = setUp();
    s.auth(['token', 'a.example.com', '--file', 'c.json']);
    const file = join(cache, files()[0] as string);
    const good = readFileSync(file);
    writeFileSync(file, Buffer.alloc(good.length, 7));
    expect(s.auth(['token', 'a.example.com', '--file', 'c.json'])).toEqual({ code: 0, stdout: 'tok-a\n', stderr: '' });
    expect(readFileSync(file).equals(Buffer.alloc(good.length, 7))).toBe(false);
    expect(readFileSync(file).length).toBeGreaterThan(1000);
  });

  it('is not kept with NODE_DISABLE_COMPILE_CACHE, as Node does not keep its own', () => {
    const { s } = setUp();
    expect(s.auth(['token', 'a.example.com', '--file', 'c.json'], { env: { NODE_DISABLE_COMPILE_CACHE: '1' } }).stdout).toBe('tok-a\n');
    expect(readdirSync(s.home)).not.toContain('.cache');
  });

  it('covers the commands that load servers.cjs too, which is require()d as it is (it import()s got)', () => {
    const { s, files } = setUp();
    const help = s.auth(['help', 'login']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('auth login');
    expect(files()).toEqual([expect.stringMatching(/^help\.command\./)]);
    // Again, from the cache: the bundle that require()s command.cjs gets the one already loaded.
    expect(s.auth(['help', 'login']).stdout).toBe(help.stdout);
  });
});
