import {
  type Authenticator,
  type Credential,
  createAuthenticator,
  hasScheme,
  MemoryStore,
  type Resolution,
  redact,
  secretValues,
  parseRequestUrl,
  redactPresignedUrl,
  type S3Options,
} from '@auth/core';
import { OperationError, UsageError } from '../errors.js';
import { data, say, shown } from '../io.js';
import { type Context, str } from './context.js';

/** user:password or a leading /t/<token>/ in the URL itself: then that is what is sent. */
function carriesCredentials(url: URL): boolean {
  return parseRequestUrl(url).userinfo || /^\/t\/[^/?#]+/.test(url.pathname);
}

/** Which credential went out: a stored one, the one written into the URL itself, AWS's keys (s3://), or none. */
export type Sent = 'stored' | 'url' | 'aws' | 'none';

export interface StatusReport {
  url: string;
  finalUrl: string | null;
  key: string | null;
  store: string | null;
  type: string | null;
  sent: Sent;
  status: number | null;
  ok: boolean;
  error?: string;
}

interface Probe {
  status: number | null;
  finalUrl: string | null;
  error?: string;
}

/** The URL to request. The input is never echoed: a malformed URL may hold a password as typed. */
function parseUrl(input: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(hasScheme(input) ? input : `https://${input}`);
  } catch {
    throw new UsageError(`${what} is not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:' && url.protocol !== 's3:') throw new UsageError(`${what} is not an http(s) or s3 URL`);
  return url;
}

/** Why a request failed, in words a user can act on. */
function failureOf(error: Error & { code?: string }, url: URL, timeoutMs: number, timedOut: boolean): string {
  if (timedOut) return `no response headers within ${timeoutMs / 1000} s`;
  // OpenSSL's reply to a plain-http answer on a TLS connection.
  if (url.protocol === 'https:' && (error.code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number/i.test(error.message))) {
    return `the server speaks http, not https: try http://${url.host}${url.pathname}`;
  }
  return `${error.code ? `${error.code}: ` : ''}${error.message}`;
}

/**
 * One GET through got with the auth hooks: redirects followed, credentials only where they
 * belong. Only the headers are read: the body is destroyed unread, and the timeout covers the
 * headers alone, so a server that stalls its body still gets its status reported at once.
 */
async function probe(authenticator: Authenticator, url: URL, timeoutMs: number, secrets: string[]): Promise<Probe> {
  const [{ default: got }, { authGot }] = await Promise.all([import('got'), import('@auth/core/got')]);
  const client = authGot(got, authenticator);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await new Promise<{ statusCode: number; url: string }>((resolve, reject) => {
      const stream = client.stream(url, {
        throwHttpErrors: false,
        retry: { limit: 0 },
        headers: { 'user-agent': 'auth-cli' },
        signal: controller.signal,
      });
      stream.once('response', (r: { statusCode: number; url: string }) => {
        resolve(r);
        stream.destroy();
      });
      stream.once('error', reject);
    });
    return { status: response.statusCode, finalUrl: redactPresignedUrl(redact(response.url)) };
  } catch (error) {
    const reason = failureOf(error as Error & { code?: string }, url, timeoutMs, controller.signal.aborted);
    return { status: null, finalUrl: null, error: redactPresignedUrl(redact(reason, secrets)) };
  } finally {
    clearTimeout(timer);
  }
}

/** Above this, Node's timers overflow (2^31 ms); an hour is more than any server needs. */
const MAX_TIMEOUT_S = 3600;

function timeoutOf(ctx: Context): number {
  const raw = str(ctx.args.timeout);
  if (raw === undefined) return 30_000;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0.001 || seconds > MAX_TIMEOUT_S) {
    throw new UsageError(`--timeout takes a number of seconds from 0.001 to ${MAX_TIMEOUT_S}`);
  }
  return Math.round(seconds * 1000);
}

function describeSent(report: StatusReport): string {
  if (report.sent === 'url') return 'the credentials written in the URL (no stored one)';
  if (report.sent === 'none') return 'no stored credential';
  if (report.sent === 'aws') return 'the AWS keys from the environment or ~/.aws (no stored one)';
  return `${shown(report.key ?? '')} (${report.type}, ${shown(report.store ?? '')})`;
}

/** The bucket's endpoint from the --s3-* flags; what they leave out comes from the AWS settings. */
function s3Options(ctx: Context, url: URL): S3Options | undefined {
  if (url.protocol !== 's3:') return undefined;
  const endpointUrl = str(ctx.args['s3-endpoint-url']);
  const region = str(ctx.args['s3-region']);
  const forcePathStyle = ctx.args['s3-force-path-style'] === true ? true : undefined;
  return { [url.host]: { ...(endpointUrl ? { endpointUrl } : {}), ...(region ? { region } : {}), ...(forcePathStyle ? { forcePathStyle } : {}) } };
}

export async function status(ctx: Context): Promise<number> {
  if (ctx.args.url === undefined) return (await import('./overview.js')).overview(ctx);
  const url = parseUrl(str(ctx.args.url) ?? '', '<url>');
  const timeoutMs = timeoutOf(ctx);
  const authenticator = createAuthenticator({ store: await ctx.stores(), s3: s3Options(ctx, url) });
  // A URL that carries user:password or /t/<token>/ is sent as it is: no stored credential goes.
  const inUrl = carriesCredentials(url);
  const found: Resolution | undefined = inUrl ? undefined : await authenticator.resolve(url);
  const result = await probe(authenticator, url, timeoutMs, found ? secretValues(found.credential) : []);
  const report: StatusReport = {
    url: redact(url),
    finalUrl: result.finalUrl,
    key: found ? redact(found.key) : null,
    store: found?.store.name ?? null,
    type: found?.credential.type ?? null,
    sent: inUrl ? 'url' : found ? 'stored' : url.protocol === 's3:' && result.status !== null ? 'aws' : 'none',
    status: result.status,
    ok: (inUrl || Boolean(found) || url.protocol === 's3:') && result.status !== null && result.status < 400,
    ...(result.error ? { error: result.error } : {}),
  };
  if (!found && !inUrl) ctx.reportUnavailable();
  if (ctx.args.json) data(ctx.io, JSON.stringify(report, null, 2));
  else {
    const outcome = result.status !== null ? `HTTP ${result.status}` : `failed: ${shown(result.error ?? '')}`;
    const ended = report.finalUrl && report.finalUrl !== report.url ? ` (ended at ${report.finalUrl})` : '';
    say(ctx.io, `${report.url}: ${outcome} using ${describeSent(report)}${ended}`);
  }
  return report.ok ? 0 : 1;
}

/**
 * `login --verify`: the same request with the new credential, to the host or to `--verify-url`.
 * 2xx and 3xx accept it; 401 and 403 reject it; anything else could not verify it. Only an
 * accepted credential is stored.
 */
export async function verifyBeforeLogin(ctx: Context, input: string, key: string, credential: Credential): Promise<void> {
  const against = str(ctx.args['verify-url']);
  const url = against === undefined ? parseUrl(input.startsWith('*.') ? input.slice(2) : input, '<host>') : parseUrl(against, '--verify-url');
  // A URL with credentials of its own is sent as it is: the new credential would not be checked.
  if (carriesCredentials(url)) throw new UsageError(`${against === undefined ? '<host>' : '--verify-url'} carries credentials of its own: give a URL without them`);
  const authenticator = createAuthenticator({ store: new MemoryStore([[key, credential]]) });
  if (!(await authenticator.resolve(url))) {
    throw new UsageError(`--verify needs a URL that ${key} applies to${against ? '' : ': give one with --verify-url'}`);
  }
  const result = await probe(authenticator, url, timeoutOf(ctx), secretValues(credential));
  const shown = redact(url);
  if (result.status === null) throw new OperationError(`could not verify the credential at ${shown}: ${result.error}; nothing was stored`);
  if (result.status === 401 || result.status === 403) {
    throw new OperationError(`${shown} rejected the credential (HTTP ${result.status}); nothing was stored`);
  }
  if (result.status >= 400) {
    throw new OperationError(`could not verify the credential: ${shown} answered HTTP ${result.status}; nothing was stored`);
  }
  say(ctx.io, `${shown} accepted the credential (HTTP ${result.status}).`);
}
