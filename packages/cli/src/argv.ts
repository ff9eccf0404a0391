import { UsageError } from './errors.js';
import { type CommandSpec, commandNamed, commands, globalOptions, type OptionSpec, optionsOf } from './spec.js';
import { closest, didYouMean } from './suggest.js';

/** What an invocation asks for. Every path of the CLI starts from this one parse. */
export type Invocation =
  | { action: 'run'; command: string; args: Record<string, unknown> }
  | { action: 'help'; command?: string | undefined }
  | { action: 'version' }
  | { action: 'completion'; shell: 'bash' | 'zsh' }
  | { action: 'complete'; words: string[] };

/** The word bash's completion function calls the command with (see completion.ts). */
export const COMPLETE_WORD = '__complete';

// Every option of every command, to know which take a value wherever they appear; whether the
// command takes it is checked once the command is known.
const anyOption: Record<string, OptionSpec> = Object.assign({}, globalOptions, ...commands.map((c) => c.options));

const ordinal = (i: number) => `argument ${i + 1}`;
const usageOf = (spec: CommandSpec) => ['auth', spec.name, ...spec.positionals.map((p) => (p.required ? `<${p.name}>` : `[${p.name}]`))].join(' ');

/** `--name` or `--name=…` of a known option (or its `--no-` form): never taken as another flag's value. */
function isOptionWord(word: string): boolean {
  if (word === '-h') return true;
  if (!word.startsWith('--')) return false;
  const name = word.slice(2).split('=')[0] as string;
  return name in anyOption || anyOption[name.replace(/^no-/, '')]?.type === 'boolean';
}

/** An unknown option: never echoed (it may be a secret that starts with "-"), but located and guessed at. */
function unknownOption(word: string, index: number, spec: CommandSpec | undefined, help: string): UsageError {
  const names = Object.keys(optionsOf(spec));
  const bare = word.replace(/^--?/, '').split('=')[0] as string;
  const guesses = word.startsWith('--') || bare.length > 1 ? closest(bare, names) : names.filter((n) => n.startsWith(bare));
  const where = spec ? `auth ${spec.name}` : 'auth';
  return new UsageError(`${ordinal(index)} is an option ${where} does not know${didYouMean(guesses.map((n) => `--${n}`))}`, { help });
}

/**
 * Parses argv against the spec. Rules: a value option takes the next word even when it starts
 * with "-" (a token may), unless that word is `--` or a known option, which means the value was
 * left out; `--name=value` works; `--` ends options; `--no-name` turns a boolean off; `-h` is
 * `--help`. An error names options and commands, never another word of argv.
 */
export function parseArgv(argv: readonly string[]): Invocation {
  if (argv[0] === COMPLETE_WORD) return { action: 'complete', words: argv.slice(1) };
  let spec: CommandSpec | undefined;
  let commandIndex = -1;
  const positionals: string[] = [];
  const values: Record<string, unknown> = {};
  const optionAt: Record<string, number> = {};
  let error: UsageError | undefined;
  let optionsEnded = false;
  const help = () => (spec ? `auth ${spec.name} --help` : 'auth --help');
  const fail = (e: UsageError) => {
    error ??= e;
  };

  for (let i = 0; i < argv.length; i++) {
    const word = argv[i] as string;
    if (!optionsEnded && word === '--') {
      optionsEnded = true;
      continue;
    }
    if (optionsEnded || word === '-' || !word.startsWith('-')) {
      if (commandIndex >= 0) positionals.push(word);
      else {
        commandIndex = i;
        spec = commandNamed(word);
        const names = commands.map((c) => c.name);
        if (!spec) fail(new UsageError(`${ordinal(i)} is not a command${didYouMean(closest(word, names))}; the commands are ${names.join(', ')}`, { help: 'auth --help' }));
      }
      continue;
    }
    if (word === '-h') {
      values.help = true;
      continue;
    }
    const eq = word.indexOf('=');
    let name = word.startsWith('--') ? word.slice(2, eq < 0 ? undefined : eq) : '';
    const inline = eq < 0 ? undefined : word.slice(eq + 1);
    const negated = name.startsWith('no-') && anyOption[name.slice(3)]?.type === 'boolean';
    if (negated) name = name.slice(3);
    const option = anyOption[name];
    if (!option) {
      fail(unknownOption(word, i, spec, help()));
      continue;
    }
    optionAt[name] ??= i;
    if (option.type === 'boolean') {
      if (inline !== undefined) fail(new UsageError(`--${name} takes no value`, { help: help() }));
      values[name] = !negated;
      continue;
    }
    let value = inline;
    if (value === undefined) {
      const next = argv[i + 1];
      if (next !== undefined && next !== '--' && !isOptionWord(next)) {
        value = next;
        i++;
      }
    }
    if (value === undefined || value === '') {
      const how = option.stdin ? ' (or "-" to read it from stdin; leave the flag out to be asked in a terminal)' : '';
      fail(new UsageError(`--${name} needs a value${how}`, { help: help() }));
      continue;
    }
    if (option.repeatable) values[name] = [...((values[name] as string[] | undefined) ?? []), value];
    else if (name in values) fail(new UsageError(`--${name} was given more than once`, { help: help() }));
    else values[name] = value;
  }

  if (values.version) return { action: 'version' };
  if (values.help) return { action: 'help', command: spec?.name };
  if (error) throw error;
  if (!spec) throw new UsageError(`say which command to run: ${commands.map((c) => c.name).join(', ')}`, { help: 'auth --help' });
  const own = optionsOf(spec);
  for (const name of Object.keys(optionAt).sort((a, b) => (optionAt[a] as number) - (optionAt[b] as number))) {
    if (!(name in own)) throw new UsageError(`--${name} is not an option of auth ${spec.name}`, { help: help() });
  }
  const wanted = spec.positionals;
  if (positionals.length > wanted.length) {
    throw new UsageError(`too many arguments: the usage is ${usageOf(spec)}`, { help: help() });
  }
  const missing = wanted.find((p, i) => p.required && positionals[i] === undefined);
  if (missing) throw new UsageError(`auth ${spec.name} needs <${missing.name}>: the usage is ${usageOf(spec)}`, { help: help() });
  return invocationOf(spec, positionals, values);
}

function invocationOf(spec: CommandSpec, positionals: string[], values: Record<string, unknown>): Invocation {
  if (spec.name === 'help') {
    const [topic] = positionals;
    if (topic !== undefined && !commandNamed(topic)) {
      const names = commands.map((c) => c.name);
      throw new UsageError(`there is no such command${didYouMean(closest(topic, names))}; the commands are ${names.join(', ')}`, { help: 'auth --help' });
    }
    return { action: 'help', command: topic };
  }
  if (spec.name === 'completion') {
    const [shell = 'bash'] = positionals;
    if (shell !== 'bash' && shell !== 'zsh') throw new UsageError('auth completion knows bash and zsh', { help: 'auth completion --help' });
    return { action: 'completion', shell };
  }
  const args: Record<string, unknown> = { ...values };
  spec.positionals.forEach((p, i) => {
    if (positionals[i] !== undefined) args[p.name] = positionals[i];
  });
  return { action: 'run', command: spec.name, args };
}
