import type { Stats } from 'node:fs';
import { fileKind, NotRegularFileError } from '@auth/core';
import { lstat, stat } from './fs.js';

/**
 * Only regular files, or symlinks to them, are read and written: a FIFO would hang a read, and
 * replacing a device such as /dev/null (as root) or a folder would do harm.
 */

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
