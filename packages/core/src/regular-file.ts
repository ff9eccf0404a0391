import { close as closeCallback, constants, fstat as fstatCallback, open as openCallback, readFile as readFileCallback, type Stats } from 'node:fs';
import { promisify } from 'node:util';
import { NotRegularFileError } from './errors.js';

/**
 * Stores read only regular files, or symlinks to them: a FIFO would hang a read, a device such
 * as /dev/zero would never end, and replacing /dev/null (as root) or a folder would do harm.
 */

// Not node:fs/promises: loading it costs a CLI's start-up more than reading the file.
const open = promisify(openCallback);
const fstat = promisify(fstatCallback);
const readFile = promisify(readFileCallback);
const close = promisify(closeCallback);

/** What a path that is not a regular file is, for messages. */
export function fileKind(info: Stats): string {
  if (info.isDirectory()) return 'a folder';
  if (info.isFIFO()) return 'a FIFO';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isSocket()) return 'a socket';
  if (info.isSymbolicLink()) return 'a symlink';
  return 'not a regular file';
}

/**
 * The text of a regular file, or undefined when there is none. Opened without blocking and
 * checked on the open descriptor, so a FIFO never hangs and a file swapped in between is still
 * caught; anything else is a NotRegularFileError naming `what` and the path.
 */
export async function readRegularFile(store: string, path: string, what?: string): Promise<string | undefined> {
  let fd: number;
  try {
    fd = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const info = await fstat(fd);
    if (!info.isFile()) throw new NotRegularFileError(store, path, fileKind(info), what);
    return await readFile(fd, 'utf8');
  } finally {
    await close(fd).catch(() => {});
  }
}
