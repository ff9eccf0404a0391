import { describe, expect, it } from 'vitest';
import { createAuthenticator } from './authenticator.js';
import { StoreChain } from './chain.js';
import type { Credential } from './credential.js';
import { InvalidCredentialError, StoreUnavailableError } from './errors.js';
import { MemoryStore } from './store.js';
import { CountingStore } from '@auth/test-support/counting-store';

const bearer = (token: string): Credential => ({ type: 'bearer', token });

describe('the authenticator', () => {
  it('resolves the most specific key and names its store', async () => {
    const store = new MemoryStore(
      [
        ['*.prefix.dev', bearer('wild')],
        ['repo.prefix.dev/private', bearer('path')],
        ['repo.prefix.dev:8443', bearer('port')],
      ],
      'file',
    );
    const auth = createAuthenticator({ store });
    expect((await auth.resolve('https://repo.prefix.dev/conda-forge/x.json'))?.key).toBe('*.prefix.dev');
    expect((await auth.resolve('https://repo.prefix.dev/private/x.json'))?.key).toBe('repo.prefix.dev/private');
    expect((await auth.resolve('https://repo.prefix.dev/privateer/x.json'))?.key).toBe('*.prefix.dev');
    expect((await auth.resolve('https://repo.prefix.dev:8443/x'))).toMatchObject({ key: 'repo.prefix.dev:8443', store: 'file' });
    expect(await auth.resolve('https://prefix.dev.evil.com/x')).toBeUndefined();
    expect(await auth.resolve('https://evil-prefix.dev/x')).toBeUndefined();
  });

  it('decorates requests and leaves unmatched ones unchanged', async () => {
    const auth = createAuthenticator({ store: new MemoryStore([['*.anaconda.org', { type: 'conda-token', token: 'ct' }]]) });
    expect((await auth.decorate({ url: 'https://conda.anaconda.org/c/x.json' })).url).toBe('https://conda.anaconda.org/t/ct/c/x.json');
    expect(await auth.decorate({ url: 'https://other.org/c', headers: { a: '1' } })).toEqual({ url: 'https://other.org/c', headers: { a: '1' } });
  });

  it('10,000 requests to distinct URLs on one host cost one list() and one get()', async () => {
    const store = new CountingStore([['*.prefix.dev', bearer('tok')], ['other.com', bearer('o')]]);
    const auth = createAuthenticator({ store });
    for (let i = 0; i < 10_000; i++) {
      const out = await auth.decorate({ url: `https://repo.prefix.dev/channel/${i}/repodata.json` });
      expect(out.headers.authorization).toBe('Bearer tok');
    }
    expect(store.calls).toEqual({ get: 1, set: 0, delete: 0, list: 1 });
  });

  it('misses are cached too: a host without a key never costs a get()', async () => {
    const store = new CountingStore([['a.example.com', bearer('x')]]);
    const auth = createAuthenticator({ store });
    for (let i = 0; i < 100; i++) await auth.decorate({ url: `https://b.example.com/${i}` });
    expect(store.calls).toEqual({ get: 0, set: 0, delete: 0, list: 1 });
  });

  it('hosts with path keys still cost one get() per matched key', async () => {
    const store = new CountingStore([['h.example.com/a', bearer('a')], ['h.example.com', bearer('h')]]);
    const auth = createAuthenticator({ store });
    for (let i = 0; i < 1000; i++) {
      expect((await auth.resolve(`https://h.example.com/a/${i}`))?.key).toBe('h.example.com/a');
      expect((await auth.resolve(`https://h.example.com/b/${i}`))?.key).toBe('h.example.com');
    }
    expect(store.calls.get).toBe(2);
    expect(store.calls.list).toBe(1);
  });

  it('concurrent first lookups share one read', async () => {
    const store = new CountingStore([['*.prefix.dev', bearer('tok')]], 'slow', 20);
    const auth = createAuthenticator({ store });
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => auth.resolve(`https://repo.prefix.dev/${i}`)));
    expect(results.every((r) => r?.key === '*.prefix.dev')).toBe(true);
    expect(store.calls.list).toBe(1);
    expect(store.calls.get).toBe(1);
  });

  it('with a chain, each store is listed once and the first holder wins', async () => {
    const keychain = new CountingStore([['h.example.com', bearer('k')]], 'keychain');
    const file = new CountingStore([['h.example.com', bearer('f')], ['*.example.com', bearer('w')]], 'file');
    const auth = createAuthenticator({ store: new StoreChain([keychain, file]) });
    expect(await auth.resolve('https://h.example.com/')).toMatchObject({ store: 'keychain', key: 'h.example.com' });
    expect(await auth.resolve('https://g.example.com/')).toMatchObject({ store: 'file', key: '*.example.com' });
    expect(keychain.calls.list + file.calls.list).toBe(2);
  });

  it('an unavailable store is reported and treated as empty', async () => {
    const down = new MemoryStore([], 'keychain');
    down.list = async () => {
      throw new StoreUnavailableError('keychain', 'locked', 'the keyring is locked');
    };
    const reported: string[] = [];
    const auth = createAuthenticator({
      store: new StoreChain([down, new MemoryStore([['h.example.com', bearer('f')]], 'file')]),
      onUnavailable: (s, e) => reported.push(`${s.name}:${e.reason}`),
    });
    expect((await auth.resolve('https://h.example.com/'))?.store).toBe('file');
    expect(reported).toEqual(['keychain:locked']);
  });

  it('a stored credential with a newline fails the request instead of injecting a header', async () => {
    const auth = createAuthenticator({ store: new MemoryStore([['h.example.com', bearer('x\r\nEvil: 1')]]) });
    await expect(auth.decorate({ url: 'https://h.example.com/' })).rejects.toBeInstanceOf(InvalidCredentialError);
  });

  it('clear() makes the next request read the stores again', async () => {
    const store = new CountingStore([['h.example.com', bearer('a')]]);
    const auth = createAuthenticator({ store });
    await auth.resolve('https://h.example.com/');
    await store.set('h.example.com', bearer('b'));
    expect((await auth.resolve('https://h.example.com/'))?.credential).toEqual(bearer('a'));
    auth.clear();
    expect((await auth.resolve('https://h.example.com/'))?.credential).toEqual(bearer('b'));
    expect(store.calls.list).toBe(2);
  });
});
