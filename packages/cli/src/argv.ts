import { type CommandSpec, commands, globalOptions, type OptionSpec } from './spec.js';

export interface Parsed {
  command: string;
  args: Record<string, unknown>;
}

/**
 * Parses plain invocations (a known command, its positionals and long options) from the spec,
 * so that they run without loading yargs. Anything else (help, completion, short or unknown
 * flags, a missing positional, a repeated option) gives undefined and goes to yargs, which
 * prints help or the usage error.
 */
export function parseSimple(argv: readonly string[]): Parsed | undefined {
  const [name, ...rest] = argv;
  const spec: CommandSpec | undefined = commands.find((c) => c.name === name);
  if (!spec) return undefined;
  const options: Record<string, OptionSpec> = { ...globalOptions, ...spec.options };
  const args: Record<string, unknown> = { _: [name] };
  const positionals: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const token = rest[i] as string;
    if (!token.startsWith('-') || token === '-') {
      positionals.push(token);
      continue;
    }
    if (!token.startsWith('--') || token === '--') return undefined;
    const eq = token.indexOf('=');
    const flag = eq < 0 ? token.slice(2) : token.slice(2, eq);
    const option = options[flag];
    if (!option || flag in args) return undefined;
    if (option.type === 'boolean') {
      if (eq >= 0) return undefined;
      args[flag] = true;
      continue;
    }
    if (eq >= 0) args[flag] = token.slice(eq + 1);
    else {
      const next = rest[i + 1];
      // Like yargs: a string option followed by another flag (or nothing) has the value "".
      if (next === undefined || (next.startsWith('--') && next.length > 2)) args[flag] = '';
      else {
        args[flag] = next;
        i++;
      }
    }
  }
  const required = spec.positionals.filter((p) => p.required).length;
  if (positionals.length < required || positionals.length > spec.positionals.length) return undefined;
  spec.positionals.forEach((p, i) => {
    if (positionals[i] !== undefined) args[p.name] = positionals[i];
  });
  return { command: spec.name, args };
}
