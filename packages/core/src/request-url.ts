import { InvalidUrlError } from './errors.js';
import { redact } from './redact.js';

/** A request URL as WHATWG parses it, with what decoration needs to know about it. */
export interface RequestUrl {
  url: URL;
  /** `scheme://host[:port]` as parsed: the origin credentials are scoped to. */
  origin: string;
  /** The URL carries user name or password: the caller's own credentials. */
  userinfo: boolean;
}

// `scheme://authority` as a reader of the text sees it: the authority ends at / ? # or the end.
const SCHEME_AUTHORITY = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)(?:[/?#]|$)/;
// Characters the WHATWG parser drops or reads as a delimiter inside an authority.
const AMBIGUOUS = /[\u0000-\u0020\u007f\\]/;

/**
 * Where `scheme://authority` ends when the text has exactly the parsed URL's scheme and
 * authority (the same characters, ended by / ? # or the end in both), or -1 when it does not.
 * One pass, no allocation: this runs for every request.
 */
function sameAuthorityEnd(text: string, href: string): number {
  const start = text.indexOf('://');
  if (start < 0) return -1;
  let i = 0;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (i > start + 2 && (c === 47 || c === 63 || c === 35)) break; // / ? #
    if (c !== href.charCodeAt(i) || c === 64 || c === 92) return -1; // differs, @ (userinfo), \
  }
  if (i === text.length && i === href.length) return i;
  const next = href.charCodeAt(i);
  return next === 47 || next === 63 || next === 35 ? i : -1;
}

/**
 * The text's `scheme://authority` when it ends at / ? # or the end (not at a backslash), for
 * looking up origins already seen in canonical form: a canonical origin followed by one of those
 * delimiters is exactly what the WHATWG parser reads, whatever the rest of the URL holds.
 */
export function textOrigin(text: string): string | undefined {
  const start = text.indexOf('://');
  if (start < 0) return undefined;
  for (let i = start + 3; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 47 || c === 63 || c === 35) return text.slice(0, i); // / ? #
    if (c === 92) return undefined; // \
  }
  return text;
}

// A canonical tail, segment by segment: each starts with `/`, is not a dot segment's start (`.`,
// `%2e` in any case), and holds only characters the WHATWG parser keeps as they are in the path
// and query of an http(s) URL (a conservative set: `'`, which special queries encode, `#`,
// spaces, quotes, brackets and non-ASCII are left to the parser). One regular expression:
// irregexp's compiled code reads a URL several times faster than a loop of charCodeAt (conda
// decoration, BENCHMARKS.md). It keeps a backtracking entry per segment, so a tail longer than
// any server takes (64 KiB) goes to the parser instead: millions of segments exhaust the stack.
const CANONICAL_TAIL = /(?:\/(?!\.|%2[eE])[A-Za-z0-9\-._~!$&()*+,;=:@?%]*)+$/y;
const LONGEST_TAIL = 65_536;

/**
 * True when the text from `at` (just after a canonical http(s) origin) is exactly what the WHATWG
 * parser would give back: a path that starts with `/`, only characters it keeps, and no segment
 * that could be a dot segment (`.`, `..`, `%2e` in any case: any segment starting with one of
 * those is left to the parser). Then the text is its own href and need not be parsed.
 */
export function isCanonicalTail(text: string, at: number): boolean {
  if (text.length - at > LONGEST_TAIL) return false;
  CANONICAL_TAIL.lastIndex = at;
  return CANONICAL_TAIL.test(text);
}

/**
 * Parses a request URL and refuses one whose scheme or authority the WHATWG parser reads
 * differently from the text (`https:///host`, `https://\host`, `https:host`, tabs or spaces in the
 * host): the credential would be chosen for one host and another parser might send it to another.
 */
export function parseRequestUrl(input: string | URL): RequestUrl {
  if (typeof input !== 'string') {
    // Already parsed, so its href is canonical; copied, since the caller may change its object
    // while a lookup waits for a store, and the credential is chosen for the URL as it was asked.
    const url = new URL(input.href);
    return { url, origin: `${url.protocol}//${url.host}`, userinfo: url.username !== '' || url.password !== '' };
  }
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new InvalidUrlError(`"${redact(input)}" is not a valid URL`);
  }
  // The common case: the text's `scheme://authority` is exactly the parsed one, so it is the origin.
  const href = url.href;
  const end = sameAuthorityEnd(input, href);
  // Sliced from the text, not from `href`: the same characters, and Map lookups on it are faster.
  if (end > 0) return { url, origin: input.slice(0, end), userinfo: false };
  const origin = `${url.protocol}//${url.host}`;
  const match = SCHEME_AUTHORITY.exec(input);
  const authority = match?.[2];
  if (!match || `${match[1]?.toLowerCase()}:` !== url.protocol || !authority || AMBIGUOUS.test(authority)) {
    throw new InvalidUrlError(
      `"${redact(input)}" is not a URL every parser reads alike: write it as scheme://host/path, without stray slashes, backslashes or spaces`,
    );
  }
  return { url, origin, userinfo: url.username !== '' || url.password !== '' };
}
