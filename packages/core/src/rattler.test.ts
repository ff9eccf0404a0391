import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixture } from '@auth/test-support/paths';
import { JsonSyntaxError } from './json-text.js';
import { decodeCredential, encodeCredential, parseCredentialsDocument, serializeCredentialsDocument } from './rattler.js';

const fixtureText = readFileSync(fixture('rattler-credentials.json'), 'utf8');

describe("rattler's JSON", () => {
  it('the fixture decodes to one credential of each kind', () => {
    const doc = parseCredentialsDocument(fixtureText);
    const decoded = Object.fromEntries([...doc].map(([key, raw]) => [key, decodeCredential(raw)]));
    expect(decoded).toEqual({
      '*.anaconda.org': { type: 'conda-token', token: 'xy-72b914cc-c105-4ec7-a969-ab21d23480ed' },
      '*.prefix.dev': { type: 'bearer', token: 'pfx_jj8WDzvnuTEHGdAhwRZMC1Ag8gSto8' },
      'myserver.com': { type: 'basic', username: 'user', password: 'pässw:rd' },
      'prefix.dev': {
        type: 'oauth',
        accessToken: 'at-1',
        refreshToken: 'rt-1',
        expiresAt: 1760000000,
        tokenEndpoint: 'https://prefix.dev/api/oauth/token',
        revocationEndpoint: null,
        clientId: 'rattler',
      },
      's3://my-bucket/channel': { type: 's3', accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI', sessionToken: null },
    });
  });

  it('the fixture round-trips byte for byte (but for the trailing newline rattler never writes)', () => {
    expect(fixtureText.endsWith('}\n')).toBe(true);
    expect(serializeCredentialsDocument(parseCredentialsDocument(fixtureText))).toBe(fixtureText.slice(0, -1));
  });

  it('the fixture re-encoded from decoded credentials is what serde_json writes: non-ASCII raw', () => {
    const doc = parseCredentialsDocument(fixtureText);
    const reencoded = new Map([...doc].map(([key, raw]) => [key, encodeCredential(decodeCredential(raw))]));
    expect(serializeCredentialsDocument(reencoded)).toBe(fixtureText.slice(0, -1).replace('p\\u00e4ssw:rd', 'pässw:rd'));
  });

  it('keys are written in UTF-8 byte order, whatever order they come in (astral after U+E000–U+FFFF)', () => {
    const doc = new Map([
      ['😀.example', '{"BearerToken":"d"}'],
      ['z.example.com', '{"BearerToken":"a"}'],
      ['\uff21.example', '{"BearerToken":"e"}'],
      ['*.a.example', '{"BearerToken":"b"}'],
      ['m.example.com', '{"CondaToken":"c"}'],
    ]);
    expect(serializeCredentialsDocument(doc)).toBe(
      '{"*.a.example":{"BearerToken":"b"},"m.example.com":{"CondaToken":"c"},"z.example.com":{"BearerToken":"a"},"Ａ.example":{"BearerToken":"e"},"😀.example":{"BearerToken":"d"}}',
    );
  });

  it('unknown shapes are kept verbatim', () => {
    for (const raw of [
      '{"FutureKind":{"x":1.50,"y":[true,null]}}',
      '{ "BearerToken" : 5 }',
      '{"BearerToken":"a","Extra":1}',
      '"just a string"',
      'not json at all',
    ]) {
      const credential = decodeCredential(raw);
      expect(credential).toEqual({ type: 'unknown', raw });
      if (raw !== 'not json at all') expect(encodeCredential(credential)).toBe(raw);
    }
  });

  it('an unknown member of a file survives a rewrite byte for byte', () => {
    const text = '{"a.example.com":{"Future" : {"n":1.0e3}},"b.example.com":{"BearerToken":"t"}}';
    const doc = parseCredentialsDocument(text);
    doc.set('c.example.com', encodeCredential({ type: 'bearer', token: 'new' }));
    expect(serializeCredentialsDocument(doc)).toBe(
      '{"a.example.com":{"Future" : {"n":1.0e3}},"b.example.com":{"BearerToken":"t"},"c.example.com":{"BearerToken":"new"}}',
    );
  });

  it('a malformed file is an error with line and column that never quotes the file', () => {
    const text = '{\n  "a.example.com": {"BearerToken": "sekrit-token"},\n  "b": {"BearerToken": "x"\n}';
    let error: unknown;
    try {
      parseCredentialsDocument(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(JsonSyntaxError);
    expect((error as JsonSyntaxError).line).toBe(4);
    expect((error as JsonSyntaxError).message).toMatch(/line 4, column 2/);
    expect((error as JsonSyntaxError).message).not.toContain('sekrit');
  });

  it('a JSON value that is not an object is refused', () => {
    expect(() => parseCredentialsDocument('["a"]')).toThrow(/one JSON object/);
    expect(() => parseCredentialsDocument('{"a":1} x')).toThrow(/after the object/);
    expect(parseCredentialsDocument('  \n')).toEqual(new Map());
  });
});
