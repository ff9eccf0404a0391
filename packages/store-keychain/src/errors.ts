import { StoreFailedError, StoreUnavailableError, type UnavailableReason } from '@auth/core';

const NO_KEYCHAIN = [
  /DBUS_SESSION_BUS_ADDRESS/,
  /autolaunch/i,
  /Failed to connect/i,
  /ServiceUnknown/,
  /org\.freedesktop\.secrets/,
  /Platform secure storage failure/i,
];
const NO_COLLECTION = [/no result found/i]; // the secret-service crate's words for "no default collection"
const LOCKED = [/locked/i, /prompt was dismissed/i, /unlock/i];

const HINT: Record<Exclude<UnavailableReason, 'other'>, string> = {
  'no-keychain': 'no Secret Service is reachable on the D-Bus session bus (is a keyring daemon running and DBUS_SESSION_BUS_ADDRESS set?)',
  locked: 'the keyring is locked (unlock it, for example by logging in to the desktop or with gnome-keyring-daemon --unlock)',
  'no-collection':
    'the Secret Service has no default keyring to keep credentials in (gnome-keyring creates the "login" keyring at the first desktop login; or create one in Seahorse, "Passwords and Keys", and make it the default)',
  timeout: 'the keyring did not answer in time',
};

/** The keychain cannot be used now, for one reason; `detail` says what was seen (never a secret). */
export function unavailable(reason: Exclude<UnavailableReason, 'other'>, detail?: string, cause?: unknown): StoreUnavailableError {
  const message = `keychain unavailable: ${HINT[reason]}${detail ? ` (${detail})` : ''}`;
  return new StoreUnavailableError('keychain', reason, message, cause === undefined ? undefined : { cause });
}

/** Classifies a native keyring error. Its message names D-Bus and the keyring, never a secret. */
export function classify(error: unknown, operation: string): Error {
  const message = error instanceof Error ? error.message : String(error);
  const matches = (patterns: RegExp[]) => patterns.some((r) => r.test(message));
  if (matches(LOCKED)) return unavailable('locked', undefined, error);
  if (matches(NO_COLLECTION)) return unavailable('no-collection', undefined, error);
  if (matches(NO_KEYCHAIN)) return unavailable('no-keychain', undefined, error);
  return new StoreFailedError('keychain', `keychain ${operation} failed: ${message}`, { cause: error });
}

export function timeoutError(operation: string, ms: number): StoreUnavailableError {
  return unavailable('timeout', `${operation} took over ${ms} ms`);
}

export function notLoadable(error: unknown): StoreUnavailableError {
  return new StoreUnavailableError(
    'keychain',
    'no-keychain',
    'keychain unavailable: the native module @napi-rs/keyring could not be loaded on this platform',
    { cause: error },
  );
}
