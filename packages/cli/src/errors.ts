import { AuthError } from '@auth/core';

/** Bad invocation: exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The operation failed (nothing stored, server said no): exit code 1. */
export class OperationError extends Error {
  override name = 'OperationError';
}

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError) return EXIT.usage;
  if (error instanceof AuthError && (error.code === 'INVALID_KEY' || error.code === 'INVALID_CREDENTIAL')) return EXIT.usage;
  return EXIT.failed;
}
