/** What stands in for a secret wherever something is shown. */
export const REDACTED = '***';

// Schemes whose URLs have an authority even without `//` (WHATWG: `https:u:p@host` is a URL).
const SPECIAL = new Set(['http', 'https', 'ws', 'wss', 'ftp', 'file', 's3']);
// A scheme where one can start: not inside a longer word.
const SCHEME = /(?<![a-z0-9+.-])[a-z][a-z0-9+.-]*:/gi;
// What separates runs of text: every blank but tab, CR and LF, which URL parsers drop (so
// `https://alice:1234\n@host` holds a password, and `/t/SEC\tRET/` a token).
const BLANK = String.raw`\v\f \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff`;
const BLANKS = new RegExp(`([${BLANK}]+)`);
// A conda token: `/t/<token>` up to the next separator, anywhere in the text. WHATWG parsers read
// `\` as `/` in http(s) URLs and servers decode `%74` as `t` and `%2F` as `/`, so each of those
// spellings counts too. The token runs to the next slash, backslash or blank (BLANK), or to the
// next `/t/` in any spelling: a `?` or `#` typed in it is hidden with it, and so is a lone `%2F` (a
// token that holds `/` is sent encoded that way). One repetition per `%`, not per character, so
// the expression never runs out of backtracking stack.
const CONDA_TOKEN = new RegExp(String.raw`((?:\/|\\|%2f|%5c)(?:t|%74)(?:\/|\\|%2f|%5c))(?:[^/\\%${BLANK}]+|%(?!(?:2f|5c)(?:t|%74)(?:\/|\\|%2f|%5c)))+`, 'gi');
// Longer text is not shown at all: no message needs a megabyte, and every rule stays linear.
const LONGEST_SHOWN = 1 << 20;
// A run with `scheme://`: its authority may be the start of a user name and password that a blank
// cut in two (`https://alice:pa` of `https://alice:pa ss@host`).
const SCHEME_RUN = /(?<![a-z0-9+.-])([a-z][a-z0-9+.-]*:[/\\]+)([^/\\?#]*)/i;
// An authority that is `host[:port]` (an IPv6 host in brackets).
const HOST_PORT = /^(?:\[[^\]]*\]|[^:]*)(?::\d*)?$/;
const OPENERS = '"\'(<[{`';
const NO_SECRETS: readonly string[] = [];

/**
 * The one redaction rule for anything shown to a user: inputs, URLs, keys, paths, free text.
 * - user:password (any characters, `/ ? # @ :` included) becomes `***`: in each run of
 *   non-space text that holds an `@`, everything from the start of the authority (after
 *   `scheme:` and its slashes or backslashes, or the start of the run) to the LAST `@`;
 * - a conda `/t/<token>` segment becomes `/t/***`;
 * - each given secret (3 characters or more) becomes `***` wherever it stands.
 * It errs on the side of hiding: `bob@example.com` is shown as `***@example.com`.
 */
export function redact(value: string | URL, secrets: Iterable<string | null | undefined> = NO_SECRETS): string {
  let out = String(value);
  if (out.length > LONGEST_SHOWN) return `${REDACTED} (${out.length} characters)`;
  if (secrets !== NO_SECRETS) out = hideGiven(out, typeof secrets === 'string' ? [secrets] : secrets);
  // Without an `@` there is no userinfo to hide (the usual key or URL: `auth list` redacts every
  // key it shows, so this skips a replace with a callback per word).
  if (!out.includes('@')) return out.replace(CONDA_TOKEN, `$1${REDACTED}`);
  // Conda tokens first: a token may hold an `@`, and the userinfo rule would take it for the end
  // of a user name and show the rest of the token. A token's `@` is kept in its place, so the
  // userinfo rule still hides everything before it (a password may hold `/t/` too).
  return hideUserinfo(out.replace(CONDA_TOKEN, (token: string, start: string) => `${start}${REDACTED}${token.includes('@', start.length) ? '@' : ''}`));
}

/**
 * Every occurrence of each given secret (3 characters or more) hidden, overlapping ones too: the
 * text they cover together becomes one `***` (`token-abc-def` with `token-abc` and `abc-def`).
 */
function hideGiven(text: string, secrets: Iterable<string | null | undefined>): string {
  const hidden = new Uint8Array(text.length);
  let any = false;
  for (const secret of secrets) {
    if (!secret || secret.length < 3) continue;
    // Occurrences come in order, so each character is marked once per secret.
    let marked = 0;
    for (let at = text.indexOf(secret); at >= 0; at = text.indexOf(secret, at + 1)) {
      hidden.fill(1, Math.max(at, marked), at + secret.length);
      marked = at + secret.length;
      any = true;
    }
  }
  if (!any) return text;
  let out = '';
  for (let i = 0; i < text.length; ) {
    let end = i;
    while (end < text.length && hidden[end] === hidden[i]) end++;
    out += hidden[i] ? REDACTED : text.slice(i, end);
    i = end;
  }
  return out;
}

/**
 * Text holding an `@`, with the userinfo of each run of non-blank text hidden. A user name or
 * password may hold blanks, so a run may be the start of userinfo that a blank cut in two; then it
 * is hidden from its authority on, every run after it is hidden whole, and the next run with an
 * `@` is hidden from its start to that `@`. A run is taken for such a start when:
 * - it has a `scheme://` authority with a `:` that is no port (`https://alice:pa`); or
 * - a bare run (no scheme in it) with something before its `@` follows before any other URL, and
 *   the run has a `scheme://` (`https://al` of `https://al ice:pw@h`) or is bare text with a `:`
 *   (`user:p` of `user:p w@h`); or
 * - it is bare text right before such a run, or before bare text with a `:` that is one (`al` of
 *   `al ice:pw@h`, and `mail` of `mail bob@example.com`). Earlier words of a bare user name with
 *   blanks stay shown: hiding every word before an `@` would hide whole messages.
 * A run with an `@` that such a bare run follows may hold the first part of that userinfo
 * (`https://u:p@q r@h`): it is hidden from its authority to its end.
 * It errs on the side of hiding: `see https://h.example.com/x and mail bob@example.com` loses the
 * URL. A run that only starts with `@` (`@scope/pkg`) continues no userinfo, so a blank right
 * before the `@` of a user name that looks like a host (`https://alice:1234 @host`) shows it.
 */
function hideUserinfo(text: string): string {
  const parts = text.split(BLANKS); // runs at even positions, blanks between them
  // Right to left: is a bare run with an `@` ahead of each run, before the next URL (`ahead`), or
  // right after it (`next`)?
  const ahead: boolean[] = [];
  const next: boolean[] = [];
  let seen = false;
  let following = false;
  for (let i = parts.length - 1; i >= 0; i -= 2) {
    const run = parts[i] as string;
    ahead[i] = seen;
    next[i] = following;
    const at = run.lastIndexOf('@');
    const url = SCHEME_RUN.test(at < 0 ? run : run.slice(0, at));
    // A run that opens with a quote or a bracket may still end a URL's userinfo
    // (`https://bob:1234 (5678)@host`), but bare words before it are not taken for its start.
    const opens = OPENERS.includes(run[0] as string);
    following = !url && !opens && (at > 0 || (at < 0 && seen && run.includes(':')));
    if (url) seen = false;
    else if (at > 0) seen = true;
  }
  let cut = false;
  for (let i = 0; i < parts.length; i += 2) {
    const run = parts[i] as string;
    if (run === '') continue;
    if (run.includes('@')) {
      // A bare run with an `@` ahead may be the rest of this userinfo (`u:p@q r@h`): then all of
      // this run after its authority is hidden, and what follows up to that `@`.
      const continues = ahead[i] === true;
      parts[i] = continues ? `${run.slice(0, cut ? 0 : authorityStart(run, run.length))}${REDACTED}` : redactUserinfo(run, cut);
      cut = continues;
    } else if (cut) {
      parts[i] = REDACTED;
    } else {
      const start = cutStart(run, ahead[i] === true, next[i] === true);
      if (start !== undefined) {
        parts[i] = `${run.slice(0, start)}${REDACTED}`;
        cut = true;
      }
    }
  }
  return parts.join('');
}

/** Where a run without `@` starts userinfo that a blank cut (see `hideUserinfo`), or undefined. */
function cutStart(run: string, atAhead: boolean, atNext: boolean): number | undefined {
  let opened = 0;
  while (opened < run.length && OPENERS.includes(run[opened] as string)) opened++;
  const m = SCHEME_RUN.exec(run);
  if (m) {
    if (!atAhead && HOST_PORT.test(m[2] as string)) return undefined;
    // A scheme further in may be part of the user name (`alice:pw:/x`): then all of it is hidden.
    return m.index === opened ? m.index + (m[1] as string).length : opened;
  }
  return atNext || (atAhead && run.includes(':')) ? opened : undefined;
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
