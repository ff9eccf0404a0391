import { once } from 'node:events';
import { createHash, createHmac, type Hash, type Hmac, timingSafeEqual } from 'node:crypto';
import dns from 'node:dns';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignatureV4 } from '@smithy/signature-v4';
import aws4 from 'aws4';

/**
 * A loopback S3 look-alike that refuses every request whose presigned SigV4 signature AWS's own
 * signer (`@smithy/signature-v4`) and a second implementation (`aws4`) do not both reproduce.
 * Path style: `http://127.0.0.1:PORT/bucket/key`; virtual host: `Host: bucket.localhost:PORT`.
 */

export interface S3Account {
  secretAccessKey: string;
  /** When set, requests signed with this key must carry exactly this `X-Amz-Security-Token`. */
  sessionToken?: string;
}

export interface S3ServerOptions {
  /** Access key id → its secret (and session token). */
  accounts: Record<string, S3Account>;
  /** Bucket → object key (decoded) → body. */
  buckets: Record<string, Record<string, string | Uint8Array>>;
  /** The server's clock; the real one when absent. */
  now?: () => Date;
  /** How far a signing time may lie in the server's future; AWS allows 15 minutes. */
  maxSkewSeconds?: number;
}

/** One request as the verifier judged it. */
export interface S3Seen {
  method: string;
  host: string;
  bucket: string | undefined;
  key: string | undefined;
  status: number;
  /** The S3 error code for refusals: SignatureDoesNotMatch, InvalidAccessKeyId, AccessDenied, … */
  code: string | undefined;
  /** Which signers reproduced the signature. */
  verifiedBy: string[];
}

export interface S3Server {
  origin: string;
  port: number;
  /** An endpoint URL for virtual-host style: `http://localhost:PORT`. */
  localhostOrigin: string;
  seen: S3Seen[];
  close(): Promise<void>;
}

class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const UNSIGNED = 'UNSIGNED-PAYLOAD';

type SourceData = string | ArrayBuffer | ArrayBufferView;

function bytes(data: SourceData): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

/** The SHA-256 (or HMAC-SHA-256 with a secret) that @smithy/signature-v4 asks for, from node:crypto. */
class Sha256 {
  private hash: Hash | Hmac;
  private readonly secret: Buffer | undefined;
  constructor(secret?: SourceData) {
    this.secret = secret === undefined ? undefined : bytes(secret);
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', this.secret);
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

/** RFC 3986 encoding of a UTF-8 string, byte by byte: the test's own reference for S3 paths. */
function referenceEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function parseAmzDate(text: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) throw new Refusal(403, 'AuthorizationQueryParametersError', 'X-Amz-Date must be in the ISO8601 basic format');
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
}

function equalText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

interface Parsed {
  bucket: string;
  key: string;
  hostHeader: string;
  hostname: string;
  port: number;
  rawPath: string;
  params: URLSearchParams;
}

/** Bucket and key from the Host header (virtual host) or the first path segment (path style). */
function route(req: IncomingMessage): Parsed {
  const hostHeader = req.headers.host ?? '';
  const rawUrl = req.url ?? '/';
  const q = rawUrl.indexOf('?');
  const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const params = new URLSearchParams(q < 0 ? '' : rawUrl.slice(q + 1));
  const { hostname, port } = new URL(`http://${hostHeader}`);
  const segments = rawPath.slice(1).split('/').map(decodeURIComponent);
  if (hostname.endsWith('.localhost')) {
    return { bucket: hostname.slice(0, -'.localhost'.length), key: segments.join('/'), hostHeader, hostname, port: +port, rawPath, params };
  }
  return { bucket: segments[0] ?? '', key: segments.slice(1).join('/'), hostHeader, hostname, port: +port, rawPath, params };
}

/** The canonical path the server expects: the bucket (path style) and the key, encoded independently. */
function canonicalPath(p: Parsed): string {
  const key = p.key.split('/').map(referenceEncode).join('/');
  return p.hostname.endsWith('.localhost') ? `/${key}` : `/${referenceEncode(p.bucket)}/${key}`;
}

/** What a presigned request signs: the test computes its signature with AWS's own signer. */
export interface SignedRequest {
  method: string;
  /** The Host header: `host` or `host:port`. */
  host: string;
  /** The canonical (encoded) path. */
  path: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
  region: string;
  signingDate: Date;
  expiresIn: number;
}

/** The X-Amz-Signature that `@smithy/signature-v4` computes for a presigned S3 request. */
export async function smithySignature(r: SignedRequest): Promise<string> {
  const credentials = { accessKeyId: r.accessKeyId, secretAccessKey: r.secretAccessKey };
  const signer = new SignatureV4({
    credentials: r.sessionToken ? { ...credentials, sessionToken: r.sessionToken } : credentials,
    region: r.region,
    service: 's3',
    sha256: Sha256,
    uriEscapePath: false,
  });
  const { hostname, port } = new URL(`http://${r.host}`);
  const unsigned = new Set(['x-amz-content-sha256']);
  const signed = await signer.presign(
    {
      method: r.method,
      protocol: 'http:',
      hostname,
      ...(port ? { port: Number(port) } : {}),
      path: r.path,
      query: {},
      headers: { host: r.host, 'x-amz-content-sha256': UNSIGNED },
    },
    { signingDate: r.signingDate, expiresIn: r.expiresIn, unsignableHeaders: unsigned, unhoistableHeaders: unsigned },
  );
  return String(signed.query?.['X-Amz-Signature']);
}

/** The same signature from `aws4`, a second implementation that encodes paths on its own. */
export function aws4Signature(r: SignedRequest): string {
  const amzDate = r.signingDate.toISOString().replace(/[-:]|\.\d{3}/g, '');
  const query = new URLSearchParams({ 'X-Amz-Date': amzDate, 'X-Amz-Expires': String(r.expiresIn) });
  const credentials = { accessKeyId: r.accessKeyId, secretAccessKey: r.secretAccessKey };
  const signer = new aws4.RequestSigner(
    { host: r.host, path: `${r.path}?${query}`, method: r.method, service: 's3', region: r.region, signQuery: true, headers: { Host: r.host } },
    r.sessionToken ? { ...credentials, sessionToken: r.sessionToken } : credentials,
  );
  const signed = signer.sign();
  return new URLSearchParams(String(signed.path).split('?')[1] ?? '').get('X-Amz-Signature') ?? '';
}

function required(params: URLSearchParams, name: string): string {
  const value = params.get(name);
  if (!value) throw new Refusal(403, 'AccessDenied', `Query-string authentication requires ${name}`);
  return value;
}

/** Checks the presigned URL; returns which signers reproduced it, or throws a Refusal. */
async function verify(req: IncomingMessage, p: Parsed, options: S3ServerOptions): Promise<string[]> {
  const method = req.method ?? 'GET';
  const { params } = p;
  if (required(params, 'X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') throw new Refusal(403, 'AuthorizationQueryParametersError', 'unsupported algorithm');
  const parts = required(params, 'X-Amz-Credential').split('/');
  if (parts.length < 5) throw new Refusal(403, 'AuthorizationQueryParametersError', 'malformed credential');
  const [day, region, service, terminator] = parts.slice(-4) as [string, string, string, string];
  const accessKeyId = parts.slice(0, -4).join('/');
  const amzDate = required(params, 'X-Amz-Date');
  const expiresIn = Number(required(params, 'X-Amz-Expires'));
  const given = required(params, 'X-Amz-Signature');
  if (service !== 's3' || terminator !== 'aws4_request' || day !== amzDate.slice(0, 8)) {
    throw new Refusal(403, 'AuthorizationQueryParametersError', 'the credential scope does not match');
  }
  if (required(params, 'X-Amz-SignedHeaders') !== 'host') throw new Refusal(403, 'AccessDenied', 'only host may be signed');
  const stored = Object.hasOwn(options.accounts, accessKeyId) ? options.accounts[accessKeyId] : undefined;
  if (!stored) throw new Refusal(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
  const token = params.get('X-Amz-Security-Token') ?? undefined;
  if (token !== stored.sessionToken) throw new Refusal(403, 'InvalidToken', 'The provided token is malformed or otherwise invalid.');
  if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > 604_800) {
    throw new Refusal(403, 'AuthorizationQueryParametersError', 'X-Amz-Expires must be 1 to 604800');
  }

  const signingDate = parseAmzDate(amzDate);
  const now = (options.now ?? (() => new Date()))().getTime();
  if (signingDate.getTime() > now + (options.maxSkewSeconds ?? 900) * 1000) throw new Refusal(403, 'AccessDenied', 'Request is not valid yet');
  if (now > signingDate.getTime() + expiresIn * 1000) throw new Refusal(403, 'AccessDenied', 'Request has expired');

  const verifiedBy: string[] = [];
  const request = { method, host: p.hostHeader, path: canonicalPath(p), accessKeyId, ...stored, region, signingDate, expiresIn };
  if (!equalText(await smithySignature(request), given)) {
    throw new Refusal(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided (smithy).');
  }
  verifiedBy.push('@smithy/signature-v4');
  if (!equalText(aws4Signature(request), given)) {
    throw new Refusal(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided (aws4).');
  }
  verifiedBy.push('aws4');
  return verifiedBy;
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/xml' });
  res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`);
}

export async function startS3Server(options: S3ServerOptions): Promise<S3Server> {
  const seen: S3Seen[] = [];
  const server = createServer((req, res) => {
    const method = req.method ?? 'GET';
    const entry: S3Seen = { method, host: req.headers.host ?? '', bucket: undefined, key: undefined, status: 0, code: undefined, verifiedBy: [] };
    seen.push(entry);
    const finish = (status: number, code?: string) => {
      entry.status = status;
      entry.code = code;
    };
    (async () => {
      let p: Parsed;
      try {
        p = route(req);
      } catch {
        finish(400, 'InvalidURI');
        return sendError(res, 400, 'InvalidURI', 'Could not parse the specified URI.');
      }
      entry.bucket = p.bucket;
      entry.key = p.key;
      if (method !== 'GET' && method !== 'HEAD') {
        finish(405, 'MethodNotAllowed');
        return sendError(res, 405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
      }
      entry.verifiedBy = await verify(req, p, options);
      const bucket = Object.hasOwn(options.buckets, p.bucket) ? options.buckets[p.bucket] : undefined;
      if (!bucket) {
        finish(404, 'NoSuchBucket');
        return sendError(res, 404, 'NoSuchBucket', 'The specified bucket does not exist');
      }
      const body = Object.hasOwn(bucket, p.key) ? bucket[p.key] : undefined;
      if (body === undefined) {
        finish(404, 'NoSuchKey');
        return sendError(res, 404, 'NoSuchKey', 'The specified key does not exist.');
      }
      const bytes = typeof body === 'string' ? Buffer.from(body) : Buffer.from(body);
      finish(200);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.length });
      res.end(method === 'HEAD' ? undefined : bytes);
    })().catch((error: unknown) => {
      if (error instanceof Refusal) {
        finish(error.status, error.code);
        return sendError(res, error.status, error.code, error.message);
      }
      finish(500, 'InternalError');
      sendError(res, 500, 'InternalError', 'We encountered an internal error.');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    localhostOrigin: `http://localhost:${port}`,
    port,
    seen,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/**
 * Makes `*.localhost` resolve to 127.0.0.1 in this process, as browsers and systemd-resolved do
 * (this machine's resolver does not), so Node's fetch reaches virtual-host buckets. Returns the undo.
 */
export function resolveLocalhostSubdomains(): () => void {
  const original = dns.lookup;
  const patched = ((hostname: string, ...rest: unknown[]) =>
    (original as (...args: unknown[]) => unknown)(hostname.endsWith('.localhost') ? '127.0.0.1' : hostname, ...rest)) as typeof dns.lookup;
  dns.lookup = patched;
  return () => {
    dns.lookup = original;
  };
}
