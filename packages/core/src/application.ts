import type { Resolution } from './chain.js';
import { type Credential, type CredentialType, isExpired, validateCredential } from './credential.js';
import { InvalidCredentialError } from './errors.js';
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

/** What the authenticator applied to a request, and where it came from. */
export interface Applied {
  key: string;
  store: CredentialStore;
  application: Application;
}

export interface S3Endpoint {
  endpointUrl?: string;
  region?: string;
  forcePathStyle?: boolean;
}

/** What a step may use besides the credential. */
export interface StepContext {
  /** The request URL, parsed. */
  url: URL;
  /** Per-bucket S3 endpoints from `createAuthenticator({ s3 })`. */
  s3: Readonly<Record<string, S3Endpoint>>;
}

/** Work that must run per request before a credential can be applied (refresh, signing). */
export type Step = (resolution: Resolution, context: StepContext) => Promise<Application>;

const NONE: Application = { kind: 'none' };

/**
 * The one place where asynchronous work per credential kind plugs in. A kind listed here gets
 * its Application from its step on every request; every other kind gets it once per credential
 * from `applicationOf`.
 *  - oauth: refresh within 300 s of `expiresAt` (once per key for concurrent requests), write the
 *    new tokens back to `resolution.store`, then apply the access token.
 *  - s3: presign `s3://bucket/key` into the bucket's https URL (`{ kind: 'url' }`) with
 *    `context.s3[bucket]`.
 */
export const steps: { readonly [K in CredentialType]?: Step } = {
  oauth: async ({ credential }) => applicationOf(credential),
  s3: async () => NONE,
};

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
