// The per-request steps of application.ts, loaded with the first request that needs one.
import { type Application, applicationOf, checkStored, NONE, type StepContext } from './application.js';
import type { Resolution } from './chain.js';
import type { Credential } from './credential.js';
import { isAuthError } from './errors.js';
import { freshCredential } from './oauth-refresh.js';
import { redactPresignedUrl } from './s3-presign.js';
import { s3RequestFor } from './s3-request.js';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** An OAuth credential, refreshed first when it expires within 300 s; the login over: nothing. */
export async function oauthStep(resolution: Resolution): Promise<Application> {
  let fresh: Credential;
  try {
    fresh = await freshCredential(resolution);
  } catch (error) {
    // The login is over (refresh token refused, logged out elsewhere): the request goes without.
    if (isAuthError(error, 'OAUTH_EXPIRED')) return NONE;
    throw error;
  }
  if (fresh !== resolution.credential) checkStored(fresh, resolution.key);
  return applicationOf(fresh);
}

/** See `presigned` in application.ts. Undefined for other schemes. */
export async function presign(context: StepContext, storedCredential?: Credential): Promise<Application> {
  const method = context.method === undefined ? 'GET' : context.method.toUpperCase();
  const request = await s3RequestFor(context.url, {
    ...(storedCredential ? { storedCredential } : {}),
    s3: context.s3,
    ...(context.env ? { env: context.env } : {}),
    method: method as 'GET' | 'HEAD',
  });
  if (!request) return NONE;
  const application: Application = { kind: 'url', url: request.url };
  // util.inspect shows the URL without its signature.
  Object.defineProperty(application, INSPECT, { value: () => ({ kind: 'url', url: redactPresignedUrl(request.url) }), enumerable: false });
  return application;
}
