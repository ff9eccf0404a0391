/**
 * SigV4's URI encoding as S3 wants it: every byte of the UTF-8 text percent-encoded with upper-case
 * hex except the unreserved `A-Z a-z 0-9 - . _ ~`. Object keys are encoded once, segment by
 * segment, so their `/` stays a separator (S3 is the one service that does not encode twice).
 */

// encodeURIComponent leaves these five alone; RFC 3986 and SigV4 do not.
const SUB_DELIMS = /[!'()*]/g;

export function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(SUB_DELIMS, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `a b/c+d` → `a%20b/c%2Bd`. */
export function encodeS3Key(key: string): string {
  return key.split('/').map(uriEncode).join('/');
}
