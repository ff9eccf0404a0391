import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryIo, sandbox } from '@auth/test-support/cli';
import { main } from './main.js';

async function run(argv: string[], options: { input?: string } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'auth-main-'));
  const m = memoryIo({ cwd: dir, ...options });
  const code = await main(argv, m.io);
  return { code, stdout: m.stdout(), stderr: m.stderr(), dir };
}

describe('usage errors name what is wrong, once', () => {
  it('auth, auth -v and auth --bogus each say something different, with the usage hint once', async () => {
    const none = await run([]);
    const short = await run(['-v']);
    const bogus = await run(['--bogus']);
    expect(none.stderr).toBe('error: say which command to run: login, logout, list, token, status, help, completion\nRun "auth --help" for usage.\n');
    expect(short.stderr).toBe('error: argument 1 is an option auth does not know (did you mean --verbose or --version?)\nRun "auth --help" for usage.\n');
    expect(bogus.stderr).toBe('error: argument 1 is an option auth does not know\nRun "auth --help" for usage.\n');
    for (const r of [none, short, bogus]) expect(r.code).toBe(2);
  });

  it('a mistyped command gets a guess; a stray positional word gets none and is not echoed', async () => {
    expect((await run(['logn', 'h.example.com'])).stderr).toContain('argument 1 is not a command (did you mean login?)');
    expect((await run(['stauts'])).stderr).toContain('(did you mean status?)');
    const stray = await run(['token', 'h.example.com', 'pfx_mistyped_secret']);
    expect(stray.stderr).toBe('error: too many arguments: the usage is auth token <host-or-url>\nRun "auth token --help" for usage.\n');
  });

  it('a missing argument is named', async () => {
    expect((await run(['token'])).stderr).toContain('auth token needs <host-or-url>');
    // `auth status` without a URL is the overview (commands/overview.test.ts), not a usage error.
  });

  it('--store with a name that is no store lists the stores and loads nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'auth-store-'));
    // A module that would announce itself if it were loaded.
    writeFileSync(join(dir, 'keychian.mjs'), 'console.error("LOADED"); export const createStore = () => ({});');
    for (const name of ['bogus', 'keychian', 'keychian.mjs']) {
      const m = memoryIo({ cwd: dir });
      expect(await main(['list', '--store', name], m.io)).toBe(2);
      expect(m.stderr()).toContain('--store takes keychain, file, netrc, or a store module: a path (./my-store.mjs, /abs/store.js) or the name of an installed package');
      expect(m.stderr()).not.toContain(name);
    }
    const typo = memoryIo({ cwd: dir });
    await main(['list', '--store', 'keychian'], typo.io);
    expect(typo.stderr()).toContain('(did you mean keychain?)');
  });

  it('--timeout outside 0.001 to 3600 seconds is refused before anything is sent', async () => {
    for (const value of ['3000000', '0', '-1', 'soon', 'Infinity']) {
      const r = await run(['status', 'http://127.0.0.1:9/x', '--timeout', value, '--file', 'c.json']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('--timeout takes a number of seconds from 0.001 to 3600');
    }
  });

  it('--verbose stacks name real functions and classes (the bundle keeps names)', () => {
    const s = sandbox({ keychain: false });
    writeFileSync(join(s.home, 'c.json'), '{"a": [}');
    const out = s.auth(['list', '--file', 'c.json', '--verbose']);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/^CorruptStoreError: /m);
    expect(out.stderr).toMatch(/at (?:async )?FileStore\.list /);
    expect(out.stderr).toMatch(/at (?:async )?_?StoreChain\.entries /);
  });
});

describe('errors print nothing the user typed raw', () => {
  it('a malformed URL is not echoed (its password may be in it, as typed)', async () => {
    for (const args of [['--verbose'], []]) {
      const r = await run(['status', 'http://user:p/?#@:PASSWORD@127.0.0.1:9/x', '--file', 'c.json', ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('<url> is not a valid URL');
      expect(r.stderr).not.toContain('PASSWORD');
    }
  });

  it('escape sequences and newlines in a quoted host reach the terminal escaped', async () => {
    for (const args of [['--verbose'], []]) {
      const r = await run(['login', 'evil\u001b[31m\nx.com', '--token', 't', '--file', 'c.json', ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('invalid host "evil\\e[31m\\nx.com"');
      expect(r.stderr).not.toContain('\u001b');
    }
  });

  it('--verify-url with credentials of its own is refused: they would be sent instead', async () => {
    const r = await run(['login', '127.0.0.1:9', '--token', 't', '--verify-url', 'http://u:SEKRIT@127.0.0.1:9/', '--file', 'c.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: --verify-url carries credentials of its own: give a URL without them\n');
  });
});

describe('logout --all', () => {
  it('without a terminal and without --yes it refuses and removes nothing', () => {
    const s = sandbox({ keychain: false });
    writeFileSync(join(s.home, 'c.json'), '{"a.example.com":{"BearerToken":"t"}}');
    const out = s.auth(['logout', '--all', '--file', 'c.json']);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('add --yes to confirm');
    expect(s.auth(['token', 'a.example.com', '--file', 'c.json']).stdout).toBe('t\n');
  });
});

describe('login', () => {
  it('says when it replaces a credential, and what replaced it', async () => {
    const s = sandbox({ keychain: false });
    expect(s.auth(['login', 'r.example.com', '--token', 'one', '--file', 'c.json']).stderr).toContain('Stored a token for r.example.com in file');
    expect(s.auth(['login', 'r.example.com', '--token', 'two', '--file', 'c.json']).stderr).toContain(
      `Replaced the token stored for r.example.com in file (${join(s.home, 'c.json')}).`,
    );
    expect(s.auth(['login', 'r.example.com', '--username', 'u', '--password', 'p', '--file', 'c.json']).stderr).toContain(
      'Replaced the token stored for r.example.com in file',
    );
  });

  it("follows pixi's S3 rule: s3:// keys take S3 credentials, and S3 credentials only s3:// keys", async () => {
    const token = await run(['login', 's3://bkt', '--token', 'x', '--file', 'c.json']);
    expect(token.code).toBe(2);
    expect(token.stderr).toContain('an s3://bucket key takes S3 credentials');
    const s3 = await run(['login', 'bkt.example.com', '--s3-access-key-id', 'a', '--s3-secret-access-key', 'b', '--file', 'c.json']);
    expect(s3.code).toBe(2);
    expect(s3.stderr).toContain('S3 credentials go with an s3://bucket key');
  });

  it('"-" reads every value flag from stdin, one trailing newline dropped', () => {
    const s = sandbox({ keychain: false });
    const login = (args: string[], input: string) => s.auth(['login', ...args, '--file', 'c.json'], { input });
    expect(login(['u.example.com', '--username', '-', '--password', 'pw'], '-user\n').code).toBe(0);
    expect(login(['s3://b1', '--s3-access-key-id', '-', '--s3-secret-access-key', 'sk'], 'AKID\n').code).toBe(0);
    expect(login(['s3://b2', '--s3-access-key-id', 'AK', '--s3-secret-access-key', 'sk', '--s3-session-token', '-'], 'sess\n').code).toBe(0);
    const twice = login(['u2.example.com', '--username', '-', '--password', '-'], 'x');
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('only one value can be read from stdin');
    const list = JSON.parse(s.auth(['list', '--json', '--file', 'c.json']).stdout) as { key: string; username?: string }[];
    expect(list.find((e) => e.key === 'u.example.com')?.username).toBe('-user');
    const file = JSON.parse(s.auth(['list', '--json', '--file', 'c.json']).stdout) as unknown[];
    expect(file).toHaveLength(3);
    const raw = JSON.parse(readFileSync(join(s.home, 'c.json'), 'utf8')) as Record<string, { S3Credentials: Record<string, string> }>;
    // s3://bucket is keyed by the bucket name, as pixi keys it.
    expect(raw.b1?.S3Credentials.access_key_id).toBe('AKID');
    expect(raw.b2?.S3Credentials.session_token).toBe('sess');
  });
});
