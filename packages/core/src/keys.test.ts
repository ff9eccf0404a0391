import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CredentialsInInputError, InvalidKeyError } from './errors.js';
import { canonicalKey, keyFromInput } from './keys.js';

function refusal(f: () => unknown): InvalidKeyError {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidKeyError);
    expect((error as InvalidKeyError).code).toBe('INVALID_KEY');
    return error as InvalidKeyError;
  }
  throw new Error('expected a refusal');
}

describe('login input becomes a key', () => {
  it.each([
    // A URL: its host only, then pixi's one-dot rule (rattler's get_url).
    ['https://Repo.Prefix.dev:8443/chan/', 'repo.prefix.dev'],
    ['https://Repo.Prefix.dev/', 'repo.prefix.dev'],
    ['https://repo.example.com/channel/', 'repo.example.com'],
    ['http://localhost:8080', 'localhost'],
    ['https://prefix.dev', '*.prefix.dev'],
    ['https://prefix.dev:8443/a/b', '*.prefix.dev'],
    ['https://host.example.com/path?query=1#frag', 'host.example.com'],
    ['https://www.bücher.example/', 'www.xn--bcher-kva.example'],
    ['http://[2001:DB8::1]/', '[2001:db8::1]'],
    // S3: the bucket, as pixi writes it.
    ['s3://my-bucket', 'my-bucket'],
    ['s3://my-bucket/channel', 'my-bucket'],
    ['S3://My-Bucket/channel/', 'my-bucket'],
    // Bare names.
    ['repo.prefix.dev', 'repo.prefix.dev'],
    ['REPO.PREFIX.DEV.', 'repo.prefix.dev'],
    ['prefix.dev', '*.prefix.dev'],
    ['anaconda.org', '*.anaconda.org'],
    ['prefix.dev/', '*.prefix.dev'],
    ['bücher.de', '*.xn--bcher-kva.de'],
    ['localhost', 'localhost'],
    ['10.0.0.1', '10.0.0.1'],
    ['  repo.prefix.dev  ', 'repo.prefix.dev'],
    // Bare host:port and host/path keep their scope, 80 and 443 included.
    ['host.example.com:8443', 'host.example.com:8443'],
    ['example.com:443', 'example.com:443'],
    ['example.com:80', 'example.com:80'],
    ['example.com:0443', 'example.com:443'],
    ['host.example.com/channel-a/', 'host.example.com/channel-a'],
    ['host.example.com/a//b/./c/../d/', 'host.example.com/a/b/d'],
    ['host.example.com/a%2Fb', 'host.example.com/a/b'],
    ['prefix.dev:8443', 'prefix.dev:8443'],
    ['prefix.dev/channel', 'prefix.dev/channel'],
    ['[::1]:8080', '[::1]:8080'],
    ['127.0.0.1:4873', '127.0.0.1:4873'],
    ['registry.example.com/@scope', 'registry.example.com/@scope'],
    // Wildcards given directly.
    ['*.prefix.dev', '*.prefix.dev'],
    ['*.Repo.Prefix.dev', '*.repo.prefix.dev'],
    ['*.foo.github.io', '*.foo.github.io'],
    ['*.example.co.uk', '*.example.co.uk'],
    // Public suffixes of two labels stay exact: *.github.io would reach every user's site.
    ['github.io', 'github.io'],
    ['https://github.io/', 'github.io'],
    ['co.uk', 'co.uk'],
  ])('%s → %s', (input, key) => {
    expect(keyFromInput(input)).toBe(key);
    expect(keyFromInput(key)).toBe(key);
  });

  it.each([
    ['', 'empty'],
    ['*.dev', 'two labels'],
    ['*.', 'not a valid host name'],
    ['*.github.io', 'public suffix'],
    ['*.co.uk', 'public suffix'],
    ['*.amazonaws.com', 'public suffix'],
    ['*.10.0.0.1', 'IP address'],
    ['*.prefix.dev/path', 'domain only'],
    ['repo.*.dev', 'wildcard may only stand first'],
    ['ftp://host.example.com', 'not supported'],
    ['host name.com', 'white space'],
    ['host\nexample.com', 'control'],
    ['http://', 'not a host name or URL'],
    ['s3://', 'bucket'],
    ['s3://0.0', 'bucket'],
    ['exa$mple.com', 'not a valid host name'],
    ['example.com:99999', 'port'],
    ['example.com:0', 'port'],
    ['example.com:x', 'port'],
    ['host.example.com/a%zz', 'malformed'],
  ])('%j is refused with a message naming it', (input, reason) => {
    const error = refusal(() => keyFromInput(input));
    expect(error.message).toContain(`"${input}"`);
    expect(error.message).toContain(reason);
  });

  it.each([
    ['https://alice:S3cret@host.example.com/', 'S3cret'],
    ['https://alice@host.example.com/', 'alice'],
    ['https://alice:pa/ss@host.example.com/', 'pa/ss'],
    ['https://alice:p?a#s@host.example.com/', 'p?a#s'],
    ['https://alice:p@ss@host.example.com/', 'p@ss'],
    ['https:alice:S3cret@host.example.com', 'S3cret'],
    ['https:///alice:S3cret@host.example.com', 'S3cret'],
    ['alice:S3cret@host.example.com', 'S3cret'],
    ['alice:S3c/ret@host.example.com/x', 'S3c/ret'],
    ['https://conda.anaconda.org/t/xy-SECRET-1/conda-forge/', 'xy-SECRET-1'],
    ['conda.example.com/t/xy-SECRET-2/channel', 'xy-SECRET-2'],
    ['s3://alice:S3cret@bucket/x', 'S3cret'],
  ])('%s is refused as holding a secret, which the message never shows', (input, secret) => {
    const error = refusal(() => keyFromInput(input));
    expect(error).toBeInstanceOf(CredentialsInInputError);
    expect(error.message).not.toContain(secret);
    expect(error.input).not.toContain(secret);
    expect(JSON.stringify(error)).not.toContain(secret);
  });
});

// Labels a host may have; `xn--` starts punycode, which must decode (tested on its own).
const label = fc.stringMatching(/^[a-z]([a-z0-9-]{0,6}[a-z0-9])?$/).filter((l) => !l.startsWith('xn--'));
const domain = fc.array(label, { minLength: 1, maxLength: 4 }).map((l) => l.join('.'));
const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((n) => n.join('.'));
const ipv6 = fc.ipV6().map((a) => `[${a}]`);
const idn = fc.constantFrom('bücher', 'müller', 'пример', '例え', 'ßtraße', 'xn--bcher-kva');
const host = fc.oneof(
  domain,
  fc.tuple(idn, domain).map(([a, b]) => `${a}.${b}`),
  ipv4,
  ipv6,
  fc.constantFrom('github.io', 'co.uk', 'foo.github.io', 'localhost', 'prefix.dev', 'amazonaws.com'),
);
const port = fc.oneof(fc.constant(''), fc.constantFrom(':80', ':443', ':8443'), fc.integer({ min: 1, max: 65535 }).map((p) => `:${p}`));
const path = fc
  .array(fc.oneof(fc.stringMatching(/^[a-z0-9_@-]{1,6}$/), fc.constantFrom('.', '..', '', '%2F', 'a%20b')), { maxLength: 4 })
  .map((s) => (s.length ? `/${s.join('/')}` : ''));
const input = fc.oneof(
  fc.tuple(host, port, path, fc.boolean()).map(([h, p, pa, slash]) => `${h}${p}${pa}${slash ? '/' : ''}`),
  fc.tuple(fc.constantFrom('http://', 'https://', 'HTTPS://'), host, port, path).map((parts) => parts.join('')),
  fc.tuple(host, fc.constantFrom('.', '')).map(([h, dot]) => `${h.toUpperCase()}${dot}`),
  fc.tuple(fc.constantFrom('*.', '*.*.'), host).map(([w, h]) => w + h),
  fc.tuple(fc.stringMatching(/^[a-z0-9][a-z0-9.-]{1,10}[a-z0-9]$/), path).map(([b, p]) => `s3://${b}${p}`),
  fc.string({ maxLength: 30 }),
);

describe('keys are fixed points', () => {
  it('keyFromInput(k) === k and canonicalKey(k) === k for every key keyFromInput produces', () => {
    fc.assert(
      fc.property(input, (text) => {
        let key: string;
        try {
          key = keyFromInput(text);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidKeyError);
          return;
        }
        expect(keyFromInput(key)).toBe(key);
        expect(canonicalKey(key)).toBe(key);
        expect(key).not.toMatch(/\s|\/$/);
        expect(key.split('/')[0]).not.toMatch(/[A-Z]/);
      }),
      { numRuns: 3000 },
    );
  });

  it('a bare host:port/path keeps exactly that port and path (reference: the input, lower-cased and normalized)', () => {
    // `/t/<x>/` is a conda token in the input, refused on its own (tested above).
    const seg = fc.stringMatching(/^[a-z0-9_-]{1,6}$/).filter((s) => s !== 't');
    fc.assert(
      fc.property(fc.array(label, { minLength: 3, maxLength: 4 }), fc.integer({ min: 1, max: 65535 }), fc.array(seg, { maxLength: 3 }), (labels, p, segs) => {
        const h = labels.join('.');
        const pa = segs.map((s) => `/${s}`).join('');
        expect(keyFromInput(`${h.toUpperCase()}:${p}${pa}/`)).toBe(`${h}:${p}${pa}`);
        expect(keyFromInput(`https://${h}:${p}${pa}`)).toBe(h);
      }),
    );
  });
});

describe('canonicalKey: keys given to store.set()', () => {
  it.each([
    ['HTTPS://Foo.Example.com/', 'foo.example.com'],
    ['https://foo.example.com:8443/chan/', 'foo.example.com:8443/chan'],
    ['example.com', 'example.com'],
    ['Example.COM.', 'example.com'],
    ['example.com:443', 'example.com:443'],
    ['*.Prefix.dev', '*.prefix.dev'],
    ['*.dev', '*.dev'],
    ['*.github.io', '*.github.io'],
    ['*.example.com:443', '*.example.com:443'],
    ['my-bucket', 'my-bucket'],
    ['s3://my-bucket/channel', 's3://my-bucket/channel'],
    ['s3://my-bucket', 's3://my-bucket'],
    ['localhost:4873', 'localhost:4873'],
  ])('%s → %s', (key, canonical) => {
    expect(canonicalKey(key)).toBe(canonical);
    expect(canonicalKey(canonical)).toBe(canonical);
  });

  it.each(['', 'https://u:p@host/', 'a b', '*.1.2.3.4', 'ftp://x.y', 'repo.*.dev', 'host/t/xy-token/x'])('%j is refused', (key) => {
    const error = refusal(() => canonicalKey(key));
    expect(error.message).not.toContain('u:p');
    expect(error.message).not.toContain('xy-token');
  });
});

// Found by attack12.
describe('login input never lets a secret through, however it is spelt', () => {
  it.each([
    ['https://conda.anaconda.org/%74/SECRETTOKEN/x', 'conda token'],
    ['https://conda.anaconda.org/t%2FSECRETTOKEN/x', 'conda token'],
    ['https://alice:pa SECRETTOKEN@repo.example.com/', 'user name or password'],
    ['alice:pa SECRETTOKEN@repo.example.com', 'user name or password'],
  ])('%s is refused and the error shows no part of the secret', (input, what) => {
    const error = refusal(() => keyFromInput(input));
    expect(error).toBeInstanceOf(CredentialsInInputError);
    expect(error.message).toContain(what);
    expect(error.message).not.toContain('SECRETTOKEN');
    expect(error.message).not.toMatch(/alice:pa|pa SECRET/);
  });

  it('slashes typed twice in login input are one', () => {
    expect(keyFromInput('host.example.com//chan//')).toBe('host.example.com/chan');
  });
});
