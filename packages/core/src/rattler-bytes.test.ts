import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Credential } from './credential.js';
import { decodeCredential, encodeCredential, parseCredentialsDocument, serializeCredentialsDocument } from './rattler.js';
import { serdeCredential, serdeDocument } from '@auth/test-support/serde-json';

// Characters that need care: quotes, backslashes, every kind of control, DEL, non-ASCII, the
// end of the BMP, astral characters (UTF-16 surrogate pairs), and anything else.
const tricky = fc.constantFrom('"', '\\', '/', '\b', '\f', '\n', '\r', '\t', '\u0000', '\u0001', '\u001f', '\u007f', 'ä', '€', '\ue000', '\uffff', '😀', '𝄞');
const text = fc.string({ unit: fc.oneof(tricky, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 12 });
const optText = fc.option(text, { nil: null });
const credential: fc.Arbitrary<Credential> = fc.oneof(
  fc.record({ type: fc.constant('bearer' as const), token: text }),
  fc.record({ type: fc.constant('conda-token' as const), token: text }),
  fc.record({ type: fc.constant('basic' as const), username: text, password: text }),
  fc.record({ type: fc.constant('s3' as const), accessKeyId: text, secretAccessKey: text, sessionToken: optText }),
  fc.record({
    type: fc.constant('oauth' as const),
    accessToken: text,
    refreshToken: optText,
    expiresAt: fc.option(fc.integer({ min: 0, max: 2 ** 40 }), { nil: null }),
    tokenEndpoint: text,
    revocationEndpoint: optText,
    clientId: text,
  }),
);

describe('the bytes rattler writes', () => {
  it('encode∘decode is the identity on every credential, unknown ones included', () => {
    const unknown = fc.jsonValue().map((v) => ({ type: 'unknown' as const, raw: JSON.stringify({ SomethingNew: v }) }));
    fc.assert(
      fc.property(fc.oneof(credential, unknown), (c) => {
        expect(decodeCredential(encodeCredential(c))).toEqual(c);
      }),
    );
  });

  it('every credential encodes exactly as serde_json writes it', () => {
    fc.assert(
      fc.property(credential, (c) => {
        expect(encodeCredential(c)).toBe(serdeCredential(c));
      }),
      { numRuns: 500 },
    );
  });

  it('a document of every kind is written as serde_json writes a BTreeMap, keys in UTF-8 byte order', () => {
    const entries = fc.uniqueArray(fc.tuple(text, credential), { selector: ([key]) => key, maxLength: 12 });
    fc.assert(
      fc.property(entries, (list) => {
        const doc = new Map(list.map(([key, c]) => [key, encodeCredential(c)]));
        const written = serializeCredentialsDocument(doc);
        expect(written).toBe(serdeDocument(list));
        expect(parseCredentialsDocument(written)).toEqual(doc);
      }),
      { numRuns: 300 },
    );
  });

  it('a secret with quotes, controls and non-ASCII is written raw where serde_json writes it raw', () => {
    expect(encodeCredential({ type: 'basic', username: 'ü', password: 'a"b\\c\u0001\u007f\n😀' })).toBe(
      '{"BasicHTTP":{"username":"ü","password":"a\\"b\\\\c\\u0001\u007f\\n😀"}}',
    );
  });
});
