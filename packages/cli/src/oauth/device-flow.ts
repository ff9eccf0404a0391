import { describeFailure, errorCodeOf, type FormReply, OAuthError, postForm } from '@auth/core';
import { type Io, say } from '../io.js';
import { type OAuthClient, clientFields, printable, sleep } from './client.js';
import type { ServerMetadata } from './discovery.js';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/**
 * The device authorization grant (RFC 8628): ask for a code, show the user where to enter it
 * (on stderr), and poll the token endpoint at the interval the server asks for until the user
 * approves, denies, or the code expires.
 */
export async function deviceCodeLogin(io: Io, server: ServerMetadata, client: OAuthClient): Promise<FormReply> {
  const endpoint = server.deviceAuthorizationEndpoint;
  if (!endpoint) throw new OAuthError('failed', `${server.issuer} does not offer the device-code flow; try --oauth-flow auth-code`);
  const fields = clientFields(client);
  const started = await postForm(endpoint, 'device authorization endpoint', { ...fields, scope: client.scopes.join(' ') });
  const { device_code: deviceCode, user_code: userCode, verification_uri: uri, verification_uri_complete: complete } = started.body;
  if (started.status !== 200 || typeof deviceCode !== 'string' || typeof userCode !== 'string' || typeof uri !== 'string') {
    throw new OAuthError('failed', describeFailure('device authorization endpoint', started, Object.values(fields)));
  }
  say(io, `To log in, open ${printable(uri)} and enter the code ${printable(userCode)}`);
  if (typeof complete === 'string') say(io, `(or open ${printable(complete)})`);
  say(io, 'Waiting for the login to be approved…');

  // Bounded, so a server's odd numbers cannot keep the command waiting for days.
  let intervalMs = Math.min(secondsOr(started.body.interval, 5), 60) * 1000;
  const deadline = Date.now() + Math.min(secondsOr(started.body.expires_in, 600), 3600) * 1000;
  const form = { ...fields, grant_type: DEVICE_GRANT, device_code: deviceCode };
  while (Date.now() < deadline) {
    await sleep(intervalMs);
    const reply = await postForm(server.tokenEndpoint, 'token endpoint', form);
    if (reply.status === 200) return reply;
    switch (errorCodeOf(reply)) {
      case 'authorization_pending':
        continue;
      case 'slow_down':
        intervalMs += 5000; // RFC 8628 §3.5
        continue;
      case 'access_denied':
        throw new OAuthError('denied', 'the login was denied', { oauthError: 'access_denied' });
      case 'expired_token':
        throw new OAuthError('expired', 'the code expired before the login was approved: run the login again', { oauthError: 'expired_token' });
      default:
        throw new OAuthError('failed', describeFailure('token endpoint', reply, [deviceCode, client.clientSecret]));
    }
  }
  throw new OAuthError('expired', 'the code expired before the login was approved: run the login again');
}

function secondsOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}
