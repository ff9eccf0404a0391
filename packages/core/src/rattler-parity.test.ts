import { once } from 'node:events';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixture } from '@auth/test-support/paths';
// Relative imports: @auth/core cannot depend on the store packages (they depend on it).
import { FileStore } from '../../store-file/src/index.js';
import { NetrcStore } from '../../store-netrc/src/index.js';
import { createAuthenticator } from './authenticator.js';
import { StoreChain } from './chain.js';
import type { Credential } from './credential.js';
import { InvalidKeyError, isAuthError } from './errors.js';
import { keyFromInput } from './keys.js';
import { candidateKeys } from './match.js';
import { decodeCredential, encodeCredential, parseCredentialsDocument, serializeCredentialsDocument } from './rattler.js';
import { MemoryStore } from './store.js';
import { serdeDocument } from '@auth/test-support/serde-json';

/**
 * rattler's own tests (crates/rattler_networking and crates/rattler/src/cli/auth.rs), ported to
 * this library: same inputs, same expected keys, lookups and bytes. Where this project
 * deliberately differs (DESIGN.md, "Keys"), the test asserts our rule and says why.
 */

const bearer = (token: string): Credential => ({ type: 'bearer', token });
const tempDir = () => mkdtempSync(join(tmpdir(), 'rattler-parity-'));
const bytes = (path: string) => readFileSync(path);
const utf8 = (text: string) => Buffer.from(text, 'utf8');

function authorizationOf(headers: unknown): string | undefined {
  for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
    if (name.toLowerCase() === 'authorization') return String(value);
  }
  return undefined;
}

/** The key rattler's storage would resolve for a URL, from one stored key (or none). */
async function resolvedKey(stored: string, url: string): Promise<string | undefined> {
  const auth = createAuthenticator({ store: new MemoryStore([[stored, bearer('testtoken')]]) });
  return (await auth.resolve(url))?.key;
}

// ---------------------------------------------------------------------------------------------
// serde_json's compact output, written from its rules in @auth/test-support/serde-json,
// independent of our code.

/** Each input gives its key; the failure names the input. */
function expectKeys(table: Record<string, string>): void {
  for (const [input, key] of Object.entries(table)) expect(keyFromInput(input), input).toBe(key);
}

describe('rattler cli/auth.rs: the key `pixi auth login <host>` writes (get_url)', () => {
  it('rattler cli/auth.rs get_url: a URL is keyed by its host only, without scheme, port or path', () => {
    expectKeys({
      'https://repo.prefix.dev/': 'repo.prefix.dev',
      'https://conda.anaconda.org': 'conda.anaconda.org',
      'https://Repo.Prefix.dev:8443/chan/': 'repo.prefix.dev',
      'http://artifactory.corp.example.com/api/conda/main/': 'artifactory.corp.example.com',
    });
  });

  it('rattler cli/auth.rs get_url: a host with exactly one dot becomes a wildcard', () => {
    expectKeys({
      'prefix.dev': '*.prefix.dev',
      'anaconda.org': '*.anaconda.org',
      'https://prefix.dev/': '*.prefix.dev',
      'https://host.org': '*.host.org',
      'myserver.com': '*.myserver.com',
      // Two dots or more: the host as it is.
      'repo.prefix.dev': 'repo.prefix.dev',
    });
  });

  it('rattler cli/auth.rs test_login_s3_credentials_success: s3://bucket is keyed by the bucket, as pixi keys it', () => {
    // get_url parses `s3://my-bucket` as a URL and keeps its host, so pixi stores the bucket name,
    // and `pixi auth logout s3://my-bucket` deletes exactly that key. pixi's test_pixi_auth logs
    // into s3://amazon-aws.com: one dot, so the wildcard rule applies.
    expectKeys({ 's3://my-bucket': 'my-bucket', 's3://my-bucket/channel': 'my-bucket', 's3://amazon-aws.com': '*.amazon-aws.com' });
  });

  it('rattler cli/auth.rs get_url: every key it writes is its own key again', () => {
    for (const input of ['prefix.dev', 'https://repo.prefix.dev/', 'https://conda.anaconda.org', 'https://host.org', 's3://my-bucket']) {
      const key = keyFromInput(input);
      expect(keyFromInput(key)).toBe(key);
    }
  });

  it('rattler cli/auth.rs get_url (we differ): bare host:port and host/path give port- and path-scoped keys', () => {
    // rattler keys `repo.example.com:8443` and `repo.example.com/channel-a` as typed but never
    // looks them up; we scope the credential to that port or path and find it (DESIGN.md "Keys").
    expectKeys({
      'repo.example.com:8443': 'repo.example.com:8443',
      'repo.example.com/channel-a/': 'repo.example.com/channel-a',
      'prefix.dev:8443': 'prefix.dev:8443',
    });
  });

  it('rattler cli/auth.rs get_url (we differ): no wildcard over a public suffix', () => {
    // pixi would write `*.github.io` and send the credential to every GitHub Pages site.
    let key: string | undefined;
    try {
      key = keyFromInput('github.io');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidKeyError);
    }
    expect(key?.startsWith('*.')).not.toBe(true);
    expect(() => keyFromInput('*.co.uk')).toThrow(InvalidKeyError);
    expect(() => keyFromInput('*.github.io')).toThrow(InvalidKeyError);
    // A registrable domain under a public suffix has two dots: no wildcard, as in pixi.
    expectKeys({ 'example.co.uk': 'example.co.uk' });
  });

  it('rattler cli/auth.rs get_url (we differ): user:password or a /t/<token>/ segment in the input is refused', () => {
    // pixi keys these by their host and drops the secret; we refuse them so that a secret typed
    // into a host argument is not silently half-used, and keys never hold secrets.
    for (const input of [
      'https://user:hunter2pw@host.org/',
      'https://user@host.example.com/',
      'https://conda.anaconda.org/t/xy-72b914cc/conda-forge',
      'conda.anaconda.org/t/xy-72b914cc/conda-forge',
    ]) {
      let thrown: unknown;
      try {
        keyFromInput(input);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, input).toBeInstanceOf(InvalidKeyError);
      expect(String((thrown as Error).message)).not.toMatch(/hunter2pw|xy-72b914cc/);
    }
  });
});

describe('rattler_networking storage.rs: which stored key a URL uses (get_by_url_with_host)', () => {
  it('rattler_networking authentication_middleware.rs: test_host_wildcard_expansion', async () => {
    const url = 'https://repo.prefix.dev/conda-forge/noarch/repodata.json';
    for (const [stored, found] of [
      ['repo.prefix.dev', true],
      ['*.repo.prefix.dev', true],
      ['*.prefix.dev', true],
      // rattler also tries `*.dev`; we never use a wildcard of one label (DESIGN.md "Keys").
      ['*.dev', false],
      ['repo.notprefix.dev', false],
      ['*.repo.notprefix.dev', false],
      ['*.notprefix.dev', false],
      ['*.com', false],
    ] as const) {
      expect(await resolvedKey(stored, url), stored).toBe(found ? stored : undefined);
    }
  });

  it('rattler_networking storage.rs get_by_url_with_host: the exact host first, then wildcards from the most specific', async () => {
    const store = new MemoryStore([
      ['*.prefix.dev', bearer('wild')],
      ['*.repo.prefix.dev', bearer('sub-wild')],
      ['repo.prefix.dev', bearer('exact')],
    ]);
    const auth = createAuthenticator({ store });
    expect((await auth.resolve('https://repo.prefix.dev/x'))?.key).toBe('repo.prefix.dev');
    expect((await auth.resolve('https://a.repo.prefix.dev/x'))?.key).toBe('*.repo.prefix.dev');
    expect((await auth.resolve('https://other.prefix.dev/x'))?.key).toBe('*.prefix.dev');
    const order = candidateKeys('https://a.repo.prefix.dev/x');
    expect(order.indexOf('a.repo.prefix.dev')).toBeLessThan(order.indexOf('*.a.repo.prefix.dev'));
    expect(order.indexOf('*.a.repo.prefix.dev')).toBeLessThan(order.indexOf('*.repo.prefix.dev'));
    expect(order.indexOf('*.repo.prefix.dev')).toBeLessThan(order.indexOf('*.prefix.dev'));
  });

  it('rattler_networking storage.rs get_by_url_with_host: `*.prefix.dev` also covers prefix.dev itself', async () => {
    expect(await resolvedKey('*.prefix.dev', 'https://prefix.dev/api/v1')).toBe('*.prefix.dev');
    expect(await resolvedKey('*.prefix.dev', 'https://prefix.dev.evil.com/')).toBeUndefined();
    expect(await resolvedKey('*.prefix.dev', 'https://evilprefix.dev/')).toBeUndefined();
  });

  it('rattler_networking storage.rs get_by_url_with_host: the host key is found whatever the port and path', async () => {
    // rattler looks up `host_str()` alone, so a key it wrote covers every port and path.
    expect(await resolvedKey('repo.example.com', 'https://repo.example.com:8443/a/b.json')).toBe('repo.example.com');
    expect(await resolvedKey('repo.example.com', 'http://REPO.example.com./a')).toBe('repo.example.com');
  });

  it('rattler_networking storage.rs get_by_url_with_host: IP addresses get no wildcards (url.domain() is None)', () => {
    for (const url of ['http://127.0.0.1:8080/channel/x.json', 'http://[::1]:8080/x']) {
      const keys = candidateKeys(url);
      expect(keys.some((k) => k.startsWith('*.'))).toBe(false);
    }
    expect(candidateKeys('http://127.0.0.1:8080/x')).toContain('127.0.0.1');
    expect(candidateKeys('http://[::1]:8080/x')).toContain('[::1]');
  });

  it("rattler_networking storage.rs get_by_url_with_host: an s3:// URL tries the bucket (pixi's key), then its s3:// prefixes", () => {
    expect(candidateKeys('s3://my-bucket/channel/noarch/repodata.json').slice(0, 5)).toEqual([
      'my-bucket',
      's3://my-bucket/channel/noarch/repodata.json',
      's3://my-bucket/channel/noarch',
      's3://my-bucket/channel',
      's3://my-bucket',
    ]);
  });

  it('rattler_networking storage.rs: get_by_url_refreshed_passes_through_non_oauth', async () => {
    const cases: Credential[] = [
      { type: 'bearer', token: 'bearer' },
      { type: 'conda-token', token: 'conda' },
      { type: 'basic', username: 'u', password: 'p' },
      { type: 's3', accessKeyId: 'k', secretAccessKey: 's', sessionToken: null },
    ];
    for (const credential of cases) {
      const auth = createAuthenticator({ store: new MemoryStore([['example.com', credential]]) });
      expect((await auth.resolve('https://example.com/foo'))?.credential).toEqual(credential);
    }
  });

  it('rattler_networking storage.rs: list_returns_entries_from_backends (deduplicated by backend priority)', async () => {
    const first = new MemoryStore([['example.com', bearer('token')]], 'keychain');
    const second = new MemoryStore([['example.com', bearer('older')], ['other.com', bearer('o')]], 'file');
    const chain = new StoreChain([first, second]);
    expect(await first.list()).toEqual(['example.com']);
    const entries = (await chain.entries()).entries.map(({ key, store, shadowed }) => ({ key, store: store.name, shadowed }));
    expect(entries).toEqual(
      expect.arrayContaining([
        { key: 'example.com', store: 'keychain', shadowed: false },
        { key: 'example.com', store: 'file', shadowed: true },
        { key: 'other.com', store: 'file', shadowed: false },
      ]),
    );
    expect(await chain.get('example.com')).toEqual(bearer('token'));
  });
});

describe('rattler_networking authentication_middleware.rs: what a request carries', () => {
  it('rattler_networking authentication_middleware.rs: test_store_fallback', async () => {
    const store = new FileStore({ path: join(tempDir(), 'auth.json') });
    await store.set('test.example.com', { type: 'conda-token', token: 'testtoken' });
    expect(await store.delete('test.example.com')).toBe(true);
    expect(await store.get('test.example.com')).toBeUndefined();
  });

  /**
   * The steps rattler's three *_storage tests share: nothing stored yet, the JSON rattler writes,
   * stored and read back, one request to `url` decorated, then deleted. Returns the request.
   */
  async function storageRoundTrip(host: string, credential: Credential, json: string, url: string) {
    const store = new FileStore({ path: join(tempDir(), 'auth.json') });
    expect(await store.get(host)).toBeUndefined();
    expect(encodeCredential(credential)).toBe(json);
    await store.set(host, credential);
    expect(await store.get(host)).toEqual(credential);
    const out = await createAuthenticator({ store }).decorate({ url });
    expect(await store.delete(host)).toBe(true);
    return out;
  }
  const testpkg = (host: string) => `https://${host}/conda-forge/noarch/testpkg.tar.bz2`;

  it('rattler_networking authentication_middleware.rs: test_conda_token_storage', async () => {
    const credential: Credential = { type: 'conda-token', token: 'testtoken' };
    const out = await storageRoundTrip('conda.example.com', credential, '{"CondaToken":"testtoken"}', testpkg('conda.example.com'));
    expect(new URL(out.url).pathname.startsWith('/t/testtoken')).toBe(true);
    expect(out.url).toBe('https://conda.example.com/t/testtoken/conda-forge/noarch/testpkg.tar.bz2');
    expect(authorizationOf(out.headers)).toBeUndefined();
  });

  it('rattler_networking authentication_middleware.rs: test_bearer_storage', async () => {
    const credential: Credential = { type: 'bearer', token: 'xyztokytoken' };
    const out = await storageRoundTrip('bearer.example.com', credential, '{"BearerToken":"xyztokytoken"}', testpkg('bearer.example.com'));
    expect(out.url).toBe(testpkg('bearer.example.com'));
    expect(authorizationOf(out.headers)).toBe('Bearer xyztokytoken');
  });

  it('rattler_networking authentication_middleware.rs: test_basic_auth_storage', async () => {
    const credential: Credential = { type: 'basic', username: 'testuser', password: 'testpassword' };
    const json = '{"BasicHTTP":{"username":"testuser","password":"testpassword"}}';
    const out = await storageRoundTrip('basic.example.com', credential, json, testpkg('basic.example.com'));
    expect(out.url).toBe(testpkg('basic.example.com'));
    // the base64 encoding of "testuser:testpassword"
    expect(authorizationOf(out.headers)).toBe('Basic dGVzdHVzZXI6dGVzdHBhc3N3b3Jk');
  });

  it('rattler_networking authentication_middleware.rs authenticate_url (we differ): a URL that already has /t/<token>/ is left alone', async () => {
    // rattler prepends /t/<token> to every path, so a channel URL pasted with its token gets two;
    // DESIGN.md "Credentials": a request that already carries a conda token is left alone.
    const auth = createAuthenticator({ store: new MemoryStore([['conda.example.com', { type: 'conda-token', token: 'stored' }]]) });
    const url = 'https://conda.example.com/t/pasted/conda-forge/noarch/repodata.json';
    expect((await auth.decorate({ url })).url).toBe(url);
  });

  it('rattler_networking authentication_middleware.rs: an Authorization header already present is left alone', async () => {
    const auth = createAuthenticator({ store: new MemoryStore([['bearer.example.com', bearer('stored')]]) });
    const out = await auth.decorate({ url: 'https://bearer.example.com/x', headers: { Authorization: 'Bearer mine' } });
    expect(out.headers).toEqual({ Authorization: 'Bearer mine' });
  });

  it('rattler_networking authentication_middleware.rs: OAuth credentials are sent as Bearer <access_token>', async () => {
    const oauth: Credential = {
      type: 'oauth',
      accessToken: 'access-1',
      refreshToken: 'refresh-1',
      expiresAt: Math.floor(Date.now() / 1000) + 3600,
      tokenEndpoint: 'https://issuer.example/token',
      revocationEndpoint: null,
      clientId: 'client-id',
    };
    const out = await createAuthenticator({ store: new MemoryStore([['repo.example.com', oauth]]) }).decorate({ url: 'https://repo.example.com/x' });
    expect(authorizationOf(out.headers)).toBe('Bearer access-1');
  });

  it('rattler_networking authentication_middleware.rs: concurrent_oauth_refresh_is_coalesced_by_authentication_middleware', async () => {
    const server = await tokenServer(200, {
      access_token: 'fresh-access-token',
      refresh_token: 'rotated-refresh-token',
      expires_in: 3600,
      token_type: 'Bearer',
    });
    try {
      const store = new MemoryStore([['127.0.0.1', expiredOAuth(server.tokenEndpoint)]]);
      const auth = createAuthenticator({ store });
      const outs = await Promise.all(Array.from({ length: 8 }, () => auth.decorate({ url: `${server.origin}/repo` })));
      expect(server.forms).toHaveLength(1);
      expect(server.forms[0]).toMatchObject({ grant_type: 'refresh_token', refresh_token: 'refresh-token' });
      expect(outs.map((o) => authorizationOf(o.headers))).toEqual(Array(8).fill('Bearer fresh-access-token'));
      expect(await store.get('127.0.0.1')).toMatchObject({ type: 'oauth', accessToken: 'fresh-access-token', refreshToken: 'rotated-refresh-token' });
    } finally {
      await server.close();
    }
  });

  it('rattler_networking authentication_middleware.rs: expired_oauth_with_failed_refresh_sends_no_authorization_header', async () => {
    // A rotating server that has already invalidated this refresh token.
    const server = await tokenServer(400, { error: 'invalid_grant' });
    try {
      const auth = createAuthenticator({ store: new MemoryStore([['127.0.0.1', expiredOAuth(server.tokenEndpoint)]]) });
      let out: { headers: unknown } | undefined;
      try {
        out = await auth.decorate({ url: `${server.origin}/repo` });
      } catch (error) {
        // Failing the request is acceptable too; sending the expired token is not.
        expect(isAuthError(error)).toBe(true);
        expect(String(error)).not.toContain('expired-access-token');
      }
      if (out) expect(authorizationOf(out.headers)).toBeUndefined();
    } finally {
      await server.close();
    }
  });

  it('rattler_networking authentication_middleware.rs: test_rattler_auth_file_env_var_handling (the bytes rattler writes)', async () => {
    const path = join(tempDir(), 'auth.json');
    await new FileStore({ path }).set('test.example.com', { type: 'conda-token', token: 'testtoken' });
    expect(readFileSync(path, 'utf8')).toBe('{"test.example.com":{"CondaToken":"testtoken"}}');
  });
});

function expiredOAuth(tokenEndpoint: string): Credential {
  return {
    type: 'oauth',
    accessToken: 'expired-access-token',
    refreshToken: 'refresh-token',
    expiresAt: 0,
    tokenEndpoint,
    revocationEndpoint: null,
    clientId: 'client-id',
  };
}

/** An OAuth token endpoint on 127.0.0.1 that answers every POST with `status` and `body`. */
async function tokenServer(status: number, body: object) {
  const forms: Record<string, string>[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      if (req.url === '/token' && req.method === 'POST') {
        forms.push(Object.fromEntries(new URLSearchParams(text)));
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      } else {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('ok');
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    tokenEndpoint: `${origin}/token`,
    forms,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('rattler_networking s3_middleware.rs: s3:// URLs', () => {
  const bucketConfig = { 'rattler-s3-testing': { endpointUrl: 'http://localhost:9000', region: 'eu-central-1', forcePathStyle: true } };

  it('rattler_networking s3_middleware.rs: test_presigned_s3_request_custom_config', async () => {
    // The file exactly as the test writes it: indented, no session_token field.
    const path = join(tempDir(), 'credentials.json');
    writeFileSync(
      path,
      `
        {
            "s3://rattler-s3-testing/channel": {
                "S3Credentials": {
                    "access_key_id": "minioadmin",
                    "secret_access_key": "minioadmin"
                }
            }
        }
        `,
    );
    // Through a variable: the `s3` option is checked at run time, not by this file's types.
    const options = { store: new FileStore({ path }), s3: bucketConfig };
    const auth = createAuthenticator(options);
    // Nothing is sent: decorate only computes the presigned URL.
    const out = new URL((await auth.decorate({ url: 's3://rattler-s3-testing/channel/noarch/repodata.json' })).url);
    expect(out.pathname).toBe('/rattler-s3-testing/channel/noarch/repodata.json');
    expect(out.protocol).toBe('http:');
    expect(out.hostname).toBe('localhost');
    expect(out.searchParams.get('X-Amz-Credential')).toMatch(/^minioadmin\/\d{8}\/eu-central-1\/s3\/aws4_request$/);
  });

  it('rattler_networking s3_middleware.rs: test_presigned_s3_request_no_credentials', async () => {
    const options = { store: new MemoryStore(), s3: bucketConfig };
    const auth = createAuthenticator(options);
    const url = 's3://rattler-s3-testing/channel/noarch/repodata.json';
    expect(await auth.resolve(url)).toBeUndefined();
    let out: string | undefined;
    try {
      out = (await auth.decorate({ url })).url;
    } catch (error) {
      expect(isAuthError(error)).toBe(true);
    }
    // rattler fails with "no S3 authentication found"; at the least nothing is signed.
    expect(out ?? '').not.toContain('X-Amz-Credential');
  });
});

describe('rattler_networking backends/file.rs: the credentials file', () => {
  it('rattler_networking backends/file.rs: test_file_storage', async () => {
    const path = join(tempDir(), 'test.json');
    const store = new FileStore({ path });
    expect(await store.get('test')).toBeUndefined();
    await store.set('test', { type: 'conda-token', token: 'password' });
    expect(await store.get('test')).toEqual({ type: 'conda-token', token: 'password' });
    await store.set('bearer', { type: 'bearer', token: 'password' });
    await store.set('basic', { type: 'basic', username: 'user', password: 'password' });
    // rattler's insta snapshot of the file (insta adds the final newline to .snap files only).
    expect(readFileSync(path, 'utf8')).toBe(
      '{"basic":{"BasicHTTP":{"username":"user","password":"password"}},"bearer":{"BearerToken":"password"},"test":{"CondaToken":"password"}}',
    );
    await store.delete('test');
    expect(await store.get('test')).toBeUndefined();
    writeFileSync(path, 'invalid json');
    const error = await new FileStore({ path }).get('bearer').catch((e: unknown) => e);
    expect(isAuthError(error, 'STORE_CORRUPT')).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe('invalid json');
  });

  it('serde_json bytes: a file our FileStore writes equals what serde_json writes, for every kind and character class', async () => {
    const path = join(tempDir(), 'credentials.json');
    const store = new FileStore({ path });
    // Keys with non-ASCII labels are never written by login (it stores IDNA ASCII), but pixi may
    // have written them: they come from the file, and every write must keep them in UTF-8 order.
    // U+FF5E sorts after U+1F600 in UTF-16 but before it in UTF-8: serde sorts by UTF-8 bytes.
    writeFileSync(
      path,
      '{"münchen.example":{"BasicHTTP":{"username":"jörg","password":"pä👍ss\\"w\\\\:rd ~"}},"～.example":{"BearerToken":"wide"},"😀.example":{"BearerToken":"emoji"}}',
    );
    const entries: [string, Credential][] = [
      ['repo.prefix.dev', { type: 'bearer', token: 'pfx_"q\\/~' }],
      ['*.anaconda.org', { type: 'conda-token', token: 'xy-72b914cc' }],
      ['my-bucket', { type: 's3', accessKeyId: 'AKIA', secretAccessKey: 'wJal/rX+U', sessionToken: 'IQoJ==' }],
      ['s3://my-bucket/channel', { type: 's3', accessKeyId: 'AKIB', secretAccessKey: 'sk', sessionToken: null }],
      [
        'oauth.example.com',
        { type: 'oauth', accessToken: 'at', refreshToken: null, expiresAt: 1760000000, tokenEndpoint: 'https://prefix.dev/api/oauth/token', revocationEndpoint: null, clientId: 'rattler' },
      ],
    ];
    for (const [key, credential] of entries) await store.set(key, credential);
    const expected =
      '{' +
      '"*.anaconda.org":{"CondaToken":"xy-72b914cc"},' +
      '"my-bucket":{"S3Credentials":{"access_key_id":"AKIA","secret_access_key":"wJal/rX+U","session_token":"IQoJ=="}},' +
      '"münchen.example":{"BasicHTTP":{"username":"jörg","password":"pä👍ss\\"w\\\\:rd ~"}},' +
      '"oauth.example.com":{"OAuth":{"access_token":"at","refresh_token":null,"expires_at":1760000000,"token_endpoint":"https://prefix.dev/api/oauth/token","revocation_endpoint":null,"client_id":"rattler"}},' +
      '"repo.prefix.dev":{"BearerToken":"pfx_\\"q\\\\/~"},' +
      '"s3://my-bucket/channel":{"S3Credentials":{"access_key_id":"AKIB","secret_access_key":"sk","session_token":null}},' +
      '"～.example":{"BearerToken":"wide"},' +
      '"😀.example":{"BearerToken":"emoji"}' +
      '}';
    expect(bytes(path).equals(utf8(expected))).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe(expected);
  });

  it('serde_json bytes: a keychain secret is serde_json::to_string of the credential (raw UTF-8, escapes as serde writes them)', () => {
    expect(encodeCredential({ type: 'basic', username: 'jörg', password: 'pä👍ss"w\\:rd' })).toBe(
      '{"BasicHTTP":{"username":"jörg","password":"pä👍ss\\"w\\\\:rd"}}',
    );
    expect(encodeCredential({ type: 's3', accessKeyId: 'A', secretAccessKey: 'S' })).toBe(
      '{"S3Credentials":{"access_key_id":"A","secret_access_key":"S","session_token":null}}',
    );
  });

  it('serde_json bytes: any document equals a serde_json reference written in this test (property)', () => {
    const printable = fc.stringMatching(/^[!-~]{1,24}$/);
    const text = fc.string({ unit: 'binary', maxLength: 12 }).filter((s) => !/[\u0000-\u001f\u007f]/.test(s));
    const credential: fc.Arbitrary<Credential> = fc.oneof(
      printable.map((token) => ({ type: 'bearer', token }) as Credential),
      printable.map((token) => ({ type: 'conda-token', token }) as Credential),
      fc.record({ username: text.filter((s) => s !== '' && !s.includes(':')), password: text }).map((b) => ({ type: 'basic', ...b }) as Credential),
      fc
        .record({ accessKeyId: printable, secretAccessKey: printable, sessionToken: fc.option(printable, { nil: null }) })
        .map((s) => ({ type: 's3', ...s }) as Credential),
    );
    const key = fc.string({ unit: 'binary', minLength: 1, maxLength: 10 });
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(key, credential), { selector: ([k]) => k, maxLength: 6 }), (entries) => {
        const doc = new Map(entries.map(([k, c]) => [k, encodeCredential(c)]));
        const written = serializeCredentialsDocument(doc);
        expect(written).toBe(serdeDocument(entries));
        // And what serde_json writes reads back as the same credentials.
        const read = parseCredentialsDocument(serdeDocument(entries));
        expect(new Map([...read].map(([k, raw]) => [k, decodeCredential(raw)]))).toEqual(new Map(entries));
      }),
    );
  });

  it('serde_json bytes: control characters in a pixi-written secret are read, and kept byte for byte when another key changes', async () => {
    // Written as serde_json writes it: \n and \t short, other C0 controls as \u00XX, DEL raw.
    const pixiWritten =
      '{' +
      '"*.anaconda.org":{"CondaToken":"xy-72b9"},' +
      '"münchen.example":{"BasicHTTP":{"username":"jörg","password":"p\\u0001\\n\\t\u007fä👍\\"\\\\"}},' +
      '"prefix.dev":{"OAuth":{"access_token":"at-1","refresh_token":"rt-1","expires_at":1760000000,"token_endpoint":"https://prefix.dev/api/oauth/token","revocation_endpoint":null,"client_id":"rattler","issuer_url":"https://prefix.dev","scopes":[]}},' +
      '"s3://rattler-s3-testing/channel":{"S3Credentials":{"access_key_id":"minioadmin","secret_access_key":"minioadmin","session_token":null}}' +
      '}';
    const path = join(tempDir(), 'credentials.json');
    writeFileSync(path, pixiWritten);
    const store = new FileStore({ path });
    expect(await store.get('münchen.example')).toEqual({ type: 'basic', username: 'jörg', password: 'p\u0001\n\t\u007fä👍"\\' });

    await store.set('repo.prefix.dev', { type: 'bearer', token: 'pfx_new' });
    const added =
      '{' +
      '"*.anaconda.org":{"CondaToken":"xy-72b9"},' +
      '"münchen.example":{"BasicHTTP":{"username":"jörg","password":"p\\u0001\\n\\t\u007fä👍\\"\\\\"}},' +
      '"prefix.dev":{"OAuth":{"access_token":"at-1","refresh_token":"rt-1","expires_at":1760000000,"token_endpoint":"https://prefix.dev/api/oauth/token","revocation_endpoint":null,"client_id":"rattler","issuer_url":"https://prefix.dev","scopes":[]}},' +
      '"repo.prefix.dev":{"BearerToken":"pfx_new"},' +
      '"s3://rattler-s3-testing/channel":{"S3Credentials":{"access_key_id":"minioadmin","secret_access_key":"minioadmin","session_token":null}}' +
      '}';
    expect(bytes(path).equals(utf8(added))).toBe(true);

    expect(await store.delete('*.anaconda.org')).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe(added.replace('"*.anaconda.org":{"CondaToken":"xy-72b9"},', ''));
  });

  it("serde_json bytes: the shared fixture is read, and a rewrite keeps every other entry's bytes", async () => {
    const path = join(tempDir(), 'credentials.json');
    copyFileSync(fixture('rattler-credentials.json'), path);
    const original = parseCredentialsDocument(readFileSync(path, 'utf8'));
    const store = new FileStore({ path });
    expect(await store.list()).toEqual([...original.keys()].sort());

    await store.set('new.example.com', bearer('added'));
    let text = readFileSync(path, 'utf8');
    for (const [key, raw] of original) expect(text).toContain(`${JSON.stringify(key)}:${raw}`);
    expect(text).toContain('"new.example.com":{"BearerToken":"added"}');
    expect(text.endsWith('}')).toBe(true); // serde_json writes no trailing newline

    await store.delete('myserver.com');
    text = readFileSync(path, 'utf8');
    for (const [key, raw] of original) {
      if (key !== 'myserver.com') expect(text).toContain(`${JSON.stringify(key)}:${raw}`);
    }
    expect(text).not.toContain('myserver.com');
    expect(Object.keys(JSON.parse(text) as object)).toEqual(['*.anaconda.org', '*.prefix.dev', 'new.example.com', 'prefix.dev', 's3://my-bucket/channel']);
  });
});

describe('rattler_networking authentication.rs: the credential JSON', () => {
  const legacy = (token: string) =>
    `{"OAuth":{"access_token":${JSON.stringify(token)},"refresh_token":"refresh","expires_at":null,"token_endpoint":"https://issuer.example/token","revocation_endpoint":null,"client_id":"test-client"}}`;

  it('rattler_networking authentication/tests.rs: legacy_credentials_round_trip_without_metadata', () => {
    const raw = legacy('opaque');
    const decoded = decodeCredential(raw);
    expect(decoded).toMatchObject({ type: 'oauth', accessToken: 'opaque', refreshToken: 'refresh', expiresAt: null, clientId: 'test-client' });
    expect(encodeCredential(decoded)).toBe(raw);
  });

  it('rattler_networking authentication/tests.rs: opaque_grant_metadata_round_trips_including_empty_grants', () => {
    // Newer rattler adds issuer_url, scopes and oidc after client_id; nothing another tool wrote is lost.
    for (const scopes of ['["custom:read","custom:write"]', '[]']) {
      const metadata = `,"issuer_url":"https://issuer.example","scopes":${scopes},"oidc":{"requested_scopes":["openid","offline_access"],"id_token_verified":true}`;
      const raw = legacy('opaque').replace(/\}\}$/, `${metadata}}}`);
      expect(encodeCredential(decodeCredential(raw))).toBe(raw);
    }
  });
});

describe('rattler_networking backends/netrc.rs: netrc', () => {
  it('rattler_networking backends/netrc.rs: test_file_storage', async () => {
    const path = join(tempDir(), '.testnetrc');
    writeFileSync(path, 'machine mainmachine\nlogin test\npassword password\n');
    const store = new NetrcStore({ path });
    expect(await store.get('mainmachine')).toEqual({ type: 'basic', username: 'test', password: 'password' });
    expect(await store.get('test_unknown')).toBeUndefined();
  });
});
