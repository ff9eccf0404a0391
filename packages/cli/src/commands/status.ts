import {
  type Authenticator,
  type Credential,
  createAuthenticator,
  hasScheme,
  MemoryStore,
  type Resolution,
  redactText,
  redactUrl,
  secretValues,
} from '@auth/core';
import { OperationError, UsageError } from '../errors.js';
import { data, say } from '../io.js';
import { type Context, str } from './context.js';

export interface StatusReport {
  url: string;
  finalUrl: string | null;
  key: string | null;
  store: string | null;
  type: string | null;
  status: number | null;
  ok: boolean;
  error?: string;
}

function parseUrl(input: string): URL {
  try {
    const url = new URL(hasScheme(input) ? input : `https://${input}`);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
    return url;
  } catch {
    throw new UsageError(`"${redactUrl(input)}" is not an http(s) URL`);
  }
}

/** One GET through got with the auth hooks: redirects followed, credentials only where they belong. */
async function probe(authenticator: Authenticator, url: URL, timeoutMs: number, secrets: string[]) {
  const [{ default: got }, { authHooks }] = await Promise.all([import('got'), import('@auth/core/got')]);
  const client = got.extend(authHooks(authenticator));
  try {
    const response = await client(url, {
      throwHttpErrors: false,
      retry: { limit: 0 },
      timeout: { request: timeoutMs },
      headers: { 'user-agent': 'auth-cli' },
    });
    return { status: response.statusCode, finalUrl: redactUrl(response.url) };
  } catch (error) {
    const e = error as Error & { code?: string };
    const reason = e.code === 'ETIMEDOUT' ? `no answer within ${timeoutMs / 1000} s` : `${e.code ? `${e.code}: ` : ''}${e.message}`;
    return { status: null, finalUrl: null, error: redactText(reason, secrets) };
  }
}

function timeoutOf(ctx: Context): number {
  const raw = str(ctx.args.timeout);
  if (raw === undefined) return 30_000;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError('--timeout takes a number of seconds');
  return seconds * 1000;
}

export async function status(ctx: Context): Promise<number> {
  const url = parseUrl(str(ctx.args.url) ?? '');
  const authenticator = createAuthenticator({ store: await ctx.stores() });
  const found: Resolution | undefined = await authenticator.resolve(url);
  const result = await probe(authenticator, url, timeoutOf(ctx), found ? secretValues(found.credential) : []);
  const report: StatusReport = {
    url: redactUrl(url),
    finalUrl: result.finalUrl,
    key: found?.key ?? null,
    store: found?.store.name ?? null,
    type: found?.credential.type ?? null,
    status: result.status,
    ok: Boolean(found) && result.status !== null && result.status < 400,
    ...(result.error ? { error: result.error } : {}),
  };
  if (ctx.args.json) data(ctx.io, JSON.stringify(report, null, 2));
  else {
    const using = found ? `${found.key} (${found.credential.type}, ${found.store.name})` : 'no stored credential';
    const outcome = result.status !== null ? `HTTP ${result.status}` : `failed: ${result.error}`;
    say(ctx.io, `${report.url}: ${outcome} using ${using}${report.finalUrl && report.finalUrl !== report.url ? ` (ended at ${report.finalUrl})` : ''}`);
  }
  return report.ok ? 0 : 1;
}

/** `login --verify`: the same request with the new credential; a rejection stores nothing. */
export async function verifyBeforeLogin(ctx: Context, input: string, key: string, credential: Credential): Promise<void> {
  const url = parseUrl(input.startsWith('*.') ? input.slice(2) : input);
  const authenticator = createAuthenticator({ store: new MemoryStore([[key, credential]]) });
  if (!(await authenticator.resolve(url))) throw new UsageError(`--verify needs a URL that ${key} applies to`);
  const result = await probe(authenticator, url, timeoutOf(ctx), secretValues(credential));
  if (result.status === null) throw new OperationError(`could not verify the credential: ${result.error}; nothing was stored`);
  if (result.status === 401 || result.status === 403) {
    throw new OperationError(`${redactUrl(url)} rejected the credential (HTTP ${result.status}); nothing was stored`);
  }
  say(ctx.io, `${redactUrl(url)} accepted the credential (HTTP ${result.status}).`);
}
