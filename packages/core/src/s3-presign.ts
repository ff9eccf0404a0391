// node:crypto is loaded when a URL is first signed, not when the package loads: its load pulls
// in streams and costs every CLI start-up several milliseconds.
const crypto = () => process.getBuiltinModule('node:crypto');
import { validateCredential } from './credential.js';
import { S3Error } from './errors.js';
import { defaultS3Endpoint, parseEndpoint, s3Location } from './s3-endpoint.js';
import { encodeS3Key, uriEncode } from './s3-uri.js';

/** The keys a presigned URL is signed with. */
export interface S3Keys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | null;
}

export interface PresignS3Input {
  method: 'GET' | 'HEAD';
  bucket: string;
  /** The object key as stored, not URL-encoded: `channel/noarch/repodata.json`. */
  key: string;
  credentials: S3Keys;
  region: string;
  /** `https://s3.{region}.amazonaws.com` when absent. */
  endpointUrl?: string | URL;
  /** true: path style; false: virtual host wherever possible; absent: also path style for localhost. */
  forcePathStyle?: boolean;
  /** The signing time; the current time when absent. */
  now?: Date;
  /** Seconds the URL stays valid, 1 to 604800 (7 days); rattler's 300 when absent. */
  expiresIn?: number;
}

/** rattler's S3 middleware presigns every request for five minutes. */
export const DEFAULT_S3_EXPIRES_IN = 300;
/** The longest validity SigV4 allows a presigned URL. */
export const MAX_S3_EXPIRES_IN = 604_800;

const ALGORITHM = 'AWS4-HMAC-SHA256';
// Bucket names as S3 has ever allowed them (older us-east-1 buckets have capitals and underscores).
const BUCKET = /^[A-Za-z0-9._-]{1,255}$/;
const REGION = /^[A-Za-z0-9-]{1,64}$/;

/** A bucket name S3 could have: safe to show in messages and to put in a host or path. */
export function isS3BucketName(name: string): boolean {
  return BUCKET.test(name);
}

/** `20130524T000000Z`. */
function amzDate(date: Date): string {
  return date.toISOString().replace(/[-:]|\.\d{3}/g, '');
}

function sha256Hex(text: string): string {
  return crypto().createHash('sha256').update(text, 'utf8').digest('hex');
}

function hmac(key: string | Buffer, text: string): Buffer {
  return crypto().createHmac('sha256', key).update(text, 'utf8').digest();
}

/** SigV4's derived key: the secret never signs anything directly. */
function signingKey(secret: string, day: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), service), 'aws4_request');
}

function checkInput(input: PresignS3Input): void {
  const { bucket } = input;
  if (input.method !== 'GET' && input.method !== 'HEAD') {
    throw new S3Error('invalid-options', `only GET and HEAD requests to S3 are presigned, not ${String(input.method)}`, { bucket });
  }
  if (!isS3BucketName(bucket)) throw new S3Error('invalid-url', 'the S3 bucket name may only contain letters, digits, ".", "-" and "_"', { bucket: undefined });
  if (!REGION.test(input.region)) {
    throw new S3Error('invalid-options', `the S3 region for bucket "${bucket}" must be letters, digits and "-", like eu-central-1`, { bucket });
  }
  if (input.key === '') throw new S3Error('invalid-url', `the S3 URL for bucket "${bucket}" names no object`, { bucket });
  // WHATWG URL parsing (fetch, got) removes "." and ".." segments, so such a key cannot be requested.
  if (input.key.split('/').some((segment) => segment === '.' || segment === '..')) {
    throw new S3Error('invalid-url', `an object key in bucket "${bucket}" has a "." or ".." segment, which a URL cannot carry`, { bucket });
  }
  const expiresIn = input.expiresIn ?? DEFAULT_S3_EXPIRES_IN;
  if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > MAX_S3_EXPIRES_IN) {
    throw new S3Error('invalid-options', `an S3 URL's expiry must be whole seconds from 1 to ${MAX_S3_EXPIRES_IN}`, { bucket });
  }
  if (input.now !== undefined && Number.isNaN(input.now.getTime())) {
    throw new S3Error('invalid-options', 'the signing time is not a valid date', { bucket });
  }
  validateCredential({ type: 's3', ...input.credentials });
}

function encodeKey(key: string, bucket: string): string {
  try {
    return encodeS3Key(key);
  } catch {
    // A lone UTF-16 surrogate has no UTF-8 form.
    throw new S3Error('invalid-url', `an object key in bucket "${bucket}" is not valid Unicode`, { bucket });
  }
}

/**
 * SigV4 query presigning of an S3 GET or HEAD (AWS's "Authenticating Requests: Using Query
 * Parameters"): only `host` is signed, the payload is `UNSIGNED-PAYLOAD`, a session token travels
 * (signed) as `X-Amz-Security-Token`. Returns the URL to send, which is valid for `expiresIn` seconds.
 */
export function presignS3(input: PresignS3Input): string {
  checkInput(input);
  const { bucket, region, credentials } = input;
  const endpoint = parseEndpoint(input.endpointUrl ?? defaultS3Endpoint(region), bucket);
  const location = s3Location(bucket, encodeKey(input.key, bucket), endpoint, input.forcePathStyle);
  const datetime = amzDate(input.now ?? new Date());
  const scope = `${datetime.slice(0, 8)}/${region}/s3/aws4_request`;

  const params: [string, string][] = [
    ['X-Amz-Algorithm', ALGORITHM],
    ['X-Amz-Credential', `${credentials.accessKeyId}/${scope}`],
    ['X-Amz-Date', datetime],
    ['X-Amz-Expires', String(input.expiresIn ?? DEFAULT_S3_EXPIRES_IN)],
    ['X-Amz-SignedHeaders', 'host'],
  ];
  if (credentials.sessionToken) params.push(['X-Amz-Security-Token', credentials.sessionToken]);
  const query = params
    .map(([name, value]) => [uriEncode(name), uriEncode(value)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');

  const canonicalRequest = [input.method, location.path, query, `host:${location.host}`, '', 'host', 'UNSIGNED-PAYLOAD'].join('\n');
  const stringToSign = [ALGORITHM, datetime, scope, sha256Hex(canonicalRequest)].join('\n');
  const signature = crypto().createHmac('sha256', signingKey(credentials.secretAccessKey, datetime.slice(0, 8), region, 's3'))
    .update(stringToSign, 'utf8')
    .digest('hex');
  return `${location.protocol}//${location.host}${location.path}?${query}&X-Amz-Signature=${signature}`;
}

const SIGNING_PARAMS = /([?&]X-Amz-(?:Signature|Security-Token|Credential)=)[^&#]*/gi;

/** A presigned URL fit to print: its signature, session token and key id replaced by `***`. */
export function redactPresignedUrl(url: string): string {
  return url.replace(SIGNING_PARAMS, '$1***');
}
