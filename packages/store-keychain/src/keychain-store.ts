import {
  type Credential,
  type CredentialStore,
  decodeCredential,
  encodeCredential,
  StoreUnavailableError,
  validateCredential,
} from '@auth/core';
import { checkSessionBus } from './bus.js';
import { classify, notLoadable, timeoutError } from './errors.js';

type Keyring = typeof import('@napi-rs/keyring');

export interface KeychainStoreOptions {
  /** The keychain service; rattler and pixi use "rattler". */
  service?: string;
  /** Upper bound for every keychain call, in milliseconds. Default: AUTH_KEYCHAIN_TIMEOUT_MS or 3000. */
  timeoutMs?: number;
}

// Loaded on first use, so a program that never touches the keychain never pays for the native module.
let keyring: Promise<Keyring> | undefined;
function loadKeyring(): Promise<Keyring> {
  keyring ??= (async () => {
    // The module is CommonJS: where `require` exists (the CLI's bundle) it skips the ESM loader.
    if (typeof require === 'function') return require('@napi-rs/keyring') as Keyring;
    return import('@napi-rs/keyring');
  })().catch((error: unknown) => {
    keyring = undefined;
    throw notLoadable(error);
  });
  return keyring;
}

// On Linux the default falls back to the kernel keyring, which forgets everything at reboot.
const ENTRY_OPTIONS = { linux: { store: 'secret-service' as const } };

function defaultTimeout(): number {
  const fromEnv = Number(process.env.AUTH_KEYCHAIN_TIMEOUT_MS);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : 3000;
}

/**
 * The OS keychain (Secret Service on Linux, Keychain on macOS, Credential Manager on Windows),
 * laid out as rattler does: service "rattler", account = key, secret = rattler JSON.
 */
export class KeychainStore implements CredentialStore {
  readonly name = 'keychain';
  readonly service: string;
  readonly timeoutMs: number;
  #bus: Promise<void> | undefined;

  constructor(options: KeychainStoreOptions = {}) {
    this.service = options.service ?? 'rattler';
    this.timeoutMs = options.timeoutMs ?? defaultTimeout();
  }

  get location(): string {
    return `service "${this.service}"`;
  }

  /** Runs one keychain call, bounded by the timeout; errors come back classified. */
  async #call<T>(operation: string, run: (k: Keyring, signal: AbortSignal) => Promise<T>): Promise<T> {
    if (process.platform === 'linux') {
      this.#bus ??= checkSessionBus(this.timeoutMs);
      await this.#bus;
    }
    const k = await loadKeyring();
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(timeoutError(operation, this.timeoutMs));
      }, this.timeoutMs);
      // A hung native call must not keep the process alive after we gave up on it.
      timer.unref();
    });
    try {
      return await Promise.race([run(k, controller.signal), timeout]);
    } catch (error) {
      if (error instanceof StoreUnavailableError) throw error;
      throw classify(error, operation);
    } finally {
      clearTimeout(timer);
    }
  }

  #entry(k: Keyring, key: string) {
    return new k.AsyncEntry(this.service, key, ENTRY_OPTIONS);
  }

  async get(key: string): Promise<Credential | undefined> {
    const secret = await this.#call('read', (k, signal) => this.#entry(k, key).getPassword(signal));
    return secret == null ? undefined : decodeCredential(secret);
  }

  async set(key: string, credential: Credential): Promise<void> {
    validateCredential(credential);
    const secret = encodeCredential(credential);
    await this.#call('write', (k, signal) => this.#entry(k, key).setPassword(secret, signal));
  }

  async delete(key: string): Promise<boolean> {
    return this.#call('delete', (k, signal) => this.#entry(k, key).deleteCredential(signal));
  }

  async list(): Promise<string[]> {
    // The search API hands back secrets as well; only the account names leave this function.
    const found = await this.#call('list', (k, signal) => k.findCredentialsAsync(this.service, null, signal));
    return [...new Set(found.map((c) => c.account))].sort();
  }
}

export function createStore(options?: KeychainStoreOptions): KeychainStore {
  return new KeychainStore(options);
}
