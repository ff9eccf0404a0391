import yargs, { type Argv } from 'yargs';
import { UsageError } from './errors.js';
import type { Io } from './io.js';
import { runCommand } from './run.js';
import { commands, globalOptions, type OptionSpec } from './spec.js';
import { version } from './version.js';

const asYargs = (o: OptionSpec) => ({ type: o.type, describe: o.describe, ...(o.value ? { requiresArg: false } : {}) });

const commandNames = new Set(commands.map((c) => c.name));

/**
 * yargs names unknown arguments in its messages; a stray word may be a secret typed without its
 * flag (`auth login host pfx_…`), so only flags and command names are named.
 */
function withoutValues(message: string, argv: string[]): string {
  let out = message;
  for (const word of argv) {
    if (word.startsWith('-') || commandNames.has(word) || word.length < 3) continue;
    out = out.split(word).join('<argument>');
  }
  return out;
}

/** The full parser: help, completion, usage errors. Plain invocations skip it (see argv.ts). */
export async function runYargs(argv: string[], io: Io): Promise<number> {
  let exitCode = 0;
  let parser: Argv = yargs(argv)
    .scriptName('auth')
    .usage('$0 <command> [options]\n\nKeep credentials for package servers in the keychain (or a file), shared with pixi and rattler.')
    .env(false)
    .strict()
    .exitProcess(false)
    .showHelpOnFail(false)
    .fail((message, error) => {
      throw error ?? new UsageError(`${withoutValues(message, argv)}\nRun "auth --help" for usage.`);
    })
    .help()
    .alias('h', 'help')
    .version(version())
    .wrap(Math.min(100, process.stdout.columns ?? 100))
    .completion('completion', 'Print a completion script for bash or zsh (auth completion >> ~/.bashrc)');
  for (const [name, option] of Object.entries(globalOptions)) parser = parser.option(name, { ...asYargs(option), global: true });
  for (const spec of commands) {
    parser = parser.command({
      command: spec.usage,
      describe: spec.describe,
      builder: (y: Argv) => {
        let b = y;
        for (const p of spec.positionals) b = b.positional(p.name, { type: 'string', describe: p.describe });
        for (const [name, option] of Object.entries(spec.options)) b = b.option(name, asYargs(option));
        for (const [example, what] of spec.examples) b = b.example(example, what);
        return b;
      },
      handler: async (args) => {
        exitCode = await runCommand(spec.name, args as Record<string, unknown>, io);
      },
    });
  }
  parser = parser
    .demandCommand(1, 'Say which command to run.\nRun "auth --help" for usage.')
    .example('$0 login prefix.dev --token pfx_…', 'Store a token for *.prefix.dev')
    .example('$0 list', 'Show what is stored where')
    .epilog('Stores: RATTLER_AUTH_FILE (if set), the keychain, ~/.rattler/credentials.json, then ~/.netrc (read-only).');
  await parser.parseAsync();
  return exitCode;
}
