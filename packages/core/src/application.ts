import type { Resolution } from './chain.js';
import { type Credential, type CredentialType, isExpired, validateCredential } from './credential.js';
import type { Env } from './aws-config.js';
import { InvalidCredentialError } from './errors.js';
import type { S3BucketOptions } from './s3-request.js';
import type { CredentialStore } from './store.js';

/** What one request gets from a credential. */
export type Application =
  /** `Authorization: <value>`. */
  | { kind: 'header'; value: string }
  /** A conda token: `segment` (`/t/<token>`, encoded) goes in front of the path. */
  | { kind: 'path'; segment: string; token: string }
  /** The request goes to this URL instead (an S3 presigned URL for `s3://bucket/key`). */
  | { kind: 'url'; url: string }
  | { kind: 'none' };

/**
 * What the authenticator applied to a request, and where it came from. An `s3://` request signed
 * with AWS's own keys (environment, shared files) has no key and no store.
 */
export interface Applied {
  key: string | undefined;
  store: CredentialStore | undefined;
  application: Application;
}

/** A bucket's endpoint, region and addressing style (pixi's `s3-options`). */
export type S3Endpoint = S3BucketOptions;

/** What a step may use besides the credential. */
export interface StepContext {
  /** The request URL, parsed. */
  url: URL;
  /** Per-bucket S3 endpoints from `createAuthenticator({ s3 })`. */
  s3: Readonly<Record<string, S3Endpoint>>;
  /** The request method: an S3 URL is presigned for GET or HEAD only (default GET). */
  method?: string | undefined;
  /** Where the AWS variables and `HOME` come from (default `process.env`). */
  env?: Env | undefined;
}

/** Work that must run per request before a credential can be applied (refresh, signing). */
export type Step = (resolution: Resolution, context: StepContext) => Promise<Application>;

/** Nothing to apply. */
export const NONE: Application = { kind: 'none' };

/**
 * The one place where asynchronous work per credential kind plugs in. A kind listed here gets
 * its Application from its step on every request; every other kind gets it once per credential
 * from `applicationOf`. The steps' code (application-steps.ts: OAuth refresh and S3 signing, a
 * fifth of core) loads with the first request that needs it, so a program, or a command, that
 * never meets such a credential never loads it.
 *  - oauth: refresh within 300 s of `expiresAt` (once per key for concurrent requests), write the
 *    new tokens back to `resolution.store`, then apply the access token.
 *  - s3: presign `s3://bucket/key` into the bucket's https URL (`{ kind: 'url' }`) with
 *    `context.s3[bucket]`.
 */
export const steps: { readonly [K in CredentialType]?: Step } = {
  oauth: async (resolution) => (await stepsCode()).oauthStep(resolution),
  s3: (resolution, context) => presigned(context, resolution.credential),
};

const stepsCode = () => import('./application-steps.js');

/**
 * The presigned URL for an `s3://` request, signed with the stored credential when there is one,
 * else with AWS's keys (environment, then the shared files).
 */
export async function presigned(context: StepContext, storedCredential?: Credential): Promise<Application> {
  return (await stepsCode()).presign(context, storedCredential);
}

export function applicationOf(credential: Credential, nowSeconds = Date.now() / 1000): Application {
  switch (credential.type) {
    case 'bearer':
      return { kind: 'header', value: `Bearer ${credential.token}` };
    case 'basic':
      return {
        kind: 'header',
        value: `Basic ${Buffer.from(`${credential.username}:${credential.password}`, 'utf8').toString('base64')}`,
      };
    case 'oauth':
      return isExpired(credential, nowSeconds) ? NONE : { kind: 'header', value: `Bearer ${credential.accessToken}` };
    case 'conda-token':
      return { kind: 'path', segment: `/t/${encodeURIComponent(credential.token)}`, token: credential.token };
    default:
      // s3 is signed by its step; unknown credentials are not ours to interpret.
      return NONE;
  }
}

/** Checks a stored credential before it goes on the wire: another tool may have written it. */
export function checkStored(credential: Credential, key: string): void {
  try {
    validateCredential(credential);
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'it is malformed';
    throw new InvalidCredentialError(`the credential stored for ${key} cannot be sent: ${reason}`);
  }
}
