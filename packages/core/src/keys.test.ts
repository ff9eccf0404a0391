import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidKeyError } from './errors.js';
import { keyFromInput, pixiKeyFor } from './keys.js';

describe('login input becomes a key', () => {
  it.each([
    ['https://Repo.Prefix.dev/', 'repo.prefix.dev'],
    ['repo.prefix.dev', 'repo.prefix.dev'],
    ['REPO.PREFIX.DEV.', 'repo.prefix.dev'],
    ['prefix.dev', '*.prefix.dev'],
    ['anaconda.org', '*.anaconda.org'],
    ['https://prefix.dev', '*.prefix.dev'],
    ['prefix.dev/', '*.prefix.dev'],
    ['*.prefix.dev', '*.prefix.dev'],
    ['*.Repo.Prefix.dev', '*.repo.prefix.dev'],
    ['host.example.com:8443', 'host.example.com:8443'],
    ['https://host.example.com:443/', 'host.example.com'],
    ['http://host.example.com:80', 'host.example.com'],
    ['host.example.com:443', 'host.example.com'],
    ['https://host.example.com:80', 'host.example.com:80'],
    ['host.example.com/channel-a/', 'host.example.com/channel-a'],
    ['https://host.example.com/a/b//', 'host.example.com/a/b'],
    ['prefix.dev:8443', 'prefix.dev:8443'],
    ['prefix.dev/channel', 'prefix.dev/channel'],
    ['https://www.bücher.example/', 'www.xn--bcher-kva.example'],
    ['bücher.de', '*.xn--bcher-kva.de'],
    ['[::1]:8080', '[::1]:8080'],
    ['http://[2001:DB8::1]/', '[2001:db8::1]'],
    ['127.0.0.1:4873', '127.0.0.1:4873'],
    ['10.0.0.1', '10.0.0.1'],
    ['localhost', 'localhost'],
    ['https://host.example.com/path?query=1#frag', 'host.example.com/path'],
    ['s3://my-bucket/channel', 's3://my-bucket/channel'],
    ['s3://my-bucket/channel/', 's3://my-bucket/channel'],
    ['  repo.prefix.dev  ', 'repo.prefix.dev'],
  ])('%s → %s', (input, key) => {
    expect(keyFromInput(input)).toBe(key);
  });

  it.each([
    ['', 'empty'],
    ['*.dev', 'two labels'],
    ['*.', 'not a host name'],
    ['*.prefix.dev/path', 'domain only'],
    ['repo.*.dev', 'wildcard may only stand first'],
    ['https://user:pw@host.example.com', 'user name or password'],
    ['ftp://host.example.com', 'not supported'],
    ['host name.com', 'white space'],
    ['host\nexample.com', 'control'],
    ['http://', 'not a host name or URL'],
    ['s3://', 'bucket'],
    ['exa$mple.com', 'not a valid host name'],
  ])('%j is refused with a message naming it', (input, reason) => {
    let error: unknown;
    try {
      keyFromInput(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidKeyError);
    expect((error as InvalidKeyError).message).toContain(`"${input}"`);
    expect((error as InvalidKeyError).message).toContain(reason);
    expect((error as InvalidKeyError).code).toBe('INVALID_KEY');
  });

  it('a key is a fixed point: its own normalization', () => {
    const label = fc.stringMatching(/^[a-z]([a-z0-9-]{0,8}[a-z0-9])?$/);
    const host = fc.array(label, { minLength: 3, maxLength: 5 }).map((l) => l.join('.'));
    const path = fc.array(fc.stringMatching(/^[a-z0-9_-]{1,6}$/), { maxLength: 3 }).map((s) => (s.length ? `/${s.join('/')}` : ''));
    const port = fc.option(fc.integer({ min: 1024, max: 65535 }), { nil: undefined });
    fc.assert(
      fc.property(host, port, path, (h, p, pa) => {
        const key = keyFromInput(`https://${h.toUpperCase()}${p ? `:${p}` : ''}${pa}/`);
        expect(key).toBe(`${h}${p ? `:${p}` : ''}${pa}`);
        expect(keyFromInput(key)).toBe(key);
      }),
    );
  });

  it('a host never keeps upper case, and no key has white space or a trailing slash', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (input) => {
        let key: string;
        try {
          key = keyFromInput(input);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidKeyError);
          return;
        }
        expect(key.startsWith('s3://') ? '' : key.split('/')[0]).not.toMatch(/[A-Z]/);
        expect(key).not.toMatch(/\s/);
        expect(key.endsWith('/')).toBe(false);
      }),
    );
  });
});

describe("pixi's key for an input (what logout also removes)", () => {
  it.each([
    ['prefix.dev', '*.prefix.dev'],
    ['https://prefix.dev/channel', '*.prefix.dev'],
    ['repo.prefix.dev', 'repo.prefix.dev'],
    ['https://repo.prefix.dev:8443/x', 'repo.prefix.dev'],
    ['localhost', 'localhost'],
  ])('%s → %s', (input, key) => {
    expect(pixiKeyFor(input)).toBe(key);
  });
});
