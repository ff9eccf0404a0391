import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeForTerminal } from './terminal.js';

describe('text is escaped for the terminal', () => {
  it.each([
    ['prefix.dev', 'prefix.dev'],
    ['jürgen 🔑', 'jürgen 🔑'],
    ['evil\nfake.com\tbearer\tkeychain', 'evil\\nfake.com\\tbearer\\tkeychain'],
    ['\u001b[2J\u001b]0;title\u0007', '\\e[2J\\e]0;title\\u0007'],
    ['a\rb', 'a\\rb'],
    ['\u009b31m', '\\u009b31m'],
    ['\u202egnp.exe', '\\u202egnp.exe'],
    ['a\\nb', 'a\\\\nb'],
  ])('%j is shown as %j', (text, shown) => {
    expect(escapeForTerminal(text)).toBe(shown);
  });

  it('no control, bidi or separator character survives, and distinct texts stay distinct', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 30 }), (a, b) => {
        const out = escapeForTerminal(a);
        // Reference: the code points a terminal acts on or reorders.
        for (const c of out) {
          const n = c.codePointAt(0) as number;
          expect(n < 0x20 || (n >= 0x7f && n <= 0x9f) || (n >= 0x202a && n <= 0x202e) || (n >= 0x2066 && n <= 0x2069) || n === 0x2028 || n === 0x2029).toBe(false);
        }
        if (a !== b) expect(escapeForTerminal(b)).not.toBe(out);
      }),
      { numRuns: 2000 },
    );
  });
});
