import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CredentialStore } from '@auth/core';
import { redact, StoreChain } from '@auth/core';
import { UsageError } from './errors.js';
import { STORE_NAMES } from './spec.js';
import { closest, didYouMean } from './suggest.js';
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

/**
 * The stores that live under HOME: ~/.rattler/credentials.json and the netrc. Without a usable
 * HOME the default file is an error (never the current folder), unless RATTLER_AUTH_FILE names a
 * file: then that file serves alone (a container set up that way on purpose is not nagged), with
 * the netrc only if NETRC names one.
 */
async function homeStores(io: Io, hasEnvFile: boolean): Promise<CredentialStore[]> {
  const { FileStore, defaultCredentialsPath } = await import('@auth/store-file');
  if (hasEnvFile) {
    try {
      defaultCredentialsPath(io.env);
    } catch {
      return io.env.NETRC ? [await netrcStore(io)] : [];
    }
  }
  return [new FileStore({ env: io.env }), await netrcStore(io)];
}

/** A store as messages name it: its name, and where it keeps its data. */
export function where(store: CredentialStore): string {
  // A path is shown redacted: one typed from a URL may hold a password or a conda token.
  return store.location ? `${store.name} (${redact(store.location)})` : store.name;
}

/** The chain a command works on, and the keychain warning it owes the user, if any. */
export interface Selection {
  chain: StoreChain;
  /** Prints the warning about a store that could not be used, once, if there is one. */
  reportUnavailable(): void;
}

// What to do about a keychain that is slow or missing; every warning about it says so.
const KEYCHAIN_ADVICE = 'AUTH_KEYCHAIN_TIMEOUT_MS=<ms> waits longer for it; AUTH_KEYCHAIN=off leaves it out';

/** `AUTH_KEYCHAIN=off` leaves the keychain out of the default chain (headless machines). */
const keychainOff = (env: NodeJS.ProcessEnv): boolean => env.AUTH_KEYCHAIN?.toLowerCase() === 'off';

/**
 * The stores a command works on, as a chain. `--file` or `--store` select one store, whose
 * failures are errors; otherwise rattler's chain: RATTLER_AUTH_FILE, keychain (unless
 * AUTH_KEYCHAIN=off), ~/.rattler/credentials.json, netrc, with unavailable stores passed over.
 * A fallback of a write is warned about at once; a store passed over only when the command
 * calls reportUnavailable(), that is when the store was needed.
 */
export async function selectStores(args: StoreArgs, io: Io): Promise<Selection> {
  if (args.store !== undefined || args.file !== undefined) {
    const store = await selectOne(args, io);
    return { chain: new StoreChain([store], { passOverUnavailable: false }), reportUnavailable: () => {} };
  }
  const stores: CredentialStore[] = [];
  const envFile = io.env.RATTLER_AUTH_FILE;
  if (envFile) stores.push(await fileStore(io, resolve(io.cwd, envFile)));
  if (!keychainOff(io.env)) stores.push(await keychainStore());
  stores.push(...(await homeStores(io, Boolean(envFile))));
  let pending: string | undefined;
  let warned = false;
  const once = (message: string) => {
    if (warned) return;
    warned = true;
    warn(io, `${message} (${KEYCHAIN_ADVICE})`);
  };
  const chain = new StoreChain(stores, {
    onUnavailable(_store, error) {
      pending ??= `${error.message}; using the other stores`;
    },
    onFallback(_from, to, error) {
      // Never a silent shadow: a keychain that exists but could not be read (locked, hung) may hold
      // an older entry for the key, and it comes first in the chain: that entry wins again later.
      const shadow = error.reason !== 'no-keychain' && error.reason !== 'no-collection' ? '; an older entry in the keychain may win once it is unlocked or answers again (auth logout <host> then removes both)' : '';
      once(`${error.message}; the credential was stored in plain text in ${redact(to.location ?? to.name)} instead${shadow}`);
    },
  });
  return { chain, reportUnavailable: () => pending !== undefined && once(pending) };
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
    default:
      if (file) throw new UsageError('--file goes with --store file, not with a store module');
      // In servers.cjs: code compiled from the Node 20 code cache cannot import() (code-cache.ts).
      return (await import('./store-module.js')).loadModule(moduleTarget(args.store ?? '', io));
  }
}

const NOT_A_STORE = `--store takes ${STORE_NAMES.join(', ')}, or a store module: a path (./my-store.mjs, /abs/store.js) or the name of an installed package`;

/**
 * What `--store <module>` loads. A module must look like a path, or be a package name that
 * resolves from the current folder or beside the CLI. Anything else (a typo of a store name,
 * a word that names nothing installed) is a usage error before anything is loaded. The value is
 * never echoed: it may be a secret given to the wrong flag.
 */
function moduleTarget(specifier: string, io: Io): string {
  if (/^(\.{1,2}\/|\/|file:)/.test(specifier)) return specifier.startsWith('file:') ? specifier : pathToFileURL(resolve(io.cwd, specifier)).href;
  const guesses = closest(specifier, STORE_NAMES);
  if (guesses.length === 0 && PACKAGE_NAME.test(specifier)) {
    for (const from of [join(io.cwd, 'noop.js'), process.argv[1] ?? join(io.cwd, 'noop.js')]) {
      try {
        return pathToFileURL(process.getBuiltinModule('node:module').createRequire(from).resolve(specifier)).href;
      } catch {
        // not installed there
      }
    }
  }
  throw new UsageError(`${NOT_A_STORE}${didYouMean(guesses)}`, { help: 'auth --help' });
}

// npm's rule for package names, scoped or not.
const PACKAGE_NAME = /^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;
