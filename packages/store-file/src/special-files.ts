import { constants, type Stats } from 'node:fs';
import { NotRegularFileError } from '@auth/core';
import { close, fstat, lstat, open, readFile, stat } from './fs.js';

/**
 * Only regular files, or symlinks to them, are read and written: a FIFO would hang a read, and
 * replacing a device such as /dev/null (as root) or a folder would do harm.
 */

/** What a non-regular path is, for messages. */
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
 * The text of a regular file, or undefined if there is none. Opened without blocking and checked
 * on the open descriptor, so a FIFO never hangs and a file swapped in between is still caught.
 */
export async function readRegular(store: string, path: string): Promise<string | undefined> {
  let fd: number;
  try {
    fd = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const info = await fstat(fd);
    if (!info.isFile()) throw new NotRegularFileError(store, path, fileKind(info));
    return await readFile(fd, 'utf8');
  } finally {
    await close(fd);
  }
}

/**
 * Refuses to write to `path` unless it is absent, a regular file, or a symlink to one. A dangling
 * symlink is refused: renaming over it would replace the link, not create what it points to.
 */
export async function checkWritable(store: string, path: string): Promise<void> {
  let info: Stats;
  try {
    info = await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (info.isSymbolicLink()) {
    try {
      info = await stat(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new NotRegularFileError(store, path, 'a dangling symlink');
      throw error;
    }
  }
  if (!info.isFile()) throw new NotRegularFileError(store, path, fileKind(info));
}
