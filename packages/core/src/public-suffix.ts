import { PSL_RULES } from './public-suffix-data.js';

/**
 * The Public Suffix List, as the rules wildcard keys must respect: `*.github.io` or `*.co.uk`
 * would send one credential to sites of many owners. The rules are parsed on first use, so a
 * command that never looks at a wildcard never pays for them.
 */
interface Suffixes {
  /** Plain rules: `co.uk`, `github.io`. */
  exact: Set<string>;
  /** `*.ck` is stored as `ck`: every label under it is a suffix. */
  wildcard: Set<string>;
  /** `!www.ck` is stored as `www.ck`: a registrable name under a wildcard rule. */
  exception: Set<string>;
  /** Every rule's domain and every parent of it: a wildcard on one of these reaches a suffix. */
  reaching: Set<string>;
}

let suffixes: Suffixes | undefined;

function load(): Suffixes {
  const s: Suffixes = { exact: new Set(), wildcard: new Set(), exception: new Set(), reaching: new Set() };
  for (const rule of unpackRules(PSL_RULES)) {
    if (rule.startsWith('!')) {
      s.exception.add(rule.slice(1));
      continue;
    }
    const domain = rule.startsWith('*.') ? rule.slice(2) : rule;
    (rule === domain ? s.exact : s.wildcard).add(domain);
    // Parents were added with the first rule that shares them.
    for (let d = domain; d !== '' && !s.reaching.has(d); d = parentOf(d)) s.reaching.add(d);
  }
  return s;
}

/** `uk:co,*;ck:*,!www;:com` → `co.uk`, `*.uk`, `*.ck`, `!www.ck`, `com` (see public-suffix-data.ts). */
export function unpackRules(packed: string): string[] {
  const rules: string[] = [];
  for (const group of packed.split(';')) {
    const colon = group.indexOf(':');
    const parent = group.slice(0, colon);
    for (const head of group.slice(colon + 1).split(',')) rules.push(parent === '' ? head : `${head}.${parent}`);
  }
  return rules;
}

function parentOf(domain: string): string {
  const dot = domain.indexOf('.');
  return dot < 0 ? '' : domain.slice(dot + 1);
}

/** True when the lower-case ASCII domain is a public suffix itself (`com`, `co.uk`, `github.io`). */
export function isPublicSuffix(domain: string): boolean {
  const s = (suffixes ??= load());
  if (!domain.includes('.') || s.exact.has(domain)) return true;
  return s.wildcard.has(parentOf(domain)) && !s.exception.has(domain);
}

/**
 * True when `*.domain` would match a public suffix: the domain is one, or one lies under it
 * (`*.amazonaws.com` reaches `s3.amazonaws.com`, hence every bucket's host).
 */
export function wildcardReachesPublicSuffix(domain: string): boolean {
  return (suffixes ??= load()).reaching.has(domain) || isPublicSuffix(domain);
}
