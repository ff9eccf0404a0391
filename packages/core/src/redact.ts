/** What stands in for a secret wherever something is shown. */
export const REDACTED = '***';

const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i;
const CONDA_TOKEN = /\/t\/[^/?#]+/;

/**
 * A URL fit to print: user:password becomes `***`, a conda `/t/<token>` segment `/t/***`.
 * Works on any string, so a malformed URL in an error message is still redacted.
 */
export function redactUrl(url: string | URL): string {
  return String(url).replace(USERINFO, `$1${REDACTED}@`).replace(CONDA_TOKEN, `/t/${REDACTED}`);
}

/** A secret fit to print: nothing of it. */
export function redactSecret(_secret: string): string {
  return REDACTED;
}

/** Replaces every occurrence of the given secrets, and any URL credentials, in free text. */
export function redactText(text: string, secrets: Iterable<string | null | undefined> = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 3) out = out.split(secret).join(REDACTED);
  }
  return out
    .replace(/([a-z][a-z0-9+.-]*:\/\/)[^/?#@\s]*@/gi, `$1${REDACTED}@`)
    .replace(/\/t\/[^/?#\s]+/g, `/t/${REDACTED}`);
}
