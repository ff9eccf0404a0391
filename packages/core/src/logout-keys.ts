import { canonicalKey, keyFromInput } from './keys.js';

/**
 * The key `pixi auth login <input>` writes (rattler's `get_url`): the host of a URL, or the
 * input as typed, with `*.` in front when it has exactly one dot.
 */
export function pixiKeyFor(input: string): string | undefined {
  let host = input.trim();
  if (host.includes('://')) {
    try {
      host = new URL(host).hostname;
    } catch {
      return undefined;
    }
  }
  if (host === '') return undefined;
  return host.split('.').length === 2 ? `*.${host}` : host;
}

function canonicalOrUndefined(key: string): string | undefined {
  try {
    return canonicalKey(key);
  } catch {
    return undefined;
  }
}

/**
 * The canonical forms of one input that name its scope: the key login writes and, when pixi's
 * one-dot rule made it a wildcard, the domain alone (for `prefix.dev`: `*.prefix.dev` and
 * `prefix.dev`). Empty for input that is no login input (`*.dev`, a URL with a secret…).
 */
function formsOf(input: string): Set<string> {
  const forms = new Set<string>();
  let key: string;
  try {
    key = keyFromInput(input);
  } catch {
    return forms;
  }
  forms.add(key);
  if (key.startsWith('*.') && !input.trim().startsWith('*.')) forms.add(key.slice(2));
  return forms;
}

/**
 * The stored keys `auth logout <input>` removes: every key whose canonical form is one of the
 * input's forms (above), the key pixi writes for the input exactly as pixi writes it
 * (`*.example.com:443` for `example.com:443`), and the input itself when it is exactly a stored
 * key as `auth list` shows it (`*.dev`). Never a key of another scope; only keys in storedKeys.
 */
export function logoutKeys(input: string, storedKeys: readonly string[]): string[] {
  const forms = formsOf(input);
  const exact = new Set([input, input.trim()]);
  if (forms.size > 0) {
    const pixi = pixiKeyFor(input);
    if (pixi !== undefined) exact.add(pixi);
  }
  return storedKeys.filter((key) => {
    if (exact.has(key)) return true;
    const canonical = canonicalOrUndefined(key);
    return canonical !== undefined && forms.has(canonical);
  });
}
