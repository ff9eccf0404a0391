import { parseSimple } from './argv.js';
import { exitCodeFor } from './errors.js';
import { type Io, processIo } from './io.js';
import { runCommand } from './run.js';

/** Runs the `auth` command and returns its exit code. Never prints a secret or, without --verbose, a stack. */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  try {
    const simple = parseSimple(argv);
    if (simple) return await runCommand(simple.command, simple.args, io);
    // In the published bundle this loads dist/yargs.cjs (see build.mjs): yargs is most of the
    // CLI's code by size and never needed by a plain invocation.
    const { runYargs } = await import('./cli.js');
    return await runYargs(argv, io);
  } catch (error) {
    const err = error as Error;
    io.stderr.write(`error: ${err.message}\n`);
    if (argv.includes('--verbose') && err.stack) io.stderr.write(`${err.stack}\n`);
    return exitCodeFor(error);
  }
}
