import { basename, dirname, join } from 'node:path';
import { lstat, readdir, unlink } from './fs.js';
import { alive, thisMachine } from './liveness.js';

/**
 * Temporary files beside a file (`.<name>.<pid>.<machine>-<unique>.tmp`): the new credentials
 * file before its rename, a lock before it is linked into place, a stale lock being broken. The
 * pid and machine in the name let the next writer remove what a killed one left. A pid means
 * something only on the machine that wrote it: in a home folder shared with another machine or
 * container, a live writer there has a pid that is dead here.
 */

/** A short tag of this machine (host name, pid namespace, boot id): FNV-1a, base 36. */
function machineTag(machine: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < machine.length; i++) hash = Math.imul(hash ^ machine.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(36);
}

let ownTag: string | undefined;
const tag = () => {
  ownTag ??= machineTag(thisMachine());
  return ownTag;
};

let counter = 0;

/** Unique within this process by pid and counter; the random part only guards against pid reuse. */
export function uniqueSuffix(): string {
  counter++;
  // Not node:crypto: loading it costs the CLI's start-up more than the whole write.
  return `${Date.now().toString(36)}${counter}${Math.random().toString(36).slice(2, 8)}`;
}

export function tempPath(beside: string): string {
  return join(dirname(beside), `.${basename(beside)}.${process.pid}.${tag()}-${uniqueSuffix()}.tmp`);
}

/** pid, and the machine tag (absent in names of earlier versions). */
const TEMP = /\.(\d+)\.(?:([0-9a-z]+)-)?[0-9a-z]+\.tmp$/;

/**
 * Removes temporary files of `name` (and of its lock) left by dead processes; only a lock holder
 * calls this. A file of this machine goes when its pid is dead; one of another machine (or of
 * unknown machine) only when it is older than `olderThanMs`, as its writer's pid cannot be seen.
 */
export async function removeAbandonedTemps(folder: string, name: string, olderThanMs: number): Promise<void> {
  const prefix = `.${name}.`;
  for (const entry of await readdir(folder)) {
    if (!entry.startsWith(prefix)) continue;
    const match = TEMP.exec(entry);
    const pid = Number(match?.[1]);
    if (!pid || pid === process.pid) continue;
    const path = join(folder, entry);
    if (match?.[2] === tag()) {
      if (!alive(pid)) await unlink(path).catch(() => {});
      continue;
    }
    const info = await lstat(path).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > olderThanMs) await unlink(path).catch(() => {});
  }
}
