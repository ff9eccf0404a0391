import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import type { CredentialStore } from '@auth/core';
import { StoreChain } from '@auth/core';
import { UsageError } from './errors.js';
import { type Io, warn } from './io.js';

export interface StoreArgs {
  file?: string | undefined;
  store?: string | undefined;
}

// Each store package is imported only when the selection needs it: `--file` never loads the
// keychain's native module.
// Stores read HOME and NETRC from the command's environment, and netrc problems are warnings.
const fileStore = async (io: Io, path?: string) => new (await import('@auth/store-file')).FileStore({ env: io.env, ...(path ? { path } : {}) });
const keychainStore = async () => new (await import('@auth/store-keychain')).KeychainStore();
const netrcStore = async (io: Io) =>
  new (await import('@auth/store-netrc')).NetrcStore({ env: io.env, onWarning: (message) => warn(io, message) });

/** A store as messages name it: its name, and where it keeps its data. */
export function where(store: CredentialStore): string {
  return store.location ? `${store.name} (${store.location})` : store.name;
}

/**
 * The stores a command works on, as a chain. `--file` or `--store` select one store, whose
 * failures are errors; otherwise rattler's chain: RATTLER_AUTH_FILE, keychain,
 * ~/.rattler/credentials.json, netrc, with unavailable stores reported once and passed over.
 */
export async function selectStores(args: StoreArgs, io: Io): Promise<StoreChain> {
  if (args.store !== undefined || args.file !== undefined) {
    const store = await selectOne(args, io);
    return new StoreChain([store], { passOverUnavailable: false });
  }
  const stores: CredentialStore[] = [];
  const envFile = io.env.RATTLER_AUTH_FILE;
  if (envFile) stores.push(await fileStore(io, resolve(io.cwd, envFile)));
  stores.push(await keychainStore(), await fileStore(io), await netrcStore(io));
  let warned = false;
  return new StoreChain(stores, {
    onUnavailable(_store, error) {
      if (warned) return;
      warned = true;
      warn(io, `${error.message}; using the other stores`);
    },
    onFallback(_from, to, error) {
      if (warned) return;
      warned = true;
      warn(io, `${error.message}; the credential was stored in plain text in ${to.location ?? to.name} instead`);
    },
  });
}

async function selectOne(args: StoreArgs, io: Io): Promise<CredentialStore> {
  const file = args.file === undefined ? undefined : resolve(io.cwd, args.file);
  if (args.file === '') throw new UsageError('--file needs a path');
  switch (args.store) {
    case undefined:
    case 'file':
      return fileStore(io, file);
    case 'keychain':
    case 'netrc':
      if (file) throw new UsageError(`--file goes with --store file, not --store ${args.store}`);
      return args.store === 'keychain' ? keychainStore() : netrcStore(io);
    case '':
      throw new UsageError('--store needs a name: keychain, file, netrc, or a module');
    default:
      if (file) throw new UsageError('--file goes with --store file, not with a store module');
      return loadModule(args.store, io);
  }
}

/** `--store <module>`: a path or package whose `createStore()` returns a CredentialStore. */
async function loadModule(specifier: string, io: Io): Promise<CredentialStore> {
  const looksLikePath = specifier.startsWith('.') || isAbsolute(specifier);
  let target: string;
  if (looksLikePath) {
    target = pathToFileURL(resolve(io.cwd, specifier)).href;
  } else {
    // A package installed where the user runs the command first, then one the CLI itself has.
    try {
      target = pathToFileURL(createRequire(join(io.cwd, 'noop.js')).resolve(specifier)).href;
    } catch {
      target = specifier;
    }
  }
  let mod: { createStore?: unknown; default?: { createStore?: unknown } };
  try {
    mod = await import(target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot load the store module "${specifier}"${code ? ` (${code})` : ''}`);
  }
  const create = mod.createStore ?? mod.default?.createStore;
  if (typeof create !== 'function') throw new UsageError(`the store module "${specifier}" does not export createStore()`);
  const store = (await create()) as CredentialStore;
  for (const method of ['get', 'set', 'delete', 'list'] as const) {
    if (typeof store?.[method] !== 'function' || typeof store.name !== 'string') {
      throw new UsageError(`createStore() of "${specifier}" did not return a credential store (name, get, set, delete, list)`);
    }
  }
  return store;
}

