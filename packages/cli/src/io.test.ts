import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeForTerminal } from './io.js';

// The reference: a character is shown as is only if it is printable and no line or bidi control.
const shownAsIs = (ch: string) => {
  const c = ch.codePointAt(0) as number;
  const control = c < 0x20 || (c >= 0x7f && c <= 0x9f);
  const invisible = (c >= 0x200b && c <= 0x200f) || (c >= 0x2028 && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c === 0xfeff;
  return !control && !invisible && ch !== '\\';
};

describe('escapeForTerminal', () => {
  it('shows ESC, newlines, tabs and bidi controls escaped', () => {
    expect(escapeForTerminal('a\u001b[31mred\nb\tc\\d\u202eevil\u0000')).toBe('a\\x1b[31mred\\nb\\tc\\\\d\\u{202e}evil\\x00');
  });

  it('leaves no control character and changes nothing printable (property, against a reference)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.oneof(fc.constantFrom('\u001b', '\n', '\r', '\t', '\\', '\u0085', '\u202e', '\u2028', 'é', '✓'), fc.integer({ min: 0, max: 0x2100 }).map((c) => String.fromCharCode(c))) }), (text) => {
        const out = escapeForTerminal(text);
        for (const ch of out) expect(shownAsIs(ch) || ch === '\\').toBe(true);
        if ([...text].every(shownAsIs)) expect(out).toBe(text);
        // Escaping is reversible: different keys never look the same.
        expect(unescaped(out)).toBe(text);
      }),
    );
  });
});

/** The reading of an escaped text back, written from the escape rules alone. */
function unescaped(text: string): string {
  return text.replace(/\\(x[0-9a-f]{2}|u\{[0-9a-f]+\}|[nrt\\])/g, (_, e: string) => {
    if (e === 'n') return '\n';
    if (e === 'r') return '\r';
    if (e === 't') return '\t';
    if (e === '\\') return '\\';
    return String.fromCodePoint(Number.parseInt(e.startsWith('x') ? e.slice(1) : e.slice(2, -1), 16));
  });
}
