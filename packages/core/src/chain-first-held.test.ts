import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Lookup, StoreChain } from './chain.js';
import { ChainReader } from './chain-reader.js';
import type { Credential } from './credential.js';
import { StoreUnavailableError } from './errors.js';
import { type CredentialStore, type FirstHeld, MemoryStore } from './store.js';

const bearer = (token: string): Credential => ({ type: 'bearer', token });

/** A probe store that answers `getFirst` itself, as the keychain does, and counts what it is asked. */
class BatchStore extends MemoryStore {
  readonly lookup = 'probe' as const;
  batches: string[][] = [];
  gets: string[] = [];
  down: StoreUnavailableError | undefined;

  override async get(key: string): Promise<Credential | undefined> {
    this.gets.push(key);
    if (this.down) throw this.down;
    return super.get(key);
  }

  async getFirst(keys: readonly string[]): Promise<FirstHeld | undefined> {
    this.batches.push([...keys]);
    if (this.down) throw this.down;
    for (const key of keys) {
      const credential = await super.get(key);
      if (credential) return { key, credential };
    }
    return undefined;
  }
}

/** The same entries as a store without `getFirst`: the reference the chain's rule was written for. */
class ProbeStore extends MemoryStore {
  readonly lookup = 'probe' as const;
}

const KEYS = ['h.example.com:443/a/b', 'h.example.com:443/a', 'h.example.com:443', 'h.example.com/a', 'h.example.com', '*.example.com'];

/** A lookup's answer with stores named by position, for comparing two chains. */
function shape(lookup: Lookup, stores: readonly CredentialStore[]) {
  const found = lookup.found && { key: lookup.found.key, store: stores.indexOf(lookup.found.store), token: (lookup.found.credential as { token: string }).token };
  return { found, unchecked: lookup.unchecked.map((u) => stores.indexOf(u.store)) };
}

describe('a store that reads many keys at once (getFirst)', () => {
  it('is asked once per lookup, and the chain keeps its precedence: keys first, then stores in order', async () => {
    const batch = new BatchStore([['h.example.com', bearer('batch-host')]], 'keychain');
    const file = new MemoryStore([['h.example.com:443/a', bearer('file-path')]], 'file');
    const found = await new StoreChain([batch, file]).first(KEYS);
    expect(found.found).toMatchObject({ key: 'h.example.com:443/a', store: file, credential: bearer('file-path') });
    expect(batch.batches).toEqual([KEYS]);
    expect(batch.gets).toEqual([]);
  });

  it('takes the earlier store when both hold the same key', async () => {
    const batch = new BatchStore([['h.example.com', bearer('batch')]], 'keychain');
    const file = new MemoryStore([['h.example.com', bearer('file')]], 'file');
    expect((await new StoreChain([batch, file]).first(KEYS)).found?.store).toBe(batch);
    expect((await new StoreChain([file, batch]).first(KEYS)).found?.store).toBe(file);
  });

  it('that is unavailable is reported once and passed over, as a store read key by key is', async () => {
    const batch = new BatchStore([], 'keychain');
    batch.down = new StoreUnavailableError('keychain', 'locked', 'the default keyring is locked');
    const file = new MemoryStore([['h.example.com', bearer('file')]], 'file');
    const seen: CredentialStore[] = [];
    const lookup = await new StoreChain([batch, file], { onUnavailable: (s) => seen.push(s) }).first(KEYS);
    expect(lookup.found?.store).toBe(file);
    expect(lookup.unchecked).toEqual([{ store: batch, error: batch.down }]);
    expect(seen).toEqual([batch]);
    expect(batch.batches).toHaveLength(1);
  });

  it('through a ChainReader: one question for a lookup, none for keys it already answered, and asked again after a failure', async () => {
    const batch = new BatchStore([['h.example.com', bearer('host')]], 'keychain');
    const reader = new ChainReader(new StoreChain([batch]));
    expect((await reader.lookup(KEYS)).found?.key).toBe('h.example.com');
    expect(batch.batches).toEqual([KEYS]);
    // The same lookup again costs nothing; one with a new, more specific key asks for that key alone.
    expect((await reader.lookup(KEYS)).found?.key).toBe('h.example.com');
    expect((await reader.lookup(['h.example.com:443/a/b/c', ...KEYS])).found?.key).toBe('h.example.com');
    expect(batch.batches).toEqual([KEYS, ['h.example.com:443/a/b/c']]);
    expect(batch.gets).toEqual([]);
    // The key after the one found was never asked about: it is read on its own when a lookup needs it.
    await batch.set('*.example.com', bearer('wild'));
    await batch.delete('h.example.com');
    const reader2 = new ChainReader(new StoreChain([batch]));
    batch.down = new StoreUnavailableError('keychain', 'timeout', 'no answer');
    expect((await reader2.lookup(KEYS)).unchecked).toHaveLength(1);
    batch.down = undefined;
    expect((await reader2.lookup(KEYS)).found?.key).toBe('*.example.com');
    expect(batch.batches.at(-1)).toEqual(KEYS);
  });

  it("a plugin's synchronous answers, a throw and an answer without a credential are taken as a store's", async () => {
    const memory = new MemoryStore([['h.example.com', bearer('host')]]);
    const plugin = {
      name: 'plugin',
      lookup: 'probe' as const,
      get: (key: string) => (key === 'h.example.com' ? bearer('host') : undefined),
      getFirst: (keys: readonly string[]) => (keys.includes('h.example.com') ? { key: 'h.example.com', credential: bearer('host') } : undefined),
      set: memory.set.bind(memory),
      delete: memory.delete.bind(memory),
      list: memory.list.bind(memory),
    } as unknown as CredentialStore;
    for (const lookup of [new StoreChain([plugin]).first(KEYS), new ChainReader(new StoreChain([plugin])).lookup(KEYS)]) {
      expect((await lookup).found).toMatchObject({ key: 'h.example.com', credential: bearer('host') });
    }
    const down = new StoreUnavailableError('plugin', 'timeout', 'no answer');
    const throwing = { ...plugin, name: 'plugin', getFirst: () => { throw down; } } as unknown as CredentialStore;
    expect((await new ChainReader(new StoreChain([throwing])).lookup(KEYS)).unchecked).toEqual([{ store: throwing, error: down }]);
    const empty = { ...plugin, name: 'plugin', getFirst: async () => ({ key: 'h.example.com', credential: null }) } as unknown as CredentialStore;
    expect((await new StoreChain([empty]).first(KEYS)).found).toBeUndefined();
  });

  it('answers every lookup as the same entries read key by key do (property)', async () => {
    const entry = fc.tuple(fc.constantFrom(...KEYS), fc.string({ minLength: 1, maxLength: 4 }));
    const storeSpec = fc.record({ entries: fc.array(entry, { maxLength: 4 }), batch: fc.boolean(), down: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(fc.array(storeSpec, { minLength: 1, maxLength: 3 }), fc.subarray(KEYS, { minLength: 1 }), fc.boolean(), async (specs, keys, viaReader) => {
        const make = (batch: boolean) =>
          specs.map((spec, i) => {
            const entries = spec.entries.map(([k, t]): [string, Credential] => [k, bearer(t)]);
            const store = batch && spec.batch ? new BatchStore(entries, `s${i}`) : new ProbeStore(entries, `s${i}`);
            if (spec.down) {
              const down = new StoreUnavailableError(`s${i}`, 'timeout', 'no answer');
              store.get = () => Promise.reject(down);
              if (store instanceof BatchStore) store.down = down;
            }
            return store;
          });
        const ask = (stores: CredentialStore[]) => {
          const chain = new StoreChain(stores);
          return viaReader ? new ChainReader(chain).lookup(keys) : chain.first(keys);
        };
        const [withBatches, reference] = [make(true), make(false)];
        expect(shape(await ask(withBatches), withBatches)).toEqual(shape(await ask(reference), reference));
      }),
      { numRuns: 300 },
    );
  });
});
