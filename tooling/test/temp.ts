import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A new folder for one test. It lives under the run's own temporary folder (global-setup.ts
 * points TMPDIR there), which is removed when the run ends: tests never clean up by hand.
 */
export function tempDir(prefix = 'auth-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
