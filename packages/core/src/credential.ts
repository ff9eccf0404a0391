import { InvalidCredentialError } from './errors.js';

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

const SECRET_FIELDS = new Set(['token', 'password', 'secretAccessKey', 'sessionToken', 'accessToken', 'refreshToken', 'raw']);
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
    out[name] = SECRET_FIELDS.has(name) && value != null ? '***' : value;
  }
  return out;
}

/**
 * Makes `console.log`, `util.inspect` and `JSON.stringify` show the credential redacted.
 * The hooks are non-enumerable, so spreading or comparing the object sees only its data.
 */
export function protect<C extends Credential>(credential: C): C {
  if (Object.hasOwn(credential, INSPECT)) return credential;
  const redacted = () => redactCredential(credential);
  Object.defineProperty(credential, INSPECT, { value: redacted, enumerable: false });
  Object.defineProperty(credential, 'toJSON', { value: redacted, enumerable: false });
  return credential;
}

// CR, LF, NUL and the other C0 controls and DEL would inject headers or break URLs.
const CONTROL = /[\u0000-\u001f\u007f]/;

function checkText(value: unknown, what: string, { allowEmpty = false } = {}): void {
  if (typeof value !== 'string') throw new InvalidCredentialError(`${what} must be a string`);
  if (!allowEmpty && value.length === 0) throw new InvalidCredentialError(`${what} is empty`);
  if (CONTROL.test(value)) {
    throw new InvalidCredentialError(`${what} contains a control character (such as a newline); it was refused`);
  }
}

function checkOptional(value: unknown, what: string): void {
  if (value !== undefined && value !== null) checkText(value, what);
}

/**
 * Throws InvalidCredentialError unless the credential is safe to store and send.
 * Unknown credentials are someone else's data and always pass.
 */
export function validateCredential(credential: Credential): void {
  switch (credential.type) {
    case 'bearer':
      checkText(credential.token, 'the token');
      return;
    case 'conda-token':
      checkText(credential.token, 'the conda token');
      return;
    case 'basic':
      checkText(credential.username, 'the username');
      checkText(credential.password, 'the password', { allowEmpty: true });
      if (credential.username.includes(':')) {
        throw new InvalidCredentialError('the username contains ":", which basic authentication cannot carry');
      }
      return;
    case 's3':
      checkText(credential.accessKeyId, 'the S3 access key id');
      checkText(credential.secretAccessKey, 'the S3 secret access key');
      checkOptional(credential.sessionToken, 'the S3 session token');
      return;
    case 'oauth':
      checkText(credential.accessToken, 'the OAuth access token');
      checkOptional(credential.refreshToken, 'the OAuth refresh token');
      checkText(credential.tokenEndpoint, 'the OAuth token endpoint');
      checkOptional(credential.revocationEndpoint, 'the OAuth revocation endpoint');
      checkText(credential.clientId, 'the OAuth client id');
      if (credential.expiresAt != null && !Number.isSafeInteger(credential.expiresAt)) {
        throw new InvalidCredentialError('the OAuth expiry must be whole seconds since the epoch');
      }
      return;
    case 'unknown':
      return;
    default:
      throw new InvalidCredentialError(`unknown credential type "${(credential as { type: unknown }).type}"`);
  }
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
