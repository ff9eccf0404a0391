import { InvalidCredentialError } from './errors.js';
import { REDACTED } from './redact.js';

/** Credentials as rattler knows them, tagged by `type`, fields in camelCase. */
export interface BearerCredential {
  type: 'bearer';
  token: string;
}
export interface BasicCredential {
  type: 'basic';
  username: string;
  password: string;
}
export interface CondaTokenCredential {
  type: 'conda-token';
  token: string;
}
export interface S3Credential {
  type: 's3';
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | null;
}
export interface OAuthCredential {
  type: 'oauth';
  accessToken: string;
  refreshToken?: string | null;
  /** Seconds since the epoch. */
  expiresAt?: number | null;
  tokenEndpoint: string;
  revocationEndpoint?: string | null;
  clientId: string;
  /**
   * Members of rattler's OAuth record that this library does not model (newer rattler's
   * `issuer_url`, `scopes`, `oidc`, …), as their JSON text in stored order (`"name":value,…`),
   * written back after `client_id` so nothing another tool wrote is lost.
   */
  extraFields?: string | null;
}
/** A value another tool wrote that we do not understand: never applied, kept verbatim. */
export interface UnknownCredential {
  type: 'unknown';
  /** The JSON text exactly as it was stored. */
  raw: string;
}

export type Credential =
  | BearerCredential
  | BasicCredential
  | CondaTokenCredential
  | S3Credential
  | OAuthCredential
  | UnknownCredential;

export type CredentialType = Credential['type'];

export const CREDENTIAL_TYPES: readonly CredentialType[] = [
  'bearer',
  'basic',
  'conda-token',
  's3',
  'oauth',
  'unknown',
];

const SECRET_FIELDS = new Set(['token', 'password', 'secretAccessKey', 'sessionToken', 'accessToken', 'refreshToken', 'raw', 'extraFields']);
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** The secret values a credential holds, for scrubbing them out of text that is about to be shown. */
export function secretValues(credential: Credential): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(credential)) {
    if (SECRET_FIELDS.has(name) && typeof value === 'string' && value !== '') out.push(value);
  }
  return out;
}

/** A copy of the credential with every secret field replaced by `***`. */
export function redactCredential(credential: Credential): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(credential)) {
    out[name] = SECRET_FIELDS.has(name) && value != null ? REDACTED : value;
  }
  return out;
}

/**
 * Makes `console.log`, `util.inspect` and `JSON.stringify` show the credential redacted.
 * The hooks are non-enumerable, so spreading or comparing the object sees only its data.
 */
export function protect<C extends Credential>(credential: C): C {
  if (Object.hasOwn(credential, INSPECT)) return credential;
  Object.defineProperty(credential, INSPECT, REDACTED_HOOK);
  Object.defineProperty(credential, 'toJSON', REDACTED_HOOK);
  return credential;
}

// One hook for every credential (both callers pass the object as `this`), not a closure each:
// `auth list` decodes every entry.
const REDACTED_HOOK: PropertyDescriptor = {
  value(this: Credential) {
    return redactCredential(this);
  },
  enumerable: false,
};

/**
 * The largest secret accepted, in UTF-8 bytes. A header line must fit the 8 KiB buffers of
 * common servers (nginx's default `large_client_header_buffers`, and Node's 16 KiB for all
 * headers): past that they answer 431 or 400, so a 1 MB token can never work.
 */
export const MAX_SECRET_BYTES = 8192;
// `Basic base64(user:password)` grows by 4/3: 6 KiB of text is an 8 KiB header.
const MAX_BASIC_BYTES = 6144;

// A token goes into a header or a URL as it is: visible ASCII only, no space, no control.
const NOT_TOKEN = /[^\u0021-\u007e]/;
// C0, DEL and C1 controls: CR/LF would inject headers, ESC would drive a terminal.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// With the u flag only an unpaired surrogate matches: UTF-8 cannot carry it.
const LONE_SURROGATE = /[\ud800-\udfff]/u;

function bytes(value: string): number {
  return Buffer.byteLength(value, 'utf8');
}

function checkPresent(value: unknown, what: string, allowEmpty: boolean): asserts value is string {
  if (typeof value !== 'string') throw new InvalidCredentialError(`${what} must be a string`);
  if (!allowEmpty && value.length === 0) throw new InvalidCredentialError(`${what} is empty`);
}

/** Tokens (bearer, conda, OAuth, S3 keys): visible ASCII, at most MAX_SECRET_BYTES. */
function checkToken(value: unknown, what: string): void {
  checkPresent(value, what, false);
  if (NOT_TOKEN.test(value)) {
    // Name the worst thing found first: a control character (CR/LF would inject a header).
    if (CONTROL.test(value)) {
      throw new InvalidCredentialError(`${what} contains a control character (such as a newline); it must be printable ASCII, and it was refused`);
    }
    throw new InvalidCredentialError(
      `${what} must be printable ASCII (letters, digits, punctuation; no spaces, control or non-ASCII characters); it was refused`,
    );
  }
  if (value.length > MAX_SECRET_BYTES) throw new InvalidCredentialError(`${what} is longer than ${MAX_SECRET_BYTES} bytes, more than servers accept in a header`);
}

/** Basic usernames and passwords, endpoints, client ids: well-formed UTF-8 without control characters. */
function checkText(value: unknown, what: string, { allowEmpty = false } = {}): void {
  checkPresent(value, what, allowEmpty);
  if (CONTROL.test(value)) throw new InvalidCredentialError(`${what} contains a control character (such as a newline); it was refused`);
  if (LONE_SURROGATE.test(value)) throw new InvalidCredentialError(`${what} is not valid Unicode (a lone surrogate); it was refused`);
  if (bytes(value) > MAX_SECRET_BYTES) throw new InvalidCredentialError(`${what} is longer than ${MAX_SECRET_BYTES} bytes, more than servers accept in a header`);
}

function checkOptional(value: unknown, what: string, check: (value: unknown, what: string) => void): void {
  if (value !== undefined && value !== null) check(value, what);
}

/** Basic authentication: `user:password` must split back at the first `:` and fit one header. */
function checkBasic(username: unknown, password: unknown): void {
  checkText(username, 'the username');
  checkText(password, 'the password', { allowEmpty: true });
  if ((username as string).includes(':')) {
    throw new InvalidCredentialError('the username contains ":", which basic authentication cannot carry');
  }
  if (bytes(`${username}:${password}`) > MAX_BASIC_BYTES) {
    throw new InvalidCredentialError(`the username and password together are longer than ${MAX_BASIC_BYTES} bytes, more than servers accept in a header`);
  }
}

/**
 * Throws InvalidCredentialError unless the credential is safe to store and send; one rule per
 * kind, used at input (login, store.set) and at use (before a request carries it).
 * Unknown credentials are someone else's data and always pass. Messages never hold the secret.
 */
export function validateCredential(credential: Credential): void {
  switch (credential.type) {
    case 'bearer':
      checkToken(credential.token, 'the token');
      return;
    case 'conda-token':
      checkToken(credential.token, 'the conda token');
      return;
    case 'basic':
      checkBasic(credential.username, credential.password);
      return;
    case 's3':
      checkToken(credential.accessKeyId, 'the S3 access key id');
      checkToken(credential.secretAccessKey, 'the S3 secret access key');
      checkOptional(credential.sessionToken, 'the S3 session token', checkToken);
      return;
    case 'oauth':
      checkToken(credential.accessToken, 'the OAuth access token');
      checkOptional(credential.refreshToken, 'the OAuth refresh token', checkToken);
      checkText(credential.tokenEndpoint, 'the OAuth token endpoint');
      checkOptional(credential.revocationEndpoint, 'the OAuth revocation endpoint', checkText);
      checkText(credential.clientId, 'the OAuth client id');
      if (credential.expiresAt != null && !Number.isSafeInteger(credential.expiresAt)) {
        throw new InvalidCredentialError('the OAuth expiry must be whole seconds since the epoch');
      }
      return;
    case 'unknown':
      return;
    default:
      throw new InvalidCredentialError(`unknown credential type "${String((credential as { type: unknown }).type).slice(0, 40)}"`);
  }
}

/**
 * A secret as pasted or piped, without a leading byte-order mark (editors on Windows write
 * one); `stripped` says whether there was one, so the caller can tell the user.
 */
export function stripBom(value: string): { value: string; stripped: boolean } {
  return value.charCodeAt(0) === 0xfeff ? { value: value.slice(1), stripped: true } : { value, stripped: false };
}

/**
 * The token `auth token` may print: the one a request would carry, or undefined when the
 * credential has none (basic, s3, an expired OAuth token). Throws InvalidCredentialError when a
 * stored token could not be sent as it is (CR/LF, characters above U+00FF, U+FFFD…), so it is
 * never printed either.
 */
export function sendableToken(credential: Credential, nowSeconds = Date.now() / 1000): string | undefined {
  const token = tokenOf(credential, nowSeconds);
  if (token !== undefined) checkToken(token, `the stored ${credential.type === 'oauth' ? 'OAuth access token' : credential.type === 'conda-token' ? 'conda token' : 'token'}`);
  return token;
}

/** The username of a basic credential, for listings; undefined for every other type. */
export function usernameOf(credential: Credential): string | undefined {
  return credential.type === 'basic' ? credential.username : undefined;
}

/** The token that would be sent for this credential, if it is a token at all. */
export function tokenOf(credential: Credential, nowSeconds = Date.now() / 1000): string | undefined {
  switch (credential.type) {
    case 'bearer':
    case 'conda-token':
      return credential.token;
    case 'oauth':
      return isExpired(credential, nowSeconds) ? undefined : credential.accessToken;
    default:
      return undefined;
  }
}

export function isExpired(credential: OAuthCredential, nowSeconds = Date.now() / 1000): boolean {
  return credential.expiresAt != null && credential.expiresAt <= nowSeconds;
}
