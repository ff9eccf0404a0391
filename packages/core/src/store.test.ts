import { describe, expect, it } from 'vitest';
import type { Credential } from './credential.js';
import { isAuthError } from './errors.js';
import { keysForRead, MemoryStore, readFirstForm } from './store.js';

const token: Credential = { type: 'bearer', token: 'tok' };
// Keys exactly as pixi and rattler write them: every one is stored as it is.
const PIXI_KEYS = ['*.prefix.dev', 'prefix.dev', 'repo.prefix.dev', 'my-bucket', 's3://bucket/path', '127.0.0.1', '[::1]', 'host.example.com:8443/org-a', 'xn--bcher-kva.example.com'];

describe('MemoryStore keys', () => {
  it('set() writes the canonical key: HTTPS://Foo.Example.com/ becomes foo.example.com, IDN to ASCII', async () => {
    const store = new MemoryStore();
    await store.set('HTTPS://Foo.Example.com/', token);
    await store.set('Bücher.Example.com', token);
    expect(await store.list()).toEqual(['foo.example.com', 'xn--bcher-kva.example.com']);
    expect(await store.get('foo.example.com')).toEqual(token);
  });

  it('keys as pixi writes them pass unchanged', async () => {
    const store = new MemoryStore();
    for (const key of PIXI_KEYS) await store.set(key, token);
    expect((await store.list()).sort()).toEqual([...PIXI_KEYS].sort());
  });

  it('a key that cannot be one is refused with InvalidKeyError, and nothing is written', async () => {
    const store = new MemoryStore();
    for (const key of ['https://u:p@host.example.com/', 'host/a b', 'a*b.example.com', '']) {
      const error = await store.set(key, token).catch((e: unknown) => e);
      expect(isAuthError(error, 'INVALID_KEY'), key).toBe(true);
      expect(String(error)).not.toContain('u:p');
    }
    expect(await store.list()).toEqual([]);
  });

  it('get() and delete() take a key in either form, and still reach a key another tool wrote in another form', async () => {
    const store = new MemoryStore([['Old.Example.com', token]]);
    expect(await store.get('Old.Example.com')).toEqual(token);
    await store.set('new.example.com', token);
    expect(await store.get('HTTPS://NEW.example.com/')).toEqual(token);
    expect(await store.delete('HTTPS://New.Example.com')).toBe(true);
    expect(await store.delete('Old.Example.com')).toBe(true);
    expect(await store.list()).toEqual([]);
  });
});

describe('the forms a stored key is read in', () => {
  it('readFirstForm reads what keysForRead yields, in its order, and stops at the first found', () => {
    for (const key of ['Old.Example.com', 'HTTPS://new.example.com/', 'new.example.com', '*.Example.com', 'not a key', '']) {
      const asked: string[] = [];
      expect(readFirstForm(key, (form) => void asked.push(form))).toBeUndefined();
      expect(asked).toEqual([...keysForRead(key)]);
    }
    const asked: string[] = [];
    const lengthOf = (form: string) => {
      asked.push(form);
      return form.length;
    };
    expect(readFirstForm('Old.Example.com', lengthOf)).toBe('Old.Example.com'.length);
    expect(asked).toEqual(['Old.Example.com']);
    expect(readFirstForm('HTTPS://new.example.com/', (form) => (form === 'new.example.com' ? 'found' : undefined))).toBe('found');
  });
});
