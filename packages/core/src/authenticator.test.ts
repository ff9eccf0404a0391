import { describe, expect, it } from 'vitest';
import { createAuthenticator } from './authenticator.js';
import { StoreChain } from './chain.js';
import type { Credential } from './credential.js';
import { PROBE_LIMIT } from './chain-reader.js';
import { InvalidCredentialError, InvalidUrlError, StoreUnavailableError } from './errors.js';
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
    expect(await auth.resolve('https://repo.prefix.dev:8443/x')).toEqual({ key: 'repo.prefix.dev:8443', store, credential: bearer('port') });
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
    expect(await auth.resolve('https://h.example.com/')).toMatchObject({ store: keychain, key: 'h.example.com' });
    expect(await auth.resolve('https://g.example.com/')).toMatchObject({ store: file, key: '*.example.com' });
    expect(keychain.calls.list + file.calls.list).toBe(2);
  });

  it('an unavailable store is reported and treated as empty', async () => {
    const down = new MemoryStore([], 'keychain');
    down.list = async () => {
      throw new StoreUnavailableError('keychain', 'locked', 'the keyring is locked');
    };
    const reported: string[] = [];
    const file = new MemoryStore([['h.example.com', bearer('f')]], 'file');
    const auth = createAuthenticator({
      store: new StoreChain([down, file], { onUnavailable: (s, e) => reported.push(`${s.name}:${e.reason}`) }),
    });
    expect((await auth.resolve('https://h.example.com/'))?.store).toBe(file);
    const lookup = await auth.find('https://other.example.com/');
    expect(lookup.found).toBeUndefined();
    expect(lookup.unchecked.map((u) => [u.store, u.error.reason])).toEqual([[down, 'locked']]);
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

  it('a store that must not be passed over fails the lookup instead of reading as empty', async () => {
    const down = new MemoryStore([], 'keychain');
    down.list = async () => {
      throw new StoreUnavailableError('keychain', 'no-keychain', 'no Secret Service on the session bus');
    };
    const auth = createAuthenticator({ store: new StoreChain([down], { passOverUnavailable: false }) });
    await expect(auth.resolve('https://x.example.com/')).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('a bare store is read as a chain of one: its unavailability is reported, not hidden', async () => {
    const down = new MemoryStore([], 'plugin');
    down.list = async () => {
      throw new StoreUnavailableError('plugin', 'timeout', 'no answer');
    };
    const lookup = await createAuthenticator({ store: down }).find('https://x.example.com/');
    expect(lookup).toEqual({ found: undefined, unchecked: [{ store: down, error: expect.any(StoreUnavailableError) }] });
  });

  it('applicationFor says what a URL gets and from which key and store', async () => {
    const store = new MemoryStore([['*.anaconda.org', { type: 'conda-token', token: 'ct' }], ['h.example.com', bearer('t')]], 'file');
    const auth = createAuthenticator({ store });
    expect(await auth.applicationFor('https://conda.anaconda.org/c/x')).toEqual({
      key: '*.anaconda.org',
      store,
      application: { kind: 'path', segment: '/t/ct', token: 'ct' },
    });
    expect(await auth.applicationFor('https://h.example.com/')).toEqual({ key: 'h.example.com', store, application: { kind: 'header', value: 'Bearer t' } });
    expect(await auth.applicationFor('https://nothing.example.com/')).toBeUndefined();
  });

  it('an OAuth credential is applied through its step: unexpired sends its token, expired sends nothing', async () => {
    const oauth = { type: 'oauth' as const, accessToken: 'at', tokenEndpoint: 'https://t/', clientId: 'c' };
    const auth = createAuthenticator({ store: new MemoryStore([['a.example.com', { ...oauth, expiresAt: null }], ['b.example.com', { ...oauth, expiresAt: 1 }]]) });
    expect((await auth.decorate({ url: 'https://a.example.com/' })).headers).toEqual({ authorization: 'Bearer at' });
    expect((await auth.decorate({ url: 'https://b.example.com/' })).headers).toEqual({});
  });

  it('a malformed URL is a typed error, not a lookup', async () => {
    const auth = createAuthenticator({ store: new MemoryStore([['*.anaconda.org', bearer('t')]]) });
    for (const url of ['https:///conda.anaconda.org/x', 'https://\\conda.anaconda.org/x', 'https:conda.anaconda.org/x', 'not a url']) {
      await expect(auth.decorate({ url })).rejects.toBeInstanceOf(InvalidUrlError);
      await expect(auth.resolve(url)).rejects.toBeInstanceOf(InvalidUrlError);
    }
  });
});

/** A store whose list() is expensive: it asks to be probed key by key. */
class ProbeStore extends CountingStore {
  readonly lookup = 'probe' as const;
}

describe('stores that are probed key by key', () => {
  it('a probe store is never listed for a lookup: candidate keys are read directly, each once', async () => {
    const store = new ProbeStore([['*.prefix.dev', bearer('tok')]], 'keychain');
    const auth = createAuthenticator({ store });
    expect((await auth.resolve('https://repo.prefix.dev/a'))?.key).toBe('*.prefix.dev');
    const first = store.calls.get;
    expect((await auth.resolve('https://repo.prefix.dev/a'))?.key).toBe('*.prefix.dev');
    expect(store.calls).toEqual({ get: first, set: 0, delete: 0, list: 0 });
    // repo.prefix.dev:443/a, repo.prefix.dev:443 (the effective port), repo.prefix.dev/a,
    // repo.prefix.dev, *.repo.prefix.dev, *.prefix.dev
    expect(first).toBeLessThanOrEqual(6);
  });

  it('a probe store finds path- and port-scoped keys too', async () => {
    const store = new ProbeStore([['h.example.com:8443/org-a', bearer('a')], ['h.example.com', bearer('h')]], 'keychain');
    const auth = createAuthenticator({ store });
    expect((await auth.resolve('https://h.example.com:8443/org-a/x'))?.key).toBe('h.example.com:8443/org-a');
    expect((await auth.resolve('https://h.example.com:8443/org-b/x'))?.key).toBe('h.example.com');
  });

  it('precedence holds across list and probe stores', async () => {
    const keychain = new ProbeStore([['h.example.com', bearer('k')]], 'keychain');
    const file = new CountingStore([['h.example.com', bearer('f')]], 'file');
    const auth = createAuthenticator({ store: new StoreChain([keychain, file]) });
    expect((await auth.resolve('https://h.example.com/'))?.store).toBe(keychain);
    expect(file.calls.get).toBe(0);
  });

  it('after many distinct keys a probe store is listed once, and probing stops', async () => {
    const store = new ProbeStore([['*.prefix.dev', bearer('tok')]], 'keychain');
    const auth = createAuthenticator({ store });
    for (let i = 0; i < 10_000; i++) expect((await auth.resolve(`https://repo.prefix.dev/c/${i}/x.json`))?.key).toBe('*.prefix.dev');
    expect(store.calls.list).toBe(1);
    expect(store.calls.get).toBeLessThanOrEqual(PROBE_LIMIT + 8);
  });

  it('concurrent first lookups in a probe store share one read per key', async () => {
    const store = new ProbeStore([['h.example.com', bearer('tok')]], 'keychain', 10);
    const auth = createAuthenticator({ store });
    await Promise.all(Array.from({ length: 100 }, () => auth.resolve('https://h.example.com/')));
    // h.example.com, *.h.example.com, *.example.com at most
    expect(store.calls.get).toBeLessThanOrEqual(3);
  });

  it('an unavailable probe store is reported as could-not-check', async () => {
    const store = new ProbeStore([], 'keychain');
    store.get = async () => {
      throw new StoreUnavailableError('keychain', 'locked', 'the keyring is locked');
    };
    const lookup = await createAuthenticator({ store }).find('https://h.example.com/');
    expect(lookup.found).toBeUndefined();
    expect(lookup.unchecked.map((u) => u.error.reason)).toEqual(['locked']);
  });
});

describe('a URL object the caller changes while the lookup waits for a store', () => {
  it('the credential is chosen for the URL as it was when asked', async () => {
    const memory = new MemoryStore([['*.attacker.example', { type: 'bearer', token: 'attacker' }]]);
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    // A store that answers only after the caller has changed its URL object.
    const slow = { name: 'slow', list: async () => (await gate, memory.list()), get: (k: string) => memory.get(k), set: async () => {}, delete: async () => false };
    const auth = createAuthenticator({ store: slow });
    const url = new URL('https://bank.example.org/x');
    const pending = auth.applicationFor(url);
    url.hostname = 'www.attacker.example';
    release();
    expect(await pending).toBeUndefined();
  });
});
