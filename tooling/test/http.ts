import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer as createHttp, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

/** One request as the server saw it. */
export interface Seen {
  method: string;
  path: string;
  authorization: string | undefined;
  /** The request body as text, when there was one. */
  body?: string;
}

export interface TestServer {
  /** e.g. http://127.0.0.1:41234 */
  origin: string;
  port: number;
  seen: Seen[];
  close(): Promise<void>;
}

export interface Expect {
  bearer?: string;
  basic?: { username: string; password: string };
  conda?: string;
}

export interface Tls {
  key: string;
  cert: string;
  /** Path of the certificate, for NODE_EXTRA_CA_CERTS. */
  certPath: string;
}

let tls: Tls | undefined;
/** A self-signed certificate for 127.0.0.1, made once per process with openssl. */
export function selfSignedCert(): Tls {
  if (tls) return tls;
  const dir = mkdtempSync(join(tmpdir(), 'auth-tls-'));
  const keyPath = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '2',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ], { stdio: 'ignore' });
  tls = { key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8'), certPath };
  return tls;
}

/**
 * A logging server on 127.0.0.1 that checks credentials:
 *   /bearer/…  200 with `Authorization: Bearer <bearer>`, else 401
 *   /basic/…   200 with the basic credential, else 401
 *   /t/<conda>/conda/…  200 with the right conda token in front of the path, else 401
 *   /public/…  200 always
 *   …/redirect/<code>?to=<url>  a redirect to <url> (after any path prefix, for path-scoped keys)
 *   …/echo/<code>?to=<origin>  a redirect to <origin> + the request's own path (token and all), with
 *      `echo/<code>` turned into `public`: a careless server echoing its path into Location
 *   /status/<code>  that status
 */
export async function startServer(expect: Expect = {}, options: { https?: boolean } = {}): Promise<TestServer> {
  const seen: Seen[] = [];
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => respond(req, res, Buffer.concat(chunks).toString('utf8')));
  };
  const respond = (req: IncomingMessage, res: ServerResponse, body: string) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const authorization = req.headers.authorization;
    // A conda token in front of the path: note whether it is right, then route the rest.
    let condaOk = false;
    const conda = /^\/t\/([^/]+)(\/.*)?$/.exec(url.pathname);
    if (conda) {
      condaOk = Boolean(expect.conda) && decodeURIComponent(conda[1] ?? '') === expect.conda;
      url.pathname = conda[2] ?? '/';
    }
    seen.push({ method: req.method ?? 'GET', path: req.url ?? '/', authorization, ...(body ? { body } : {}) });
    const send = (status: number, body = '') => {
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(body || String(status));
    };
    const segments = url.pathname.split('/');
    const [, first, second] = segments;
    const redirect = segments.indexOf('redirect');
    if (redirect > 0) {
      res.writeHead(Number(segments[redirect + 1]) || 302, { location: url.searchParams.get('to') ?? '/' });
      res.end();
      return;
    }
    const echo = segments.indexOf('echo');
    if (echo > 0) {
      const path = (req.url ?? '/').replace(/\/echo\/\d+/, '/public');
      res.writeHead(Number(segments[echo + 1]) || 302, { location: `${url.searchParams.get('to') ?? ''}${path}` });
      res.end();
      return;
    }
    if (first === 'status') return send(Number(second));
    if (first === 'public') return send(200, 'public');
    if (first === 'bearer') return send(expect.bearer && authorization === `Bearer ${expect.bearer}` ? 200 : 401);
    if (first === 'basic') {
      const b = expect.basic;
      const want = b && `Basic ${Buffer.from(`${b.username}:${b.password}`, 'utf8').toString('base64')}`;
      return send(want && authorization === want ? 200 : 401);
    }
    if (first === 'conda') return send(condaOk ? 200 : 401);
    send(404);
  };
  let server: Server;
  if (options.https) {
    const { key, cert } = selfSignedCert();
    server = createHttps({ key, cert }, handler);
  } else {
    server = createHttp(handler);
  }
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    origin: `${options.https ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 where nothing listens. */
export async function closedPort(): Promise<number> {
  const s = createHttp();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export interface Servers {
  a: TestServer;
  b: TestServer;
  /** https with the self-signed certificate of `selfSignedCert()`. */
  secure: TestServer;
}

/** Two http servers and one https server, started before a file's tests and closed after them. */
export function useServers(expect: Expect): Servers {
  const servers = {} as Servers;
  beforeAll(async () => {
    servers.a = await startServer(expect);
    servers.b = await startServer(expect);
    servers.secure = await startServer(expect, { https: true });
  });
  afterAll(async () => {
    await Promise.all([servers.a.close(), servers.b.close(), servers.secure.close()]);
  });
  return servers;
}

/** The port-scoped key of a loopback server, `127.0.0.1:<port>`. */
export const hostKey = (server: TestServer): string => `127.0.0.1:${server.port}`;
