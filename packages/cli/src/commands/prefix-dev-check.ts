import { OperationError } from '../errors.js';
import type { Io } from '../io.js';

const DEFAULT_API = 'https://prefix.dev';
const VIEWER_QUERY = JSON.stringify({ query: '{ viewer { login } }' });

/** Where prefix.dev's API is: `PREFIX_DEV_API_URL` (tests point it at a loopback server). */
function graphqlUrl(env: Io['env']): string {
  return `${(env.PREFIX_DEV_API_URL || DEFAULT_API).replace(/\/+$/, '')}/api/graphql`;
}

const NOT_STORED = 'nothing was stored (--no-verify skips this check)';

/**
 * pixi's check of a prefix.dev token before it is stored: prefix.dev's GraphQL API answers
 * `viewer: null` for a token it does not accept. Throws (nothing to store) when it does not
 * accept the token or cannot be asked. The token is never part of a message.
 */
export async function checkPrefixDevToken(io: Io, token: string, timeoutMs = 30_000): Promise<string> {
  const url = graphqlUrl(io.env);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${token}` },
      body: VIEWER_QUERY,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
    throw new OperationError(`could not reach ${url} to check the token (${cause}); ${NOT_STORED}`);
  }
  let login: unknown;
  try {
    const body = (await response.json()) as { data?: { viewer?: { login?: unknown } | null } };
    if (body.data?.viewer === null) throw new OperationError(`prefix.dev did not accept the token (it knows no user for it); ${NOT_STORED}`);
    login = body.data?.viewer?.login;
  } catch (error) {
    if (error instanceof OperationError) throw error;
    login = undefined;
  }
  if (!response.ok || typeof login !== 'string') {
    throw new OperationError(`${url} gave no answer about the token (HTTP ${response.status}); ${NOT_STORED}`);
  }
  return login;
}
