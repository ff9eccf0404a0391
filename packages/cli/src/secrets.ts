import { UsageError } from './errors.js';
import type { Io } from './io.js';

// Stdin is read once per run: a second `-` would get nothing.
const stdinRead = new WeakSet<Io>();

/** All of stdin, one trailing newline dropped: the value of a secret given as `-`. */
export async function readStdinSecret(io: Io, flag: string): Promise<string> {
  if (stdinRead.has(io)) throw new UsageError(`only one value can be read from stdin; ${flag} - is the second`);
  stdinRead.add(io);
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** Asks for a secret on the terminal without echoing it. Ctrl-C aborts with exit code 130. */
export function promptSecret(io: Io, question: string): Promise<string> {
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
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/**
 * The value of a secret flag: as given, from stdin for `-`, or from a prompt when it was left
 * empty and stdin is a terminal. Without a terminal a missing secret is a usage error.
 */
export async function secretValue(io: Io, flag: string, given: string | undefined, question: string): Promise<string> {
  if (given === '-') return readStdinSecret(io, `--${flag}`);
  if (given !== undefined && given !== '') return given;
  if (!io.stdin.isTTY) throw new UsageError(`--${flag} needs a value (or "-" to read it from stdin)`);
  const answer = await promptSecret(io, question);
  if (answer === '') throw new UsageError(`no ${flag.replace(/-/g, ' ')} was entered`);
  return answer;
}
