import { checkEndpoint, OAuthError, redact } from '@auth/core';

/** What an authorization server says about itself (RFC 8414 §2; OpenID Connect Discovery). */
export interface ServerMetadata {
  issuer: string;
  tokenEndpoint: string;
  authorizationEndpoint: string | undefined;
  deviceAuthorizationEndpoint: string | undefined;
  revocationEndpoint: string | undefined;
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');

/**
 * Where the metadata of an issuer may be: RFC 8414's `/.well-known/oauth-authorization-server`
 * inserted before the issuer's path, then OpenID's `/.well-known/openid-configuration` after it.
 */
function metadataUrls(issuer: string): string[] {
  const url = checkEndpoint(issuer, 'issuer');
  const path = trimSlash(url.pathname);
  return [`${url.origin}/.well-known/oauth-authorization-server${path}`, `${url.origin}${path}/.well-known/openid-configuration`];
}

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

/** Fetches the issuer's metadata; its `issuer` must be the one asked for (RFC 8414 §3.3). */
export async function discover(issuer: string, options: { timeoutMs?: number } = {}): Promise<ServerMetadata> {
  const tried: string[] = [];
  for (const url of metadataUrls(issuer)) {
    let body: Record<string, unknown>;
    try {
      const response = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(options.timeoutMs ?? 30_000) });
      if (!response.ok) {
        tried.push(`${redact(url)} (HTTP ${response.status})`);
        await response.arrayBuffer();
        continue;
      }
      body = (await response.json()) as Record<string, unknown>;
    } catch (error) {
      tried.push(`${redact(url)} (${(error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name})`);
      continue;
    }
    if (trimSlash(String(body.issuer)) !== trimSlash(issuer)) {
      throw new OAuthError('failed', `the metadata at ${redact(url)} is for another issuer, not ${redact(issuer)}`);
    }
    const tokenEndpoint = text(body.token_endpoint);
    if (!tokenEndpoint) throw new OAuthError('failed', `the metadata at ${redact(url)} names no token endpoint`);
    const optional = (name: string, what: string) => {
      const value = text(body[name]);
      if (value) checkEndpoint(value, what);
      return value;
    };
    checkEndpoint(tokenEndpoint, 'token endpoint');
    return {
      issuer,
      tokenEndpoint,
      authorizationEndpoint: optional('authorization_endpoint', 'authorization endpoint'),
      deviceAuthorizationEndpoint: optional('device_authorization_endpoint', 'device authorization endpoint'),
      revocationEndpoint: optional('revocation_endpoint', 'revocation endpoint'),
    };
  }
  throw new OAuthError('failed', `no OAuth metadata found for ${redact(issuer)}: tried ${tried.join(', ')}`);
}
