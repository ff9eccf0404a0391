import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inKeyring, type Run, type Sandbox, sandbox } from '@auth/test-support/cli';
import { startServer } from '@auth/test-support/http';
import { fixture } from '@auth/test-support/paths';
import type { ListedEntry } from './commands/list.js';

/**
 * pixi's `test_pixi_auth` and rattler's `cli/auth.rs` tests, run against the built `auth` binary
 * with a private HOME, as pixi's integration tests drive pixi. Expected files are written by
 * hand from serde_json's rules (compact, keys in UTF-8 byte order, raw UTF-8, no final newline).
 * Where we deliberately differ, the test asserts our behaviour and says why.
 */

type Listed = ListedEntry;
const listed = (run: Run) => JSON.parse(run.stdout) as Listed[];
const CREDS = 'c.json';
const fileOf = (s: Sandbox, name = CREDS) => join(s.home, name);
const read = (s: Sandbox, name = CREDS) => readFileSync(fileOf(s, name), 'utf8');

/** `auth login` into one credentials file, as `pixi auth login` with RATTLER_AUTH_FILE. */
function login(s: Sandbox, args: string[], options?: { env?: NodeJS.ProcessEnv }): Run {
  return s.auth(['login', ...args, '--file', CREDS], options);
}

/** A usage error that stored nothing. */
function expectRefused(s: Sandbox, run: Run, mention: RegExp): void {
  expect(run.code, run.stderr).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(mention);
  expect(existsSync(fileOf(s))).toBe(false);
}

describe("pixi tests/integration_python: test_pixi_auth", () => {
  it('pixi test_main_cli.py: test_pixi_auth (login of every kind, then logout of each input)', () => {
    // pixi's own test runs on the default stores; a machine without a keychain falls back to
    // ~/.rattler/credentials.json, as here (no D-Bus session in this sandbox).
    const s = sandbox({ keychain: false });
    const file = join(s.home, '.rattler', 'credentials.json');
    // pixi checks prefix.dev tokens against prefix.dev's API (its test expects "Unauthorized or
    // invalid token" for DUMMY_TOKEN; login.test.ts covers that refusal against a loopback API);
    // tests here never reach the internet, so these logins skip the check with --no-verify.
    const logins = [
      ['login', '--token', 'DUMMY_TOKEN', 'https://prefix.dev/', '--no-verify'],
      ['login', '--token', 'DUMMY_TOKEN', 'https://repo.prefix.dev/', '--no-verify'],
      ['login', '--conda-token', 'DUMMY_TOKEN', 'https://conda.anaconda.org'],
      ['login', '--username', 'DUMMY_USER', '--password', 'DUMMY_PASS', 'https://host.org'],
      ['login', '--s3-access-key-id', 'DUMMY_ID', '--s3-secret-access-key', 'DUMMY_KEY', '--s3-session-token', 'DUMMY_TOKEN', 's3://amazon-aws.com'],
    ];
    for (const args of logins) {
      const run = s.auth(args);
      expect(run.code, `${args.join(' ')}\n${run.stderr}`).toBe(0);
    }
    expect(readFileSync(file, 'utf8')).toBe(
      '{' +
        '"*.amazon-aws.com":{"S3Credentials":{"access_key_id":"DUMMY_ID","secret_access_key":"DUMMY_KEY","session_token":"DUMMY_TOKEN"}},' +
        '"*.host.org":{"BasicHTTP":{"username":"DUMMY_USER","password":"DUMMY_PASS"}},' +
        '"*.prefix.dev":{"BearerToken":"DUMMY_TOKEN"},' +
        '"conda.anaconda.org":{"CondaToken":"DUMMY_TOKEN"},' +
        '"repo.prefix.dev":{"BearerToken":"DUMMY_TOKEN"}' +
        '}',
    );

    // Logging out of https://prefix.dev/ removes pixi's `*.prefix.dev`, never repo.prefix.dev.
    expect(s.auth(['logout', 'https://prefix.dev/']).code).toBe(0);
    expect(Object.keys(JSON.parse(readFileSync(file, 'utf8')) as object)).toEqual([
      '*.amazon-aws.com',
      '*.host.org',
      'conda.anaconda.org',
      'repo.prefix.dev',
    ]);
    for (const input of ['https://repo.prefix.dev/', 'https://conda.anaconda.org', 'https://host.org', 's3://amazon-aws.com']) {
      const run = s.auth(['logout', input]);
      expect(run.code, `logout ${input}\n${run.stderr}`).toBe(0);
    }
    expect(readFileSync(file, 'utf8')).toBe('{}');
  });
});

describe('rattler cli/auth.rs tests: auth login', () => {
  it('rattler cli/auth.rs: test_login_with_token_success', async () => {
    // rattler asks PREFIX_DEV_API_URL (here a local GraphQL stand-in) whether the token is valid.
    const api = await graphqlServer({ data: { viewer: { login: 'testuser' } } });
    try {
      const s = sandbox({ keychain: false });
      // Async: the stand-in answers from this process, so the event loop must keep running.
      const run = await s.authAsync(['login', 'prefix.dev', '--token', 'valid_token', '--file', CREDS], { env: { PREFIX_DEV_API_URL: api.origin } });
      expect(run.code, run.stderr).toBe(0);
      expect(read(s)).toBe('{"*.prefix.dev":{"BearerToken":"valid_token"}}');
    } finally {
      await api.close();
    }
  });

  it('rattler cli/auth.rs: test_login_with_invalid_token (our form: --verify against the server)', async () => {
    // rattler validates prefix.dev tokens with a GraphQL query; `auth` verifies a credential
    // against the server it is for when given --verify, and stores nothing when it is refused.
    const server = await startServer({ bearer: 'valid_token' });
    try {
      const s = sandbox({ keychain: false });
      const run = await s.authAsync(['login', `${server.origin}/bearer/`, '--token', 'invalid_token', '--verify', '--file', CREDS]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('401');
      expect(run.stderr).not.toContain('invalid_token');
      expect(existsSync(fileOf(s))).toBe(false);
      expect(server.seen.at(-1)?.authorization).toBe('Bearer invalid_token');
    } finally {
      await server.close();
    }
  });

  it('rattler cli/auth.rs: test_login_missing_password_for_basic_auth', () => {
    // stdin is not a terminal here, so there is no prompt to fall back to.
    const s = sandbox({ keychain: false });
    expectRefused(s, login(s, ['example.com', '--username', 'testuser']), /password/i);
  });

  it('rattler cli/auth.rs: test_login_basic_auth_success', () => {
    const s = sandbox({ keychain: false });
    expect(login(s, ['example.com', '--username', 'testuser', '--password', 'testpass']).code).toBe(0);
    expect(read(s)).toBe('{"*.example.com":{"BasicHTTP":{"username":"testuser","password":"testpass"}}}');
  });

  it('rattler cli/auth.rs: test_login_conda_token_success', () => {
    const s = sandbox({ keychain: false });
    expect(login(s, ['anaconda.org', '--conda-token', 'conda_token_123']).code).toBe(0);
    expect(read(s)).toBe('{"*.anaconda.org":{"CondaToken":"conda_token_123"}}');
  });

  it('rattler cli/auth.rs: test_login_s3_credentials_success', () => {
    const s = sandbox({ keychain: false });
    const run = login(s, ['s3://my-bucket', '--s3-access-key-id', 'access_key', '--s3-secret-access-key', 'secret_key', '--s3-session-token', 'session_token']);
    expect(run.code, run.stderr).toBe(0);
    // get_url keeps the URL's host: the bucket name is the key pixi writes and reads.
    expect(read(s)).toBe('{"my-bucket":{"S3Credentials":{"access_key_id":"access_key","secret_access_key":"secret_key","session_token":"session_token"}}}');
  });

  it('rattler cli/auth.rs: test_login_no_authentication_method', () => {
    const s = sandbox({ keychain: false });
    expectRefused(s, login(s, ['example.com']), /--token/);
  });

  it('rattler cli/auth.rs: test_login_prefix_dev_requires_token', () => {
    const s = sandbox({ keychain: false });
    expectRefused(s, login(s, ['prefix.dev', '--username', 'testuser', '--password', 'testpass']), /--token/);
  });

  it('rattler cli/auth.rs: test_login_anaconda_org_requires_conda_token', () => {
    const s = sandbox({ keychain: false });
    expectRefused(s, login(s, ['anaconda.org', '--token', 'bearer_token']), /--conda-token/);
  });

  it('rattler cli/auth.rs: test_login_s3_requires_proper_credentials', () => {
    const s = sandbox({ keychain: false });
    expectRefused(s, login(s, ['s3://my-bucket', '--token', 'bearer_token']), /--s3-access-key-id/);
  });

  it('rattler cli/auth.rs: test_login_s3_credentials_with_non_s3_host', () => {
    const s = sandbox({ keychain: false });
    expectRefused(s, login(s, ['example.com', '--s3-access-key-id', 'access_key', '--s3-secret-access-key', 'secret_key']), /s3/i);
  });
});

describe('rattler cli/auth.rs logout and the keys auth list shows', () => {
  it('rattler cli/auth.rs logout: removes the key get_url gives for the input, and no key of another scope', () => {
    const s = sandbox({ keychain: false });
    writeFileSync(
      fileOf(s),
      '{"*.prefix.dev":{"BearerToken":"wild"},"repo.prefix.dev":{"BearerToken":"repo"},"repo.prefix.dev:8443":{"BearerToken":"port"}}',
    );
    expect(s.auth(['logout', 'https://repo.prefix.dev/', '--file', CREDS]).code).toBe(0);
    expect(read(s)).toBe('{"*.prefix.dev":{"BearerToken":"wild"},"repo.prefix.dev:8443":{"BearerToken":"port"}}');
    expect(s.auth(['logout', 'prefix.dev', '--file', CREDS]).code).toBe(0);
    expect(read(s)).toBe('{"repo.prefix.dev:8443":{"BearerToken":"port"}}');
    // Nothing left for that input: exit 1, as "nothing stored for that host".
    expect(s.auth(['logout', 'prefix.dev', '--file', CREDS]).code).toBe(1);
  });

  it("logout forms: the shared fixture loses exactly pixi's forms of each input, other entries keep their bytes", () => {
    const s = sandbox({ keychain: false });
    copyFileSync(fixture('rattler-credentials.json'), fileOf(s));
    // `prefix.dev`: pixi's key `*.prefix.dev` and the plain `prefix.dev` (DESIGN.md "Keys": logout).
    expect(s.auth(['logout', 'prefix.dev', '--file', CREDS]).code).toBe(0);
    expect(read(s)).toBe(
      '{' +
        '"*.anaconda.org":{"CondaToken":"xy-72b914cc-c105-4ec7-a969-ab21d23480ed"},' +
        '"myserver.com":{"BasicHTTP":{"username":"user","password":"p\\u00e4ssw:rd"}},' +
        '"s3://my-bucket/channel":{"S3Credentials":{"access_key_id":"AKIAEXAMPLE","secret_access_key":"wJalrXUtnFEMI","session_token":null}}' +
        '}',
    );
    // Every key exactly as `auth list` shows it.
    for (const key of listed(s.auth(['list', '--json', '--file', CREDS])).map((e) => e.key)) {
      const run = s.auth(['logout', key, '--file', CREDS]);
      expect(run.code, `logout ${key}\n${run.stderr}`).toBe(0);
    }
    expect(read(s)).toBe('{}');
  });

  it('logout keeps the bytes of a serde_json-written file: non-ASCII, astral, escaped control characters', () => {
    const s = sandbox({ keychain: false });
    const others =
      '"*.anaconda.org":{"CondaToken":"xy-72b9"},' +
      '"münchen.example":{"BasicHTTP":{"username":"jörg","password":"p\\u0001\\n\u007fä👍\\"\\\\"}},';
    const last = '"～.example":{"BearerToken":"wide"},"😀.example":{"BearerToken":"emoji"}';
    writeFileSync(fileOf(s), `{${others}"repo.prefix.dev":{"BearerToken":"pfx"},${last}}`);
    expect(s.auth(['logout', 'repo.prefix.dev', '--file', CREDS]).code).toBe(0);
    expect(readFileSync(fileOf(s)).equals(Buffer.from(`{${others}${last}}`, 'utf8'))).toBe(true);
  });
});

describe('rattler_networking storage.rs: the store chain from the environment', () => {
  it('rattler_networking authentication_middleware.rs: test_rattler_auth_file_env_var_handling', () => {
    const s = sandbox({ keychain: false });
    const path = join(s.home, 'auth.json');
    const run = s.auth(['login', 'test.example.com', '--conda-token', 'testtoken'], { env: { RATTLER_AUTH_FILE: path } });
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(path, 'utf8')).toBe('{"test.example.com":{"CondaToken":"testtoken"}}');
    expect(existsSync(join(s.home, '.rattler', 'credentials.json'))).toBe(false);
  });

  it('rattler_networking backends/netrc.rs: test_file_storage_from_env', () => {
    const s = sandbox({ keychain: false });
    writeFileSync(join(s.home, '.testnetrc2'), 'machine supermachine\nlogin test2\npassword password2\n');
    const run = s.auth(['list', '--json'], { env: { NETRC: join(s.home, '.testnetrc2') } });
    expect(run.code, run.stderr).toBe(0);
    expect(listed(run)).toContainEqual({ key: 'supermachine', type: 'basic', store: 'netrc', shadowed: false, username: 'test2' });
    expect(listed(run).some((e) => e.key === 'test_unknown')).toBe(false);
  });

  it('rattler_networking storage.rs from_env_and_defaults: a malformed netrc is a warning and counts as empty', () => {
    const s = sandbox({ keychain: false });
    expect(s.auth(['login', 'a.example.com', '--token', 'tok-a']).code).toBe(0);
    const netrc = join(s.home, 'broken-netrc');
    writeFileSync(netrc, 'machine a.example.com login u password "never closed\n');
    const env = { NETRC: netrc };
    const token = s.auth(['token', 'https://a.example.com/x'], { env });
    expect(token.code, token.stderr).toBe(0);
    expect(token.stdout).toBe('tok-a\n');
    expect(token.stderr).toMatch(/warning/i);
    expect(token.stderr).toContain(netrc);
    expect(token.stderr).not.toContain('never closed');
    const list = s.auth(['list', '--json'], { env });
    expect(list.code, list.stderr).toBe(0);
    expect(listed(list).map((e) => e.key)).toEqual(['a.example.com']);
  });

  it('rattler_networking backends/netrc.rs from_env: a missing netrc file counts as empty', () => {
    const s = sandbox({ keychain: false });
    expect(s.auth(['login', 'a.example.com', '--token', 'tok-a']).code).toBe(0);
    const token = s.auth(['token', 'https://a.example.com/x'], { env: { NETRC: join(s.home, 'no-such-netrc') } });
    expect(token.code, token.stderr).toBe(0);
    expect(token.stdout).toBe('tok-a\n');
  });

  it("pixi docs deployment/authentication.md: the documented credentials file is read as pixi reads it", () => {
    const s = sandbox({ keychain: false });
    const path = join(s.home, 'credentials.json');
    writeFileSync(
      path,
      `{
    "*.prefix.dev": {
        "BearerToken": "your_token"
    },
    "otherhost.com": {
        "BasicHTTP": {
            "username": "your_username",
            "password": "your_password"
        }
    },
    "conda.anaconda.org": {
        "CondaToken": "your_token"
    },
    "s3://my-bucket": {
        "S3Credentials": {
            "access_key_id": "my-access-key-id",
            "secret_access_key": "my-secret-access-key",
            "session_token": null
        }
    }
}
`,
    );
    const env = { RATTLER_AUTH_FILE: path };
    const list = s.auth(['list', '--json'], { env });
    expect(list.code, list.stderr).toBe(0);
    expect(listed(list).map(({ key, type }) => [key, type])).toEqual([
      ['*.prefix.dev', 'bearer'],
      ['conda.anaconda.org', 'conda-token'],
      ['otherhost.com', 'basic'],
      ['s3://my-bucket', 's3'],
    ]);
    // "if you use a wildcard in the host, any subdomain will match"
    expect(s.auth(['token', 'https://repo.prefix.dev/my-channel/noarch/repodata.json'], { env }).stdout).toBe('your_token\n');
    expect(s.auth(['token', 'https://conda.anaconda.org/my-channel/noarch/repodata.json'], { env }).stdout).toBe('your_token\n');
  });
});

/** What rattler's keyring backend (keyring-rs, Secret Service) writes for a key. */
function storeAsPixi(key: string, secret: string): void {
  execFileSync(
    'secret-tool',
    [
      'store',
      `--label=keyring-rs v3.6.3 for target 'default', service 'rattler', user '${key}'`,
      'service', 'rattler',
      'username', key,
      'target', 'default',
      'application', 'rust-keyring',
    ],
    { input: secret },
  );
}
const lookup = (key: string) => execFileSync('secret-tool', ['lookup', 'service', 'rattler', 'username', key], { encoding: 'utf8' });
const itemsFor = (key: string) =>
  execFileSync('secret-tool', ['search', '--all', 'service', 'rattler', 'username', key], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
    .split('\n')
    .filter((line) => /^\[\/.*\]$/.test(line)).length;

describe.skipIf(!inKeyring)('rattler_networking backends/keyring.rs: service "rattler", account = key, secret = credential JSON', () => {
  const key = (name: string) => `${name}-${process.pid}.example.com`;

  it('rattler_networking backends/keyring.rs get: an entry pixi stored is listed, used and logged out', () => {
    const s = sandbox();
    const k = key('pixi-get');
    storeAsPixi(k, '{"BearerToken":"from-pixi"}');
    expect(listed(s.auth(['list', '--json']))).toContainEqual({ key: k, type: 'bearer', store: 'keychain', shadowed: false });
    expect(s.auth(['token', `https://${k}/channel/noarch/repodata.json`])).toMatchObject({ code: 0, stdout: 'from-pixi\n' });
    const out = s.auth(['logout', k]);
    expect(out.code, out.stderr).toBe(0);
    expect(() => lookup(k)).toThrow();
  });

  it('rattler_networking backends/keyring.rs store: the secret auth writes is serde_json::to_string of the credential', () => {
    const s = sandbox();
    const k = key('auth-store');
    const run = s.auth(['login', k, '--username', 'jörg', '--password', 'pä👍ss"w\\rd']);
    expect(run.code, run.stderr).toBe(0);
    expect(lookup(k)).toBe('{"BasicHTTP":{"username":"jörg","password":"pä👍ss\\"w\\\\rd"}}');
  });

  it('rattler_networking backends/keyring.rs store: a login over a pixi entry updates it, never a second entry for the key', () => {
    // keyring-rs finds entries by service and username; two of them make its reads fail as
    // ambiguous, so pixi would lose the credential.
    const s = sandbox();
    const k = key('pixi-update');
    storeAsPixi(k, '{"BearerToken":"old"}');
    expect(s.auth(['login', k, '--token', 'new']).code).toBe(0);
    expect(itemsFor(k)).toBe(1);
    expect(lookup(k)).toBe('{"BearerToken":"new"}');
    expect(s.auth(['logout', k]).code).toBe(0);
    expect(itemsFor(k)).toBe(0);
  });
});

/** A stand-in for prefix.dev's GraphQL API on 127.0.0.1 that answers every POST with `body`. */
async function graphqlServer(body: object) {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
