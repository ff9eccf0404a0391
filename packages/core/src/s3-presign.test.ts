import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aws4Signature, smithySignature } from '@auth/test-support/s3-server';
import { S3Error } from './errors.js';
import { type PresignS3Input, presignS3, redactPresignedUrl } from './s3-presign.js';

// AWS's published example: "Authenticating Requests: Using Query Parameters (AWS Signature Version 4)".
const AWS_EXAMPLE: PresignS3Input = {
  method: 'GET',
  bucket: 'examplebucket',
  key: 'test.txt',
  region: 'us-east-1',
  endpointUrl: 'https://s3.amazonaws.com',
  now: new Date('2013-05-24T00:00:00Z'),
  expiresIn: 86400,
  credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
};
const SECRET = 'S3cret-that-must-never-show/+xyz';
const base = (over: Partial<PresignS3Input> = {}): PresignS3Input => ({
  method: 'GET',
  bucket: 'my-bucket',
  key: 'channel/noarch/repodata.json',
  region: 'eu-central-1',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET },
  now: new Date('2026-01-02T03:04:05Z'),
  ...over,
});

/** The test's own S3 path encoding, byte by byte. */
function referenceEncode(segment: string): string {
  return [...Buffer.from(segment, 'utf8')]
    .map((b) => (/[A-Za-z0-9\-._~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`))
    .join('');
}

describe('presignS3', () => {
  it("reproduces AWS's published presigned URL for GET examplebucket/test.txt exactly", () => {
    expect(presignS3(AWS_EXAMPLE)).toBe(
      'https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256' +
        '&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request' +
        '&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host' +
        '&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
    );
  });

  it('signs HEAD differently from GET', () => {
    const get = new URL(presignS3(AWS_EXAMPLE)).searchParams.get('X-Amz-Signature');
    const head = new URL(presignS3({ ...AWS_EXAMPLE, method: 'HEAD' })).searchParams.get('X-Amz-Signature');
    expect(head).toMatch(/^[0-9a-f]{64}$/);
    expect(head).not.toBe(get);
  });

  it('defaults to the regional AWS endpoint in virtual-host style, as rattler does', () => {
    expect(presignS3(base())).toMatch(/^https:\/\/my-bucket\.s3\.eu-central-1\.amazonaws\.com\/channel\/noarch\/repodata\.json\?/);
  });

  it("expires after rattler's 300 seconds unless told otherwise", () => {
    expect(new URL(presignS3(base())).searchParams.get('X-Amz-Expires')).toBe('300');
    expect(new URL(presignS3(base({ expiresIn: 3600 }))).searchParams.get('X-Amz-Expires')).toBe('3600');
  });

  it('carries a session token as X-Amz-Security-Token, in canonical order, and signs it', () => {
    const url = presignS3(base({ credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET, sessionToken: 'tok/en+=' } }));
    const names = [...new URL(url).searchParams.keys()];
    expect(names).toEqual([
      'X-Amz-Algorithm',
      'X-Amz-Credential',
      'X-Amz-Date',
      'X-Amz-Expires',
      'X-Amz-Security-Token',
      'X-Amz-SignedHeaders',
      'X-Amz-Signature',
    ]);
    expect(url).toContain('X-Amz-Security-Token=tok%2Fen%2B%3D&');
    const without = presignS3(base());
    expect(new URL(url).searchParams.get('X-Amz-Signature')).not.toBe(new URL(without).searchParams.get('X-Amz-Signature'));
  });

  it.each([
    ['an IP endpoint', { endpointUrl: 'http://127.0.0.1:9000' }, 'http://127.0.0.1:9000/my-bucket/'],
    ['an IPv6 endpoint', { endpointUrl: 'http://[::1]:9000', forcePathStyle: false }, 'http://[::1]:9000/my-bucket/'],
    ['a localhost endpoint (rattler)', { endpointUrl: 'http://localhost:9000' }, 'http://localhost:9000/my-bucket/'],
    ['forcePathStyle', { endpointUrl: 'https://minio.example.com', forcePathStyle: true }, 'https://minio.example.com/my-bucket/'],
    ['a dotted bucket over https', { bucket: 'my.bucket' }, 'https://s3.eu-central-1.amazonaws.com/my.bucket/'],
    ['an upper-case bucket', { bucket: 'My_Bucket' }, 'https://s3.eu-central-1.amazonaws.com/My_Bucket/'],
  ])('uses path style for %s', (_what, over, prefix) => {
    expect(presignS3(base(over))).toMatch(new RegExp(`^${prefix.replace(/[.[\]]/g, '\\$&')}channel/noarch/repodata\\.json\\?`));
  });

  it.each([
    ['a localhost endpoint when virtual hosts are asked for', { endpointUrl: 'http://localhost:9000', forcePathStyle: false }, 'http://my-bucket.localhost:9000/'],
    ['a dotted bucket over http', { bucket: 'my.bucket', endpointUrl: 'http://s3.internal:80' }, 'http://my.bucket.s3.internal/'],
    ['a custom https endpoint', { endpointUrl: 'https://s3.example.com:8443' }, 'https://my-bucket.s3.example.com:8443/'],
    ['an endpoint with a path prefix', { endpointUrl: 'https://gw.example.com/s3' }, 'https://my-bucket.gw.example.com/s3/'],
  ])('uses virtual-host style for %s', (_what, over, prefix) => {
    expect(presignS3(base(over)).startsWith(`${prefix}channel/noarch/repodata.json?`)).toBe(true);
  });

  it('encodes each key segment once, keeps "/" and leaves "~" alone', () => {
    const url = presignS3(base({ key: "a b/c+d/e~f/ü/x!'()*/%41" }));
    expect(new URL(url).pathname).toBe('/a%20b/c%2Bd/e~f/%C3%BC/x%21%27%28%29%2A/%2541');
  });

  it('encodes any key as the reference encoder does, and the URL survives WHATWG parsing unchanged', () => {
    const segment = fc.string({ unit: 'binary', maxLength: 12 }).filter((s) => s !== '.' && s !== '..' && Buffer.from(s, 'utf8').toString('utf8') === s);
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 4 }).filter((parts) => parts.join('/') !== ''), (parts) => {
        const key = parts.join('/');
        const url = presignS3(base({ endpointUrl: 'http://127.0.0.1:9000', key }));
        const expectedPath = `/my-bucket/${parts.map(referenceEncode).join('/')}`;
        expect(url.slice('http://127.0.0.1:9000'.length, url.indexOf('?'))).toBe(expectedPath);
        expect(new URL(url).href).toBe(url);
      }),
      { numRuns: 300 },
    );
  });

  it("signs exactly as AWS's own @smithy/signature-v4 and aws4 for any key, bucket, region, time, expiry and token", async () => {
    const segment = fc.string({ unit: 'binary', maxLength: 10 }).filter((s) => s !== '.' && s !== '..' && Buffer.from(s, 'utf8').toString('utf8') === s);
    const printable = fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+=-_.~'), minLength: 1, maxLength: 40 });
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          method: fc.constantFrom('GET' as const, 'HEAD' as const),
          bucket: fc.constantFrom('my-bucket', 'abc', 'a.b.c', 'Legacy_Bucket'),
          parts: fc.array(segment, { minLength: 1, maxLength: 4 }).filter((parts) => parts.join('/') !== ''),
          region: fc.constantFrom('us-east-1', 'eu-central-1', 'cn-north-1', 'auto'),
          seconds: fc.integer({ min: 0, max: 4_000_000_000 }),
          expiresIn: fc.integer({ min: 1, max: 604_800 }),
          secret: printable,
          token: fc.option(printable, { nil: undefined }),
          port: fc.constantFrom('', ':9000'),
        }),
        async (c) => {
          const key = c.parts.join('/');
          const credentials = { accessKeyId: 'AKIDPROPERTY', secretAccessKey: c.secret, sessionToken: c.token ?? null };
          const now = new Date(c.seconds * 1000);
          const url = presignS3({ method: c.method, bucket: c.bucket, key, region: c.region, credentials, now, expiresIn: c.expiresIn, endpointUrl: `http://127.0.0.1${c.port}`, forcePathStyle: true });
          const request = {
            method: c.method,
            host: `127.0.0.1${c.port}`,
            path: `/${referenceEncode(c.bucket)}/${c.parts.map(referenceEncode).join('/')}`,
            accessKeyId: 'AKIDPROPERTY',
            secretAccessKey: c.secret,
            sessionToken: c.token,
            region: c.region,
            signingDate: now,
            expiresIn: c.expiresIn,
          };
          const signature = new URL(url).searchParams.get('X-Amz-Signature');
          expect(signature).toBe(await smithySignature(request));
          expect(signature).toBe(aws4Signature(request));
        },
      ),
      { numRuns: 200 },
    );
  });

  it.each([
    ['an empty key', { key: '' }, 'names no object'],
    ['a ".." segment', { key: 'a/../b' }, '".."'],
    ['a lone surrogate', { key: 'a\ud800' }, 'not valid Unicode'],
    ['a bad bucket', { bucket: 'a/b' }, 'bucket name'],
    ['a bad region', { region: 'eu central' }, 'region'],
    ['an expiry of 0', { expiresIn: 0 }, 'expiry'],
    ['an expiry over 7 days', { expiresIn: 604_801 }, 'expiry'],
    ['a fractional expiry', { expiresIn: 1.5 }, 'expiry'],
    ['an ftp endpoint', { endpointUrl: 'ftp://host' }, 'http or https'],
    ['an endpoint with credentials', { endpointUrl: `https://u:${encodeURIComponent(SECRET)}@host` }, 'user name or password'],
    ['an unparsable endpoint holding a password', { endpointUrl: `https://u:${SECRET}@host` }, 'not a URL'],
    ['a secret with a newline', { credentials: { accessKeyId: 'AKID', secretAccessKey: `${SECRET}\n` } }, 'printable ASCII'],
    ['an invalid date', { now: new Date(Number.NaN) }, 'signing time'],
  ])('refuses %s with a typed error that holds no secret', (_what, over, words) => {
    let caught: unknown;
    try {
      presignS3(base(over as Partial<PresignS3Input>));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(Error);
    expect((caught as { code?: string }).code).toMatch(/^(S3_FAILED|INVALID_CREDENTIAL)$/);
    expect((caught as Error).message).toContain(words);
    const shown = `${(caught as Error).message}\n${inspect(caught, { depth: 5 })}\n${JSON.stringify(caught)}`;
    expect(shown).not.toContain(SECRET);
  });

  it('throws S3Error for S3 problems', () => {
    expect(() => presignS3(base({ key: '' }))).toThrow(S3Error);
  });

  it('redacts the signature, token and key id of a presigned URL', () => {
    const url = presignS3(base({ credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET, sessionToken: 'SESSIONTOKEN' } }));
    const shown = redactPresignedUrl(url);
    const signature = new URL(url).searchParams.get('X-Amz-Signature')!;
    expect(shown).not.toContain(signature);
    expect(shown).not.toContain('SESSIONTOKEN');
    expect(shown).not.toContain('AKIDEXAMPLE');
    expect(shown).toContain('X-Amz-Signature=***');
    expect(shown.startsWith('https://my-bucket.s3.eu-central-1.amazonaws.com/channel/noarch/repodata.json?')).toBe(true);
  });
});
