/**
 * Text from stores and users (keys, usernames) made safe to print on a terminal: every control
 * character (C0, DEL, C1, so ESC sequences and newlines too), every character that reorders or
 * hides text (bidi controls, line and paragraph separators) and the backslash itself are shown
 * as visible escapes, so a key cannot forge rows, colours or a cursor move.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\\\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;
const HAS_UNSAFE = new RegExp(UNSAFE.source);
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '\\e', '\\': '\\\\' };

export function escapeForTerminal(text: string): string {
  // Most text has nothing to escape: testing first spares a replace with a callback.
  if (!HAS_UNSAFE.test(text)) return text;
  return text.replace(UNSAFE, (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
