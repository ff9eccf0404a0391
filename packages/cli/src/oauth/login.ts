import { credentialFromTokens, type FormReply, hasScheme, validateCredential } from '@auth/core';
import { isPrefixDev, KIND_FLAGS } from '../commands/login.js';
import { type Context, str } from '../commands/context.js';
import { UsageError } from '../errors.js';
import { say } from '../io.js';
import { where } from '../stores.js';
import { authCodeLogin } from './auth-code-flow.js';
import { canOpenBrowser } from './browser.js';
import type { OAuthClient } from './client.js';
import { deviceCodeLogin } from './device-flow.js';
import { discover } from './discovery.js';

/** rattler's login flags for OAuth (cli/auth.rs), with its defaults. */
const OAUTH_FLAGS = ['oauth', 'oauth-issuer-url', 'oauth-client-id', 'oauth-client-secret', 'oauth-flow', 'oauth-scope', 'oauth-redirect-uri'];
const DEFAULT_CLIENT_ID = 'rattler';
const PREFIX_DEV_SCOPES = ['openid', 'profile', 'offline_access', 'channel:read', 'channel:upload'];
const DEFAULT_SCOPES = ['openid', 'offline_access'];
const FLOWS = ['device-code', 'auth-code', 'auto'] as const;
type Flow = (typeof FLOWS)[number];

const given = (args: Context['args'], flag: string) => args[flag] !== undefined && args[flag] !== false;

/**
 * An OAuth login is asked for with --oauth or any --oauth-* flag, and implied for prefix.dev
 * hosts when no credential flag is given (as `pixi auth login prefix.dev` does).
 */
export function oauthRequested(args: Context['args'], key: string): boolean {
  const oauth = OAUTH_FLAGS.some((flag) => given(args, flag));
  const credential = Object.values(KIND_FLAGS).some((flags) => flags.some((flag) => args[flag] !== undefined));
  if (oauth && credential) throw new UsageError('give --oauth or a credential (--token, --username, …), not both');
  return oauth || (!credential && isPrefixDev(key));
}

const list = (value: unknown): string[] =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value]).flatMap((v) => String(v).split(/\s+/)).filter(Boolean);

/** The issuer: --oauth-issuer-url, else the origin of the input (https://<host> for a bare host). */
function issuerOf(args: Context['args'], input: string, key: string): string {
  const explicit = str(args['oauth-issuer-url']);
  if (explicit) return explicit;
  if (hasScheme(input)) return new URL(input).origin;
  return `https://${key.replace(/^\*\./, '').replace(/\/.*$/, '')}`;
}

function flowOf(args: Context['args']): Flow {
  const flow = str(args['oauth-flow']) ?? 'device-code';
  if (!(FLOWS as readonly string[]).includes(flow)) throw new UsageError(`--oauth-flow must be one of ${FLOWS.join(', ')}`);
  return flow as Flow;
}

/**
 * Where an OAuth login is stored: where pixi stores it, on the host itself (`prefix.dev`, not the
 * `*.prefix.dev` that pixi's one-dot rule gives a token), unless a wildcard was asked for.
 */
function oauthKey(input: string, key: string): string {
  return key.startsWith('*.') && !input.trim().startsWith('*.') ? key.slice(2) : key;
}

/** `auth login <host> --oauth …`: discovers the issuer, runs the flow, stores rattler's OAuth credential. */
export async function oauthLogin(ctx: Context, input: string, key: string): Promise<number> {
  const { args, io } = ctx;
  let flow = flowOf(args);
  const scopes = list(args['oauth-scope']);
  const client: OAuthClient = {
    clientId: str(args['oauth-client-id']) || DEFAULT_CLIENT_ID,
    clientSecret: str(args['oauth-client-secret']) || undefined,
    scopes: scopes.length ? scopes : isPrefixDev(key) ? PREFIX_DEV_SCOPES : DEFAULT_SCOPES,
  };
  const redirectUri = str(args['oauth-redirect-uri']);
  // The stores are opened first: a store problem shows before the user is sent to a browser.
  const chain = await ctx.stores();
  const server = await discover(issuerOf(args, input, key));

  if (flow === 'auto') {
    flow = canOpenBrowser(io.env) && server.authorizationEndpoint ? 'auth-code' : 'device-code';
    say(io, flow === 'auth-code' ? 'Using the auth-code flow in a browser.' : 'Using the device-code flow (no browser can be opened here).');
  }
  const reply: FormReply =
    flow === 'auth-code' ? await authCodeLogin(io, server, client, redirectUri) : await deviceCodeLogin(io, server, client);

  const credential = credentialFromTokens(
    reply,
    { tokenEndpoint: server.tokenEndpoint, revocationEndpoint: server.revocationEndpoint ?? null, clientId: client.clientId, refreshToken: null },
    Date.now() / 1000,
  );
  validateCredential(credential);
  const target = oauthKey(input, key);
  const store = await chain.store(target, credential);
  const expiry = credential.expiresAt ? `, valid until ${new Date(credential.expiresAt * 1000).toISOString()}` : '';
  const refresh = credential.refreshToken ? ' and refreshed when it expires' : '';
  say(io, `Stored an OAuth login for ${target} in ${where(store)}${expiry}${refresh}.`);
  return 0;
}
