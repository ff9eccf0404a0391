import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Sandbox, sandbox } from '@auth/test-support/cli';

const T = { BearerToken: 't' };

/** A credentials file holding these keys, and `auth logout <input>` run on it. */
function withKeys(keys: string[]): Sandbox {
  const s = sandbox({ keychain: false });
  writeFileSync(join(s.home, 'c.json'), JSON.stringify(Object.fromEntries(keys.map((k) => [k, T]))));
  return s;
}
const keysLeft = (s: Sandbox) => Object.keys(JSON.parse(readFileSync(join(s.home, 'c.json'), 'utf8')) as object);
const logout = (s: Sandbox, input: string) => s.auth(['logout', input, '--file', 'c.json']);

describe('auth logout removes exactly the keys of the input', () => {
  it('prefix.dev: both of pixi canonical forms, never a subdomain key', () => {
    const s = withKeys(['*.prefix.dev', 'prefix.dev', 'repo.prefix.dev', 'notprefix.dev']);
    const out = logout(s, 'prefix.dev');
    expect(out.code, out.stderr).toBe(0);
    expect(out.stderr).toContain('*.prefix.dev from file');
    expect(out.stderr).toContain('prefix.dev from file');
    expect(keysLeft(s)).toEqual(['notprefix.dev', 'repo.prefix.dev']);
  });

  it("a stored key as auth list shows it: '*.dev', which pixi writes and login refuses", () => {
    const s = withKeys(['*.dev', '*.prefix.dev']);
    expect(logout(s, '*.dev').code).toBe(0);
    expect(keysLeft(s)).toEqual(['*.prefix.dev']);
  });

  it('example.com:443 removes the port key and never *.example.com', () => {
    const s = withKeys(['example.com:443', '*.example.com', 'example.com']);
    expect(logout(s, 'example.com:443').code).toBe(0);
    expect(keysLeft(s)).toEqual(['*.example.com', 'example.com']);
  });

  it('nothing stored: exit 1 naming the key; the file is untouched', () => {
    const s = withKeys(['other.example.com']);
    const out = logout(s, 'https://missing.example.com/chan');
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('no credentials were stored for missing.example.com');
    expect(keysLeft(s)).toEqual(['other.example.com']);
  });

  it('input with a password or a conda token is refused and shown redacted', () => {
    const s = withKeys(['h.example.com']);
    for (const input of ['https://user:pa55/w@rd@h.example.com/', 'https://h.example.com/t/tk-SECRET-42/chan']) {
      const out = logout(s, input);
      expect(out.code).toBe(2);
      expect(out.stderr).not.toMatch(/pa55|SECRET/);
      expect(out.stderr).toContain('***');
    }
    expect(keysLeft(s)).toEqual(['h.example.com']);
  });
});
