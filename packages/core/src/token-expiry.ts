import type { Credential } from './credential.js';

/** When a credential stops working, for `auth status`: OAuth's `expires_at`, else a JWT's `exp`. */
export interface Expiry {
  /** Seconds since the epoch. */
  expiresAt: number;
  source: 'oauth' | 'jwt';
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * The `exp` claim of a token that is a JWT (three base64url parts, a JSON object in the middle),
 * read without verifying the signature: it only says when the server will stop accepting it.
 */
export function jwtExpiry(token: string): number | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !BASE64URL.test(parts[1] ?? '')) return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const exp = (payload as { exp?: unknown } | null)?.exp;
  return typeof exp === 'number' && Number.isFinite(exp) ? exp : undefined;
}

export function expiryOf(credential: Credential): Expiry | undefined {
  let token: string;
  switch (credential.type) {
    case 'oauth':
      if (credential.expiresAt != null) return { expiresAt: credential.expiresAt, source: 'oauth' };
      token = credential.accessToken;
      break;
    case 'bearer':
      token = credential.token;
      break;
    default:
      return undefined;
  }
  const exp = jwtExpiry(token);
  return exp === undefined ? undefined : { expiresAt: exp, source: 'jwt' };
}
