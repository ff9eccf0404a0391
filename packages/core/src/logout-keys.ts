import { canonicalKey, hasScheme, keyFromInput } from './keys.js';

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
 * The forms of one input that name the same scope: the key login writes, pixi's key and that
 * key without its `*.` (for `prefix.dev`: `*.prefix.dev` and `prefix.dev`), each canonical.
 */
function formsOf(input: string): Set<string> {
  const forms = new Set<string>();
  const add = (key: string | undefined) => {
    const canonical = key === undefined ? undefined : canonicalOrUndefined(key);
    if (canonical !== undefined) forms.add(canonical);
  };
  try {
    add(keyFromInput(input));
  } catch {
    // Not login input (`*.dev`, a key with a secret…): only the exact stored key may go.
    return forms;
  }
  const pixi = pixiKeyFor(input);
  add(pixi);
  if (pixi?.startsWith('*.') && !hasScheme(pixi)) add(pixi.slice(2));
  return forms;
}

/**
 * The stored keys `auth logout <input>` removes: every key whose canonical form is one of the
 * input's forms (above), and the input itself when it is exactly a stored key as `auth list`
 * shows it (`*.dev`, `example.com:443`). Never a key of another scope; only keys in storedKeys.
 */
export function logoutKeys(input: string, storedKeys: readonly string[]): string[] {
  const forms = formsOf(input);
  const exact = input.trim();
  return storedKeys.filter((key) => {
    if (key === input || key === exact) return true;
    const canonical = canonicalOrUndefined(key);
    return canonical !== undefined && forms.has(canonical);
  });
}
