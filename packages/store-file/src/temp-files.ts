import { basename, dirname, join } from 'node:path';
import { alive } from './liveness.js';
import { readdir, unlink } from './fs.js';

/**
 * Temporary files beside a file (`.<name>.<pid>.<unique>.tmp`): the new credentials file before
 * its rename, a lock before it is linked into place, a stale lock being broken. The pid in the
 * name lets the next writer remove what a killed one left.
 */

let counter = 0;

/** Unique within this process by pid and counter; the random part only guards against pid reuse. */
export function uniqueSuffix(): string {
  counter++;
  // Not node:crypto: loading it costs the CLI's start-up more than the whole write.
  return `${Date.now().toString(36)}${counter}${Math.random().toString(36).slice(2, 8)}`;
}

export function tempPath(beside: string): string {
  return join(dirname(beside), `.${basename(beside)}.${process.pid}.${uniqueSuffix()}.tmp`);
}

const TEMP = /\.(\d+)\.[0-9a-z]+\.tmp$/;

/** Removes temporary files of `name` (and of its lock) left by dead processes; only a lock holder calls this. */
export async function removeAbandonedTemps(folder: string, name: string): Promise<void> {
  const prefix = `.${name}.`;
  for (const entry of await readdir(folder)) {
    if (!entry.startsWith(prefix)) continue;
    const pid = Number(TEMP.exec(entry)?.[1]);
    if (pid && pid !== process.pid && !alive(pid)) await unlink(join(folder, entry)).catch(() => {});
  }
}
