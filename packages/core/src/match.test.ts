import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyFromInput } from './keys.js';
import { candidateKeys, keyMatches } from './match.js';

describe('a URL finds its candidate keys, most specific first', () => {
  it('port, path, bare host, then wildcards', () => {
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
    expect(candidateKeys('http://[::1]/')).toEqual(['[::1]']);
  });

  it('case, trailing dot and IDNA are normalized like login input', () => {
    expect(candidateKeys('https://REPO.Prefix.DEV./x')[0]).toBe('repo.prefix.dev/x');
    expect(candidateKeys('https://bücher.example/')[0]).toBe('xn--bcher-kva.example');
  });

  it('a default port is the same as none', () => {
    expect(candidateKeys('https://repo.prefix.dev:443/')).toEqual(['repo.prefix.dev', '*.repo.prefix.dev', '*.prefix.dev']);
  });

  it('s3 URLs match their bucket and path prefixes', () => {
    expect(candidateKeys('s3://my-bucket/channel/noarch/repodata.json')).toEqual([
      's3://my-bucket/channel/noarch/repodata.json',
      's3://my-bucket/channel/noarch',
      's3://my-bucket/channel',
      's3://my-bucket',
    ]);
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
