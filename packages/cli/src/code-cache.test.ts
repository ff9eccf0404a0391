import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { authBin, sandbox } from '@auth/test-support/cli';
import { tempDir } from '@auth/test-support/temp';
import { paddedLength, scratch, seal, unseal } from './code-cache.js';

// Node 22 and newer keep the cache themselves (compile-cache.ts); the launcher's own is Node 20's.
const launcherKeepsIt = Number(process.versions.node.split('.')[0]) < 22;

function setUp() {
  const s = sandbox({ keychain: false });
  writeFileSync(join(s.home, 'c.json'), '{"a.example.com":{"BearerToken":"tok-a"},"b.example.com":{"BearerToken":"tok-b"}}');
  const cache = join(s.home, '.cache', 'auth', 'compile-cache');
  const files = () => readdirSync(cache).sort();
  const token = (env: NodeJS.ProcessEnv = {}) => s.auth(['token', 'a.example.com', '--file', 'c.json'], { env });
  return { s, cache, files, token };
}

const OK = { code: 0, stdout: 'tok-a\n', stderr: '' };

/** Opens `bytes` as the launcher opens a file of them; `size` as fstat gave it, if the file changed since. */
function open(bytes: Buffer, stamp: string, size = bytes.length): Buffer | undefined {
  return unseal(size, (into, offset, length, position) => position + length <= bytes.length && bytes.copy(into, offset, position, position + length) === length, stamp, scratch());
}

describe('the sealed V8 data of a cache file', () => {
  const stamp = '101024:1795973814856.3633:5308482';

  it('opens with the stamp it was sealed with, and not with another', () => {
    const data = Buffer.from('some V8 data');
    expect(open(seal(stamp, data), stamp)?.equals(data)).toBe(true);
    expect(open(seal(stamp, data), '101024:1795973814856.3633:5308483')).toBeUndefined();
    expect(open(seal(stamp, data), `${stamp}0`)).toBeUndefined();
  });

  it('does not open once any one byte changed, or once cut short or grown', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), fc.nat(), fc.integer({ min: 1, max: 255 }), (bytes, at, flip) => {
        const sealed = seal(stamp, Buffer.from(bytes));
        const damaged = Buffer.from(sealed);
        const i = at % damaged.length;
        damaged[i] = (damaged[i] as number) ^ flip;
        expect(open(damaged, stamp)).toBeUndefined();
        expect(open(sealed.subarray(0, i), stamp)).toBeUndefined();
        expect(open(Buffer.concat([sealed, Buffer.from([flip])]), stamp)).toBeUndefined();
        // Cut short while it was read, after its size was taken.
        expect(open(sealed.subarray(0, i), stamp, sealed.length)).toBeUndefined();
      }),
      { numRuns: 2000 },
    );
  });

  it('compares the whole of both copies of data larger than the piece it compares at a time', () => {
    // Real files hold 60-300 KB of data; the second copy is read 16 KB at a time.
    const data = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7919) % 251));
    const sealed = seal(stamp, data);
    expect(open(sealed, stamp)?.equals(data)).toBe(true);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 * data.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, flip) => {
        const damaged = Buffer.from(sealed);
        const i = sealed.length - 2 * data.length + at;
        damaged[i] = (damaged[i] as number) ^ flip;
        expect(open(damaged, stamp)).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });

  it('does not open from an empty file or one of zeros (what a crash can leave)', () => {
    expect(open(Buffer.alloc(0), stamp)).toBeUndefined();
    expect(open(Buffer.alloc(seal(stamp, Buffer.from('x')).length), stamp)).toBeUndefined();
  });
});

describe("a bundle's text as the launcher hands it to V8", () => {
  it('is padded to a large object (more than 128 KiB) when it is over half that, and else left as it is', () => {
    const large = 129 * 1024;
    expect(paddedLength(101_382)).toBe(large); // the command bundle
    expect(paddedLength(large / 2 + 1)).toBe(large);
    expect(paddedLength(large / 2)).toBe(large / 2);
    expect(paddedLength(30_204)).toBe(30_204); // the keychain bundle
    expect(paddedLength(large)).toBe(large);
    expect(paddedLength(200_000)).toBe(200_000);
    expect(paddedLength(large) > 128 * 1024).toBe(true);
  });
});

describe.skipIf(!launcherKeepsIt)("the launcher's code cache (Node.js 20)", () => {
  it('is written after a command that succeeded, one set per command word, readable by this user alone', () => {
    const { s, cache, files, token } = setUp();
    expect(token()).toEqual(OK);
    expect(files()).toEqual([expect.stringMatching(/^token\.command\.[0-9a-f]{16}\.v\d+\.\d+\.\d+\.\w+\.v8$/)]);
    expect(s.auth(['list', '--file', 'c.json']).code).toBe(0);
    expect(files().map((f) => f.split('.').slice(0, 2).join('.'))).toEqual(['list.command', 'token.command']);
    for (const f of files()) expect(statSync(join(cache, f)).mode & 0o777).toBe(0o600);
  });

  it('is read, not written again, by the next run, which answers the same', () => {
    const { cache, files, token } = setUp();
    token();
    const [file] = files();
    const before = statSync(join(cache, file as string));
    for (let i = 0; i < 2; i++) expect(token()).toEqual(OK);
    const after = statSync(join(cache, file as string));
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  });

  it('is not written by a command that failed', () => {
    const { s, cache } = setUp();
    expect(s.auth(['token', 'nothing.example.com', '--file', 'c.json']).code).toBe(1);
    expect(s.auth(['tokn', 'a.example.com']).code).toBe(2);
    expect(readdirSync(cache)).toEqual([]);
  });

  // V8 checks nothing inside its data: a damaged byte it were given would crash every later run.
  it.each([
    ['in the first copy of the data', (length: number) => length - 1 - Math.floor(length / 2) - 100],
    ['in the second copy of the data', (length: number) => length - 100],
    ['in the header', () => 20],
  ])('with a byte damaged %s is not used: the command runs from source and the file is made again', (_, at) => {
    const { cache, files, token } = setUp();
    token();
    const file = join(cache, files()[0] as string);
    const good = readFileSync(file);
    const damaged = Buffer.from(good);
    const i = at(good.length);
    damaged[i] = (damaged[i] as number) ^ 0x5a;
    writeFileSync(file, damaged);
    expect(token()).toEqual(OK);
    const remade = readFileSync(file);
    expect(remade.equals(damaged)).toBe(false);
    const stamp = statSync(file);
    expect(token()).toEqual(OK);
    expect(statSync(file).mtimeMs).toBe(stamp.mtimeMs); // the new one is whole: used, not replaced
  });

  it('cut short, emptied or of another format is not used, and is made again', () => {
    const { cache, files, token } = setUp();
    token();
    const file = join(cache, files()[0] as string);
    const good = readFileSync(file);
    for (const bad of [good.subarray(0, good.length - 1), Buffer.alloc(0), Buffer.alloc(good.length), Buffer.from('not a cache')]) {
      writeFileSync(file, bad);
      expect(token()).toEqual(OK);
      expect(readFileSync(file).length).toBeGreaterThan(1000);
    }
  });

  it('made for another copy of the bundle (patched, or installed again) is not used', () => {
    const { s, cache, files } = setUp();
    // A copy of the CLI of its own, whose bundle can be touched without touching the others'.
    const dist = join(tempDir(), 'dist');
    cpSync(dirname(authBin), dist, { recursive: true });
    const run = () => spawnSync(process.execPath, [join(dist, 'auth.cjs'), 'token', 'a.example.com', '--file', 'c.json'], { env: s.env, cwd: s.home, encoding: 'utf8' });
    expect(run().stdout).toBe('tok-a\n');
    const file = join(cache, files()[0] as string);
    const first = readFileSync(file);
    utimesSync(join(dist, 'command.cjs'), new Date(), new Date(Date.now() + 5000));
    expect(run().stdout).toBe('tok-a\n');
    expect(readFileSync(file).equals(first)).toBe(false);
  });

  it('made for a bundle since changed in place, with its size and mtime kept (touch -r, cp -p, npm), is not used', () => {
    const { s } = setUp();
    const dist = join(tempDir(), 'dist');
    cpSync(dirname(authBin), dist, { recursive: true });
    const bundle = join(dist, 'command.cjs');
    const run = () => spawnSync(process.execPath, [join(dist, 'auth.cjs'), 'list', '--file', 'c2.json'], { env: s.env, cwd: s.home, encoding: 'utf8' }).stderr;
    writeFileSync(join(s.home, 'c2.json'), '{}');
    expect(run()).toBe('No credentials are stored.\n');
    expect(run()).toBe('No credentials are stored.\n');
    // Its times kept to the nanosecond, as touch -r and cp -p keep them.
    const reference = join(dist, '..', 'reference');
    expect(spawnSync('cp', ['-p', bundle, reference]).status).toBe(0);
    const before = statSync(bundle, { bigint: true });
    const text = readFileSync(bundle, 'latin1');
    expect(text.split('No credentials are stored.')).toHaveLength(2);
    writeFileSync(bundle, text.replace('No credentials are stored.', 'Nothing stored here at all'), 'latin1');
    expect(spawnSync('touch', ['-r', reference, bundle]).status).toBe(0);
    const after = statSync(bundle, { bigint: true });
    expect([after.size, after.mtimeNs, after.ino]).toEqual([before.size, before.mtimeNs, before.ino]);
    expect(run()).toBe('Nothing stored here at all\n');
  });

  it('in place of which stands a FIFO, a link to a device or a folder is passed over, and the command runs', () => {
    const { cache, files, token } = setUp();
    token();
    const file = join(cache, files()[0] as string);
    for (const put of [() => spawnSync('mkfifo', [file]), () => symlinkSync('/dev/zero', file), () => mkdirSync(file)]) {
      spawnSync('rm', ['-rf', file]);
      put();
      const started = Date.now();
      expect(token()).toEqual(OK);
      expect(Date.now() - started).toBeLessThan(20_000); // a FIFO's open would wait for a writer for ever
    }
  });

  it('is not used under a policy (--experimental-policy), which checks what require() loads', () => {
    const { s, files } = setUp();
    const dist = join(tempDir(), 'dist');
    cpSync(dirname(authBin), dist, { recursive: true });
    const resources: Record<string, unknown> = {};
    for (const name of readdirSync(dist).filter((f) => f.endsWith('.cjs'))) {
      const integrity = `sha384-${createHash('sha384').update(readFileSync(join(dist, name))).digest('base64')}`;
      resources[pathToFileURL(join(dist, name)).href] = { integrity, dependencies: true };
    }
    const policy = join(dist, '..', 'policy.json');
    writeFileSync(policy, JSON.stringify({ resources }));
    const run = spawnSync(process.execPath, [`--experimental-policy=${policy}`, join(dist, 'auth.cjs'), 'token', 'a.example.com', '--file', 'c.json'], { env: s.env, cwd: s.home, encoding: 'utf8' });
    expect([run.status, run.stdout]).toEqual([0, 'tok-a\n']);
    expect(files()).toEqual([]);
  });

  it('is named after commands only, never after another word of argv', () => {
    const { s, files } = setUp();
    expect(s.auth(['hunter', '--help']).code).toBe(0);
    expect(files().filter((f) => f.includes('hunter'))).toEqual([]);
  });

  it('runs the command once when the CLI is reached through a link (a pnpm layout, --preserve-symlinks-main)', () => {
    const { s } = setUp();
    const link = join(tempDir(), 'cli');
    symlinkSync(dirname(dirname(authBin)), link);
    const run = () => spawnSync(process.execPath, ['--preserve-symlinks-main', join(link, 'dist', 'auth.cjs'), 'help', 'list'], { env: s.env, cwd: s.home, encoding: 'utf8' });
    for (let i = 0; i < 2; i++) {
      const help = run();
      expect(help.status).toBe(0);
      expect(help.stdout.split('auth list').length).toBe(s.auth(['help', 'list'], { env: { NODE_DISABLE_COMPILE_CACHE: '1' } }).stdout.split('auth list').length);
    }
  });

  it('gives stack traces the lines and columns they have under require()', () => {
    const { s } = setUp();
    const frames = (env: NodeJS.ProcessEnv) => s.auth(['--verbose', 'token'], { env }).stderr.split('\n').filter((l) => l.includes('command.cjs:'))[0];
    const plain = frames({ NODE_DISABLE_COMPILE_CACHE: '1' });
    expect(plain).toMatch(/command\.cjs:\d+:\d+/);
    expect(frames({})).toBe(plain);
    expect(frames({})).toBe(plain); // from the cache
  });

  it('is kept apart for runs under other node flags, which V8 would refuse it to', () => {
    const { files, token } = setUp();
    token();
    expect(token({ NODE_OPTIONS: '--no-warnings' })).toEqual(OK);
    expect(files()).toHaveLength(2);
    expect(files()).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`\\.${process.arch}\\.v8$`)), expect.stringMatching(/\.f[0-9a-f]{1,8}\.v8$/)]));
    const before = files();
    token();
    token({ NODE_OPTIONS: '--no-warnings' });
    expect(files()).toEqual(before);
  });

  it('keeps the file it writes even when the others claim to be newer (a clock set back)', () => {
    const { cache, files, token } = setUp();
    token();
    const future = new Date(Date.now() + 10 * 365 * 86400_000);
    for (let i = 0; i < 40; i++) {
      const name = join(cache, `list.command.${String(i).padStart(16, '0')}.v20.0.0.x64.v8`);
      writeFileSync(name, 'x');
      utimesSync(name, future, future);
    }
    mkdirSync(join(cache, 'a-folder.v8')); // cannot be removed as a file: passed over
    const stale = join(cache, `token.command.x.v8.${process.pid}.tmp`);
    writeFileSync(stale, 'half');
    utimesSync(stale, new Date('2020-01-01'), new Date('2020-01-01'));
    expect(token({ NODE_OPTIONS: '--no-warnings' })).toEqual(OK);
    expect(files().filter((f) => /^token\..*\.f[0-9a-f]+\.v8$/.test(f))).toHaveLength(1);
    expect(files().filter((f) => f.endsWith('.v8')).length).toBeLessThanOrEqual(33);
    expect(files()).not.toContain(`token.command.x.v8.${process.pid}.tmp`);
  });

  it('keeps at most 32 files, the oldest going first', () => {
    const { cache, files, token } = setUp();
    token();
    const old = new Date('2020-01-01');
    for (let i = 0; i < 40; i++) {
      const name = join(cache, `list.command.${String(i).padStart(16, '0')}.v20.0.0.x64.v8`);
      writeFileSync(name, 'x');
      utimesSync(name, old, new Date(old.getTime() + i * 1000));
    }
    expect(token({ NODE_OPTIONS: '--no-warnings' }).code).toBe(0);
    expect(files()).toHaveLength(32);
    expect(files()).not.toContain(`list.command.${'0'.repeat(16)}.v20.0.0.x64.v8`);
    expect(files().filter((f) => f.startsWith('token.'))).toHaveLength(2);
  });

  it('is not kept with NODE_DISABLE_COMPILE_CACHE, as Node does not keep its own', () => {
    const { s, token } = setUp();
    expect(token({ NODE_DISABLE_COMPILE_CACHE: '1' })).toEqual(OK);
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

  it('still loads a store module given to --store (an import(), which code from the cache cannot make)', () => {
    const { s } = setUp();
    writeFileSync(
      join(s.home, 'store.mjs'),
      'export function createStore() { return { name: "mine", get: async () => ({ type: "bearer", token: "from-module" }), set: async () => {}, delete: async () => false, list: async () => ["a.example.com"] }; }',
    );
    for (let i = 0; i < 2; i++) expect(s.auth(['token', 'a.example.com', '--store', './store.mjs'])).toEqual({ code: 0, stdout: 'from-module\n', stderr: '' });
  });
});
