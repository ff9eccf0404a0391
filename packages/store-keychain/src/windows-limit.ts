import { StoreUnavailableError } from '@auth/core';

/**
 * Windows Credential Manager keeps at most CRED_MAX_CREDENTIAL_BLOB_SIZE = 2,560 bytes per
 * secret, and keyring-rs (under @napi-rs/keyring) stores a password as UTF-16LE without a
 * terminator: two bytes per UTF-16 code unit, which is what a JavaScript string's length counts.
 * OAuth JSON often needs more; refusing before the write lets the chain fall back to the file.
 */
const WINDOWS_SECRET_LIMIT_BYTES = 2560;

export function checkWindowsSecretSize(secret: string): void {
  const bytes = secret.length * 2;
  if (bytes <= WINDOWS_SECRET_LIMIT_BYTES) return;
  throw new StoreUnavailableError(
    'keychain',
    'other',
    `keychain unavailable: Windows Credential Manager holds at most ${WINDOWS_SECRET_LIMIT_BYTES} bytes per secret, and this credential needs ${bytes} (UTF-16)`,
  );
}
