import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OAuthError } from '@auth/core';
import { UsageError } from '../errors.js';

/**
 * The redirect target of a native app's authorization-code login (RFC 8252 §7.3): an HTTP
 * listener on the loopback interface, an ephemeral port unless a redirect URI is given. It
 * answers one redirect carrying the expected `state`; anything else gets 400 and is ignored.
 */
export interface Loopback {
  redirectUri: string;
  /** The authorization response's query parameters. */
  result: Promise<URLSearchParams>;
  close(): void;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

function parseRedirect(redirectUri: string | undefined): { host: string; port: number; path: string } {
  if (redirectUri === undefined) return { host: '127.0.0.1', port: 0, path: '/callback' };
  let url: URL;
  try {
    url = new URL(redirectUri);
  } catch {
    throw new UsageError(`--oauth-redirect-uri "${redirectUri}" is not a URL`);
  }
  if (url.protocol !== 'http:' || !LOOPBACK_HOSTS.has(url.hostname)) {
    throw new UsageError('--oauth-redirect-uri must be an http:// address on this machine (127.0.0.1, [::1] or localhost)');
  }
  const host = url.hostname === '[::1]' ? '::1' : url.hostname;
  return { host, port: Number(url.port || 80), path: url.pathname };
}

export async function listenForRedirect(state: string, redirectUri?: string): Promise<Loopback> {
  const { host, port, path } = parseRedirect(redirectUri);
  let settle: { resolve(v: URLSearchParams): void; reject(e: unknown): void } | undefined;
  const result = new Promise<URLSearchParams>((resolve, reject) => (settle = { resolve, reject }));
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://loopback');
    const params = url.searchParams;
    if (req.method !== 'GET' || url.pathname !== path || params.get('state') !== state) {
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('This is not the login this command is waiting for.\n');
      return;
    }
    const failed = params.has('error');
    res
      .writeHead(200, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' })
      .end(failed ? 'The login did not succeed; see the terminal.\n' : 'Logged in. You can close this window and return to the terminal.\n');
    settle?.resolve(params);
  });
  server.on('error', (error) => settle?.reject(error));
  try {
    server.listen(port, host);
    await once(server, 'listening');
  } catch (error) {
    throw new OAuthError('failed', `cannot listen for the login redirect on ${host}:${port} (${(error as NodeJS.ErrnoException).code})`);
  }
  const bound = (server.address() as AddressInfo).port;
  const shownHost = host === '::1' ? '[::1]' : host;
  return {
    redirectUri: redirectUri ?? `http://${shownHost}:${bound}${path}`,
    result,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}
