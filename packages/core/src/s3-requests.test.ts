import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import got from 'got';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveLocalhostSubdomains, type S3Server, startS3Server } from '@auth/test-support/s3-server';
import { createAuthenticator } from './authenticator.js';
import type { Credential } from './credential.js';
import { isAuthError } from './errors.js';
import { createFetch } from './fetch.js';
import { authGot } from './got.js';
import { MemoryStore } from './store.js';

/**
 * `s3://` URLs through decorate, `@auth/core/got` and `@auth/core/fetch`, against a loopback S3
 * that checks every signature with AWS's own signer (@smithy/signature-v4) and aws4.
 */

const SECRET = 'wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY';
const SESSION_SECRET = 'session-secret-access-key-for-tests';
const SESSION_TOKEN = 'FwoGZXIvYXdzEJr-a-session-token-for-tests';
const REPODATA = '{"info":{"subdir":"noarch"},"packages":{}}';
const PACKAGE = new Uint8Array([0x42, 0x5a, 0x68, 0x39, 0x00, 0xff, 0x10, 0x80]);

let s3: S3Server;
let undoDns: () => void;
// No real ~/.aws and no AWS variables from the machine running the tests.
const env = { HOME: mkdtempSync(join(tmpdir(), 's3-requests-home-')) };

beforeAll(async () => {
  s3 = await startS3Server({
    accounts: { AKIDEXAMPLE: { secretAccessKey: SECRET }, ASIASESSION: { secretAccessKey: SESSION_SECRET, sessionToken: SESSION_TOKEN } },
    buckets: { 'my-bucket': { 'conda/noarch/repodata.json': REPODATA, 'conda/noarch/pkg-1.0-0.tar.bz2': PACKAGE } },
  });
  undoDns = resolveLocalhostSubdomains();
});
afterAll(async () => {
  undoDns();
  await s3.close();
});

const keys: Credential = { type: 's3', accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET, sessionToken: null };
const sessionKeys: Credential = { type: 's3', accessKeyId: 'ASIASESSION', secretAccessKey: SESSION_SECRET, sessionToken: SESSION_TOKEN };
const wrongKeys: Credential = { type: 's3', accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-the-secret', sessionToken: null };

type Style = 'path' | 'virtual-host';
const bucketOptions = (style: Style) =>
  style === 'path'
    ? { 'my-bucket': { endpointUrl: s3.origin, region: 'eu-central-1', forcePathStyle: true } }
    : { 'my-bucket': { endpointUrl: s3.localhostOrigin, region: 'eu-central-1', forcePathStyle: false } };

function authenticator(storeKey: string | undefined, credential: Credential, style: Style, extraEnv: Record<string, string> = {}) {
  const store = new MemoryStore(storeKey ? [[storeKey, credential]] : []);
  return createAuthenticator({ store, s3: bucketOptions(style), env: { ...env, ...extraEnv } });
}

const REPODATA_URL = 's3://my-bucket/conda/noarch/repodata.json';
const PACKAGE_URL = 's3://my-bucket/conda/noarch/pkg-1.0-0.tar.bz2';
const SIGNATURE = /X-Amz-Signature=[0-9a-f]{64}/;

/** The verifier's judgement of the last request: what it checked and which signers agreed. */
const lastSeen = () => s3.seen.at(-1);

describe('s3:// URLs are fetched as presigned URLs', () => {
  for (const style of ['path', 'virtual-host'] as const) {
    for (const [form, storeKey] of [
      ['bucket key (pixi)', 'my-bucket'],
      ['s3:// key (rattler)', 's3://my-bucket/conda'],
    ] as const) {
      for (const [what, credential] of [
        ['static keys', keys],
        ['a session token', sessionKeys],
      ] as const) {
        it(`a conda channel in a bucket, ${style} style, ${form}, ${what}: repodata and a package through got and fetch`, async () => {
          const auth = authenticator(storeKey, credential, style);
          const client = authGot(got, auth);
          const repodata = await client(REPODATA_URL, { retry: { limit: 0 } });
          expect(repodata.statusCode).toBe(200);
          expect(repodata.body).toBe(REPODATA);
          expect(lastSeen()).toMatchObject({ bucket: 'my-bucket', key: 'conda/noarch/repodata.json', status: 200 });
          expect(lastSeen()?.host).toBe(style === 'path' ? `127.0.0.1:${s3.port}` : `my-bucket.localhost:${s3.port}`);
          expect(lastSeen()?.verifiedBy.length).toBeGreaterThanOrEqual(2);
          const pkg = await client(PACKAGE_URL, { retry: { limit: 0 } }).buffer();
          expect(new Uint8Array(pkg)).toEqual(PACKAGE);

          const authFetch = createFetch(auth);
          const viaFetch = await authFetch(REPODATA_URL);
          expect(viaFetch.status).toBe(200);
          expect(await viaFetch.text()).toBe(REPODATA);
          // What a caller sees of the response is the URL it asked for, not the signature.
          expect(viaFetch.url).toBe(REPODATA_URL);
          const pkgViaFetch = await authFetch(PACKAGE_URL);
          expect(new Uint8Array(await pkgViaFetch.arrayBuffer())).toEqual(PACKAGE);
          expect(lastSeen()?.status).toBe(200);
        });
      }
    }
  }

  it("AWS's environment signs when nothing is stored (the no-resolution path)", async () => {
    const auth = authenticator(undefined, keys, 'path', { AWS_ACCESS_KEY_ID: 'ASIASESSION', AWS_SECRET_ACCESS_KEY: SESSION_SECRET, AWS_SESSION_TOKEN: SESSION_TOKEN });
    expect(await auth.resolve(REPODATA_URL)).toBeUndefined();
    const response = await createFetch(auth)(REPODATA_URL);
    expect(response.status).toBe(200);
    expect(new URL((await auth.decorate({ url: REPODATA_URL })).url).searchParams.get('X-Amz-Credential')).toMatch(/^ASIASESSION\//);
  });

  it('a stored credential wins over the environment', async () => {
    const auth = authenticator('my-bucket', keys, 'path', { AWS_ACCESS_KEY_ID: 'AKIDOTHER', AWS_SECRET_ACCESS_KEY: 'other' });
    const out = new URL((await auth.decorate({ url: REPODATA_URL })).url);
    expect(out.searchParams.get('X-Amz-Credential')).toMatch(/^AKIDEXAMPLE\//);
  });

  it('no credentials anywhere: a typed error that says what to do, and nothing is signed', async () => {
    const auth = authenticator(undefined, keys, 'path');
    const error = await auth.decorate({ url: REPODATA_URL }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isAuthError(error, 'S3_FAILED')).toBe(true);
    expect(String(error)).toContain('auth login s3://my-bucket');
  });

  it('HEAD through got.head is presigned for HEAD (the method is signed)', async () => {
    const client = authGot(got, authenticator('my-bucket', keys, 'path'));
    const response = await client.head(REPODATA_URL, { retry: { limit: 0 } });
    expect(response.statusCode).toBe(200);
    expect(lastSeen()).toMatchObject({ method: 'HEAD', status: 200 });
  });

  it('got takes the s3:// URL in every position: first argument, options.url, a plain object, got.stream and extensions', async () => {
    const client = authGot(got, authenticator('my-bucket', keys, 'path')).extend({ retry: { limit: 0 } });
    expect((await client({ url: REPODATA_URL })).body).toBe(REPODATA);
    expect((await (client as unknown as (u: undefined, o: { url: string }) => Promise<{ body: string }>)(undefined, { url: REPODATA_URL })).body).toBe(REPODATA);
    expect((await client.get(REPODATA_URL)).body).toBe(REPODATA);
    const chunks: Buffer[] = [];
    for await (const chunk of client.stream(REPODATA_URL)) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe(REPODATA);
  });

  it('a wrong secret gets 403, and no signature, secret or session token is in the error, its inspection or its message', async () => {
    const auth = authenticator('my-bucket', wrongKeys, 'path');
    const client = authGot(got, auth);
    const error = await client(REPODATA_URL, { retry: { limit: 0 } }).then(
      () => undefined,
      (e: unknown) => e as Error & { response?: { statusCode?: number } },
    );
    expect(error?.response?.statusCode).toBe(403);
    expect(lastSeen()?.code).toBe('SignatureDoesNotMatch');
    for (const shown of [inspect(error, { depth: 10 }), String(error), error?.stack ?? '', JSON.stringify(error ?? {})]) {
      expect(shown).not.toMatch(SIGNATURE);
      expect(shown).not.toContain('not-the-secret');
    }
    const viaFetch = await createFetch(auth)(REPODATA_URL);
    expect(viaFetch.status).toBe(403);
    expect(viaFetch.url).not.toMatch(SIGNATURE);

    const session = authenticator('my-bucket', { ...sessionKeys, secretAccessKey: 'wrong' }, 'path');
    const sessionError = await authGot(got, session)(REPODATA_URL, { retry: { limit: 0 } }).catch((e: unknown) => e);
    expect(inspect(sessionError, { depth: 10 })).not.toContain(SESSION_TOKEN);
    expect(inspect(sessionError, { depth: 10 })).not.toMatch(SIGNATURE);
  });

  it('util.inspect of what the authenticator applied shows no signature', async () => {
    const auth = authenticator('my-bucket', keys, 'path');
    const applied = await auth.applicationFor(REPODATA_URL);
    expect(applied?.application.kind).toBe('url');
    expect(inspect(applied, { depth: 5 })).not.toMatch(SIGNATURE);
  });
});

describe('a redirect from a presigned URL', () => {
  let endpoint: Server;
  let other: Server;
  let otherOrigin: string;
  const otherSeen: string[] = [];

  beforeAll(async () => {
    other = createServer((req, res) => {
      otherSeen.push(req.url ?? '');
      res.end('elsewhere');
    });
    other.listen(0, '127.0.0.1');
    await once(other, 'listening');
    otherOrigin = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    // An endpoint that sends every request on to another origin, echoing path and query.
    endpoint = createServer((req, res) => {
      res.writeHead(307, { location: `${otherOrigin}${req.url}` });
      res.end();
    });
    endpoint.listen(0, '127.0.0.1');
    await once(endpoint, 'listening');
  });
  afterAll(() => {
    endpoint.close();
    other.close();
  });

  function redirecting() {
    const endpointUrl = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}`;
    return createAuthenticator({
      store: new MemoryStore([['my-bucket', sessionKeys]]),
      s3: { 'my-bucket': { endpointUrl, region: 'eu-central-1', forcePathStyle: true } },
      env,
    });
  }

  it('does not carry the signature, key id or session token to another origin (got and fetch)', async () => {
    otherSeen.length = 0;
    const auth = redirecting();
    expect((await authGot(got, auth)(REPODATA_URL, { retry: { limit: 0 } })).body).toBe('elsewhere');
    expect((await createFetch(auth)(REPODATA_URL)).status).toBe(200);
    expect(otherSeen).toHaveLength(2);
    for (const url of otherSeen) {
      expect(url).toBe('/my-bucket/conda/noarch/repodata.json');
    }
  });
});
