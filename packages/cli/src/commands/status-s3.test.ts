import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandbox } from '@auth/test-support/cli';
import { type S3Server, startS3Server } from '@auth/test-support/s3-server';

/** `auth status s3://bucket/key` with the built CLI against the loopback SigV4 verifier. */

const SECRET = 'status-secret-access-key-for-tests';
const URL_ = 's3://my-bucket/conda/noarch/repodata.json';
const SIGNATURE = /X-Amz-Signature=[0-9a-f]{64}/;
let s3: S3Server;

beforeAll(async () => {
  s3 = await startS3Server({ accounts: { AKIDSTATUS: { secretAccessKey: SECRET } }, buckets: { 'my-bucket': { 'conda/noarch/repodata.json': '{}' } } });
});
afterAll(() => s3.close());

/** The bucket's keys in a credentials file, as pixi writes them (keyed by the bucket name). */
function loggedIn(secret: string) {
  const s = sandbox({ keychain: false });
  const value = { S3Credentials: { access_key_id: 'AKIDSTATUS', secret_access_key: secret, session_token: null } };
  writeFileSync(join(s.home, 'c.json'), JSON.stringify({ 'my-bucket': value }));
  return s;
}

function expectNoSecrets(text: string, secret: string) {
  expect(text).not.toMatch(SIGNATURE);
  expect(text).not.toContain(secret);
}

describe('auth status s3://bucket/key', () => {
  it('the right secret: 200, with the endpoint, region and path style from flags', async () => {
    const s = loggedIn(SECRET);
    const args = ['status', URL_, '--json', '--file', 'c.json', '--s3-endpoint-url', s3.origin, '--s3-region', 'eu-west-1', '--s3-force-path-style'];
    const out = await s.authAsync(args);
    expect(out.code, out.stderr).toBe(0);
    const report = JSON.parse(out.stdout);
    expect(report).toMatchObject({ url: URL_, status: 200, ok: true, sent: 'stored', key: 'my-bucket', type: 's3' });
    expect(s3.seen.at(-1)).toMatchObject({ status: 200, bucket: 'my-bucket' });
    expect(report.finalUrl).toContain('X-Amz-Signature=***');
    expectNoSecrets(out.stdout + out.stderr, SECRET);
  });

  it('a wrong secret: 403 and exit 1, nothing secret printed', async () => {
    const s = loggedIn('a-wrong-secret-access-key');
    const out = await s.authAsync(['status', URL_, '--file', 'c.json', '--s3-endpoint-url', s3.origin]);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('HTTP 403');
    expect(s3.seen.at(-1)?.code).toBe('SignatureDoesNotMatch');
    expectNoSecrets(out.stdout + out.stderr, 'a-wrong-secret-access-key');
  });

  it('endpoint, region and addressing style from the AWS settings (~/.aws/config)', async () => {
    const s = loggedIn(SECRET);
    mkdirSync(join(s.home, '.aws'));
    writeFileSync(join(s.home, '.aws', 'config'), `[default]\nregion = ap-south-1\ns3 =\n  endpoint_url = ${s3.origin}\n  addressing_style = path\n`);
    const out = await s.authAsync(['status', URL_, '--json', '--file', 'c.json']);
    expect(out.code, out.stderr).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({ status: 200, ok: true });
    expectNoSecrets(out.stdout + out.stderr, SECRET);
  });

  it("nothing stored: AWS's keys from the environment sign it, and the report says so", async () => {
    const s = sandbox({ keychain: false });
    const env = { AWS_ACCESS_KEY_ID: 'AKIDSTATUS', AWS_SECRET_ACCESS_KEY: SECRET, AWS_ENDPOINT_URL: s3.origin };
    const out = await s.authAsync(['status', URL_, '--json', '--file', 'c.json'], { env });
    expect(out.code, out.stderr).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({ status: 200, ok: true, sent: 'aws', key: null });
  });

  it('no keys anywhere: exit 1 with what to do, and no request', async () => {
    const s = sandbox({ keychain: false });
    const before = s3.seen.length;
    const out = await s.authAsync(['status', URL_, '--file', 'c.json', '--s3-endpoint-url', s3.origin]);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('no S3 credentials for bucket "my-bucket"');
    expect(s3.seen.length).toBe(before);
  });
});
