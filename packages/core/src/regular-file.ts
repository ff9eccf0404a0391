import { closeSync, constants, fstatSync, openSync, readFileSync, type Stats } from 'node:fs';
import { NotRegularFileError } from './errors.js';

/**
 * Stores read only regular files, or symlinks to them: a FIFO would hang a read, a device such
 * as /dev/zero would never end, and replacing /dev/null (as root) or a folder would do harm.
 */

const MAX_STORE_FILE_BYTES = 64 * 2 ** 20;

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
 *
 * Synchronous, as Node reads the modules it loads: a credentials or netrc file is a few
 * kilobytes, read in microseconds, and reading it through the thread pool first starts that
 * pool (2.4 ms measured, ten times the read itself) and then waits for a thread five times.
 */
export function readRegularFileSync(store: string, path: string, what?: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) throw new NotRegularFileError(store, path, fileKind(info), what);
    // Ten thousand credentials take half a megabyte: a file this large is not one, and reading
    // it would hold a command for seconds (EFBIG, as the system says of a file too large).
    if (info.size > MAX_STORE_FILE_BYTES) throw Object.assign(new Error(`${path} is ${Math.round(info.size / 2 ** 20)} MB`), { code: 'EFBIG' });
    return readFileSync(fd, 'utf8');
  } finally {
    try {
      closeSync(fd);
    } catch {
      // Closing a descriptor we read from does not fail in a way that matters here.
    }
  }
}
