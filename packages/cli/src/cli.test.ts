import { copyFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCredentialsDocument } from '@auth/core';
import { describe, expect, it } from 'vitest';
import { sandbox } from '@auth/test-support/cli';
import { fixture } from '@auth/test-support/paths';
import type { ListedEntry } from './commands/list.js';

const json = <T>(text: string): T => JSON.parse(text) as T;
type Listed = ListedEntry;

describe('auth on the file store', () => {
  it('login stores rattler JSON, list shows it, token prints it', () => {
    const s = sandbox({ keychain: false });
    const login = s.auth(['login', 'https://Repo.Example.com/', '--token', 'tok-1', '--file', 'creds.json']);
    expect(login).toMatchObject({ code: 0, stdout: '' });
    expect(login.stderr).toContain('Stored a token for repo.example.com');
    expect(readFileSync(join(s.home, 'creds.json'), 'utf8')).toBe('{"repo.example.com":{"BearerToken":"tok-1"}}');
    const list = s.auth(['list', '--json', '--file', 'creds.json']);
    expect(json<Listed[]>(list.stdout)).toEqual([{ key: 'repo.example.com', type: 'bearer', store: 'file', shadowed: false }]);
    expect(s.auth(['token', 'repo.example.com', '--file', 'creds.json'])).toEqual({ code: 0, stdout: 'tok-1\n', stderr: '' });
  });

  it("lists rattler's fixture with every type and the basic username", () => {
    const s = sandbox({ keychain: false });
    copyFileSync(fixture('rattler-credentials.json'), join(s.home, 'f.json'));
    const list = s.auth(['list', '--json', '--file', 'f.json']);
    expect(list.code).toBe(0);
    expect(json<Listed[]>(list.stdout)).toEqual([
      { key: '*.anaconda.org', type: 'conda-token', store: 'file', shadowed: false },
      { key: '*.prefix.dev', type: 'bearer', store: 'file', shadowed: false },
      { key: 'myserver.com', type: 'basic', store: 'file', shadowed: false, username: 'user' },
      { key: 'prefix.dev', type: 'oauth', store: 'file', shadowed: false },
      { key: 's3://my-bucket/channel', type: 's3', store: 'file', shadowed: false },
    ]);
    const text = s.auth(['list', '--file', 'f.json']).stdout;
    expect(text.split('\n')[2]).toBe('myserver.com\tbasic\tfile\tuser');
  });

  it("pixi's key for prefix.dev (*.prefix.dev) is written and found for repo.prefix.dev URLs", () => {
    const s = sandbox({ keychain: false });
    expect(s.auth(['login', 'prefix.dev', '--token', 'pfx_x', '--no-verify', '--file', 'c.json']).code).toBe(0);
    expect(Object.keys(json<object>(readFileSync(join(s.home, 'c.json'), 'utf8')))).toEqual(['*.prefix.dev']);
    expect(s.auth(['token', 'https://repo.prefix.dev/my-channel/noarch/repodata.json', '--file', 'c.json']).stdout).toBe('pfx_x\n');
    expect(s.auth(['token', 'prefix.dev', '--file', 'c.json']).stdout).toBe('pfx_x\n');
    expect(s.auth(['token', 'https://prefix.dev.evil.com/', '--file', 'c.json']).code).toBe(1);
  });

  it('the default chain uses ~/.rattler/credentials.json and RATTLER_AUTH_FILE, like rattler', () => {
    const s = sandbox({ keychain: false });
    expect(s.auth(['login', 'a.example.com', '--token', 'in-home']).code).toBe(0);
    expect(existsSync(join(s.home, '.rattler', 'credentials.json'))).toBe(true);
    writeFileSync(join(s.home, 'env.json'), '{"a.example.com":{"BearerToken":"in-env"}}');
    const env = { RATTLER_AUTH_FILE: join(s.home, 'env.json') };
    expect(s.auth(['token', 'a.example.com'], { env }).stdout).toBe('in-env\n');
    const list = json<Listed[]>(s.auth(['list', '--json'], { env }).stdout);
    expect(list.map((e) => [e.key, e.shadowed])).toEqual([
      ['a.example.com', false],
      ['a.example.com', true],
    ]);
  });

  it('two stores of the same name each report their own entry', () => {
    const s = sandbox({ keychain: false });
    writeFileSync(join(s.home, 'env.json'), '{"a.example.com":{"BasicHTTP":{"username":"from-env","password":"p"}}}');
    expect(s.auth(['login', 'a.example.com', '--token', 't', '--file', join(s.home, '.rattler', 'credentials.json')]).code).toBe(0);
    const list = json<Listed[]>(s.auth(['list', '--json'], { env: { RATTLER_AUTH_FILE: join(s.home, 'env.json') } }).stdout);
    expect(list).toEqual([
      { key: 'a.example.com', type: 'basic', store: 'file', shadowed: false, username: 'from-env' },
      { key: 'a.example.com', type: 'bearer', store: 'file', shadowed: true },
    ]);
  });

  it('secrets are read from stdin with "-", one trailing newline dropped', () => {
    const s = sandbox({ keychain: false });
    expect(s.auth(['login', 'a.example.com', '--token', '-', '--file', 'c.json'], { input: 'from-stdin\n' }).code).toBe(0);
    expect(s.auth(['login', 'b.example.com', '--username', 'u', '--password', '-', '--file', 'c.json'], { input: 'p w\r\n' }).code).toBe(0);
    expect(s.auth(['login', 's3://bucket/ch', '--s3-access-key-id', 'AK', '--s3-secret-access-key', '-', '--file', 'c.json'], { input: 'SK' }).code).toBe(0);
    const doc = parseCredentialsDocument(readFileSync(join(s.home, 'c.json'), 'utf8'));
    expect(doc.get('a.example.com')).toBe('{"BearerToken":"from-stdin"}');
    expect(doc.get('b.example.com')).toBe('{"BasicHTTP":{"username":"u","password":"p w"}}');
    // pixi keys an s3:// login by its bucket.
    expect(doc.get('bucket')).toBe('{"S3Credentials":{"access_key_id":"AK","secret_access_key":"SK","session_token":null}}');
  });

  it('logout removes the key and the one pixi would have written; exit 1 when nothing was stored', () => {
    const s = sandbox({ keychain: false });
    // pixi and auth store `https://repo.example.com/channel` under the bare host; the path key is another scope.
    writeFileSync(join(s.home, 'c.json'), '{"repo.example.com":{"BearerToken":"pixi"},"repo.example.com/channel":{"BearerToken":"ours"}}');
    const out = s.auth(['logout', 'https://repo.example.com/channel', '--file', 'c.json']);
    expect(out.code).toBe(0);
    expect(readFileSync(join(s.home, 'c.json'), 'utf8')).toBe('{"repo.example.com/channel":{"BearerToken":"ours"}}');
    const again = s.auth(['logout', 'https://repo.example.com/channel', '--file', 'c.json']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('no credentials were stored for repo.example.com');
  });

  it('logout --all empties every writable store', () => {
    const s = sandbox({ keychain: false });
    copyFileSync(fixture('rattler-credentials.json'), join(s.home, 'f.json'));
    const out = s.auth(['logout', '--all', '--yes', '--file', 'f.json']);
    expect(out).toMatchObject({ code: 0, stdout: '' });
    expect(out.stderr).toContain('Removed 5 credentials');
    expect(readFileSync(join(s.home, 'f.json'), 'utf8')).toBe('{}');
  });

  it('token exits 1 with a message when there is no token to print', () => {
    const s = sandbox({ keychain: false });
    copyFileSync(fixture('rattler-credentials.json'), join(s.home, 'f.json'));
    const basic = s.auth(['token', 'myserver.com', '--file', 'f.json']);
    expect(basic).toMatchObject({ code: 1, stdout: '' });
    expect(basic.stderr).toContain('basic credential, not a token');
    const none = s.auth(['token', 'nothing.example.com', '--file', 'f.json']);
    expect(none).toMatchObject({ code: 1, stdout: '' });
    expect(none.stderr).toContain('no credential is stored for nothing.example.com');
    expect(s.auth(['token', 'https://conda.anaconda.org/x', '--file', 'f.json']).stdout).toBe('xy-72b914cc-c105-4ec7-a969-ab21d23480ed\n');
  });

  it.each([
    [['login', 'a.example.com', '--token', 'x', '--conda-token', 'y'], 'one kind of credential'],
    [['login', 'a.example.com'], 'say which credential'],
    [['login', 'bad host', '--token', 'x'], 'invalid host "bad host"'],
    [['login', '*.dev', '--token', 'x'], 'at least two labels'],
    [['login', 'prefix.dev', '--username', 'u', '--password', 'p'], 'prefix.dev authenticates with a token'],
    [['login', 'anaconda.org', '--token', 't'], 'anaconda.org authenticates with a conda token'],
    [['login', 'a.example.com', '--token'], '--token needs a value'],
    [['login', 'a.example.com', '--password', 'p'], '--username is required'],
    [['login', 'a.example.com', '--username', 'a:b', '--password', 'p'], 'basic authentication cannot carry'],
    [['login', 'a.example.com', '--token', 'bad\ntoken'], 'printable ASCII'],
    [['login', 'a.example.com', '--token', 'x', '--bogus'], 'argument 5 is an option auth login does not know'],
    [['login'], 'auth login needs <host>'],
    [['frobnicate'], 'argument 1 is not a command'],
    [[], 'say which command to run'],
    [['logout'], 'say which host'],
    [['logout', 'a.example.com', '--all'], 'not both'],
    [['list', '--store', './missing-module.mjs'], 'cannot load the store module'],
    [['list', '--store', 'keychain', '--file', 'x.json'], '--file goes with --store file'],
    [['status', 'ftp://x'], 'not an http(s) or s3 URL'],
  ])('usage error %j exits 2 with a clear message', (args, message) => {
    const s = sandbox({ keychain: false });
    const out = s.auth(args.includes('--store') || args.includes('--file') ? args : [...args, '--file', 'c.json']);
    expect(out.code).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain(message);
    expect(out.stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(join(s.home, 'c.json'))).toBe(false);
  });

  it('--verbose shows the stack of an error, and nothing else does', () => {
    const s = sandbox({ keychain: false });
    writeFileSync(join(s.home, 'c.json'), '{"a": [}');
    const plain = s.auth(['list', '--file', 'c.json']);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toMatch(/c\.json is not a valid credentials file \(unexpected character \(expected a value\) at line 1, column 8\)/);
    expect(plain.stderr).not.toMatch(/^\s+at /m);
    expect(s.auth(['list', '--file', 'c.json', '--verbose']).stderr).toMatch(/^\s+at /m);
  });

  it('help on every command has examples; --version and completion work', () => {
    const s = sandbox({ keychain: false });
    for (const command of ['login', 'logout', 'list', 'token', 'status']) {
      const out = s.auth([command, '--help']);
      expect(out.code).toBe(0);
      expect(out.stdout).toContain('Examples:');
      expect(out.stdout).toContain(`auth ${command}`);
    }
    expect(s.auth(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const completion = s.auth(['completion']);
    expect(completion.code).toBe(0);
    expect(completion.stdout).toContain('auth __complete');
    expect(s.auth(['__complete', 'lo']).stdout).toBe('login\nlogout\n');
  });

  it('--store file uses ~/.rattler/credentials.json alone', () => {
    const s = sandbox({ keychain: false });
    const env = { RATTLER_AUTH_FILE: join(s.home, 'ignored.json') };
    const out = s.auth(['login', 'f.example.com', '--token', 't', '--store', 'file'], { env });
    expect(out.code).toBe(0);
    expect(out.stderr).not.toContain('warning');
    expect(readFileSync(join(s.home, '.rattler', 'credentials.json'), 'utf8')).toBe('{"f.example.com":{"BearerToken":"t"}}');
    expect(existsSync(join(s.home, 'ignored.json'))).toBe(false);
    expect(s.auth(['token', 'f.example.com', '--store', 'file', '--file', 'other.json']).code).toBe(1);
  });

  it('netrc is read through --store netrc and refuses writes', () => {
    const s = sandbox({ keychain: false });
    const env = { NETRC: fixture('netrc') };
    expect(json<Listed[]>(s.auth(['list', '--json', '--store', 'netrc'], { env }).stdout)).toEqual([
      { key: 'artifactory.example.org', type: 'basic', store: 'netrc', shadowed: false, username: 'reader' },
      { key: 'nexus.example.com', type: 'basic', store: 'netrc', shadowed: false, username: 'ci-bot' },
    ]);
    const write = s.auth(['login', 'x.example.com', '--token', 't', '--store', 'netrc'], { env });
    expect(write.code).toBe(1);
    expect(write.stderr).toContain('read-only');
  });

  it('a store module of its own is used through --store', () => {
    const s = sandbox({ keychain: false });
    const module = join(s.home, 'my-store.mjs');
    writeFileSync(
      module,
      `import { readFileSync, writeFileSync, existsSync } from 'node:fs';
       const path = new URL('./my-store.json', import.meta.url);
       const load = () => (existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : {});
       export function createStore() {
         return {
           name: 'mine',
           async get(key) { return load()[key]; },
           async set(key, credential) { const d = load(); d[key] = credential; writeFileSync(path, JSON.stringify(d)); },
           async delete(key) { const d = load(); const had = key in d; delete d[key]; writeFileSync(path, JSON.stringify(d)); return had; },
           async list() { return Object.keys(load()); },
         };
       }`,
    );
    expect(s.auth(['login', 'm.example.com', '--token', 'mine-tok', '--store', './my-store.mjs']).stderr).toContain('in mine');
    expect(json<Listed[]>(s.auth(['list', '--json', '--store', module]).stdout)).toEqual([
      { key: 'm.example.com', type: 'bearer', store: 'mine', shadowed: false },
    ]);
    expect(s.auth(['token', 'm.example.com', '--store', module]).stdout).toBe('mine-tok\n');
    expect(s.auth(['logout', 'm.example.com', '--store', module]).code).toBe(0);
    writeFileSync(join(s.home, 'bad.mjs'), 'export const x = 1;');
    expect(s.auth(['list', '--store', './bad.mjs'])).toMatchObject({ code: 2 });
  });

  it('without a keychain, login falls back to the file with one warning naming it and why', () => {
    const s = sandbox({ keychain: false });
    const out = s.auth(['login', 'a.example.com', '--token', 't']);
    expect(out.code).toBe(0);
    const warnings = out.stderr.split('\n').filter((l) => l.startsWith('warning:'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('keychain unavailable');
    expect(warnings[0]).toContain(join(s.home, '.rattler', 'credentials.json'));
    expect(statMode(join(s.home, '.rattler', 'credentials.json'))).toBe(0o600);
  });
});

function statMode(path: string): number {
  return statSync(path).mode & 0o777;
}
