import {
  type AwsFileKeys,
  type AwsProfile,
  awsEndpointUrl,
  awsForcePathStyle,
  awsProfileName,
  awsRegion,
  type Env,
  envKeys,
  loadAwsProfile,
  profileKeys,
  unsupportedSource,
} from './aws-config.js';
import type { Credential } from './credential.js';
import { S3Error } from './errors.js';
import { redact } from './redact.js';
import { DEFAULT_S3_EXPIRES_IN, isS3BucketName, presignS3, redactPresignedUrl } from './s3-presign.js';

/** pixi's per-bucket `s3-options`, in camelCase. */
export interface S3BucketOptions {
  endpointUrl?: string | URL;
  region?: string;
  forcePathStyle?: boolean;
}

/** Bucket name → its options, as `createAuthenticator({ s3 })` takes them. */
export type S3Options = Record<string, S3BucketOptions>;

export interface S3RequestInput {
  /** The credential the store holds for the URL (bucket key or `s3://` key); non-S3 ones are ignored. */
  storedCredential?: Credential;
  /** Per-bucket options; the URL's bucket picks its entry. */
  s3?: S3Options;
  /** Where the AWS variables and `HOME` come from; `process.env` when absent. */
  env?: Env;
  method?: 'GET' | 'HEAD';
  now?: Date;
  expiresIn?: number;
}

/** Where the keys that signed the URL came from. */
export type S3KeySource = 'store' | 'environment' | 'aws-profile';

export interface S3Request {
  /** The presigned http(s) URL to send. It is a bearer secret until it expires: never print it. */
  url: string;
  bucket: string;
  /** The object key, decoded. */
  key: string;
  source: S3KeySource;
  region: string;
  expiresAt: Date;
}

/** When no region is configured anywhere: the AWS CLI's choice, and what MinIO and most S3 servers accept. */
export const FALLBACK_S3_REGION = 'us-east-1';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** `s3://bucket/a%20b` → bucket and the object key `a b`; refuses what cannot be an object. */
export function parseS3Url(url: URL): { bucket: string; key: string } {
  const shown = redact(url.href);
  if (url.username || url.password) {
    throw new S3Error('invalid-url', `the S3 URL "${shown}" contains credentials; store them with auth login instead`);
  }
  if (url.search) throw new S3Error('invalid-url', `the S3 URL "${shown}" has a query, which S3 channels do not use`);
  const bucket = url.host;
  if (bucket === '') throw new S3Error('invalid-url', `the S3 URL "${shown}" names no bucket`);
  if (!isS3BucketName(bucket)) {
    throw new S3Error('invalid-url', `the S3 URL "${shown}" does not name a bucket: bucket names are letters, digits, ".", "-" and "_"`);
  }
  let key: string;
  try {
    key = decodeURIComponent(url.pathname.slice(1));
  } catch {
    throw new S3Error('invalid-url', `the S3 URL "${shown}" has a malformed percent-encoding`, { bucket });
  }
  return { bucket, key };
}

function keysFor(
  bucket: string,
  input: S3RequestInput,
  env: Env,
  profile: () => AwsProfile,
): { keys: AwsFileKeys; source: S3KeySource } {
  const stored = input.storedCredential;
  if (stored?.type === 's3') {
    const { accessKeyId, secretAccessKey, sessionToken } = stored;
    return { keys: sessionToken ? { accessKeyId, secretAccessKey, sessionToken } : { accessKeyId, secretAccessKey }, source: 'store' };
  }
  const fromEnv = envKeys(env);
  if (fromEnv) return { keys: fromEnv, source: 'environment' };
  const fromProfile = profileKeys(profile());
  if (fromProfile) return { keys: fromProfile, source: 'aws-profile' };

  const name = awsProfileName(env);
  const other = unsupportedSource(profile());
  const hint = other
    ? `the AWS profile "${name}" uses ${other}, which needs an AWS SDK; export its keys with "aws configure export-credentials --format env"`
    : `run "auth login s3://${bucket} --s3-access-key-id … --s3-secret-access-key …", or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or add keys to the AWS profile "${name}"`;
  throw new S3Error('no-credentials', `no S3 credentials for bucket "${bucket}": ${hint}`, { bucket });
}

/**
 * The request to send for an `s3://bucket/key` URL: a SigV4-presigned http(s) URL for the bucket's
 * endpoint, or undefined for any other scheme. Keys: the stored S3 credential, then
 * `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`/`AWS_SESSION_TOKEN`, then the AWS profile's static keys.
 * Endpoint, region and path style: the bucket's options, then the AWS environment and profile.
 * The shared AWS files are read only when something is still missing.
 *
 * Where rattler differs, and why we do not follow it:
 * - rattler uses stored keys only for buckets with `s3-options` and AWS's chain only for the
 *   others; here a stored key always wins and AWS's keys are the fallback for both, so
 *   `auth login s3://bucket` works without options and CI keys work with them.
 * - With no region anywhere rattler fails; here it is us-east-1, as the AWS CLI does.
 * - rattler signs the still percent-encoded path as the key (`%20` is sent as `%2520`); here
 *   the key is decoded first, so `s3://b/a%20b` is the object `a b`.
 * - Only static keys: SSO, assumed roles, `credential_process` and instance metadata need an
 *   AWS SDK, and the error says how to export such keys instead.
 */
export async function s3RequestFor(url: string | URL, input: S3RequestInput = {}): Promise<S3Request | undefined> {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch {
    // Not echoed: text that does not parse may hold a password that redaction cannot find.
    throw new S3Error('invalid-url', 'the request URL is not a URL');
  }
  if (parsed.protocol !== 's3:') return undefined;
  const { bucket, key } = parseS3Url(parsed);
  const env = input.env ?? process.env;
  const options = input.s3 && Object.hasOwn(input.s3, bucket) ? input.s3[bucket] : undefined;

  let profileCache: AwsProfile | undefined;
  const profile = () => (profileCache ??= loadAwsProfile(env));
  const { keys, source } = keysFor(bucket, input, env, profile);
  const region = options?.region || awsRegion(env, profile) || FALLBACK_S3_REGION;
  const endpointUrl = options?.endpointUrl ?? awsEndpointUrl(env, profile);
  const forcePathStyle = options?.forcePathStyle ?? awsForcePathStyle(profile);

  const now = input.now ?? new Date();
  const expiresIn = input.expiresIn ?? DEFAULT_S3_EXPIRES_IN;
  const signed = presignS3({ method: input.method ?? 'GET', bucket, key, credentials: keys, region, endpointUrl, forcePathStyle, now, expiresIn });
  const request: S3Request = { url: signed, bucket, key, source, region, expiresAt: new Date(now.getTime() + expiresIn * 1000) };
  // console.log and util.inspect show the URL without its signature.
  Object.defineProperty(request, INSPECT, { value: () => ({ ...request, url: redactPresignedUrl(signed) }), enumerable: false });
  return request;
}
