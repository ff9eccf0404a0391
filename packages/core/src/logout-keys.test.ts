import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyFromInput } from './keys.js';
import { logoutKeys, pixiKeyFor } from './logout-keys.js';

describe('logout removes the keys of the same input, in every form pixi and auth write', () => {
  it.each([
    ['prefix.dev', ['*.prefix.dev', 'prefix.dev', 'repo.prefix.dev', '*.repo.prefix.dev', 'prefix.dev:443', 'prefix.dev/chan'], ['*.prefix.dev', 'prefix.dev']],
    ['https://Prefix.dev/', ['*.prefix.dev', 'prefix.dev', 'prefix.dev:443'], ['*.prefix.dev', 'prefix.dev']],
    ['Prefix.Dev', ['*.Prefix.Dev', 'x.prefix.dev'], ['*.Prefix.Dev']],
    ['prefix.dev.', ['prefix.dev.', '*.prefix.dev'], ['prefix.dev.', '*.prefix.dev']],
    ['example.com:443', ['example.com:443', '*.example.com', 'example.com', '*.example.com:443'], ['example.com:443', '*.example.com:443']],
    ['repo.prefix.dev', ['repo.prefix.dev', '*.repo.prefix.dev', '*.prefix.dev'], ['repo.prefix.dev']],
    ['*.dev', ['*.dev', 'dev', 'x.dev', '*.x.dev'], ['*.dev']],
    ['*.prefix.dev', ['*.prefix.dev', 'prefix.dev'], ['*.prefix.dev']],
    ['github.io', ['*.github.io', 'github.io', 'alice.github.io'], ['*.github.io', 'github.io']],
    ['s3://my-bucket/channel', ['my-bucket', 's3://my-bucket/channel', 's3://my-bucket', 's3://my-bucket/other'], ['my-bucket', 's3://my-bucket/channel']],
    ['host.example.com/chan/', ['host.example.com/chan', 'host.example.com', 'host.example.com/chan/x'], ['host.example.com/chan']],
    ['https://alice:S3cret@host.example.com/', ['host.example.com'], []],
    ['localhost', ['localhost', 'localhost:4873'], ['localhost']],
  ])('%s removes exactly the keys of its scope', (input, stored, removed) => {
    expect(logoutKeys(input, stored)).toEqual(removed);
  });

  it("pixi's key for an input is rattler's get_url", () => {
    expect(pixiKeyFor('prefix.dev')).toBe('*.prefix.dev');
    expect(pixiKeyFor('https://prefix.dev/channel')).toBe('*.prefix.dev');
    expect(pixiKeyFor('https://repo.prefix.dev:8443/x')).toBe('repo.prefix.dev');
    expect(pixiKeyFor('example.com:443')).toBe('*.example.com:443');
    expect(pixiKeyFor('s3://my-bucket/channel')).toBe('my-bucket');
  });
});

/** The reference: what an input names, written apart from the code. */
interface Scope {
  wildcard: boolean;
  host: string;
  port: string;
  path: string;
}

function hostOf(text: string): string {
  const h = text.startsWith('[') ? text : new URL(`http://${text}/`).hostname;
  return h.endsWith('.') ? h.slice(0, -1) : h;
}

function scopeOfKey(key: string): Scope {
  const wildcard = key.startsWith('*.');
  const body = wildcard ? key.slice(2) : key;
  const m = /^(\[[^\]]*\]|[^:/]*)(?::(\d+))?(\/.*)?$/.exec(body);
  if (!m) return { wildcard, host: `?${key}`, port: '', path: '' };
  return { wildcard, host: hostOf(m[1] ?? ''), port: m[2] ? String(Number(m[2])) : '', path: (m[3] ?? '').replace(/\/+$/, '') };
}

function scopeOfInput(input: string): Scope {
  const text = input.trim();
  if (text.includes('://')) {
    const u = new URL(text);
    return { wildcard: false, host: u.protocol === 's3:' ? u.host.toLowerCase() : hostOf(u.hostname), port: '', path: '' };
  }
  return scopeOfKey(text);
}

function allowed(input: string, key: string): boolean {
  if (key === input.trim()) return true;
  if (key.startsWith('s3://')) return false;
  const want = scopeOfInput(input);
  const got = scopeOfKey(key);
  if (got.host !== want.host || got.port !== want.port || got.path !== want.path) return false;
  // A wildcard only where pixi's one-dot rule or the input itself made one.
  if (input.trim().startsWith('*.')) return got.wildcard;
  const text = input.trim();
  const pixiHost = text.includes('://') ? new URL(text).hostname : text;
  return !got.wildcard || want.host.split('.').length === 2 || pixiHost.split('.').length === 2;
}

describe('logout never removes a key of another scope', () => {
  const label = fc.constantFrom('prefix', 'dev', 'repo', 'example', 'com', 'io', 'github', 'a');
  const host = fc.array(label, { minLength: 1, maxLength: 3 }).map((l) => l.join('.'));
  const variant = fc.tuple(
    host,
    fc.constantFrom('', '*.'),
    fc.constantFrom('', ':443', ':8443', ':80'),
    fc.constantFrom('', '/chan', '/chan/x', '/'),
    fc.constantFrom('', '.'),
    fc.boolean(),
  );
  const key = variant.map(([h, w, p, pa, dot, upper]) => {
    const k = `${w}${h}${dot}${p}${pa}`;
    return upper ? k.toUpperCase() : k;
  });
  const input = fc.oneof(key, fc.tuple(fc.constantFrom('https://', 'http://', 's3://'), key).map(([s, k]) => s + k.replace(/^\*\./, '')));

  it('every key returned is stored and of the scope the input names (reference in this test)', () => {
    fc.assert(
      fc.property(input, fc.array(key, { maxLength: 12 }), (text, stored) => {
        let valid = true;
        try {
          new URL(text.includes('://') ? text : `http://${text.replace(/^\*\./, '')}`);
        } catch {
          valid = false;
        }
        const removed = logoutKeys(text, stored);
        for (const k of removed) {
          expect(stored).toContain(k);
          expect([text, k, valid && allowed(text, k)]).toEqual([text, k, true]);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('the key login writes is always removed', () => {
    fc.assert(
      fc.property(input, (text) => {
        let written: string;
        try {
          written = keyFromInput(text);
        } catch {
          return;
        }
        expect(logoutKeys(text, [written])).toEqual([written]);
      }),
    );
  });
});
