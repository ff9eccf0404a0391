/**
 * The three ways callers hand over request headers (a plain object as got and node:http use, a
 * fetch `Headers`, or `[name, value]` pairs), read and changed without mutating what was given:
 * every change returns a new value of the same kind.
 */

export type HeaderValue = string | string[] | number | undefined;
/** Headers as a plain object, as got and node:http take them. */
export type HeaderRecord = Record<string, HeaderValue>;
/** Headers as `[name, value]` pairs, as fetch also takes them. */
export type HeaderPairs = ReadonlyArray<readonly [string, string]>;
/** Any kind of headers `decorate()` accepts; it returns the kind it was given. */
export type HeadersInput = HeaderRecord | Headers | HeaderPairs;

const isAuthorization = (name: string) => name.length === 13 && name.toLowerCase() === 'authorization';

function isHeadersObject(headers: HeadersInput): headers is Headers {
  // Told by shape: a Headers from another copy of undici is not an instance of the global one.
  return !Array.isArray(headers) && typeof (headers as Headers).get === 'function' && typeof (headers as Headers).set === 'function';
}

/** The Authorization value a request carries, whatever its case; undefined when it has none. */
export function authorizationOf(headers: HeadersInput | undefined): string | undefined {
  if (!headers) return undefined;
  if (Array.isArray(headers)) {
    for (const [name, value] of headers as HeaderPairs) if (isAuthorization(name)) return value;
    return undefined;
  }
  if (isHeadersObject(headers)) return headers.get('authorization') ?? undefined;
  const record = headers as HeaderRecord;
  for (const name in record) {
    const value = record[name];
    if (value !== undefined && isAuthorization(name)) return String(value);
  }
  return undefined;
}

function copyHeaders(headers: Headers): Headers {
  const Kind = headers.constructor as typeof Headers;
  try {
    return new Kind(headers);
  } catch {
    return new Headers(headers);
  }
}

/** The headers with `authorization: value` added (the caller checks that none is there). */
export function withAuthorization<H extends HeadersInput>(headers: H | undefined, value: string): H {
  if (!headers) return { authorization: value } as unknown as H;
  if (Array.isArray(headers)) return [...(headers as HeaderPairs), ['authorization', value]] as unknown as H;
  if (isHeadersObject(headers)) {
    const copy = copyHeaders(headers);
    copy.set('authorization', value);
    return copy as H;
  }
  return { ...(headers as HeaderRecord), authorization: value } as unknown as H;
}

/** The headers without an Authorization equal to `value` (one this toolkit added); others stay. */
export function withoutAuthorization<H extends HeadersInput>(headers: H, value: string): H {
  if (authorizationOf(headers) !== value) return headers;
  if (Array.isArray(headers)) return (headers as HeaderPairs).filter(([name, v]) => !(isAuthorization(name) && v === value)) as unknown as H;
  if (isHeadersObject(headers)) {
    const copy = copyHeaders(headers);
    copy.delete('authorization');
    return copy as H;
  }
  const out: HeaderRecord = {};
  const record = headers as HeaderRecord;
  for (const name in record) if (!(isAuthorization(name) && String(record[name]) === value)) out[name] = record[name];
  return out as H;
}
