import { S3Error } from './errors.js';
import { isIpAddress } from './keys.js';
import { redact } from './redact.js';
import { uriEncode } from './s3-uri.js';

/**
 * Where an S3 object lives over HTTP: the bucket's endpoint and its addressing style, as the AWS
 * SDKs decide it (the S3 endpoint rules) with rattler's one addition, path style for localhost.
 */
export interface S3Location {
  /** `https:` or `http:`. */
  protocol: string;
  /** Host and port exactly as an HTTP client sends them in `Host`. */
  host: string;
  /** The path with the bucket (path style) and the key, each segment URI-encoded once. */
  path: string;
}

/** AWS's regional endpoint, as the SDKs build it when no endpoint URL is configured. */
export function defaultS3Endpoint(region: string): string {
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://s3.${region}.${suffix}`;
}

// A DNS label of 3 to 63 lower-case letters, digits and hyphens, starting and ending alphanumeric.
const DNS_BUCKET = /^[a-z0-9](?:[a-z0-9-]{1,61})[a-z0-9]$/;
const DOTTED_QUAD = /^\d+\.\d+\.\d+\.\d+$/;

/**
 * True when the bucket can be a host name label. A bucket with dots can only be one over plain
 * http: over https its host would not match the endpoint's wildcard certificate.
 */
function isVirtualHostable(bucket: string, protocol: string): boolean {
  if (DOTTED_QUAD.test(bucket)) return false;
  if (!bucket.includes('.')) return DNS_BUCKET.test(bucket);
  if (protocol !== 'http:' || bucket.length > 63) return false;
  return bucket.split('.').every((label) => /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/.test(label));
}

/**
 * Path style when forced, when the endpoint is an IP address (no name to prefix), when the bucket
 * cannot be a host label, and, unless virtual hosts were asked for explicitly, for `localhost`
 * endpoints (rattler does this for local MinIO). Otherwise virtual-host style.
 */
function usesPathStyle(bucket: string, endpoint: URL, forcePathStyle: boolean | undefined): boolean {
  if (forcePathStyle === true) return true;
  if (isIpAddress(endpoint.hostname)) return true;
  if (forcePathStyle === undefined && endpoint.hostname === 'localhost') return true;
  return !isVirtualHostable(bucket, endpoint.protocol);
}

/** Parses and checks a configured endpoint: http(s), no credentials, query or fragment. */
export function parseEndpoint(endpointUrl: string | URL, bucket: string): URL {
  let url: URL;
  try {
    url = new URL(String(endpointUrl));
  } catch {
    // Not echoed: text that does not parse may hold a password that redaction cannot find.
    throw new S3Error('invalid-options', `the S3 endpoint URL for bucket "${bucket}" is not a URL`, { bucket });
  }
  if (url.username || url.password) {
    throw new S3Error('invalid-options', `the S3 endpoint URL for bucket "${bucket}" must not contain a user name or password`, { bucket });
  }
  const shown = redact(url.href);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new S3Error('invalid-options', `the S3 endpoint URL "${shown}" for bucket "${bucket}" must be http or https`, { bucket });
  }
  if (url.search || url.hash) {
    throw new S3Error('invalid-options', `the S3 endpoint URL "${shown}" for bucket "${bucket}" must not have a query or fragment`, { bucket });
  }
  return url;
}

/** The object's location: `{bucket}.{endpoint host}/{key}` or `{endpoint host}/{bucket}/{key}`. */
export function s3Location(bucket: string, encodedKey: string, endpoint: URL, forcePathStyle: boolean | undefined): S3Location {
  // An endpoint with a path (a gateway under a prefix) keeps it in front, as the SDKs do.
  const prefix = endpoint.pathname.endsWith('/') ? endpoint.pathname : `${endpoint.pathname}/`;
  if (usesPathStyle(bucket, endpoint, forcePathStyle)) {
    return { protocol: endpoint.protocol, host: endpoint.host, path: `${prefix}${uriEncode(bucket)}/${encodedKey}` };
  }
  return { protocol: endpoint.protocol, host: `${bucket}.${endpoint.host}`, path: `${prefix}${encodedKey}` };
}
