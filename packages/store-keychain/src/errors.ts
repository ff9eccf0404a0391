import { StoreFailedError, StoreUnavailableError, type UnavailableReason } from '@auth/core';

const NO_KEYCHAIN = [
  /DBUS_SESSION_BUS_ADDRESS/,
  /autolaunch/i,
  /Failed to connect/i,
  /ServiceUnknown/,
  /org\.freedesktop\.secrets/,
  /no result found/i, // the Secret Service has no default collection to write into
  /Platform secure storage failure/i,
];
const LOCKED = [/locked/i, /prompt was dismissed/i, /unlock/i];

const HINT: Record<Exclude<UnavailableReason, 'other'>, string> = {
  'no-keychain': 'no Secret Service is reachable on the D-Bus session bus (is a keyring daemon running and DBUS_SESSION_BUS_ADDRESS set?)',
  locked: 'the keyring is locked (unlock it, for example by logging in to the desktop or with gnome-keyring-daemon --unlock)',
  timeout: 'the keyring did not answer in time',
};

/** Classifies a native keyring error. Its message names D-Bus and the keyring, never a secret. */
export function classify(error: unknown, operation: string): Error {
  const message = error instanceof Error ? error.message : String(error);
  const reason: UnavailableReason | undefined = LOCKED.some((r) => r.test(message))
    ? 'locked'
    : NO_KEYCHAIN.some((r) => r.test(message))
      ? 'no-keychain'
      : undefined;
  if (reason) {
    return new StoreUnavailableError('keychain', reason, `keychain unavailable: ${HINT[reason]}`, { cause: error });
  }
  return new StoreFailedError('keychain', `keychain ${operation} failed: ${message}`, { cause: error });
}

export function timeoutError(operation: string, ms: number): StoreUnavailableError {
  return new StoreUnavailableError('keychain', 'timeout', `keychain unavailable: ${HINT.timeout} (${operation} took over ${ms} ms)`);
}

export function notLoadable(error: unknown): StoreUnavailableError {
  return new StoreUnavailableError(
    'keychain',
    'no-keychain',
    'keychain unavailable: the native module @napi-rs/keyring could not be loaded on this platform',
    { cause: error },
  );
}
