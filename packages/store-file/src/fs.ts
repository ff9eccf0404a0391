import * as fs from 'node:fs';
import { promisify } from 'node:util';

/**
 * The fs calls the store makes, as promises over the callback API. `node:fs/promises` would do
 * the same, but loading it costs `auth list` more start-up time than everything else it does.
 */
export const stat = promisify(fs.stat);
export const lstat = promisify(fs.lstat);
export const fstat = promisify(fs.fstat);
export const readFile = promisify(fs.readFile);
export const mkdir = promisify(fs.mkdir);
export const open = promisify(fs.open);
export const close = promisify(fs.close);
export const writeFile = promisify(fs.writeFile);
export const fchmod = promisify(fs.fchmod);
export const futimes = promisify(fs.futimes);
export const fsync = promisify(fs.fsync);
export const link = promisify(fs.link);
export const rename = promisify(fs.rename);
export const unlink = promisify(fs.unlink);
export const readdir = promisify(fs.readdir);
export const realpath = promisify(fs.realpath);
