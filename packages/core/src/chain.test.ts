import { describe, expect, it } from 'vitest';
import { chainOf, StoreChain } from './chain.js';
import type { Credential } from './credential.js';
import { CorruptStoreError, ReadOnlyStoreError, StoreUnavailableError } from './errors.js';
import { type CredentialStore, MemoryStore } from './store.js';

const bearer = (token: string): Credential => ({ type: 'bearer', token });

class DownStore extends MemoryStore {
  readonly err = new StoreUnavailableError('keychain', 'no-keychain', 'no Secret Service on the session bus');
  constructor() {
    super([], 'keychain');
  }
  override async get(): Promise<Credential | undefined> {
    throw this.err;
  }
  override async set(): Promise<void> {
    throw this.err;
  }
  override async delete(): Promise<boolean> {
    throw this.err;
  }
  override async list(): Promise<string[]> {
    throw this.err;
  }
}

class ReadOnly extends MemoryStore {
  readonly readOnly = true;
  override async set(): Promise<void> {
    throw new ReadOnlyStoreError(this.name);
  }
  override async delete(): Promise<boolean> {
    throw new ReadOnlyStoreError(this.name);
  }
}

describe('the store chain', () => {
  it('get takes the first store that has the key', async () => {
    const a = new MemoryStore([['h', bearer('a')]], 'a');
    const b = new MemoryStore([['h', bearer('b')], ['g', bearer('g')]], 'b');
    const chain = new StoreChain([a, b]);
    expect(await chain.get('h')).toEqual(bearer('a'));
    expect((await chain.find('g')).found?.store).toBe(b);
    expect(await chain.find('none')).toEqual({ found: undefined, unchecked: [] });
  });

  it('set falls from an unavailable store to the next, and says so once', async () => {
    const fallbacks: string[] = [];
    const down = new DownStore();
    const file = new MemoryStore([], 'file');
    const chain = new StoreChain([down, file], { onFallback: (from, to, e) => fallbacks.push(`${from.name}->${to.name}: ${e.reason}`) });
    expect((await chain.store('h', bearer('x'))).name).toBe('file');
    expect(await file.get('h')).toEqual(bearer('x'));
    expect(fallbacks).toEqual(['keychain->file: no-keychain']);
  });

  it('set skips read-only stores and fails when nothing is writable', async () => {
    const chain = new StoreChain([new ReadOnly([], 'netrc')]);
    await expect(chain.set('h', bearer('x'))).rejects.toBeInstanceOf(ReadOnlyStoreError);
    await expect(new StoreChain([new DownStore()]).set('h', bearer('x'))).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('a failure other than unavailability is thrown, not skipped', async () => {
    const broken: CredentialStore = {
      name: 'file',
      get: async () => {
        throw new CorruptStoreError('file', 'bad');
      },
      set: async () => {},
      delete: async () => false,
      list: async () => {
        throw new CorruptStoreError('file', 'bad');
      },
    };
    const chain = new StoreChain([broken, new MemoryStore([['h', bearer('x')]])]);
    await expect(chain.get('h')).rejects.toBeInstanceOf(CorruptStoreError);
    await expect(chain.entries()).rejects.toBeInstanceOf(CorruptStoreError);
  });

  it('an unavailable store is reported once and passed over', async () => {
    const seen: string[] = [];
    const chain = new StoreChain([new DownStore(), new MemoryStore([['h', bearer('x')]], 'file')], {
      onUnavailable: (s) => seen.push(s.name),
    });
    expect(await chain.get('h')).toEqual(bearer('x'));
    const listing = await chain.entries();
    expect(listing.entries).toEqual([{ key: 'h', store: chain.stores[1], shadowed: false }]);
    expect(listing.unchecked.map((u) => [u.store, u.error.reason])).toEqual([[chain.stores[0], 'no-keychain']]);
    expect(seen).toEqual(['keychain']);
  });

  it('delete removes the key from every store and names read-only holders', async () => {
    const a = new MemoryStore([['h', bearer('a')]], 'a');
    const b = new MemoryStore([['h', bearer('b')]], 'b');
    const n = new ReadOnly([['h', bearer('n')]], 'netrc');
    const chain = new StoreChain([a, b, n]);
    expect(await chain.remove('h')).toEqual({ removedFrom: [a, b], readOnlyHolders: [n], unchecked: [] });
    expect(await a.get('h')).toBeUndefined();
    expect(await b.get('h')).toBeUndefined();
    expect(await chain.delete('h')).toBe(false);
  });

  it('list marks later copies of a key as shadowed', async () => {
    const keychain = new MemoryStore([['h', bearer('a')]], 'keychain');
    const file = new MemoryStore([['h', bearer('b')], ['g', bearer('g')]], 'file');
    const chain = new StoreChain([keychain, file]);
    expect((await chain.entries()).entries).toEqual([
      { key: 'h', store: keychain, shadowed: false },
      { key: 'g', store: file, shadowed: false },
      { key: 'h', store: file, shadowed: true },
    ]);
    expect(await chain.list()).toEqual(['h', 'g']);
  });

  it('a store named twice in a chain shadows its own later copy (found by attack16)', async () => {
    const a = new MemoryStore([['h', bearer('a')]], 'a');
    const b = new MemoryStore([['h', bearer('b')]], 'b');
    expect((await new StoreChain([a, b, a]).entries()).entries.map((e) => [e.store.name, e.shadowed])).toEqual([
      ['a', false],
      ['b', true],
      ['a', true],
    ]);
  });
});

describe('what a read says when a store could not be checked', () => {
  it('find tells "nothing stored" from "the keychain could not be checked"', async () => {
    const down = new DownStore();
    const file = new MemoryStore([], 'file');
    expect(await new StoreChain([file]).find('h')).toEqual({ found: undefined, unchecked: [] });
    const lookup = await new StoreChain([down, file]).find('h');
    expect(lookup.found).toBeUndefined();
    expect(lookup.unchecked).toEqual([{ store: down, error: down.err }]);
  });

  it('a credential found after an unavailable store comes with that store named', async () => {
    const down = new DownStore();
    const file = new MemoryStore([['h', bearer('f')]], 'file');
    const lookup = await new StoreChain([down, file]).find('h');
    expect(lookup.found).toEqual({ key: 'h', store: file, credential: bearer('f') });
    expect(lookup.unchecked.map((u) => u.store)).toEqual([down]);
  });

  it('a locked store is reported as locked, never as empty', async () => {
    const locked = new MemoryStore([['h', bearer('k')]], 'keychain');
    locked.get = async () => {
      throw new StoreUnavailableError('keychain', 'locked', 'the keyring is locked');
    };
    const lookup = await new StoreChain([locked]).find('h');
    expect(lookup.found).toBeUndefined();
    expect(lookup.unchecked[0]?.error.reason).toBe('locked');
  });

  it('a delete that could not reach a store says so', async () => {
    const down = new DownStore();
    const file = new MemoryStore([['h', bearer('f')]], 'file');
    const report = await new StoreChain([down, file]).remove('h');
    expect(report.removedFrom).toEqual([file]);
    expect(report.unchecked.map((u) => u.store)).toEqual([down]);
  });

  it('two stores of the same name stay apart in listings and reports', async () => {
    const first = new MemoryStore([['h', bearer('1')]], 'file');
    const second = new MemoryStore([['h', bearer('2')]], 'file');
    const chain = new StoreChain([first, second]);
    expect((await chain.entries()).entries.map((e) => e.store)).toEqual([first, second]);
    expect((await chain.remove('h')).removedFrom).toEqual([first, second]);
  });

  it('chainOf wraps a bare store and keeps a chain as it is', () => {
    const store = new MemoryStore([], 'file');
    const chain = new StoreChain([store]);
    expect(chainOf(chain)).toBe(chain);
    expect(chainOf(store).stores).toEqual([store]);
  });
});

describe('a chain that must not pass over unavailable stores', () => {
  it('throws the store error instead', async () => {
    const chain = new StoreChain([new DownStore(), new MemoryStore([['h', bearer('x')]])], { passOverUnavailable: false });
    await expect(chain.get('h')).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(chain.set('h', bearer('y'))).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(chain.entries()).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});
