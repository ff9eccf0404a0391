import { hasScheme, keyFromInput } from './keys.js';
import { wildcardReachesPublicSuffix } from './public-suffix.js';
import { redact } from './redact.js';
import { escapeForTerminal } from './terminal.js';

/** How a key or input appears in a note: redacted and terminal-safe. */
function shown(text: string): string {
  return escapeForTerminal(redact(text));
}

/**
 * A host as lookups compare it: lower case, IDNA ASCII, no trailing dot. Another tool may have
 * written `*.GitHub.io.` or `*.公司.cn`, which cover the same public suffix.
 */
function asciiHost(host: string): string {
  let out = host.toLowerCase();
  if (!out.startsWith('[') && /[^\x00-\x7f]/.test(out)) {
    try {
      out = new URL(`http://${out}/`).hostname;
    } catch {
      // Not a host a URL can hold: no request reaches it anyway.
    }
  }
  return out.endsWith('.') ? out.slice(0, -1) : out;
}

// `user@`/`user:pass@` before the host, or `/t/<token>` (also `\t\`, `%74`, `%2F`) in the path.
const SECRET_IN_KEY = /@|(?:\/|\\|%2f|%5c)(?:t|%74)(?:\/|\\|%2f|%5c)[^/\\]/i;

/** A key (written by another tool) that carries userinfo or a conda token. */
function holdsSecret(key: string): boolean {
  return SECRET_IN_KEY.test(key);
}

/** The host part of a key: no `*.`, port or path. */
function hostPart(key: string): string {
  const body = key.startsWith('*.') ? key.slice(2) : key;
  const end = body.startsWith('[') ? body.indexOf(']') + 1 : body.search(/[:/]|$/);
  return body.slice(0, end);
}

/**
 * What a user should know about the key `auth login <input>` writes, or undefined:
 * - a port or path key, which pixi and rattler never read (and how to get one they read);
 * - a URL keyed by its host alone, as pixi keys it;
 * - a two-label public suffix (`github.io`), kept exact instead of becoming a wildcard.
 * Undefined too for input that is no key (keyFromInput says why).
 */
export function loginKeyNote(input: string): string | undefined {
  let key: string;
  try {
    key = keyFromInput(input);
  } catch {
    return undefined;
  }
  const host = hostPart(key);
  if (key !== host && !key.startsWith('*.')) {
    const shared = keyFromInput(host);
    return `pixi and rattler look up host names only, so they will not use ${shown(key)}; to share the credential with them, log in to ${shown(host)} instead (key ${shown(shared)})`;
  }
  const text = input.trim();
  if (hasScheme(text) && !/^s3:/i.test(text) && /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*(?::\d+|\/[^?#]*[^/?#])/i.test(text)) {
    return `like pixi, a URL is stored under its host alone: ${shown(key)} applies to every port and path of ${shown(host)}; for a narrower scope give host:port/path without a scheme`;
  }
  if (key.split('.').length === 2 && wildcardReachesPublicSuffix(key)) {
    return `${shown(key)} is a public suffix (its subdomains belong to many owners), so the credential is stored for ${shown(key)} alone, not *.${shown(key)}`;
  }
  return undefined;
}

/**
 * What `auth list` should say about a stored key that another tool may have written, or
 * undefined for a key this toolkit uses as it is.
 */
export function keyWarning(key: string): string | undefined {
  if (holdsSecret(key)) {
    return `${shown(key)} holds what looks like a secret (a user name and password, or a conda token /t/<token>/): no request uses it; remove it with auth logout`;
  }
  if (key.startsWith('s3://')) return undefined;
  if (key.startsWith('*.')) {
    if (key !== `*.${hostPart(key)}`) return `${shown(key)} is a wildcard with a port or path: no tool uses it; remove it with auth logout`;
    const host = asciiHost(hostPart(key));
    if (!host.includes('.')) {
      return `${shown(key)} covers a whole top-level domain: auth never uses it (pixi and rattler do); remove it with auth logout`;
    }
    if (wildcardReachesPublicSuffix(host)) {
      return `${shown(key)} covers a public suffix (sites of many owners): auth never uses it (pixi and rattler do); remove it with auth logout and log in to each host instead`;
    }
    return undefined;
  }
  if (key !== hostPart(key)) return `${shown(key)} has a port or path: only auth uses it, pixi and rattler look up host names only`;
  return undefined;
}
