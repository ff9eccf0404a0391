import { type Credential, createAuthenticator, hasScheme, isAuthError, keyFromInput, type Lookup, redact, sendableToken } from '@auth/core';
import { OperationError, UsageError } from '../errors.js';
import { data, uncheckedStores } from '../io.js';
import { type Context, str } from './context.js';

/**
 * What a request to the input would be sent to: a URL (a host becomes https://host), so the
 * authenticator resolves s3://, wildcard, port and path keys exactly as for a request; a stored
 * wildcard key given as `auth list` shows it is looked up as that key.
 */
function target(input: string): { key: string } | { url: string } {
  if (input.startsWith('*.')) return { key: keyFromInput(input) };
  if (hasScheme(input)) return { url: input };
  keyFromInput(input); // a usage error, input redacted, for input that is no host at all
  return { url: `https://${input}` };
}

async function lookUp(ctx: Context, input: string): Promise<Lookup> {
  const chain = await ctx.stores();
  const t = target(input);
  if ('key' in t) return chain.find(t.key);
  if (!URL.canParse(t.url)) throw new UsageError(`${redact(input)} is not a valid URL`);
  // A request to such a URL sends the credentials written in it, never a stored token.
  const { username, password, pathname } = new URL(t.url);
  if (username || password || /^\/t\/[^/]+/.test(pathname)) {
    throw new UsageError(`${redact(input)} carries its own credentials (user:password or /t/<token>/), which a request sends instead of a stored token: give the URL without them`);
  }
  try {
    // The text, not a parsed URL: the authenticator refuses what parsing would silently repair
    // (`https:///host`, `https://\\host`), as it does for a request.
    return await createAuthenticator({ store: chain }).find(t.url);
  } catch (error) {
    if (isAuthError(error, 'INVALID_URL', 'INVALID_KEY')) throw new UsageError(error.message);
    throw error;
  }
}

/** The credential as a request would carry it now: an OAuth token refreshed first. */
async function fresh(ctx: Context, key: string, credential: Credential): Promise<Credential> {
  // Only an OAuth token is ever refreshed: the refresh code (a bundle of its own) loads for one.
  if (credential.type !== 'oauth') return credential;
  const { freshFromChain } = await import('../oauth/fresh.js');
  try {
    return await freshFromChain(ctx.io, await ctx.stores(), key, credential);
  } catch (error) {
    if (isAuthError(error, 'OAUTH_EXPIRED')) throw new OperationError(`the OAuth login for ${redact(key)} has expired: log in again (auth login)`);
    throw error;
  }
}

export async function token(ctx: Context): Promise<number> {
  const input = str(ctx.args['host-or-url']) ?? '';
  if (!input) throw new UsageError('say which host or URL');
  const { found, unchecked } = await lookUp(ctx, input);
  // Without the passed-over store the answer may be another one: say so (the advice with it).
  if (!found || unchecked.some((u) => u.error.reason !== 'no-keychain')) ctx.reportUnavailable();
  if (!found) {
    // A store that could not be asked may hold it: name it rather than say "nothing stored".
    const notChecked = uncheckedStores(unchecked);
    throw new OperationError(
      notChecked ? `no credential found for ${redact(input)}, but could not check ${notChecked}` : `no credential is stored for ${redact(input)}`,
    );
  }
  const credential = await fresh(ctx, found.key, found.credential);
  let value: string | undefined;
  try {
    value = sendableToken(credential);
  } catch (error) {
    if (!isAuthError(error, 'INVALID_CREDENTIAL')) throw error;
    throw new OperationError(`the token stored for ${redact(found.key)} could not be sent (${error.message}); log in again to replace it`);
  }
  if (value === undefined) {
    if (credential.type === 'oauth') throw new OperationError(`the OAuth login for ${redact(found.key)} has expired: log in again (auth login)`);
    throw new OperationError(`the credential for ${redact(found.key)} has no token to print: it is ${credential.type === 's3' ? 'S3 credentials' : `a ${credential.type} credential`}, not a token`);
  }
  data(ctx.io, value);
  return 0;
}
