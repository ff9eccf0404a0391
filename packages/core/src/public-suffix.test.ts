import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPublicSuffix, wildcardReachesPublicSuffix } from './public-suffix.js';
import { PSL_RULES, PSL_VERSION } from './public-suffix-data.js';

const require = createRequire(import.meta.url);
// psl's types are not reachable through its exports map; this is all the test uses.
const psl = require('psl') as { parse(domain: string): { domain?: string | null } | { error: unknown } };
const pslRoot = join(dirname(require.resolve('psl')), '..');
const upstream: string[] = (await import(pathToFileURL(join(pslRoot, 'data', 'rules.js')).href)).default;

/** The rule as a URL would carry its labels: IDNA ASCII, `*.` and `!` kept. */
function ascii(rule: string): string {
  const prefix = rule.startsWith('*.') ? '*.' : rule.startsWith('!') ? '!' : '';
  return prefix + new URL(`http://${rule.slice(prefix.length)}/`).hostname;
}

/** The packed format, read back: `;uk:co,*;:com;` → `co.uk`, `*.uk`, `com`. */
function unpackRules(packed: string): string[] {
  expect(packed.startsWith(';') && packed.endsWith(';')).toBe(true);
  return packed.slice(1, -1).split(';').flatMap((group) => {
    const [parent, heads] = group.split(':') as [string, string];
    return heads.split(',').map((head) => (parent === '' ? head : `${head}.${parent}`));
  });
}

const wildcardRules = new Set(upstream.map(ascii).filter((r) => r.startsWith('*.')).map((r) => r.slice(2)));

describe('the embedded Public Suffix List', () => {
  it('is the psl package\'s list, rule for rule (regenerate with pnpm generate:public-suffix)', () => {
    expect(PSL_VERSION).toBe(require(join(pslRoot, 'package.json')).version);
    expect(unpackRules(PSL_RULES).sort()).toEqual([...new Set(upstream.map(ascii))].sort());
  });

  it.each([
    ['com', true],
    ['co.uk', true],
    ['github.io', true],
    ['s3.amazonaws.com', true],
    ['foo.ck', true],
    ['www.ck', false],
    ['prefix.dev', false],
    ['anaconda.org', false],
    ['alice.github.io', false],
    ['example.co.uk', false],
  ])('%s is a public suffix: %s', (domain, expected) => {
    expect(isPublicSuffix(domain)).toBe(expected);
  });

  it.each([
    ['github.io', true],
    ['amazonaws.com', true],
    ['kawasaki.jp', true],
    ['city.kawasaki.jp', false],
    ['prefix.dev', false],
    ['anaconda.org', false],
    ['example.com', false],
    ['alice.github.io', false],
  ])('*.%s reaches a public suffix: %s', (domain, expected) => {
    expect(wildcardReachesPublicSuffix(domain)).toBe(expected);
  });

  it('agrees with psl (an independent implementation) on every rule and names around it', () => {
    const names = fc.constantFrom(...upstream.map(ascii)).chain((rule) =>
      fc.constantFrom(rule.replace(/^[!*]\.?/, ''), `x.${rule.replace(/^[!*]\.?/, '')}`, rule.replace(/^[!*]\.?/, '').replace(/^[^.]*\./, '')),
    );
    fc.assert(
      fc.property(names, (domain) => {
        if (!domain.includes('.')) return;
        const parsed = psl.parse(domain);
        // psl answers in Unicode; a name with no registrable domain is a suffix itself. psl also
        // counts the base of a wildcard rule (`azurecontainer.io` for `*.azurecontainer.io`),
        // which the list's own algorithm does not: there only the wildcard answer must agree.
        const reference = 'domain' in parsed && parsed.domain === null;
        const wildcardBase = wildcardRules.has(domain);
        if (!wildcardBase) expect([domain, isPublicSuffix(domain)]).toEqual([domain, reference]);
        if (reference) expect([domain, wildcardReachesPublicSuffix(domain)]).toEqual([domain, true]);
      }),
      { numRuns: 5000 },
    );
  });
});
