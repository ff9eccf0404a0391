/**
 * A small JSON scanner that validates a document and returns the exact text of each value of a
 * top-level object. We need it because JSON.parse cannot give back raw text (to keep entries we do
 * not understand byte for byte) and because V8's JSON.parse errors quote the input, which in a
 * credentials file is a secret.
 */

export class JsonSyntaxError extends Error {
  readonly position: number;
  readonly line: number;
  readonly column: number;
  constructor(reason: string, text: string, position: number) {
    const { line, column } = lineAndColumn(text, position);
    super(`${reason} at line ${line}, column ${column}`);
    this.position = position;
    this.line = line;
    this.column = column;
  }
}

export function lineAndColumn(text: string, position: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < position && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: position - lineStart + 1 };
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

class Scanner {
  pos = 0;
  constructor(readonly text: string) {}

  fail(reason: string, at = this.pos): never {
    throw new JsonSyntaxError(reason, this.text, at);
  }

  ws(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.pos++;
      else break;
    }
  }

  expect(ch: string): void {
    if (this.text[this.pos] !== ch) this.unexpected(`expected "${ch}"`);
    this.pos++;
  }

  unexpected(reason: string): never {
    if (this.pos >= this.text.length) this.fail('unexpected end of the file');
    this.fail(`unexpected character (${reason})`);
  }

  string(): void {
    const t = this.text;
    this.expect('"');
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === 34) {
        this.pos++;
        return;
      }
      if (c < 32) this.fail('control character in a string');
      if (c === 92) {
        const e = t[this.pos + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(t.slice(this.pos + 2, this.pos + 6))) this.fail('bad \\u escape');
          this.pos += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) {
          this.pos += 2;
        } else {
          this.fail('bad escape in a string');
        }
        continue;
      }
      this.pos++;
    }
    this.fail('unterminated string');
  }

  value(): void {
    this.ws();
    const c = this.text[this.pos];
    if (c === '{') {
      this.object(() => this.value());
      return;
    }
    if (c === '[') {
      this.array();
      return;
    }
    if (c === '"') {
      this.string();
      return;
    }
    for (const word of ['true', 'false', 'null']) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return;
      }
    }
    NUMBER.lastIndex = this.pos;
    if (NUMBER.test(this.text)) {
      this.pos = NUMBER.lastIndex;
      return;
    }
    this.unexpected('expected a value');
  }

  /** Scans an object, calling `member` with the position of each key after its colon. */
  object(member: (keyStart: number, keyEnd: number) => void): void {
    this.expect('{');
    this.ws();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return;
    }
    for (;;) {
      this.ws();
      const keyStart = this.pos;
      this.string();
      const keyEnd = this.pos;
      this.ws();
      this.expect(':');
      member(keyStart, keyEnd);
      this.ws();
      if (this.text[this.pos] === ',') {
        this.pos++;
        continue;
      }
      this.expect('}');
      return;
    }
  }

  array(): void {
    this.expect('[');
    this.ws();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return;
    }
    for (;;) {
      this.value();
      this.ws();
      if (this.text[this.pos] === ',') {
        this.pos++;
        continue;
      }
      this.expect(']');
      return;
    }
  }
}

/**
 * Parses a JSON document that must be an object and returns its members as [key, raw value text]
 * in file order (a repeated key keeps its last value, as JSON.parse does).
 * Throws JsonSyntaxError with a line and column, never quoting the text.
 *
 * The native JSON.parse validates (it is many times faster than a scanner in JavaScript); the
 * members are then cut out by a slicer that only tracks strings and nesting. Only a document
 * that fails goes through the validating scanner, to find where.
 */
export function scanObjectMembers(text: string): Map<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return validatingScan(text);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return validatingScan(text);
  return sliceMembers(text);
}

/** Index just past the string literal that starts at `start` (a `"`). */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  for (;;) {
    const quote = text.indexOf('"', i);
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === 92) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    i = quote + 1;
  }
}

/** Index just past the value that starts at `start`, in text already known to be valid JSON. */
function valueEnd(text: string, start: number): number {
  const c = text.charCodeAt(start);
  if (c === 34) return stringEnd(text, start);
  if (c !== 123 && c !== 91) {
    let i = start;
    for (; i < text.length; i++) {
      const d = text.charCodeAt(i);
      if (d === 44 || d === 125 || d === 93 || d === 32 || d === 10 || d === 13 || d === 9) break;
    }
    return i;
  }
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const d = text.charCodeAt(i);
    if (d === 34) i = stringEnd(text, i) - 1;
    else if (d === 123 || d === 91) depth++;
    else if ((d === 125 || d === 93) && --depth === 0) return i + 1;
  }
  return text.length;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) break;
    i++;
  }
  return i;
}

/** The value of the string literal `text[start, end)` (quotes included) of valid JSON. */
function stringValue(text: string, start: number, end: number): string {
  // Only a literal with an escape needs decoding; the others are their text between the quotes.
  for (let i = start + 1; i < end - 1; i++) {
    if (text.charCodeAt(i) === 92) return JSON.parse(text.slice(start, end)) as string;
  }
  return text.slice(start + 1, end - 1);
}

function sliceMembers(text: string): Map<string, string> {
  const members = new Map<string, string>();
  let i = skipSpace(text, 0) + 1; // past "{"
  for (;;) {
    i = skipSpace(text, i);
    if (text.charCodeAt(i) === 125) return members; // "}"
    const keyEnd = stringEnd(text, i);
    const key = stringValue(text, i, keyEnd);
    i = skipSpace(text, keyEnd) + 1; // past ":"
    const valueStart = skipSpace(text, i);
    i = valueEnd(text, valueStart);
    members.delete(key);
    members.set(key, text.slice(valueStart, i));
    i = skipSpace(text, i);
    if (text.charCodeAt(i) === 44) i++; // ","
  }
}

export function validatingScan(text: string): Map<string, string> {
  const s = new Scanner(text);
  const members = new Map<string, string>();
  s.ws();
  if (s.text[s.pos] !== '{') s.unexpected('the file must hold one JSON object');
  s.object((keyStart, keyEnd) => {
    s.ws();
    const valueStart = s.pos;
    s.value();
    const key = JSON.parse(text.slice(keyStart, keyEnd)) as string;
    members.delete(key);
    members.set(key, text.slice(valueStart, s.pos));
  });
  s.ws();
  if (s.pos < text.length) s.fail('unexpected text after the object');
  return members;
}

/** Validates one JSON value; true if `text` is exactly one JSON value. */
export function isJson(text: string): boolean {
  const s = new Scanner(text);
  try {
    s.value();
    s.ws();
    return s.pos === text.length;
  } catch {
    return false;
  }
}

/**
 * A JSON string literal as serde_json writes it: `"` and `\\` escaped, \b \f \n \r \t by name,
 * other control characters as lower-case `\u00xx`, everything else (non-ASCII included) raw.
 * JSON.stringify follows the same rules; it also escapes lone surrogates, which a Rust string
 * cannot hold and UTF-8 cannot carry, so they survive instead of becoming U+FFFD.
 */
export function jsonString(value: string): string {
  return JSON.stringify(value);
}

/**
 * Orders strings as their UTF-8 bytes (Rust's `str` order, so a BTreeMap's), which is code point
 * order. JavaScript compares UTF-16 code units, which puts astral characters (surrogates) before
 * U+E000–U+FFFF; at the first differing unit, surrogates are moved above the rest of the BMP.
 */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

const codePointRank = (unit: number) => (unit >= 0xe000 ? unit - 0x800 : unit >= 0xd800 ? unit + 0x2000 : unit);
