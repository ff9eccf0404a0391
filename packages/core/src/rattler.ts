import { type Credential, type OAuthCredential, protect } from './credential.js';
import { InvalidCredentialError } from './errors.js';
import { compareUtf8, isJson, jsonString, scanObjectMembers } from './json-text.js';

/**
 * rattler's JSON for credentials, as stored in `credentials.json` values and keychain secrets:
 * serde's externally tagged enum (`{"BearerToken":"…"}`), fields in struct order, compact, written
 * as serde_json writes it (non-ASCII raw, see `jsonString`).
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isObject = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const isOptString = (v: unknown): v is string | null | undefined => v == null || typeof v === 'string';

const OAUTH_FIELDS = new Set(['access_token', 'refresh_token', 'expires_at', 'token_endpoint', 'revocation_endpoint', 'client_id']);

/**
 * The members of an OAuth record's text that rattler's six fields do not cover, as their JSON
 * text in stored order (`"issuer_url":"…","scopes":[…]`), or undefined when there are none.
 */
function extraOAuthFields(raw: string): string | undefined {
  const body = scanObjectMembers(raw).get('OAuth');
  if (body === undefined) return undefined;
  const extra: string[] = [];
  for (const [name, value] of scanObjectMembers(body)) if (!OAUTH_FIELDS.has(name)) extra.push(`${jsonString(name)}:${value}`);
  return extra.length > 0 ? extra.join(',') : undefined;
}

function fromTagged(tag: string, body: Json): Credential | undefined {
  switch (tag) {
    case 'BearerToken':
      return isString(body) ? { type: 'bearer', token: body } : undefined;
    case 'CondaToken':
      return isString(body) ? { type: 'conda-token', token: body } : undefined;
    case 'BasicHTTP':
      return isObject(body) && isString(body.username) && isString(body.password)
        ? { type: 'basic', username: body.username, password: body.password }
        : undefined;
    case 'S3Credentials':
      return isObject(body) &&
        isString(body.access_key_id) &&
        isString(body.secret_access_key) &&
        isOptString(body.session_token)
        ? {
            type: 's3',
            accessKeyId: body.access_key_id,
            secretAccessKey: body.secret_access_key,
            sessionToken: body.session_token ?? null,
          }
        : undefined;
    case 'OAuth': {
      if (!isObject(body)) return undefined;
      const b = body;
      const expires = b.expires_at;
      if (
        !isString(b.access_token) ||
        !isOptString(b.refresh_token) ||
        !(expires == null || (typeof expires === 'number' && Number.isSafeInteger(expires))) ||
        !isString(b.token_endpoint) ||
        !isOptString(b.revocation_endpoint) ||
        !isString(b.client_id)
      ) {
        return undefined;
      }
      return {
        type: 'oauth',
        accessToken: b.access_token,
        refreshToken: b.refresh_token ?? null,
        expiresAt: (expires as number | null | undefined) ?? null,
        tokenEndpoint: b.token_endpoint,
        revocationEndpoint: b.revocation_endpoint ?? null,
        clientId: b.client_id,
      };
    }
    default:
      return undefined;
  }
}

/**
 * Decodes rattler JSON text. Never throws: anything that is not a known shape, valid JSON or not,
 * becomes an `unknown` credential that keeps the text exactly.
 */
export function decodeCredential(raw: string): Credential {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return protect({ type: 'unknown', raw });
  }
  if (isObject(value)) {
    const tags = Object.keys(value);
    if (tags.length === 1) {
      const tag = tags[0] as string;
      const decoded = fromTagged(tag, value[tag] as Json);
      if (decoded?.type === 'oauth') {
        const extraFields = extraOAuthFields(raw);
        if (extraFields) decoded.extraFields = extraFields;
      }
      if (decoded) return protect(decoded);
    }
  }
  return protect({ type: 'unknown', raw });
}

const optString = (v: string | null | undefined) => (v == null ? 'null' : jsonString(v));

/** `,` and the record's unmodelled members, or nothing; text that is not object members is refused. */
function extraText(credential: OAuthCredential): string {
  const extra = credential.extraFields;
  if (!extra) return '';
  if (!isJson(`{${extra}}`)) throw new InvalidCredentialError("the OAuth record's extra fields are not JSON object members");
  return `,${extra}`;
}

/** Encodes a credential as rattler JSON, byte for byte as rattler would. Unknown ones come back verbatim. */
export function encodeCredential(credential: Credential): string {
  switch (credential.type) {
    case 'bearer':
      return `{"BearerToken":${jsonString(credential.token)}}`;
    case 'conda-token':
      return `{"CondaToken":${jsonString(credential.token)}}`;
    case 'basic':
      return `{"BasicHTTP":{"username":${jsonString(credential.username)},"password":${jsonString(credential.password)}}}`;
    case 's3':
      return (
        `{"S3Credentials":{"access_key_id":${jsonString(credential.accessKeyId)},` +
        `"secret_access_key":${jsonString(credential.secretAccessKey)},` +
        `"session_token":${optString(credential.sessionToken)}}}`
      );
    case 'oauth':
      return (
        `{"OAuth":{"access_token":${jsonString(credential.accessToken)},` +
        `"refresh_token":${optString(credential.refreshToken)},` +
        `"expires_at":${credential.expiresAt == null ? 'null' : String(credential.expiresAt)},` +
        `"token_endpoint":${jsonString(credential.tokenEndpoint)},` +
        `"revocation_endpoint":${optString(credential.revocationEndpoint)},` +
        `"client_id":${jsonString(credential.clientId)}${extraText(credential)}}}`
      );
    case 'unknown':
      // A raw value that is not JSON cannot go inside a JSON document; keep it as a string.
      return isJson(credential.raw) ? credential.raw : jsonString(credential.raw);
  }
}

/**
 * A credentials document (`credentials.json`): key → raw rattler JSON text of the value.
 * Raw text is what makes "change only your own key" exact: untouched entries are written back
 * byte for byte, whatever tool wrote them.
 */
export type CredentialsDocument = Map<string, string>;

/** Parses a credentials file. Whitespace only is an empty document. Throws JsonSyntaxError. */
export function parseCredentialsDocument(text: string): CredentialsDocument {
  if (text.trim() === '') return new Map();
  return scanObjectMembers(text);
}

/**
 * rattler's layout, as serde_json writes its BTreeMap: one compact object, keys in UTF-8 byte
 * order, no trailing newline.
 */
export function serializeCredentialsDocument(doc: CredentialsDocument): string {
  const keys = [...doc.keys()].sort(compareUtf8);
  const parts = keys.map((key) => `${jsonString(key)}:${doc.get(key)}`);
  return `{${parts.join(',')}}`;
}
