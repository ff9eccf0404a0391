import { type CommandSpec, commandNamed, commands, globalOptions, type OptionSpec } from './spec.js';

/** Splits text into lines of at most `width` columns at spaces; a word longer than that stays whole. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/ +/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** Two columns: names on the left, descriptions wrapped beside them (or below, when narrow). */
function columns(rows: [string, string][], width: number): string[] {
  const left = Math.max(...rows.map(([name]) => name.length)) + 4;
  const beside = width - left >= 30;
  const out: string[] = [];
  for (const [name, text] of rows) {
    const indent = beside ? left : 8;
    const lines = wrap(text, width - indent);
    if (beside) out.push(`  ${name.padEnd(left - 2)}${lines.shift() ?? ''}`.trimEnd());
    else out.push(`  ${name}`);
    for (const l of lines) out.push(`${' '.repeat(indent)}${l}`);
  }
  return out;
}

const optionRows = (options: Record<string, OptionSpec>): [string, string][] =>
  Object.entries(options).map(([name, o]) => [`--${name}${o.value ? ` <${o.value}>` : ''}`, o.describe]);

/** Examples stay whole on their own line (a URL is never broken); what they do goes below. */
function examples(list: [string, string][], width: number): string[] {
  return list.flatMap(([example, what]) => [`  ${example.replace(/\$0/g, 'auth')}`, ...wrap(what, width - 6).map((l) => `      ${l}`)]);
}

const usage = (spec: CommandSpec) =>
  ['auth', spec.name, ...spec.positionals.map((p) => (p.required ? `<${p.name}>` : `[${p.name}]`))].join(' ');

const SECRETS_NOTE =
  'Secrets: leave the credential flag out to be asked in a terminal (no echo), or give "-" to read it from stdin (for every value flag of login). A secret typed into the command line stays in your shell history and is visible to other processes.';

const ENVIRONMENT = [
  'Stores: RATTLER_AUTH_FILE (if set), the keychain, ~/.rattler/credentials.json, then NETRC or ~/.netrc (read-only), as rattler and pixi read them.',
  'Environment: AUTH_KEYCHAIN=off leaves the keychain out (headless machines: credentials go to ~/.rattler/credentials.json); AUTH_KEYCHAIN_TIMEOUT_MS bounds every keychain call (default 3000).',
];

function commandHelp(spec: CommandSpec, width: number): string[] {
  const out = [`Usage: ${usage(spec)} [options]`, '', ...wrap(spec.describe, width)];
  if (spec.positionals.length) out.push('', 'Arguments:', ...columns(spec.positionals.map((p) => [`<${p.name}>`, p.describe]), width));
  if (Object.keys(spec.options).length) out.push('', 'Options:', ...columns(optionRows(spec.options), width));
  out.push('', 'Global options:', ...columns(optionRows(globalOptions), width));
  out.push('', 'Examples:', ...examples(spec.examples, width));
  if (spec.name === 'login') out.push('', ...wrap(SECRETS_NOTE, width));
  return out;
}

function overview(width: number): string[] {
  return [
    'Usage: auth <command> [options]',
    '',
    ...wrap('Keep credentials for package servers in the keychain (or a file), shared with pixi and rattler.', width),
    '',
    'Commands:',
    ...columns(commands.map((c) => [usage(c).slice('auth '.length), c.describe]), width),
    '',
    'Global options:',
    ...columns(optionRows(globalOptions), width),
    '',
    'Examples:',
    ...examples(
      [
        ['$0 login prefix.dev', 'Ask for a token (no echo) and store it for *.prefix.dev'],
        ['$0 list', 'Show what is stored where'],
        ['$0 help login', 'Every way to store a credential'],
      ],
      width,
    ),
    '',
    ...wrap(SECRETS_NOTE, width),
    '',
    ...ENVIRONMENT.flatMap((p) => wrap(p, width)),
  ];
}

/** The help for one command, or for `auth` itself. */
export function renderHelp(command: string | undefined, width = 80): string {
  const spec = command === undefined ? undefined : commandNamed(command);
  return `${(spec ? commandHelp(spec, width) : overview(width)).join('\n')}\n`;
}
