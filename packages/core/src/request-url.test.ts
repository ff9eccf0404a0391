import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAuthenticator } from './authenticator.js';
import { isCanonicalTail } from './request-url.js';
import { MemoryStore } from './store.js';

// Characters that WHATWG parsing changes, drops or reads specially, mixed with ones it keeps.
const PIECES = ['/', '.', '..', '%2e', '%2E', '%2F', '%', '?', '#', '\\', ' ', '\t', "'", '"', '<', '>', '`', '{', '}', '|', '^', '[', ']', 'a', 'Z', '9', '-', '_', '~', '!', '$', '&', '(', ')', '*', '+', ',', ';', '=', ':', '@', 'é', '\u0000', '\n'];
const tail = fc.array(fc.constantFrom(...PIECES), { maxLength: 12 }).map((parts) => parts.join(''));
// After the host: what a request URL has there (a path, a query or a fragment).
const afterHost = fc.tuple(fc.constantFrom('/', '?', '#', '/t/x/', '/t/'), tail).map(([first, rest]) => first + rest);
const ORIGIN = 'https://repo.example.com';

describe('isCanonicalTail', () => {
  it('says a URL text is canonical only when the WHATWG parser gives back exactly that text (property)', () => {
    fc.assert(
      fc.property(fc.oneof(tail, afterHost), (rest) => {
        const text = ORIGIN + rest;
        if (!isCanonicalTail(text, ORIGIN.length)) return;
        expect(new URL(text).href).toBe(text);
      }),
      { numRuns: 20_000 },
    );
  });

  it('leaves a tail longer than any server takes to the parser, without running out of stack (found by attack16)', () => {
    expect(isCanonicalTail(ORIGIN + '/a'.repeat(32_768), ORIGIN.length)).toBe(true);
    expect(isCanonicalTail(ORIGIN + '/a'.repeat(4_000_000), ORIGIN.length)).toBe(false);
  });

  it('holds for the usual channel URLs, and refuses dot segments in every spelling', () => {
    expect(isCanonicalTail(`${ORIGIN}/conda-forge/noarch/repodata.json`, ORIGIN.length)).toBe(true);
    expect(isCanonicalTail(`${ORIGIN}/a/b.json?x=1&y=2`, ORIGIN.length)).toBe(true);
    for (const rest of ['', '/a/../b', '/a/./b', '/a/%2e%2E/b', '/a/.%2e/b', '/a\\b', '/a b', '/a#f', "/a?'"]) {
      expect(isCanonicalTail(ORIGIN + rest, ORIGIN.length), rest).toBe(false);
    }
  });
});

describe('conda tokens on URL texts that are not parsed', () => {
  it('give the same request as on the parsed URL, for any tail (property)', async () => {
    const store = new MemoryStore([['repo.example.com', { type: 'conda-token', token: 'ct-123' }]]);
    const auth = createAuthenticator({ store });
    await auth.decorate({ url: `${ORIGIN}/warm` });
    await fc.assert(
      fc.asyncProperty(afterHost, fc.boolean(), async (rest, withAuthorization) => {
        const text = ORIGIN + rest;
        let parsed: URL;
        try {
          parsed = new URL(text);
        } catch {
          return;
        }
        const headers = withAuthorization ? { authorization: 'Bearer mine' } : {};
        const fromText = await auth.decorate({ url: text, headers }).catch((e: unknown) => e);
        const fromUrl = await auth.decorate({ url: parsed, headers }).catch((e: unknown) => e);
        if (fromText instanceof Error || fromUrl instanceof Error) return;
        // The reference: the token goes in front of the parsed path unless one is there or the caller authorised.
        const path = parsed.pathname;
        const has = /^\/t\/[^/?#]/.test(path);
        const expected = withAuthorization || has ? parsed.href : `${ORIGIN}/t/ct-123${parsed.href.slice(ORIGIN.length)}`;
        expect((fromUrl as { url: string }).url).toBe(expected);
        expect((fromText as { url: string }).url).toBe(expected);
      }),
      { numRuns: 5_000 },
    );
  });
});
