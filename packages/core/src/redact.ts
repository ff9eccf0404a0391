/** What stands in for a secret wherever something is shown. */
export const REDACTED = '***';

// Schemes whose URLs have an authority even without `//` (WHATWG: `https:u:p@host` is a URL).
const SPECIAL = new Set(['http', 'https', 'ws', 'wss', 'ftp', 'file', 's3']);
// A scheme where one can start: not inside a longer word.
const SCHEME = /(?<![a-z0-9+.-])[a-z][a-z0-9+.-]*:/gi;
// A conda token: `/t/<token>` up to the next separator, anywhere in the text. WHATWG parsers read
// `\` as `/` in http(s) URLs and servers decode `%74` as `t` and `%2F` as `/`, so each of those
// spellings counts too; the token runs to the next slash, backslash or blank (a `?` or `#` typed
// in it is hidden with it).
const CONDA_TOKEN = /((?:\/|\\|%2f|%5c)(?:t|%74)(?:\/|\\|%2f|%5c))(?:(?!%2f|%5c)[^/\\\s])+/gi;
// A run that starts with `scheme://` and has no `@`: its authority, when it is not `host[:port]`
// (`https://alice:pa` of `https://alice:pa ss@host`), may be the start of a user name and password
// that a blank cut in two.
const SCHEME_RUN = /(?<![a-z0-9+.-])([a-z][a-z0-9+.-]*:[/\\]+)([^/\\?#]*)/i;
const OPENERS = '"\'(<[{`';

/**
 * The one redaction rule for anything shown to a user: inputs, URLs, keys, paths, free text.
 * - user:password (any characters, `/ ? # @ :` included) becomes `***`: in each run of
 *   non-space text that holds an `@`, everything from the start of the authority (after
 *   `scheme:` and its slashes or backslashes, or the start of the run) to the LAST `@`;
 * - a conda `/t/<token>` segment becomes `/t/***`;
 * - each given secret (3 characters or more) becomes `***` wherever it stands.
 * It errs on the side of hiding: `bob@example.com` is shown as `***@example.com`.
 */
export function redact(value: string | URL, secrets: Iterable<string | null | undefined> = []): string {
  let out = String(value);
  for (const secret of secrets) {
    if (secret && secret.length >= 3) out = out.split(secret).join(REDACTED);
  }
  // Without an `@` there is no userinfo to hide (the usual key or URL: `auth list` redacts every
  // key it shows, so this skips a replace with a callback per word).
  if (!out.includes('@')) return out.replace(CONDA_TOKEN, `$1${REDACTED}`);
  // Conda tokens first: a token may hold an `@`, and the userinfo rule would take it for the end
  // of a user name and show the rest of the token. A token's `@` is kept in its place, so the
  // userinfo rule still hides everything before it (a password may hold `/t/` too).
  return hideUserinfo(out.replace(CONDA_TOKEN, (token: string, start: string) => `${start}${REDACTED}${token.includes('@', start.length) ? '@' : ''}`));
}

/** Text holding an `@`, with the userinfo of each run hidden. */
function hideUserinfo(out: string): string {
  // After an authority cut by a blank (`https://alice:pa ss@h`), the next run with an `@` is the
  // rest of that userinfo: it is hidden from its start, whatever it looks like.
  let cut = false;
  return out.replace(/\S+/g, (run) => {
    if (run.includes('@')) {
      const shown = redactUserinfo(run, cut);
      cut = false;
      return shown;
    }
    const shown = cutAuthority(run);
    if (shown !== run) cut = true;
    return shown;
  });
}

/**
 * A `scheme://authority` run without `@` in text that holds an `@` somewhere: an authority
 * with a `:` that is no port (`alice:pa`) is the start of userinfo cut by a blank, so it is hidden.
 */
function cutAuthority(run: string): string {
  const m = SCHEME_RUN.exec(run);
  const authority = m?.[2];
  if (!m || !authority?.includes(':') || /^(?:\[[^\]]*\]|[^:]*)(?::\d*)?$/.test(authority)) return run;
  const at = m.index + (m[1] as string).length;
  return `${run.slice(0, at)}${REDACTED}${run.slice(at + authority.length)}`;
}

/** One run of non-space text that holds an `@`: its userinfo becomes `***`. */
function redactUserinfo(run: string, restOfCut: boolean): string {
  const at = run.lastIndexOf('@');
  const start = restOfCut ? 0 : authorityStart(run, at);
  return `${run.slice(0, start)}${REDACTED}${run.slice(at)}`;
}

/**
 * Where the userinfo of a run starts: after the run's opening quotes, and after a `scheme:` that
 * stands right there with the slashes or backslashes that follow it (none for special schemes).
 * A scheme further in may be part of a secret (`u"x:p:/q@h`), so then the whole run is hidden.
 */
function authorityStart(run: string, at: number): number {
  let start = 0;
  while (start < at && OPENERS.includes(run[start] as string)) start++;
  SCHEME.lastIndex = start;
  const scheme = SCHEME.exec(run.slice(0, at));
  if (scheme?.index === start) {
    let end = start + scheme[0].length;
    while (run[end] === '/' || run[end] === '\\') end++;
    if (end > start + scheme[0].length || SPECIAL.has(scheme[0].slice(0, -1).toLowerCase())) return end;
  }
  return start;
}

/** A secret fit to print: nothing of it. */
export function redactSecret(_secret: string): string {
  return REDACTED;
}
