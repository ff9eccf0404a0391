import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Credential, isAuthError } from '@auth/core';
import { describe, expect, it } from 'vitest';
import { FileStore } from './file-store.js';

const token: Credential = { type: 'bearer', token: 'tok' };
const PIXI_KEYS = ['*.prefix.dev', 'prefix.dev', 'my-bucket', 's3://bucket/path', '127.0.0.1', 'host.example.com:8443/org-a'];
const tempFile = () => join(mkdtempSync(join(tmpdir(), 'file-store-keys-')), 'credentials.json');

describe('FileStore keys', () => {
  it('set() writes the canonical key into the file: HTTPS://Foo.Example.com/ is foo.example.com', async () => {
    const path = tempFile();
    await new FileStore({ path }).set('HTTPS://Foo.Example.com/', token);
    expect(readFileSync(path, 'utf8')).toBe('{"foo.example.com":{"BearerToken":"tok"}}');
  });

  it('keys as pixi writes them pass unchanged', async () => {
    const path = tempFile();
    const store = new FileStore({ path });
    for (const key of PIXI_KEYS) await store.set(key, token);
    expect(Object.keys(JSON.parse(readFileSync(path, 'utf8'))).sort()).toEqual([...PIXI_KEYS].sort());
  });

  it('an invalid key is refused with InvalidKeyError and the file is not touched', async () => {
    const path = tempFile();
    writeFileSync(path, '{"a.example.com":{"BearerToken":"x"}}');
    const error = await new FileStore({ path }).set('https://u:p@h.example.com/', token).catch((e: unknown) => e);
    expect(isAuthError(error, 'INVALID_KEY')).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe('{"a.example.com":{"BearerToken":"x"}}');
  });

  it('get() and delete() reach a key written in another form by another tool, and the canonical form of a given key', async () => {
    const path = tempFile();
    writeFileSync(path, '{"Old.Example.com":{"BearerToken":"x"},"new.example.com":{"BearerToken":"y"}}');
    const store = new FileStore({ path });
    expect(await store.get('Old.Example.com')).toEqual({ type: 'bearer', token: 'x' });
    expect(await store.get('HTTPS://New.Example.com/')).toEqual({ type: 'bearer', token: 'y' });
    expect(await store.delete('Old.Example.com')).toBe(true);
    expect(await store.delete('https://NEW.example.com')).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe('{}');
  });
});
