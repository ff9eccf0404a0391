import type { CredentialStore } from '@auth/core';
import { UsageError } from './errors.js';

/** Loads a store module, whose `createStore()` returns a CredentialStore. */
export async function loadModule(target: string): Promise<CredentialStore> {
  let mod: { createStore?: unknown; default?: { createStore?: unknown } };
  try {
    mod = await import(target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot load the store module given to --store${code ? ` (${code})` : ''}`);
  }
  const create = mod.createStore ?? mod.default?.createStore;
  if (typeof create !== 'function') throw new UsageError('the store module given to --store does not export createStore()');
  const store = (await create()) as CredentialStore;
  for (const method of ['get', 'set', 'delete', 'list'] as const) {
    if (typeof store?.[method] !== 'function' || typeof store.name !== 'string') {
      throw new UsageError('createStore() of the store module given to --store did not return a credential store (name, get, set, delete, list)');
    }
  }
  return store;
}
