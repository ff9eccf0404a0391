import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyFromInput } from './keys.js';
import { candidateKeys, keyMatches } from './match.js';

describe('a URL finds its candidate keys, most specific first', () => {
  it('port, path, bare host, then wildcards (the example in the design)', () => {
    expect(candidateKeys('https://repo.prefix.dev:8443/a/b/c.json')).toEqual([
      'repo.prefix.dev:8443/a/b/c.json',
      'repo.prefix.dev:8443/a/b',
      'repo.prefix.dev:8443/a',
      'repo.prefix.dev:8443',
      'repo.prefix.dev/a/b/c.json',
      'repo.prefix.dev/a/b',
      'repo.prefix.dev/a',
      'repo.prefix.dev',
      '*.repo.prefix.dev',
      '*.prefix.dev',
    ]);
  });

  it('a wildcard matches its own domain', () => {
    expect(keyMatches('*.prefix.dev', 'https://prefix.dev/x')).toBe(true);
    expect(keyMatches('*.prefix.dev', 'https://a.b.prefix.dev/x')).toBe(true);
  });

  it('never a wildcard of one label', () => {
    expect(candidateKeys('https://repo.prefix.dev/')).not.toContain('*.dev');
    expect(candidateKeys('http://localhost:4873/')).toEqual(['localhost:4873', 'localhost']);
  });

  it('IP addresses get no wildcards', () => {
    expect(candidateKeys('http://127.0.0.1:4873/a')).toEqual(['127.0.0.1:4873/a', '127.0.0.1:4873', '127.0.0.1/a', '127.0.0.1']);
    expect(candidateKeys('http://[::1]/')).toEqual(['[::1]:80', '[::1]']);
  });

  it('case, trailing dot and IDNA are normalized like login input', () => {
    expect(candidateKeys('https://REPO.Prefix.DEV./x')).toContain('repo.prefix.dev/x');
    expect(candidateKeys('https://bücher.example/')).toContain('xn--bcher-kva.example');
  });

  it('the effective port is tried: host:443 keys apply to https://host/', () => {
    expect(candidateKeys('https://repo.prefix.dev:443/')).toEqual(['repo.prefix.dev:443', 'repo.prefix.dev', '*.repo.prefix.dev', '*.prefix.dev']);
    expect(keyMatches(keyFromInput('example.com:443'), 'https://example.com/x')).toBe(true);
    expect(keyMatches(keyFromInput('example.com:443'), 'http://example.com/x')).toBe(false);
    expect(keyMatches(keyFromInput('example.com:80'), 'http://example.com/x')).toBe(true);
  });

  it("s3 URLs try the bucket (pixi's key), then their s3:// prefixes (rattler's)", () => {
    expect(candidateKeys('s3://my-bucket/channel/noarch/repodata.json')).toEqual([
      'my-bucket',
      's3://my-bucket/channel/noarch/repodata.json',
      's3://my-bucket/channel/noarch',
      's3://my-bucket/channel',
      's3://my-bucket',
    ]);
    // The shared fixture's key, and pixi's key for `pixi auth login s3://my-bucket/channel`.
    expect(keyMatches('s3://my-bucket/channel', 's3://my-bucket/channel/noarch/repodata.json')).toBe(true);
    expect(keyMatches(keyFromInput('s3://my-bucket/channel'), 's3://my-bucket/other/x')).toBe(true);
    expect(keyMatches('s3://my-bucket/channel', 's3://my-bucket/channel-b/x')).toBe(false);
  });

  it('paths compare percent-decoded and normalized, at segment boundaries', () => {
    const key = 'host.example.com/org-a';
    for (const path of ['/org-a/..%2Forg-evil/y', '/org-a/%2e%2e/org-evil', '/org-a/..%5Corg-evil', '/org-a/..;/org-evil', '/org-ab', '/org-a%2e/x', '/x/../org-ab', '//org-a/y']) {
      expect([path, keyMatches(key, `https://host.example.com${path}`)]).toEqual([path, false]);
    }
    // `//org-a/y` is no longer in scope (attack12): servers that merge slashes read `/org-a/y`,
    // others a segment "" then `org-a`; where they disagree no path scope applies.
    expect(keyMatches(key, 'https://host.example.com//org-a/y')).toBe(false);
    for (const path of ['/org-a', '/org-a/', '/org-a/x', '/x/../org-a/y', '/%6Frg-a/y', '/org-a/%2e/y', '/org-a/x//']) {
      expect([path, keyMatches(key, `https://host.example.com${path}`)]).toEqual([path, true]);
    }
    // A malformed %-escape: no path scope applies, the host's own keys still do.
    expect(candidateKeys('http://h.example.com:81/org-a/%zz')).toEqual(['h.example.com:81', 'h.example.com', '*.h.example.com', '*.example.com']);
  });

  it('a huge URL costs a bounded number of candidates (64 path levels, no wildcards past 253 characters)', () => {
    const segments = Array.from({ length: 30_000 }, (_, i) => `s${i}`);
    const keys = candidateKeys(`http://h.example.com:81/${segments.join('/')}`);
    expect(keys.length).toBe(2 * 65 + 2);
    expect(keys).toContain(`h.example.com/${segments.slice(0, 64).join('/')}`);
    expect(keys).not.toContain(`h.example.com/${segments.slice(0, 65).join('/')}`);
    expect(candidateKeys(`https://${'a.'.repeat(30_000)}com/`)).toHaveLength(2);
  });

  it('never a wildcard over a public suffix', () => {
    expect(candidateKeys('https://alice.github.io/x')).toEqual(['alice.github.io:443/x', 'alice.github.io:443', 'alice.github.io/x', 'alice.github.io', '*.alice.github.io']);
    expect(candidateKeys('https://shop.example.co.uk/')).not.toContain('*.co.uk');
    expect(candidateKeys('https://shop.example.co.uk/')).toContain('*.example.co.uk');
    expect(candidateKeys('https://b.s3.amazonaws.com/')).not.toContain('*.amazonaws.com');
    expect(candidateKeys('https://b.s3.amazonaws.com/')).not.toContain('*.s3.amazonaws.com');
    expect(candidateKeys('https://a.b.ck/')).toEqual(['a.b.ck:443', 'a.b.ck', '*.a.b.ck']);
    expect(candidateKeys('https://x.www.ck/')).toContain('*.www.ck');
  });

  it('a path key never matches past a segment boundary (examples)', () => {
    expect(keyMatches('host.example.com/a', 'https://host.example.com/ab')).toBe(false);
    expect(keyMatches('host.example.com/a', 'https://host.example.com/a/b')).toBe(true);
    expect(keyMatches('host.example.com/a', 'https://host.example.com/a')).toBe(true);
  });

  it('a key never matches a host it should not', () => {
    const label = fc.stringMatching(/^[a-z][a-z0-9]{0,7}$/);
    fc.assert(
      fc.property(label, label, (evil, tld) => {
        for (const key of ['*.prefix.dev', 'prefix.dev', 'repo.prefix.dev']) {
          expect(keyMatches(key, `https://${evil}prefix.dev/x`)).toBe(evil === '' && key !== 'repo.prefix.dev');
          expect(keyMatches(key, `https://prefix.dev.${evil}.${tld}/x`)).toBe(false);
          expect(keyMatches(key, `https://repo.prefix.dev.${tld}/x`)).toBe(false);
          expect(keyMatches(key, `https://${evil}-prefix.dev/x`)).toBe(false);
        }
      }),
    );
    expect(keyMatches('*.prefix.dev', 'https://evil-prefix.dev/')).toBe(false);
    expect(keyMatches('*.prefix.dev', 'https://prefix.dev.evil.com/')).toBe(false);
  });

  it('a path key never matches past a segment boundary', () => {
    const seg = fc.stringMatching(/^[a-z0-9]{1,6}$/);
    fc.assert(
      fc.property(seg, seg, fc.array(seg, { maxLength: 3 }), (a, extra, tail) => {
        const key = `host.example.com/${a}`;
        const inside = `https://host.example.com/${a}/${tail.join('/')}`;
        const beside = `https://host.example.com/${a}${extra}/${tail.join('/')}`;
        expect(keyMatches(key, inside)).toBe(true);
        expect(keyMatches(key, beside)).toBe(false);
      }),
    );
  });

  it('every key made from login input is found for URLs under it', () => {
    const label = fc.stringMatching(/^[a-z][a-z0-9]{0,7}$/);
    fc.assert(
      fc.property(fc.array(label, { minLength: 2, maxLength: 4 }), label, (labels, sub) => {
        const input = labels.join('.');
        const key = keyFromInput(input);
        expect(keyMatches(key, `https://${input}/some/file.json`)).toBe(true);
        if (key.startsWith('*.')) expect(keyMatches(key, `https://${sub}.${input}/x`)).toBe(true);
      }),
    );
  });
});

// Found by attack12 (and by redirect-scope.fuzz.test.ts): `/%2F/org-a` was read as `/org-a`.
describe('an empty segment inside a path leaves no path scope to apply', () => {
  it.each(['https://h.example.com/%2F/org-a/x', 'https://h.example.com//org-a/x', 'https://h.example.com/%5C/org-a'])(
    '%s gets host keys only',
    (url) => {
      const keys = candidateKeys(url);
      expect(keys.filter((k) => k.includes('/'))).toEqual([]);
      expect(keys).toContain('h.example.com');
    },
  );

  it('a trailing slash is still no empty segment', () => {
    expect(candidateKeys('https://h.example.com/org-a/')).toContain('h.example.com/org-a');
  });
});
