import { describeFailure, type EndpointOptions, type OAuthCredential, postForm, redact, type StoreChain } from '@auth/core';
import { type Io, say, warn } from '../io.js';

export interface Revocation {
  /** The server confirmed the revocation (RFC 7009 §2.2: HTTP 200). */
  revoked: boolean;
  /** What happened, for the user; never a token. */
  message: string;
}

/**
 * Revokes an OAuth login at its revocation endpoint (RFC 7009): the refresh token first (which
 * ends the grant on most servers), then the access token. Never throws: `auth logout` reports a
 * failed revocation and deletes the local copy all the same.
 */
export async function revokeCredential(credential: OAuthCredential, options: EndpointOptions = {}): Promise<Revocation> {
  const endpoint = credential.revocationEndpoint;
  if (!endpoint) return { revoked: false, message: 'the server has no revocation endpoint; the token stays valid until it expires' };
  const tokens: [string, string][] = [];
  if (credential.refreshToken) tokens.push([credential.refreshToken, 'refresh_token']);
  tokens.push([credential.accessToken, 'access_token']);
  for (const [token, hint] of tokens) {
    try {
      const reply = await postForm(endpoint, 'revocation endpoint', { token, token_type_hint: hint, client_id: credential.clientId }, options);
      if (reply.status !== 200) return { revoked: false, message: describeFailure('revocation endpoint', reply, [token]) };
    } catch (error) {
      return { revoked: false, message: (error as Error).message };
    }
  }
  return { revoked: true, message: `revoked at ${redact(endpoint)}` };
}

/**
 * Before `auth logout` deletes `key`: revokes every OAuth login stored under it, in each store
 * that holds one, and says how that went. The delete happens whatever this reports.
 */
export async function revokeStored(io: Io, chain: StoreChain, key: string): Promise<void> {
  const done = new Set<string>();
  for (const store of chain.stores) {
    if (store.readOnly) continue;
    const read = await chain.attempt(store, () => store.get(key)).catch(() => undefined);
    const credential = read?.ok ? read.value : undefined;
    if (credential?.type !== 'oauth' || done.has(credential.accessToken)) continue;
    done.add(credential.accessToken);
    const result = await revokeCredential(credential);
    if (result.revoked) say(io, `Revoked the OAuth login for ${key} (${store.name}).`);
    else warn(io, `could not revoke the OAuth login for ${key} (${store.name}): ${result.message}; it is removed here all the same`);
  }
}
