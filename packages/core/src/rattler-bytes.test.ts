import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Credential } from './credential.js';
import { decodeCredential, encodeCredential, parseCredentialsDocument, serializeCredentialsDocument } from './rattler.js';

/**
 * A reference for the bytes rattler writes, written from serde_json's rules rather than from our
 * code: strings escape `"` and `\`, \b \f \n \r \t by name, other C0 controls as lower-case
 * \u00xx, and nothing else; maps (BTreeMap) in UTF-8 byte order; structs in field order; compact.
 */
function serdeString(value: string): string {
  const named: Record<number, string> = { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r', 34: '\\"', 92: '\\\\' };
  let out = '"';
  for (const ch of value) {
    const c = ch.codePointAt(0) as number;
    out += named[c] ?? (c < 0x20 ? `\\u${c.toString(16).padStart(4, '0')}` : ch);
  }
  return `${out}"`;
}

const opt = (v: string | null | undefined) => (v == null ? 'null' : serdeString(v));

function serdeCredential(c: Credential): string {
  switch (c.type) {
    case 'bearer':
      return `{"BearerToken":${serdeString(c.token)}}`;
    case 'conda-token':
      return `{"CondaToken":${serdeString(c.token)}}`;
    case 'basic':
      return `{"BasicHTTP":{"username":${serdeString(c.username)},"password":${serdeString(c.password)}}}`;
    case 's3':
      return `{"S3Credentials":{"access_key_id":${serdeString(c.accessKeyId)},"secret_access_key":${serdeString(c.secretAccessKey)},"session_token":${opt(c.sessionToken)}}}`;
    case 'oauth':
      return `{"OAuth":{"access_token":${serdeString(c.accessToken)},"refresh_token":${opt(c.refreshToken)},"expires_at":${c.expiresAt ?? 'null'},"token_endpoint":${serdeString(c.tokenEndpoint)},"revocation_endpoint":${opt(c.revocationEndpoint)},"client_id":${serdeString(c.clientId)}}}`;
    default:
      throw new Error('no reference for unknown credentials');
  }
}

function serdeDocument(entries: [string, Credential][]): string {
  const sorted = [...entries].sort(([a], [b]) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
  return `{${sorted.map(([k, c]) => `${serdeString(k)}:${serdeCredential(c)}`).join(',')}}`;
}

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
