import { CorruptStoreError } from '@auth/core';

/** One `machine` (or the `default`) entry of a netrc file. */
export interface NetrcEntry {
  login?: string;
  password?: string;
  account?: string;
}

export interface Netrc {
  /**
   * `machine` entries by lower-cased name; the first entry for a name wins, as in curl. An entry
   * without `login` is left out: there is no user to send.
   */
  machines: Map<string, NetrcEntry>;
  /** The `default` entry, if any. Never applied to a host on its own. */
  default: NetrcEntry | undefined;
}

interface Token {
  value: string;
  line: number;
}

/** Keywords whose next word is their value (even a value that starts with "#"). */
const TAKES_VALUE = new Set(['machine', 'login', 'password', 'account', 'port', 'macdef']);

/**
 * Splits netrc text into tokens: white space separates, "double quotes" may hold spaces. A word
 * starting with "#" where a keyword is expected begins a comment to the end of the line, as
 * Python's netrc reads it (`machine a login u password p # note`).
 */
function tokenize(text: string, fail: (line: number, reason: string) => never): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  let expectValue = false;
  const n = text.length;
  while (i < n) {
    const c = text[i] as string;
    if (c === '\n') {
      tokens.push({ value: '\n', line });
      line++;
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f') {
      i++;
      continue;
    }
    if (c === '#' && !expectValue) {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    const start = line;
    let value = '';
    const quoted = c === '"';
    if (quoted) {
      i++;
      while (i < n && text[i] !== '"') {
        if (text[i] === '\n') fail(start, 'a quoted value does not end on its line');
        if (text[i] === '\\' && i + 1 < n) i++;
        value += text[i];
        i++;
      }
      if (i >= n) fail(start, 'a quoted value is not closed');
      i++;
    } else {
      while (i < n && !/\s/.test(text[i] as string)) {
        if (text[i] === '\\' && i + 1 < n) i++;
        value += text[i];
        i++;
      }
    }
    tokens.push({ value, line: start });
    expectValue = !expectValue && !quoted && TAKES_VALUE.has(value);
  }
  return tokens;
}

/** Parses netrc text; `where` names the file in errors. */
export function parseNetrc(text: string, where = 'netrc'): Netrc {
  const fail = (line: number, reason: string): never => {
    throw new CorruptStoreError('netrc', `${where}, line ${line}: ${reason}`, { path: where, line });
  };
  const all = tokenize(text, fail);
  const netrc: Netrc = { machines: new Map(), default: undefined };
  const machines: [string, NetrcEntry][] = [];
  let current: NetrcEntry | undefined;
  let i = 0;
  const next = (): Token | undefined => {
    while (i < all.length && all[i]?.value === '\n') i++;
    return all[i++];
  };
  const valueFor = (keyword: Token): string => {
    const value = next();
    if (!value) return fail(keyword.line, `"${keyword.value}" has no value`);
    return value.value;
  };
  for (let token = next(); token; token = next()) {
    switch (token.value) {
      case 'machine': {
        const name = valueFor(token).toLowerCase();
        current = {};
        machines.push([name, current]);
        break;
      }
      case 'default':
        current = {};
        netrc.default ??= current;
        break;
      case 'login':
      case 'password':
      case 'account': {
        if (!current) fail(token.line, `"${token.value}" comes before any machine`);
        const field = token.value;
        const value = valueFor(token);
        (current as NetrcEntry)[field] = value;
        break;
      }
      case 'port':
        valueFor(token);
        break;
      case 'macdef': {
        valueFor(token);
        // A macro's body runs from the next line to the first empty line.
        const skipLine = () => {
          while (i < all.length && all[i]?.value !== '\n') i++;
          i++;
        };
        skipLine();
        while (i < all.length && all[i]?.value !== '\n') skipLine();
        i++;
        current = undefined;
        break;
      }
      default:
        // The word itself is not quoted: a misplaced word may well be a password.
        fail(token.line, 'unexpected word (expected machine, default, login, password, account, port or macdef)');
    }
  }
  for (const [name, entry] of machines) {
    if (entry.login !== undefined && !netrc.machines.has(name)) netrc.machines.set(name, entry);
  }
  return netrc;
}
