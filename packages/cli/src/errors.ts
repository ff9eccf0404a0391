import { isAuthError } from '@auth/core';

/** Bad invocation: exit code 2. The code travels with the error (a store module may have its own classes). */
export class UsageError extends Error {
  override name = 'UsageError';
  exitCode = 2;
  /** The help to point to, shown once under the message: "auth --help", "auth login --help". */
  help: string | undefined;
  constructor(message: string, options: { help?: string } = {}) {
    super(message);
    this.help = options.help;
  }
}

/** The operation failed (nothing stored, server said no): exit code 1. */
export class OperationError extends Error {
  override name = 'OperationError';
  exitCode = 1;
}

const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export function exitCodeFor(error: unknown): number {
  const own = (error as { exitCode?: unknown }).exitCode;
  if (typeof own === 'number') return own;
  if (isAuthError(error, 'INVALID_KEY', 'INVALID_CREDENTIAL')) return EXIT.usage;
  return EXIT.failed;
}
