import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * One temporary folder for the whole run: every test folder, server certificate, Verdaccio
 * storage and spawned process's temporary file goes under it (workers inherit TMPDIR), and it
 * is removed at the end, so a run leaves nothing behind.
 */
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'auth-test-run-'));
  process.env.TMPDIR = root;
  return () => rmSync(root, { recursive: true, force: true });
}
