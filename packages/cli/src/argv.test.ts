import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memoryIo, sandbox } from '@auth/test-support/cli';
import { parseArgv } from './argv.js';
import { main } from './main.js';
import { commands, globalOptions } from './spec.js';

interface Outcome {
  code: number;
  /** The token stored in c.json, or undefined for nothing stored. */
  stored?: string;
  /** A piece of the message on stderr. */
  says: string;
}

const host = 'a.example.com';
// Each line runs with `--file c.json` appended, through the built binary and through main().
const table: [string[], Outcome, string?][] = [
  [['login', host, '--token', '-abc'], { code: 0, stored: '-abc', says: 'Stored a token' }],
  [['login', host, '--token', '-abc', '--verbose'], { code: 0, stored: '-abc', says: 'Stored a token' }],
  [['login', host, '--token', '-S3CR3T', '-x'], { code: 2, says: 'argument 5 is an option auth login does not know' }],
  [['login', host, '--token', '--'], { code: 2, says: '--token needs a value' }],
  [['login', host, '--token=', '--verbose'], { code: 2, says: '--token needs a value' }],
  [['login', host, '--token'], { code: 2, says: '--token needs a value' }],
  [['login', host, '--token', '--verify'], { code: 2, says: '--token needs a value' }],
  [['login', host, '--token=x=-y'], { code: 0, stored: 'x=-y', says: 'Stored a token' }],
  [['login', host, '--token', 'a', '--token', 'b'], { code: 2, says: '--token was given more than once' }],
  [['login', '--token', 'before', host], { code: 0, stored: 'before', says: 'Stored a token' }],
  [['--verbose', 'login', host, '--token', 'global-first'], { code: 0, stored: 'global-first', says: 'Stored a token' }],
  [['login', host, '--verify', '--no-verify', '--token', 'nv'], { code: 0, stored: 'nv', says: 'Stored a token' }],
  [['login', host, '--no-token'], { code: 2, says: 'argument 3 is an option auth login does not know' }],
  [['login', host, '--', '--token', 'x'], { code: 2, says: 'too many arguments' }],
  [['login', '--', '-dash.example.com', '--token', 'x'], { code: 2, says: 'too many arguments' }],
  [['login', host, '--bogus', 'value'], { code: 2, says: 'argument 3 is an option auth login does not know' }],
  [['login', host, '--tokne=pfx_SECRET'], { code: 2, says: 'does not know (did you mean --token?)' }],
  [['login', host, 'stray-word', '--token', 'x'], { code: 2, says: 'too many arguments' }],
  [['login', host, '-abc'], { code: 2, says: 'argument 3 is an option auth login does not know' }],
  [['list', '--json=yes'], { code: 2, says: '--json takes no value' }],
  [['list', '--token', 'x'], { code: 2, says: '--token is not an option of auth list' }],
  [['login', host, '--token', '-'], { code: 0, stored: 'from-stdin', says: 'Stored a token' }, 'from-stdin\n'],
  [['logn', host], { code: 2, says: 'argument 1 is not a command (did you mean login?)' }],
  [['login'], { code: 2, says: 'auth login needs <host>' }],
];

// Words an error may name: commands and flags. Any other word of argv may be a secret.
const known = new Set([...commands.map((c) => c.name), ...commands.flatMap((c) => Object.keys(c.options)), ...Object.keys(globalOptions)]);
const unnameable = (argv: string[]) => argv.filter((w) => w.length >= 3 && !known.has(w.replace(/^-+/, '').split('=')[0] as string));

function storedToken(dir: string): string | undefined {
  const path = join(dir, 'c.json');
  if (!existsSync(path)) return undefined;
  const entry = (JSON.parse(readFileSync(path, 'utf8')) as Record<string, { BearerToken?: string }>)[host];
  return entry?.BearerToken;
}

function check(argv: string[], want: Outcome, got: { code: number | null; stdout: string; stderr: string }, dir: string) {
  expect(got.code, got.stderr).toBe(want.code);
  expect(got.stderr).toContain(want.says);
  expect(got.stdout).toBe('');
  if (want.stored !== undefined || want.code !== 0) expect(storedToken(dir)).toBe(want.stored);
  if (want.code === 2) {
    for (const word of unnameable(argv)) expect(got.stderr, `${word} was echoed`).not.toContain(word);
    expect(got.stderr.match(/Run "auth/g)).toHaveLength(1);
  }
}

describe('one parser: every argv line has one outcome, in process and in the binary', () => {
  it.each(table)('%j', async (argv, want, input) => {
    const args = [...argv, '--file', 'c.json'];
    const s = sandbox({ keychain: false });
    check(argv, want, s.auth(args, input === undefined ? {} : { input }), s.home);

    const dir = mkdtempSync(join(tmpdir(), 'auth-main-'));
    const m = memoryIo({ cwd: dir, ...(input === undefined ? {} : { input }) });
    const code = await main(args, m.io);
    check(argv, want, { code, stdout: m.stdout(), stderr: m.stderr() }, dir);
  });
});

describe('value flags (property, against the rule written here)', () => {
  // The rule: the next word is the value unless it is missing, empty, `--`, `-h`, or a known
  // long option (`--name`, `--name=…`, `--no-<boolean>`).
  const longOptions = ['file', 'store', 'verbose', 'help', 'version', 'token', 'username', 'password', 'conda-token', 's3-access-key-id', 's3-secret-access-key', 's3-session-token', 'verify', 'verify-url', 'timeout', 'all', 'yes', 'json'];
  const booleans = ['verbose', 'help', 'version', 'verify', 'all', 'yes', 'json'];
  const isOptionWord = (w: string) => {
    if (w === '-h') return true;
    if (!w.startsWith('--')) return false;
    const name = w.slice(2).split('=')[0] as string;
    return longOptions.includes(name) || (name.startsWith('no-') && booleans.includes(name.slice(3)));
  };
  const word = fc.oneof(
    fc.string({ minLength: 0, maxLength: 12 }),
    fc.string({ maxLength: 10 }).map((s) => `-${s}`),
    fc.constantFrom(...longOptions).map((n) => `--${n}`),
    fc.constantFrom('--', '-', '-h', '--no-verify', '--no-token', '--token=x', '--tokenx'),
  );

  it('--token takes the next word exactly when the rule says so', () => {
    fc.assert(
      fc.property(word, (next) => {
        const takes = next !== '' && next !== '--' && !isOptionWord(next);
        let parsed: ReturnType<typeof parseArgv> | undefined;
        try {
          parsed = parseArgv(['login', 'h.example.com', '--token', next]);
        } catch (error) {
          expect(takes).toBe(false);
          // One message whatever the word: nothing of it is echoed.
          expect((error as Error).message).toBe('--token needs a value (or "-" to read it from stdin; leave the flag out to be asked in a terminal)');
          return;
        }
        if (parsed.action === 'run') {
          expect(takes).toBe(true);
          expect(parsed.args.token).toBe(next);
        } else expect(next === '-h' || next === '--help' || next === '--version').toBe(true);
      }),
    );
  });

  it('--token=<value> takes everything after the first "=", dashes and "=" included', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (value) => {
        const parsed = parseArgv(['login', 'h.example.com', `--token=${value}`]);
        expect(parsed).toMatchObject({ action: 'run', args: { token: value } });
      }),
    );
  });
});
