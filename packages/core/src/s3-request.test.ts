import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveLocalhostSubdomains, type S3Server, startS3Server } from '@auth/test-support/s3-server';
import type { Credential, S3Credential } from './credential.js';
import { isAuthError } from './errors.js';
import { candidateKeys } from './match.js';
import { decodeCredential, parseCredentialsDocument } from './rattler.js';
import { type S3RequestInput, s3RequestFor } from './s3-request.js';

const KEY_ID = 'AKIDCHANNEL';
const SECRET = 'chan/nel+Secret=0123456789abcdefghij';
const TEMP_ID = 'ASIATEMPORARY';
const TEMP_SECRET = 'temporary/Secret+value';
const TOKEN = 'FwoGZXIvYXdzEXAMPLE/session+token==';
const stored: S3Credential = { type: 's3', accessKeyId: KEY_ID, secretAccessKey: SECRET, sessionToken: null };

const PACKAGE = randomBytes(4096);
const REPODATA = JSON.stringify({
  info: { subdir: 'noarch' },
  packages: { 'demo-1.0-0.tar.bz2': { name: 'demo', version: '1.0', build: '0', build_number: 0, depends: [], size: PACKAGE.length } },
});

let server: S3Server;
beforeAll(async () => {
  server = await startS3Server({
    accounts: { [KEY_ID]: { secretAccessKey: SECRET }, [TEMP_ID]: { secretAccessKey: TEMP_SECRET, sessionToken: TOKEN } },
    buckets: {
      'my-bucket': { 'channel/noarch/repodata.json': REPODATA, 'channel/noarch/demo-1.0-0.tar.bz2': PACKAGE, 'odd key/ü+~.txt': 'odd' },
    },
  });
});
afterAll(() => server.close());

/** Options that point `my-bucket` at the loopback server in path style. */
const pathStyle = (): S3RequestInput['s3'] => ({ 'my-bucket': { endpointUrl: server.origin, region: 'eu-central-1', forcePathStyle: true } });

async function presigned(url: string, input: S3RequestInput): Promise<string> {
  const request = await s3RequestFor(url, { env: {}, ...input });
  if (!request) throw new Error('expected an S3 request');
  return request.url;
}

function emptyHome(): string {
  return mkdtempSync(join(tmpdir(), 'auth-s3-home-'));
}

function awsHome(files: { credentials?: string; config?: string }): string {
  const dir = emptyHome();
  mkdirSync(join(dir, '.aws'));
  if (files.credentials !== undefined) writeFileSync(join(dir, '.aws', 'credentials'), files.credentials);
  if (files.config !== undefined) writeFileSync(join(dir, '.aws', 'config'), files.config);
  return dir;
}

describe('a conda channel in an S3 bucket, through presigned URLs and Node fetch', () => {
  it('fetches repodata.json and the package in path style, every request verified by both signers', async () => {
    const before = server.seen.length;
    const repodata = await fetch(await presigned('s3://my-bucket/channel/noarch/repodata.json', { storedCredential: stored, s3: pathStyle() }));
    expect(repodata.status).toBe(200);
    const listed = Object.keys(((await repodata.json()) as { packages: object }).packages);
    expect(listed).toEqual(['demo-1.0-0.tar.bz2']);
    const pkg = await fetch(await presigned(`s3://my-bucket/channel/noarch/${listed[0]}`, { storedCredential: stored, s3: pathStyle() }));
    expect(pkg.status).toBe(200);
    expect(Buffer.from(await pkg.arrayBuffer()).equals(PACKAGE)).toBe(true);
    const seen = server.seen.slice(before);
    expect(seen.map((s) => [s.bucket, s.key, s.status, s.verifiedBy])).toEqual([
      ['my-bucket', 'channel/noarch/repodata.json', 200, ['@smithy/signature-v4', 'aws4']],
      ['my-bucket', `channel/noarch/${listed[0]}`, 200, ['@smithy/signature-v4', 'aws4']],
    ]);
    expect(seen.every((s) => s.host === `127.0.0.1:${server.port}`)).toBe(true);
  });

  it('fetches it in virtual-host style from bucket.localhost', async () => {
    const undo = resolveLocalhostSubdomains();
    try {
      const s3 = { 'my-bucket': { endpointUrl: server.localhostOrigin, region: 'eu-central-1', forcePathStyle: false } };
      const url = await presigned('s3://my-bucket/channel/noarch/repodata.json', { storedCredential: stored, s3 });
      expect(url.startsWith(`http://my-bucket.localhost:${server.port}/channel/noarch/repodata.json?`)).toBe(true);
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe(REPODATA);
      expect(server.seen.at(-1)).toMatchObject({ host: `my-bucket.localhost:${server.port}`, bucket: 'my-bucket', status: 200 });
    } finally {
      undo();
    }
  });

  it('sends a presigned HEAD with node:http and a virtual host header', async () => {
    const s3 = { 'my-bucket': { endpointUrl: server.localhostOrigin, region: 'eu-central-1', forcePathStyle: false } };
    const url = new URL(await presigned('s3://my-bucket/channel/noarch/demo-1.0-0.tar.bz2', { storedCredential: stored, s3, method: 'HEAD' }));
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: server.port, method: 'HEAD', path: url.pathname + url.search, headers: { host: url.host } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(200);
    // The same URL used for GET is refused: the method is signed.
    const get = await fetch(`${server.origin}${url.pathname}${url.search}`, { headers: {} });
    expect(get.status).toBe(403);
  });

  it('encodes odd keys the way both signers do', async () => {
    const response = await fetch(await presigned('s3://my-bucket/odd%20key/%C3%BC+~.txt', { storedCredential: stored, s3: pathStyle() }));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('odd');
  });

  it('signs with a session token from the environment', async () => {
    const env = { AWS_ACCESS_KEY_ID: TEMP_ID, AWS_SECRET_ACCESS_KEY: TEMP_SECRET, AWS_SESSION_TOKEN: TOKEN, HOME: emptyHome() };
    const request = await s3RequestFor('s3://my-bucket/channel/noarch/repodata.json', { env, s3: pathStyle() });
    expect(request?.source).toBe('environment');
    expect(new URL(request!.url).searchParams.get('X-Amz-Security-Token')).toBe(TOKEN);
    expect((await fetch(request!.url)).status).toBe(200);
  });

  it('is refused with a wrong session token, a wrong secret or an unknown key id', async () => {
    const cases: [Credential, string][] = [
      [{ type: 's3', accessKeyId: TEMP_ID, secretAccessKey: TEMP_SECRET, sessionToken: 'other-token' }, 'InvalidToken'],
      [{ type: 's3', accessKeyId: TEMP_ID, secretAccessKey: TEMP_SECRET }, 'InvalidToken'],
      [{ type: 's3', accessKeyId: KEY_ID, secretAccessKey: `${SECRET}x` }, 'SignatureDoesNotMatch'],
      [{ type: 's3', accessKeyId: 'AKIDUNKNOWN', secretAccessKey: SECRET }, 'InvalidAccessKeyId'],
    ];
    for (const [credential, code] of cases) {
      const response = await fetch(await presigned('s3://my-bucket/channel/noarch/repodata.json', { storedCredential: credential, s3: pathStyle() }));
      expect(response.status).toBe(403);
      expect(await response.text()).toContain(`<Code>${code}</Code>`);
    }
  });

  it('is refused when the URL is changed after signing', async () => {
    const url = await presigned('s3://my-bucket/channel/noarch/repodata.json', { storedCredential: stored, s3: pathStyle() });
    const tampered = url.replace('/noarch/repodata.json', '/noarch/demo-1.0-0.tar.bz2');
    const response = await fetch(tampered);
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('SignatureDoesNotMatch');
  });
});

describe('expiry and clock skew, against the verifier', () => {
  const at = (offsetSeconds: number) => new Date(Date.now() + offsetSeconds * 1000);
  const status = async (input: Partial<S3RequestInput>) =>
    (await fetch(await presigned('s3://my-bucket/channel/noarch/repodata.json', { storedCredential: stored, s3: pathStyle(), ...input }))).status;

  it("reports the expiry, rattler's 300 seconds by default", async () => {
    const now = new Date('2026-03-01T00:00:00Z');
    const request = await s3RequestFor('s3://my-bucket/x', { storedCredential: stored, s3: pathStyle(), env: {}, now });
    expect(request?.expiresAt.toISOString()).toBe('2026-03-01T00:05:00.000Z');
  });

  it('works while valid and is refused once expired', async () => {
    expect(await status({ now: at(-240) })).toBe(200);
    expect(await status({ now: at(-360) })).toBe(403);
    expect(await status({ now: at(-3500), expiresIn: 3600 })).toBe(200);
    expect(await status({ now: at(-3700), expiresIn: 3600 })).toBe(403);
  });

  it('tolerates a client clock up to 15 minutes ahead, not more', async () => {
    expect(await status({ now: at(600) })).toBe(200);
    expect(await status({ now: at(1200) })).toBe(403);
  });
});

describe('credential order', () => {
  const envKeys = { AWS_ACCESS_KEY_ID: 'AKIDENV', AWS_SECRET_ACCESS_KEY: 'envsecret' };
  const keyIdOf = (url: string) => new URL(url).searchParams.get('X-Amz-Credential')?.split('/')[0];

  it('uses the stored credential first, then the environment, then the AWS profile', async () => {
    const HOME = awsHome({ credentials: '[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = filesecret\n' });
    const url = 's3://my-bucket/channel/noarch/repodata.json';
    expect(keyIdOf(await presigned(url, { storedCredential: stored, env: { ...envKeys, HOME } }))).toBe(KEY_ID);
    expect(keyIdOf(await presigned(url, { env: { ...envKeys, HOME } }))).toBe('AKIDENV');
    const fromFile = await s3RequestFor(url, { env: { HOME } });
    expect(fromFile?.source).toBe('aws-profile');
    expect(keyIdOf(fromFile!.url)).toBe('AKIDFILE');
  });

  it('ignores a stored credential that is not an S3 one', async () => {
    const request = await s3RequestFor('s3://my-bucket/a', { storedCredential: { type: 'bearer', token: 'tok' }, env: { ...envKeys } });
    expect(request?.source).toBe('environment');
  });

  it('finds a pixi credential stored under the bucket name or under an s3:// prefix', async () => {
    for (const key of ['my-bucket', 's3://my-bucket', 's3://my-bucket/channel']) {
      const document = parseCredentialsDocument(
        `{"${key}":{"S3Credentials":{"access_key_id":"${KEY_ID}","secret_access_key":"${SECRET.replace(/\//g, '\\/')}","session_token":null}}}`,
      );
      const url = 's3://my-bucket/channel/noarch/repodata.json';
      // The bucket name first (pixi's key), then its s3:// prefixes, as the design's lookup order says.
      const lookup = [new URL(url).host, ...candidateKeys(url)].find((k) => document.has(k));
      expect(lookup).toBe(key);
      const response = await fetch(await presigned(url, { storedCredential: decodeCredential(document.get(lookup!)!), s3: pathStyle() }));
      expect(response.status).toBe(200);
    }
  });

  it('reads AWS_PROFILE from AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE', async () => {
    const dir = emptyHome();
    writeFileSync(join(dir, 'creds'), `[ci]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n`);
    writeFileSync(join(dir, 'conf'), `[profile ci]\nregion = eu-central-1\ns3 =\n  endpoint_url = ${server.origin}\n  addressing_style = path\n`);
    const env = { AWS_PROFILE: 'ci', AWS_SHARED_CREDENTIALS_FILE: join(dir, 'creds'), AWS_CONFIG_FILE: join(dir, 'conf') };
    const request = await s3RequestFor('s3://my-bucket/channel/noarch/repodata.json', { env });
    expect(request).toMatchObject({ source: 'aws-profile', region: 'eu-central-1', bucket: 'my-bucket', key: 'channel/noarch/repodata.json' });
    expect(request!.url.startsWith(`${server.origin}/my-bucket/channel/noarch/repodata.json?`)).toBe(true);
    expect((await fetch(request!.url)).status).toBe(200);
  });

  it('does not read the AWS files when the stored credential and the bucket options say everything', async () => {
    const HOME = emptyHome();
    mkdirSync(join(HOME, '.aws', 'config'), { recursive: true });
    // ~/.aws/config is a folder: reading it would throw.
    await expect(presigned('s3://my-bucket/a', { storedCredential: stored, s3: pathStyle(), env: { HOME } })).resolves.toContain(server.origin);
    await expect(s3RequestFor('s3://my-bucket/a', { storedCredential: stored, env: { HOME } })).rejects.toMatchObject({ reason: 'config-unreadable' });
  });

  it('falls back to us-east-1 and AWS when nothing names a region or endpoint', async () => {
    const url = await presigned('s3://my-bucket/a', { storedCredential: stored, env: { HOME: emptyHome() } });
    expect(url.startsWith('https://my-bucket.s3.us-east-1.amazonaws.com/a?')).toBe(true);
    expect(url).toContain('%2Fus-east-1%2Fs3%2Faws4_request');
  });

  it('lets bucket options win over the AWS environment for region and endpoint', async () => {
    const env = { AWS_REGION: 'ap-east-1', AWS_ENDPOINT_URL: 'http://other:1' };
    const url = await presigned('s3://my-bucket/a', { storedCredential: stored, s3: pathStyle(), env });
    expect(url.startsWith(`${server.origin}/my-bucket/a?`)).toBe(true);
    expect(url).toContain('%2Feu-central-1%2F');
    const other = await presigned('s3://other-bucket/a', { storedCredential: stored, s3: pathStyle(), env });
    expect(other.startsWith('http://other-bucket.other:1/a?')).toBe(true);
  });
});

// rattler_networking's s3_middleware tests, ported.
describe("rattler's S3 middleware cases", () => {
  const url = 's3://rattler-s3-testing/channel/noarch/repodata.json';
  const minio = { AWS_ACCESS_KEY_ID: 'minioadmin', AWS_SECRET_ACCESS_KEY: 'minioadmin' };
  const config = `
[profile default]
aws_access_key_id = minioadmin
aws_secret_access_key = minioadmin
region = eu-central-1

[profile packages]
aws_access_key_id = minioadmin
aws_secret_access_key = minioadmin
endpoint_url = http://localhost:9000
region = eu-central-1

[profile public]
endpoint_url = http://localhost:9000
region = eu-central-1
`;
  const configFile = () => {
    const path = join(emptyHome(), 'aws.config');
    writeFileSync(path, config);
    return path;
  };

  it('test_presigned_s3_request_endpoint_url', async () => {
    const signed = await presigned(url, { env: { ...minio, AWS_REGION: 'eu-central-1', AWS_ENDPOINT_URL: 'http://custom-aws' } });
    expect(signed.startsWith('http://rattler-s3-testing.custom-aws/channel/noarch/repodata.json?')).toBe(true);
  });

  it('test_presigned_s3_request_aws', async () => {
    const signed = await presigned(url, { env: { ...minio, AWS_REGION: 'eu-central-1' } });
    expect(signed.startsWith('https://rattler-s3-testing.s3.eu-central-1.amazonaws.com/channel/noarch/repodata.json?')).toBe(true);
  });

  it('test_presigned_s3_request_custom_config_from_env', async () => {
    const signed = await presigned(url, { env: { AWS_CONFIG_FILE: configFile(), AWS_PROFILE: 'packages' } });
    expect(signed).toContain('localhost:9000');
    expect(new URL(signed).pathname).toBe('/rattler-s3-testing/channel/noarch/repodata.json');
  });

  it('test_presigned_s3_request_env_precedence', async () => {
    const signed = await presigned(url, { env: { AWS_ENDPOINT_URL: 'http://localhost:9000', AWS_CONFIG_FILE: configFile() } });
    expect(signed).toContain('localhost:9000');
  });

  it('test_presigned_s3_request_custom_config', async () => {
    const document = parseCredentialsDocument(
      '{"s3://rattler-s3-testing/channel":{"S3Credentials":{"access_key_id":"minioadmin","secret_access_key":"minioadmin"}}}',
    );
    const signed = new URL(
      await presigned(url, {
        storedCredential: decodeCredential(document.get('s3://rattler-s3-testing/channel')!),
        s3: { 'rattler-s3-testing': { endpointUrl: 'http://localhost:9000', region: 'eu-central-1', forcePathStyle: true } },
      }),
    );
    expect(signed.pathname).toBe('/rattler-s3-testing/channel/noarch/repodata.json');
    expect(signed.protocol).toBe('http:');
    expect(signed.hostname).toBe('localhost');
    expect(signed.search).toContain('X-Amz-Credential');
  });

  it('test_presigned_s3_request_no_credentials', async () => {
    const s3 = { 'rattler-s3-testing': { endpointUrl: 'http://localhost:9000', region: 'eu-central-1', forcePathStyle: true } };
    const error = await s3RequestFor(url, { s3, env: { HOME: emptyHome() } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'S3_FAILED', reason: 'no-credentials', bucket: 'rattler-s3-testing' });
    expect(isAuthError(error, 'S3_FAILED')).toBe(true);
    expect((error as Error).message).toContain('no S3 credentials for bucket "rattler-s3-testing"');
  });

  it('test_presigned_s3_request_public_bucket_aws', async () => {
    await expect(s3RequestFor(url, { env: { AWS_CONFIG_FILE: configFile(), AWS_PROFILE: 'public' } })).rejects.toMatchObject({ reason: 'no-credentials' });
  });
});

describe('s3RequestFor', () => {
  it('leaves URLs of other schemes alone', async () => {
    expect(await s3RequestFor('https://repo.prefix.dev/x', { storedCredential: stored })).toBeUndefined();
  });

  it('says what to do when a profile uses SSO', async () => {
    const HOME = awsHome({ config: '[default]\nsso_session = corp\nregion = eu-central-1\n' });
    await expect(s3RequestFor('s3://my-bucket/a', { env: { HOME } })).rejects.toThrow(/uses AWS SSO.*export-credentials/);
  });

  it.each([
    ['credentials in the URL', `s3://AKID:${encodeURIComponent(SECRET)}@my-bucket/a`, 'contains credentials'],
    ['a query', 's3://my-bucket/a?versionId=1', 'has a query'],
    ['an escape sequence in the bucket', 's3://my\u001bbucket/a', 'does not name a bucket'],
    ['no object', 's3://my-bucket/', 'names no object'],
    ['a bad percent-encoding', 's3://my-bucket/%E0%A4%A', 'malformed percent-encoding'],
    ['text that is not a URL', `s3://AKID:${SECRET}@my bucket/a`, 'not a URL'],
  ])('refuses an S3 URL with %s, without showing a secret', async (_what, url, words) => {
    const error = await s3RequestFor(url, { storedCredential: stored, env: {} }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'S3_FAILED' });
    expect((error as Error).message).toContain(words);
    const shown = `${(error as Error).message}${inspect(error, { depth: 5 })}${JSON.stringify(error)}`;
    expect(shown).not.toContain(SECRET);
    expect(shown).not.toContain(encodeURIComponent(SECRET));
  });

  it('shows no signature, token or secret when the request or an error is inspected', async () => {
    const credential: S3Credential = { type: 's3', accessKeyId: TEMP_ID, secretAccessKey: TEMP_SECRET, sessionToken: TOKEN };
    const request = await s3RequestFor('s3://my-bucket/channel/noarch/repodata.json', { storedCredential: credential, s3: pathStyle(), env: {} });
    const signature = new URL(request!.url).searchParams.get('X-Amz-Signature')!;
    const shown = `${inspect(request)}${inspect([request], { depth: 5 })}`;
    expect(shown).toContain('X-Amz-Signature=***');
    for (const secret of [signature, TOKEN, encodeURIComponent(TOKEN), TEMP_SECRET]) expect(shown).not.toContain(secret);

    const failed = await s3RequestFor('s3://my-bucket/a', { storedCredential: { ...credential, secretAccessKey: `${TEMP_SECRET}\r\n` }, env: {} }).catch((e: unknown) => e);
    const errorText = `${(failed as Error).message}${inspect(failed, { depth: 5 })}`;
    expect(errorText).not.toContain(TEMP_SECRET);
    expect(errorText).not.toContain(TOKEN);
  });
});
