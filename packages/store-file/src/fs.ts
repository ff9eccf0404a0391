import {
  stat as statCallback,
  lstat as lstatCallback,
  fstat as fstatCallback,
  readFile as readFileCallback,
  mkdir as mkdirCallback,
  open as openCallback,
  close as closeCallback,
  writeFile as writeFileCallback,
  fchmod as fchmodCallback,
  futimes as futimesCallback,
  fsync as fsyncCallback,
  link as linkCallback,
  rename as renameCallback,
  unlink as unlinkCallback,
  readdir as readdirCallback,
  realpath as realpathCallback,
} from 'node:fs';
import { promisify } from 'node:util';

/**
 * The fs calls the store makes, as promises over the callback API. `node:fs/promises` would do
 * the same, but loading it costs `auth list` more start-up time than everything else it does.
 */
export const stat = promisify(statCallback);
export const lstat = promisify(lstatCallback);
export const fstat = promisify(fstatCallback);
export const readFile = promisify(readFileCallback);
export const mkdir = promisify(mkdirCallback);
export const open = promisify(openCallback);
export const close = promisify(closeCallback);
export const writeFile = promisify(writeFileCallback);
export const fchmod = promisify(fchmodCallback);
export const futimes = promisify(futimesCallback);
export const fsync = promisify(fsyncCallback);
export const link = promisify(linkCallback);
export const rename = promisify(renameCallback);
export const unlink = promisify(unlinkCallback);
export const readdir = promisify(readdirCallback);
export const realpath = promisify(realpathCallback);
