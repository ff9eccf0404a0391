import { fstatSync, writeSync } from 'node:fs';
import { escapeForTerminal, redact, type Unchecked } from '@auth/core';

interface Output {
  write(text: string): unknown;
  readonly isTTY?: boolean | undefined;
}

/** Where the command writes: data on stdout, messages on stderr. Tests pass their own. */
export interface Io {
  stdout: Output;
  stderr: Output;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (on: boolean) => unknown };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes straight to a file descriptor. Setting up process.stdout (a stream, and for a pipe the
 * net module) costs `auth token` a third of its own start-up time, for a few bytes of output.
 */
class FdOutput implements Output {
  #tty: boolean | undefined;
  constructor(readonly fd: number) {}

  write(text: string): void {
    const bytes = Buffer.from(text, 'utf8');
    let offset = 0;
    while (offset < bytes.length) {
      try {
        offset += writeSync(this.fd, bytes, offset);
      } catch (error) {
        // A non-blocking pipe that is full: wait a moment for the reader.
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
        Atomics.wait(sleeper, 0, 0, 1);
      }
    }
  }

  /** Only a character device can be a terminal; only then is the tty module worth loading. */
  get isTTY(): boolean {
    if (this.#tty === undefined) {
      let device = false;
      try {
        device = fstatSync(this.fd).isCharacterDevice();
      } catch {
        device = false;
      }
      this.#tty = device && process.getBuiltinModule('node:tty').isatty(this.fd);
    }
    return this.#tty;
  }
}

/** The process's outputs and, opened only when a command reads it, stdin. */
export const processIo = (): Io => ({
  stdout: new FdOutput(1),
  stderr: new FdOutput(2),
  get stdin() {
    return process.stdin;
  },
  env: process.env,
  cwd: process.cwd(),
});

export function say(io: Io, message: string): void {
  io.stderr.write(`${message}\n`);
}

export function warn(io: Io, message: string): void {
  io.stderr.write(`warning: ${message}\n`);
}

export function data(io: Io, text: string): void {
  io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** Text from a user or a store (an input, a key, a username) as a message shows it: redacted, terminal-safe. */
export function shown(text: string): string {
  return escapeForTerminal(redact(text));
}

/** The stores a command could not ask, named with why: "keychain (locked)". */
export function uncheckedStores(unchecked: readonly Unchecked[]): string {
  return unchecked.map((u) => `${u.store.name} (${u.error.message})`).join('; ');
}

/** Aligned columns for a terminal. */
function table(rows: readonly (readonly (string | undefined)[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, (cell ?? '').length);
    });
  }
  return rows.map((row) => row.map((cell, i) => (cell ?? '').padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n');
}

/** What a listing command prints: the records as JSON, or their cells under a header. */
export interface Rows {
  json: boolean;
  records: readonly unknown[];
  header: string[];
  /** One row of terminal-safe cells per record; cells past the header are left out. */
  cells: string[][];
  /** Said on stderr when there are no records (not with --json: that prints []). */
  empty: string;
}

/**
 * Data on stdout: a JSON array with --json; else an aligned table on a terminal, and when piped
 * tab-separated rows without empty cells at the end, for scripts.
 */
export function printRows(io: Io, rows: Rows): void {
  const width = rows.header.length;
  if (rows.json) data(io, JSON.stringify(rows.records, null, 2));
  else if (rows.records.length === 0) say(io, rows.empty);
  else if (io.stdout.isTTY) data(io, table([rows.header, ...rows.cells.map((row) => row.slice(0, width))]));
  else data(io, rows.cells.map((row) => tabSeparated(row, width)).join('\n'));
}

/** The first `width` cells joined by tabs, without empty cells at the end; a missing cell is empty. */
function tabSeparated(row: readonly (string | undefined)[], width: number): string {
  let end = Math.min(row.length, width);
  while (end > 0 && (row[end - 1] ?? '') === '') end--;
  let line = end === 0 ? '' : (row[0] ?? '');
  for (let i = 1; i < end; i++) line += `\t${row[i] ?? ''}`;
  return line;
}
