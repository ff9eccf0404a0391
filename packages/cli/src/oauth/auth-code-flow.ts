import { createHash, randomBytes } from 'node:crypto';
import { describeFailure, type FormReply, OAuthError, postForm } from '@auth/core';
import { type Io, say } from '../io.js';
import { canOpenBrowser, openBrowser } from './browser.js';
import { clientFields, type OAuthClient, printable } from './client.js';
import type { ServerMetadata } from './discovery.js';
import { listenForRedirect } from './loopback.js';

const random = () => randomBytes(32).toString('base64url');

/** How long the browser has to come back. */
const LOGIN_TIMEOUT_MS = 15 * 60_000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new OAuthError('expired', 'the browser did not come back within 15 minutes: run the login again')), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** PKCE (RFC 7636): a random verifier and its S256 challenge. */
function pkcePair(): { verifier: string; challenge: string } {
  const verifier = random();
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/**
 * The authorization-code grant with PKCE on a loopback redirect (RFC 8252): the URL is printed
 * on stderr and opened in a browser where one can be; the code that comes back to the loopback
 * listener is exchanged at the token endpoint.
 */
export async function authCodeLogin(io: Io, server: ServerMetadata, client: OAuthClient, redirectUri?: string): Promise<FormReply> {
  if (!server.authorizationEndpoint) {
    throw new OAuthError('failed', `${server.issuer} does not offer the authorization-code flow; try --oauth-flow device-code`);
  }
  const state = random();
  const { verifier, challenge } = pkcePair();
  const loopback = await listenForRedirect(state, redirectUri);
  try {
    const url = new URL(server.authorizationEndpoint);
    const query = {
      response_type: 'code',
      client_id: client.clientId,
      redirect_uri: loopback.redirectUri,
      scope: client.scopes.join(' '),
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    };
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    say(io, `To log in, open this URL in a browser:\n  ${printable(url.href)}`);
    if (canOpenBrowser(io.env)) openBrowser(url.href, io.env);
    say(io, 'Waiting for the browser to come back…');

    const params = await withTimeout(loopback.result, LOGIN_TIMEOUT_MS);
    const error = params.get('error');
    if (error === 'access_denied') throw new OAuthError('denied', 'the login was denied', { oauthError: error });
    if (error) throw new OAuthError('failed', `the login failed: ${printable(error)}`, { oauthError: error });
    const code = params.get('code');
    if (!code) throw new OAuthError('failed', 'the login redirect carried no authorization code');

    const form = { ...clientFields(client), grant_type: 'authorization_code', code, redirect_uri: loopback.redirectUri, code_verifier: verifier };
    const reply = await postForm(server.tokenEndpoint, 'token endpoint', form);
    if (reply.status !== 200) throw new OAuthError('failed', describeFailure('token endpoint', reply, [code, verifier, client.clientSecret]));
    return reply;
  } finally {
    loopback.close();
  }
}
