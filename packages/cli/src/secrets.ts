import { UsageError } from './errors.js';
import { stripBom } from '@auth/core';
import { type Io, say } from './io.js';

// Stdin is read once per run: a second `-` would get nothing.
const stdinRead = new WeakSet<Io>();

/** All of stdin, one trailing newline dropped: the value of a flag given as `-`. */
async function readStdin(io: Io, flag: string): Promise<string> {
  if (stdinRead.has(io)) throw new UsageError(`only one value can be read from stdin; --${flag} - is the second`);
  stdinRead.add(io);
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/**
 * Asks on the terminal and reads one line in raw mode: a secret is not echoed, anything else
 * is echoed as typed. Backspace edits; Ctrl-C aborts with exit code 130.
 */
export function ask(io: Io, question: string, options: { echo: boolean }): Promise<string> {
  const stdin = io.stdin;
  return new Promise((resolve, reject) => {
    // Echo goes off before the question appears: an answer typed at once is not echoed either.
    stdin.setRawMode?.(true);
    io.stderr.write(question);
    let value = '';
    stdin.resume();
    const done = (error?: Error) => {
      stdin.removeListener('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      io.stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of chunk.toString()) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done();
        if (ch === '\u0003') {
          const interrupted = new UsageError('interrupted');
          interrupted.exitCode = 130;
          return done(interrupted);
        }
        if (ch === '\u007f' || ch === '\b') {
          if (options.echo && value) io.stderr.write('\b \b');
          value = value.slice(0, -1);
        } else if (ch >= ' ') {
          value += ch;
          if (options.echo) io.stderr.write(ch);
        }
      }
    };
    stdin.on('data', onData);
  });
}

/**
 * A value as piped or pasted, without the byte-order mark an editor may have put in front; the
 * user is told, since the stored value then differs from the bytes given.
 */
export function withoutBom(io: Io, flag: string, text: string): string {
  const { value, stripped } = stripBom(text);
  if (stripped) say(io, `A byte-order mark (U+FEFF) at the start of the ${flag.replace(/-/g, ' ')} was removed.`);
  return value;
}

/**
 * The value of a login flag: as given; for `-`, stdin, or in a terminal a question (without
 * echo for a secret); when left out, the question in a terminal, else a usage error.
 */
export async function flagValue(io: Io, flag: string, given: string | undefined, question: string, secret: boolean): Promise<string> {
  if (given !== undefined && given !== '-') return given;
  if (!io.stdin.isTTY) {
    if (given === '-') return withoutBom(io, flag, await readStdin(io, flag));
    throw new UsageError(`--${flag} is needed: give it, or "-" to read it from stdin`, { help: 'auth login --help' });
  }
  const answer = withoutBom(io, flag, await ask(io, question, { echo: !secret }));
  if (answer === '') throw new UsageError(`no ${flag.replace(/-/g, ' ')} was entered`);
  return answer;
}
