import { PSL_RULES } from './public-suffix-data.js';

/**
 * The Public Suffix List, as the rules wildcard keys must respect: `*.github.io` or `*.co.uk`
 * would send one credential to sites of many owners.
 *
 * The rules are searched where they lie, in the packed bytes (`;parent:head,head;…;`, see
 * public-suffix-data.ts), and never parsed into sets: a lookup is a few `indexOf` calls, and
 * start-up pays nothing but the bytes themselves. Answers are kept per domain.
 */
let packed: Buffer | undefined;
// Read on first use: a bundler may load the data only then. The CLI keeps it in a file of its
// own and hands over the file's bytes: 85 KB that never become a string on the JavaScript heap
// (where a short-lived command would have to collect them). Here it is a string, read once.
const rules = (): Buffer => (packed ??= bytesOf(PSL_RULES as string | Buffer));
const bytesOf = (rules: string | Buffer): Buffer => (typeof rules === 'string' ? Buffer.from(rules, 'latin1') : rules);

/** The heads of the rules whose parent domain is `parent`, as `,a,b,*,!c,`; '' when none. */
function headsUnder(parent: string): string {
  const PACKED = rules();
  const at = PACKED.indexOf(`;${parent}:`);
  if (at < 0) return '';
  const start = at + parent.length + 2;
  return `,${PACKED.toString('latin1', start, PACKED.indexOf(';', start))},`;
}

function split(domain: string): [head: string, parent: string] {
  const dot = domain.indexOf('.');
  return dot < 0 ? [domain, ''] : [domain.slice(0, dot), domain.slice(dot + 1)];
}

const suffixCache = new Map<string, boolean>();
const reachCache = new Map<string, boolean>();

/** True when the lower-case ASCII domain is a public suffix itself (`com`, `co.uk`, `github.io`). */
export function isPublicSuffix(domain: string): boolean {
  let known = suffixCache.get(domain);
  if (known === undefined) {
    const [head, parent] = split(domain);
    const heads = parent === '' ? '' : headsUnder(parent);
    // Every top-level label counts (the list's implicit `*` rule).
    known = parent === '' || heads.includes(`,${head},`) || (heads.includes(',*,') && !heads.includes(`,!${head},`));
    suffixCache.set(domain, known);
  }
  return known;
}

/**
 * True when `*.domain` would match a public suffix: the domain is one, or one lies under it
 * (`*.amazonaws.com` reaches `s3.amazonaws.com`, hence every bucket's host). A rule lies under
 * the domain when some group's parent is the domain or ends with `.domain`.
 */
export function wildcardReachesPublicSuffix(domain: string): boolean {
  let known = reachCache.get(domain);
  if (known === undefined) {
    const PACKED = rules();
    known = PACKED.includes(`;${domain}:`) || PACKED.includes(`.${domain}:`) || isPublicSuffix(domain);
    reachCache.set(domain, known);
  }
  return known;
}
