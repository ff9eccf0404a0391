import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { closest, didYouMean, editDistance } from './suggest.js';

/** Reference: plain Levenshtein by recursion on short strings, with one adjacent swap allowed. */
function reference(a: string, b: string): number {
  if (!a) return b.length;
  if (!b) return a.length;
  const options = [reference(a.slice(1), b) + 1, reference(a, b.slice(1)) + 1, reference(a.slice(1), b.slice(1)) + (a[0] === b[0] ? 0 : 1)];
  if (a.length > 1 && b.length > 1 && a[0] === b[1] && a[1] === b[0]) options.push(reference(a.slice(2), b.slice(2)) + 1);
  return Math.min(...options);
}

describe('did you mean', () => {
  it('editDistance agrees with a recursive reference (property)', () => {
    const short = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd'), maxLength: 6 });
    fc.assert(
      fc.property(short, short, (a, b) => {
        expect(editDistance(a, b)).toBe(reference(a, b));
      }),
    );
  });

  it('guesses commands and options from typos, and nothing from unrelated words', () => {
    const commands = ['login', 'logout', 'list', 'token', 'status', 'help', 'completion'];
    expect(closest('logn', commands)).toEqual(['login']);
    expect(closest('stauts', commands)).toEqual(['status']);
    expect(closest('lo', commands)).toEqual(['login', 'logout']);
    expect(closest('pfx_jj8WDzvnuTEHGdAhwRZMC1Ag8gSto8', commands)).toEqual([]);
    expect(closest('keychian', ['keychain', 'file', 'netrc'])).toEqual(['keychain']);
    expect(didYouMean(['--verbose', '--version'])).toBe(' (did you mean --verbose or --version?)');
    expect(didYouMean([])).toBe('');
  });
});
