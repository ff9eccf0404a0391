import type { Credential } from '@auth/core';

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

export function serdeCredential(c: Credential): string {
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

export function serdeDocument(entries: [string, Credential][]): string {
  const sorted = [...entries].sort(([a], [b]) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
  return `{${sorted.map(([k, c]) => `${serdeString(k)}:${serdeCredential(c)}`).join(',')}}`;
}
