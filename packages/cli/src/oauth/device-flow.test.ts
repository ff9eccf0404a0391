import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { isAuthError, OAuthError } from '@auth/core';
import { describe, expect, it } from 'vitest';
import type { Io } from '../io.js';
import { deviceCodeLogin } from './device-flow.js';
import { discover } from './discovery.js';

/** A scripted authorization server on 127.0.0.1: each poll of the token endpoint gets the next answer. */
async function scripted(answers: [number, Record<string, unknown>][], extra: Record<string, unknown> = {}) {
  const polls: number[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const reply = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.url === '/.well-known/openid-configuration') {
      return reply(200, { issuer: origin, token_endpoint: `${origin}/token`, device_authorization_endpoint: `${origin}/device`, ...extra });
    }
    if (req.url === '/device') {
      return reply(200, { device_code: 'dev-code-secret', user_code: 'ABCD\u001b[31m-EFGH', verification_uri: `${origin}/verify`, interval: 1, expires_in: 60 });
    }
    if (req.url !== '/token') return reply(404, {});
    polls.push(Date.now());
    const [status, body] = answers.shift() ?? [400, { error: 'expired_token' }];
    reply(status, body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, polls, close: () => server.close() };
}

function collectingIo(): Io & { err: () => string } {
  let err = '';
  return {
    stdout: { write: () => undefined },
    stderr: { write: (t: string) => (err += t) },
    stdin: new PassThrough(),
    env: {},
    cwd: '/',
    err: () => err,
  };
}

const client = { clientId: 'rattler', clientSecret: undefined, scopes: ['openid'] };

describe('the device-code flow', () => {
  it('waits through authorization_pending and slows down by 5 s on slow_down (RFC 8628 §3.5)', async () => {
    const server = await scripted([
      [400, { error: 'authorization_pending' }],
      [400, { error: 'slow_down' }],
      [200, { access_token: 'at', token_type: 'Bearer', expires_in: 60 }],
    ]);
    try {
      const io = collectingIo();
      const reply = await deviceCodeLogin(io, await discover(server.origin), client);
      expect(reply.body.access_token).toBe('at');
      expect(server.polls).toHaveLength(3);
      const gaps = server.polls.slice(1).map((t, i) => t - (server.polls[i] as number));
      expect(gaps[1]).toBeGreaterThanOrEqual(5900);
      // The server's user code is shown without its escape sequence; the device code never.
      expect(io.err()).toContain('enter the code ABCD[31m-EFGH');
      expect(io.err()).not.toContain('\u001b');
      expect(io.err()).not.toContain('dev-code-secret');
    } finally {
      server.close();
    }
  }, 20_000);

  it('stops with a typed error on expired_token and on access_denied', async () => {
    for (const [error, reason] of [
      ['expired_token', 'expired'],
      ['access_denied', 'denied'],
    ] as const) {
      const server = await scripted([[400, { error }]]);
      try {
        const failure = await deviceCodeLogin(collectingIo(), await discover(server.origin), client).catch((e: unknown) => e);
        expect(failure).toBeInstanceOf(OAuthError);
        expect((failure as OAuthError).reason).toBe(reason);
        expect((failure as Error).message).not.toContain('dev-code-secret');
      } finally {
        server.close();
      }
    }
  });
});

describe('discovery', () => {
  it('refuses metadata that names another issuer', async () => {
    const server = await scripted([], { issuer: 'https://evil.example' });
    try {
      const failure = await discover(server.origin).catch((e: unknown) => e);
      expect(isAuthError(failure, 'OAUTH_FAILED')).toBe(true);
      expect((failure as Error).message).toMatch(/another issuer/);
    } finally {
      server.close();
    }
  });

  it('refuses endpoints that are neither https nor loopback http', async () => {
    const server = await scripted([], { token_endpoint: 'http://auth.example/token' });
    try {
      expect(((await discover(server.origin).catch((e: unknown) => e)) as Error).message).toMatch(/not https/);
    } finally {
      server.close();
    }
    await expect(discover('http://auth.example')).rejects.toThrow(/not https/);
  });
});
