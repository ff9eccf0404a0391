import type { OAuthCredential } from './credential.js';
import { OAuthError } from './errors.js';
import { isIpAddress } from './keys.js';
import { redact } from './redact.js';

/**
 * Talking to an OAuth server's token and revocation endpoints: a form-encoded POST (RFC 6749
 * §3.2, RFC 7009 §2.1) with Node's global fetch, and what its answers mean.
 */

export interface EndpointOptions {
  /** The fetch to use (default: the global one). */
  fetch?: typeof fetch;
  /** Give up after this long (default 30 s). */
  timeoutMs?: number;
}

export interface FormReply {
  status: number;
  /** The JSON object the server answered, or `{}` when it answered something else. */
  body: Record<string, unknown>;
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Secrets go to https endpoints only; plain http is allowed on the loopback interface, where
 * development servers (and tests) run.
 */
export function checkEndpoint(endpoint: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new OAuthError('failed', `the OAuth ${what} "${redact(endpoint)}" is not a URL`);
  }
  const loopback = LOOPBACK_NAMES.has(url.hostname) || (isIpAddress(url.hostname) && url.hostname.startsWith('127.'));
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new OAuthError('failed', `the OAuth ${what} ${redact(endpoint)} is not https; no token is sent to it`);
  }
  if (url.username || url.password) throw new OAuthError('failed', `the OAuth ${what} ${redact(endpoint)} carries credentials`);
  return url;
}

/** POSTs the form and reads the answer. Redirects are not followed: they would carry the secrets on. */
export async function postForm(endpoint: string, what: string, form: Record<string, string>, options: EndpointOptions = {}): Promise<FormReply> {
  const url = checkEndpoint(endpoint, what);
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(form).toString(),
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
  } catch (error) {
    const why = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
    throw new OAuthError('failed', `could not reach the OAuth ${what} ${redact(endpoint)} (${why})`);
  }
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(await response.text());
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
  } catch {
    body = {};
  }
  return { status: response.status, body };
}

/** The server's error code (`invalid_grant`, `authorization_pending`…), if it gave one. */
export function errorCodeOf(reply: FormReply): string | undefined {
  const code = reply.body.error;
  return typeof code === 'string' ? code : undefined;
}

/**
 * A message for a refused or failed exchange: the server's error code and description, with
 * every secret that was sent scrubbed out (a server may echo what it was given).
 */
export function describeFailure(what: string, reply: FormReply, sent: Iterable<string | null | undefined>): string {
  const code = errorCodeOf(reply);
  const description = typeof reply.body.error_description === 'string' ? reply.body.error_description : '';
  const detail = code ? `${code}${description ? `: ${description}` : ''}` : `HTTP ${reply.status}`;
  return redact(`the OAuth ${what} refused: ${detail}`.replace(/[\u0000-\u001f\u007f]/g, ' '), sent);
}

/**
 * The credential a successful token response (RFC 6749 §5.1) gives. A server that does not
 * rotate refresh tokens leaves `refresh_token` out: the one we have stays valid.
 */
export function credentialFromTokens(
  reply: FormReply,
  base: Pick<OAuthCredential, 'tokenEndpoint' | 'revocationEndpoint' | 'clientId' | 'refreshToken' | 'extraFields'>,
  nowSeconds: number,
): OAuthCredential {
  const { access_token: accessToken, refresh_token: refreshToken, expires_in: expiresIn } = reply.body;
  if (typeof accessToken !== 'string' || accessToken === '') {
    throw new OAuthError('failed', `the OAuth token endpoint ${redact(base.tokenEndpoint)} answered without an access token`);
  }
  const lifetime = typeof expiresIn === 'number' ? expiresIn : typeof expiresIn === 'string' ? Number(expiresIn) : Number.NaN;
  return {
    type: 'oauth',
    accessToken,
    refreshToken: typeof refreshToken === 'string' && refreshToken !== '' ? refreshToken : (base.refreshToken ?? null),
    expiresAt: Number.isFinite(lifetime) && lifetime > 0 ? Math.floor(nowSeconds + lifetime) : null,
    tokenEndpoint: base.tokenEndpoint,
    revocationEndpoint: base.revocationEndpoint ?? null,
    clientId: base.clientId,
    // What rattler stored beside the tokens (issuer, scopes) stays with them.
    ...(base.extraFields ? { extraFields: base.extraFields } : {}),
  };
}
