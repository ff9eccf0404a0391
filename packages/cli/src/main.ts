import { parseArgv } from './argv.js';
import { exitCodeFor, UsageError } from './errors.js';
import { escapeForTerminal } from '@auth/core';
import { data, type Io, processIo } from './io.js';
import { runCommand } from './run.js';
import { version } from './version.js';

/** Runs the `auth` command and returns its exit code. Never prints a secret or, without --verbose, a stack. */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  try {
    const invocation = parseArgv(argv);
    switch (invocation.action) {
      case 'run':
        return await runCommand(invocation.command, invocation.args, io);
      case 'version':
        data(io, version());
        return 0;
      case 'help': {
        const { renderHelp } = await import('./help.js');
        data(io, renderHelp(invocation.command, helpWidth(io)));
        return 0;
      }
      case 'completion':
        data(io, (await import('./completion.js')).completionScript(invocation.shell));
        return 0;
      case 'complete':
        return await (await import('./completion.js')).complete(invocation.words, io);
    }
  } catch (error) {
    const err = error as Error;
    // A message may quote what the user typed (a host): nothing in it reaches the terminal raw.
    io.stderr.write(`error: ${escapeForTerminal(err.message)}\n`);
    if (error instanceof UsageError && error.help) io.stderr.write(`Run "${error.help}" for usage.\n`);
    if (argv.includes('--verbose') && err.stack) io.stderr.write(`${err.stack.split('\n').map(escapeForTerminal).join('\n')}\n`);
    return exitCodeFor(error);
  }
}

/** The terminal's width, up to 100 columns; 80 when the help is not going to a terminal. */
function helpWidth(io: Io): number {
  if (!io.stdout.isTTY) return 80;
  return Math.min(100, process.stdout.columns || 80);
}
