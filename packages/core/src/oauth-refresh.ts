import { type Credential, isExpired, type OAuthCredential, protect, validateCredential } from './credential.js';
import { OAuthError } from './errors.js';
import { credentialFromTokens, describeFailure, type EndpointOptions, errorCodeOf, postForm } from './oauth-endpoint.js';
import { withRefreshLock } from './refresh-lock.js';
import type { CredentialStore } from './store.js';

/**
 * Keeping OAuth credentials fresh (RFC 6749 §6), as rattler does: a token is refreshed when it
 * expires within 300 s, once for any number of concurrent callers, and the new access token,
 * the rotated refresh token and the new expiry are written back under the same key in the store
 * the credential came from.
 */

/** A token that expires sooner than this is refreshed before it is sent. */
export const REFRESH_MARGIN_SECONDS = 300;

/** Where a credential was found: what `StoreChain.find()` returns. */
export interface FoundCredential {
  key: string;
  store: CredentialStore;
  credential: Credential;
}

export interface RefreshOptions extends EndpointOptions {
  /** The clock, in milliseconds (default Date.now). */
  now?: () => number;
  /**
   * The new tokens could not be written back (a locked keyring, a full disk). The fresh
   * credential is still returned, since the old refresh token may already be spent.
   */
  onStoreError?(error: unknown, found: FoundCredential): void;
}

/** True when the token expires within the margin (a token without an expiry never does). */
export function needsRefresh(credential: OAuthCredential, nowSeconds = Date.now() / 1000): boolean {
  return credential.expiresAt != null && credential.expiresAt - nowSeconds < REFRESH_MARGIN_SECONDS;
}

// Per store object, per key: the refresh under way, and the last credential it gave.
const inFlight = new WeakMap<CredentialStore, Map<string, Promise<Credential>>>();
const latest = new WeakMap<CredentialStore, Map<string, OAuthCredential>>();

function slot<V>(map: WeakMap<CredentialStore, Map<string, V>>, store: CredentialStore): Map<string, V> {
  let perKey = map.get(store);
  if (!perKey) map.set(store, (perKey = new Map()));
  return perKey;
}

/**
 * The credential to send: the same one unless it is an OAuth credential that expires within
 * 300 s, which is then refreshed (or taken from the store if another process did it already).
 * Throws OAuthError `expired` when the login is over (the refresh token was refused and nothing
 * newer is stored) and `failed` when the token has expired and the server cannot be used.
 */
export async function freshCredential(found: FoundCredential, options: RefreshOptions = {}): Promise<Credential> {
  const { key, store, credential } = found;
  const now = () => (options.now ?? Date.now)() / 1000;
  if (credential.type !== 'oauth' || !needsRefresh(credential, now())) return credential;

  const known = slot(latest, store).get(key);
  if (known && !needsRefresh(known, now())) return known;

  const flights = slot(inFlight, store);
  let flight = flights.get(key);
  if (!flight) {
    const lockId = `${store.name}\u0000${store.location ?? ''}\u0000${key}`;
    flight = withRefreshLock(lockId, () => refresh(found, now, options)).finally(() => flights.delete(key));
    flights.set(key, flight);
  }
  const result = await flight;
  if (result.type === 'oauth') slot(latest, store).set(key, result);
  return result;
}

/** Runs under the cross-process lock: re-read, refresh, write back. */
async function refresh(found: FoundCredential, now: () => number, options: RefreshOptions): Promise<Credential> {
  const { key, store } = found;
  // Another process may have refreshed (or logged out) while we waited for the lock.
  const stored = await store.get(key);
  if (stored === undefined) throw loggedOut(key, store);
  if (stored.type !== 'oauth' || !needsRefresh(stored, now())) return stored;
  const current = stored;
  if (!current.refreshToken) return stillValid(current, key, now(), 'it has no refresh token');

  let reply: Awaited<ReturnType<typeof postForm>>;
  const sent = { grant_type: 'refresh_token', refresh_token: current.refreshToken, client_id: current.clientId };
  try {
    reply = await postForm(current.tokenEndpoint, 'token endpoint', sent, options);
  } catch (error) {
    if (!isExpired(current, now())) return current;
    throw error;
  }

  if (reply.status === 200) {
    const next = credentialFromTokens(reply, current, now());
    validateCredential(next);
    try {
      await store.set(key, next);
    } catch (error) {
      options.onStoreError?.(error, found);
    }
    return protect(next);
  }

  const code = errorCodeOf(reply);
  if (code === 'invalid_grant') {
    // Another process may have rotated the refresh token away from us: its result is stored.
    const again = await store.get(key);
    if (again?.type === 'oauth' && again.refreshToken !== current.refreshToken && !needsRefresh(again, now())) return again;
    throw new OAuthError('expired', `the OAuth login for ${key} has expired: log in again (auth login ${key.replace(/^\*\./, '')})`, {
      oauthError: code,
    });
  }
  if (!isExpired(current, now())) return current;
  throw new OAuthError('failed', `${describeFailure('token endpoint', reply, Object.values(sent))} (refreshing ${key})`, {
    ...(code ? { oauthError: code } : {}),
  });
}

function loggedOut(key: string, store: CredentialStore): OAuthError {
  return new OAuthError('expired', `the OAuth login for ${key} is no longer in the ${store.name} store: log in again`);
}

/** A token that cannot be refreshed is sent until it expires. */
function stillValid(credential: OAuthCredential, key: string, nowSeconds: number, why: string): OAuthCredential {
  if (!isExpired(credential, nowSeconds)) return credential;
  throw new OAuthError('expired', `the OAuth token for ${key} has expired and ${why}: log in again`);
}

/** Forgets the credentials refreshed in this process (after a logout, or between tests). */
export function forgetRefreshed(store: CredentialStore, key?: string): void {
  if (key === undefined) latest.delete(store);
  else latest.get(store)?.delete(key);
}
