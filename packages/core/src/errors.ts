/**
 * Every error this toolkit throws is an AuthError with a stable `code`. Messages name keys, hosts
 * and paths so a user can act on them, and never contain a secret.
 */
export type AuthErrorCode =
  | 'INVALID_KEY'
  | 'INVALID_CREDENTIAL'
  | 'STORE_UNAVAILABLE'
  | 'STORE_READ_ONLY'
  | 'STORE_CORRUPT'
  | 'STORE_LOCKED'
  | 'STORE_TIMEOUT'
  | 'STORE_FAILED'
  | 'NOT_FOUND'
  | 'S3_FAILED'
  | 'OAUTH_EXPIRED'
  | 'OAUTH_FAILED'
  | 'INVALID_URL'
  | 'TOO_MANY_REDIRECTS';

export class AuthError extends Error {
  readonly code: AuthErrorCode;
  constructor(code: AuthErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }

  // JSON.stringify(error) shows what a user needs and nothing a cause might hold.
  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message };
  }
}

/** Login input that cannot become a key (usage error). */
export class InvalidKeyError extends AuthError {
  readonly input: string;
  constructor(input: string, reason: string) {
    super('INVALID_KEY', `invalid host "${input}": ${reason}`);
    this.input = input;
  }
}

/** A credential that must not be stored or sent (control characters, missing fields). */
export class InvalidCredentialError extends AuthError {
  constructor(message: string) {
    super('INVALID_CREDENTIAL', message);
  }
}

/**
 * Why a store cannot be used right now; the chain falls back to the next store. `no-collection`:
 * the keychain answers but has no default keyring (Secret Service collection) to store into.
 */
export type UnavailableReason = 'no-keychain' | 'locked' | 'no-collection' | 'timeout' | 'other';

export class StoreUnavailableError extends AuthError {
  readonly store: string;
  readonly reason: UnavailableReason;
  constructor(store: string, reason: UnavailableReason, message: string, options?: { cause?: unknown }) {
    super(reason === 'timeout' ? 'STORE_TIMEOUT' : 'STORE_UNAVAILABLE', message, options);
    this.store = store;
    this.reason = reason;
  }
}

export class ReadOnlyStoreError extends AuthError {
  readonly store: string;
  constructor(store: string, message = `the ${store} store is read-only`) {
    super('STORE_READ_ONLY', message);
    this.store = store;
  }
}

/** A store whose data cannot be parsed. It is never written over. */
export class CorruptStoreError extends AuthError {
  readonly store: string;
  readonly path: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;
  constructor(
    store: string,
    message: string,
    where: { path?: string; line?: number; column?: number } = {},
  ) {
    super('STORE_CORRUPT', message);
    this.store = store;
    this.path = where.path;
    this.line = where.line;
    this.column = where.column;
  }
}

/** A lock held by a live process for longer than we are willing to wait. */
export class StoreLockedError extends AuthError {
  readonly store: string;
  constructor(store: string, message: string) {
    super('STORE_LOCKED', message);
    this.store = store;
  }
}

export class StoreFailedError extends AuthError {
  readonly store: string;
  constructor(store: string, message: string, options?: { cause?: unknown }) {
    super('STORE_FAILED', message, options);
    this.store = store;
  }
}

export class NotFoundError extends AuthError {
  readonly key: string;
  constructor(key: string, message = `no credential stored for ${key}`) {
    super('NOT_FOUND', message);
    this.key = key;
  }
}

const CODES = new Set<string>([
  'INVALID_KEY',
  'INVALID_CREDENTIAL',
  'STORE_UNAVAILABLE',
  'STORE_READ_ONLY',
  'STORE_CORRUPT',
  'STORE_LOCKED',
  'STORE_TIMEOUT',
  'STORE_FAILED',
  'NOT_FOUND',
  'S3_FAILED',
  'OAUTH_EXPIRED',
  'OAUTH_FAILED',
  'INVALID_URL',
  'TOO_MANY_REDIRECTS',
]);

/**
 * True for errors of this toolkit, told by their `code` rather than by class: a store module
 * may bring its own copy of @auth/core, whose classes are not ours.
 */
export function isAuthError(value: unknown, ...codes: AuthErrorCode[]): value is AuthError {
  if (!(value instanceof Error)) return false;
  const code = (value as { code?: unknown }).code;
  if (typeof code !== 'string' || !CODES.has(code)) return false;
  return codes.length === 0 || codes.includes(code as AuthErrorCode);
}

/** A store that cannot be used now (no keychain, locked, timed out): the chain falls back. */
export function isUnavailable(value: unknown): value is StoreUnavailableError {
  return isAuthError(value, 'STORE_UNAVAILABLE', 'STORE_TIMEOUT');
}

/** Why an `s3://` URL could not be presigned. */
export type S3ErrorReason = 'invalid-url' | 'invalid-options' | 'no-credentials' | 'config-unreadable';

/** An `s3://` URL that cannot be turned into a presigned request. Names the bucket, never a key or secret. */
export class S3Error extends AuthError {
  readonly reason: S3ErrorReason;
  readonly bucket: string | undefined;
  constructor(reason: S3ErrorReason, message: string, options: { bucket?: string; cause?: unknown } = {}) {
    super('S3_FAILED', message, options.cause === undefined ? undefined : { cause: options.cause });
    this.reason = reason;
    this.bucket = options.bucket;
  }
}

/**
 * A path that a store would read or write is not a regular file (nor a symlink to one): a folder,
 * a FIFO, a device such as /dev/null, a dangling symlink. It is never read (a FIFO would hang)
 * nor replaced.
 */
export class NotRegularFileError extends StoreFailedError {
  readonly path: string;
  /** What the path is: "a folder", "a FIFO", "a character device", "a dangling symlink", …. */
  readonly kind: string;
  constructor(store: string, path: string, kind: string, what = 'the credentials file') {
    super(store, `${what} ${path} is ${kind}, not a regular file; point the store at a regular file (or a symlink to one)`);
    this.path = path;
    this.kind = kind;
  }
}

/**
 * No usable HOME, so a store has no default file. An error, not an unavailable store: the
 * command says why instead of quietly using other stores, and never the current folder.
 */
export class NoHomeError extends StoreFailedError {
  constructor(store: string, file: string, instead: string) {
    super(store, `HOME is not set or not an absolute path, so there is no ${file}; set HOME, or ${instead}`);
  }
}

/**
 * Login input that holds a secret (user:password, a `/t/<token>/` segment): keys never hold
 * secrets. An InvalidKeyError (a usage error) whose message shows the input redacted.
 */
export class CredentialsInInputError extends InvalidKeyError {
  constructor(redactedInput: string, what: string) {
    super(redactedInput, `it contains ${what}; keys never hold secrets: give the host alone and the secret with --token, --username/--password or --conda-token`);
  }
}

/**
 * An OAuth exchange that did not give a usable token. `expired`: the refresh token is no longer
 * accepted and nothing newer is stored, so the user must log in again; `denied`: the user or the
 * server refused a login; `failed`: the server could not be reached or answered nonsense.
 * `oauthError` is the server's error code (`invalid_grant`), never a token.
 */
export type OAuthErrorReason = 'expired' | 'denied' | 'failed';

export class OAuthError extends AuthError {
  readonly reason: OAuthErrorReason;
  readonly oauthError: string | undefined;
  constructor(reason: OAuthErrorReason, message: string, options: { oauthError?: string; cause?: unknown } = {}) {
    super(reason === 'expired' ? 'OAUTH_EXPIRED' : 'OAUTH_FAILED', message, { cause: options.cause });
    this.reason = reason;
    this.oauthError = options.oauthError;
  }
}

/**
 * A request URL that does not survive WHATWG parsing unchanged in scheme and authority
 * (`https:///host`, `https://\\host`, `https:host`): another parser would send it elsewhere.
 * The message shows the URL redacted by the caller.
 */
export class InvalidUrlError extends AuthError {
  constructor(message: string) {
    super('INVALID_URL', message);
  }
}

/** A chain of redirects longer than the caller allowed. */
export class TooManyRedirectsError extends AuthError {
  readonly maxRedirects: number;
  constructor(maxRedirects: number) {
    super('TOO_MANY_REDIRECTS', `more than ${maxRedirects} redirects; giving up`);
    this.maxRedirects = maxRedirects;
  }
}
