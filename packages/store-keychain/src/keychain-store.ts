import {
  type Credential,
  type CredentialStore,
  decodeCredential,
  type FirstHeld,
  encodeCredential,
  keyForWrite,
  keysForRead,
  StoreUnavailableError,
  validateCredential,
} from '@auth/core';
import { CallQueue } from './call-queue.js';
import { classify, notLoadable, timeoutError, unavailable } from './errors.js';
import { checkOnBus, checkSecretService } from './secret-service-check.js';
import { readFirstSecret, readServiceSecrets } from './secret-service-read.js';
import { deleteSecret, writeSecret } from './secret-service-write.js';
import { checkWindowsSecretSize } from './windows-limit.js';
import type { BusStep } from './session-bus.js';

type Keyring = typeof import('@napi-rs/keyring');

export interface KeychainStoreOptions {
  /** The keychain service; rattler and pixi use "rattler". */
  service?: string;
  /** Upper bound for every keychain call, in milliseconds. Default: env.AUTH_KEYCHAIN_TIMEOUT_MS or 3000. */
  timeoutMs?: number;
  /** Where DBUS_SESSION_BUS_ADDRESS, XDG_RUNTIME_DIR and AUTH_KEYCHAIN_TIMEOUT_MS are read. Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** The platform whose keychain rules apply. Default: process.platform. */
  platform?: NodeJS.Platform;
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
const DEFAULT_TIMEOUT_MS = 3000;
const MAX_TIMEOUT_MS = 2 ** 31 - 1; // setTimeout fires at once for anything longer
// Two native calls at a time leave the rest of libuv's four-thread pool to fs and dns.
const PARALLEL_CALLS = 2;

function timeoutFrom(env: NodeJS.ProcessEnv): number {
  const fromEnv = Number(env.AUTH_KEYCHAIN_TIMEOUT_MS);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_TIMEOUT_MS;
}

/**
 * The OS keychain (Secret Service on Linux, Keychain on macOS, Credential Manager on Windows),
 * laid out as rattler does: service "rattler", account = key, secret = rattler JSON.
 */
export class KeychainStore implements CredentialStore {
  readonly name = 'keychain';
  /**
   * The authenticator reads candidate keys directly rather than listing the service first: a
   * search per key costs the same for one entry or a thousand (3 keys: 15 ms, 50 ms), where a
   * list costs 8 ms for one entry and 1.1 s for a thousand.
   */
  readonly lookup = 'probe' as const;
  readonly service: string;
  readonly timeoutMs: number;
  readonly #env: NodeJS.ProcessEnv;
  readonly #platform: NodeJS.Platform;
  readonly #queue = new CallQueue(PARALLEL_CALLS);
  #ready: Promise<Keyring> | undefined;
  #checked: Promise<void> | undefined;
  /** When the check failed (performance.now()): its answer holds for `timeoutMs`, then it is asked again. */
  #checkFailedAt: number | undefined;
  /** When a call timed out (performance.now()): later calls fail at once for `timeoutMs`. */
  #stalledAt: number | undefined;
  /** The secrets the last list() read, by key, so the get()s that usually follow cost nothing. */
  #listed: Map<string, string> | undefined;

  constructor(options: KeychainStoreOptions = {}) {
    this.#env = options.env ?? process.env;
    this.#platform = options.platform ?? process.platform;
    this.service = options.service ?? 'rattler';
    this.timeoutMs = Math.min(options.timeoutMs ?? timeoutFrom(this.#env), MAX_TIMEOUT_MS);
  }

  get location(): string {
    return `service "${this.service}"`;
  }

  /**
   * The native module: on macOS and Windows only. On Linux a bus that refused our authentication
   * is no keychain (see below).
   */
  #keyring(): Promise<Keyring> {
    this.#ready ??= this.#check().then(() => {
      // On Linux the native client would talk to the same bus, and a native call that never
      // returns cannot be abandoned: process.exit() waits for its thread forever. A bus that took
      // our authentication's refusal and then accepted the native client's could go silent (a
      // stopped daemon behind a cookie-only bus), so it is no keychain, said as such.
      if (this.#platform === 'linux') {
        throw unavailable(
          'no-keychain',
          'the session bus refused our authentication (EXTERNAL); the native client is not used there, because a call it makes cannot be bounded by the timeout',
        );
      }
      return loadKeyring();
    });
    return this.#ready;
  }

  /**
   * On Linux, whether the Secret Service can be used, asked once per store (secret-service-check.ts):
   * a keychain that failed is not asked again by every later call of the same command.
   */
  #check(): Promise<void> {
    return this.#checkAnswer() ?? this.#setCheckAnswer(this.#platform === 'linux' ? checkSecretService(this.#env, this.timeoutMs) : Promise.resolve());
  }

  /**
   * The check's answer while it holds. A failed check is forgotten `timeoutMs` after it failed,
   * so a long-running program asks again (a keyring unlocked later, a daemon that resumed).
   */
  #checkAnswer(): Promise<void> | undefined {
    if (this.#checkFailedAt !== undefined && performance.now() - this.#checkFailedAt >= this.timeoutMs) {
      this.#checked = undefined;
      this.#ready = undefined;
      this.#checkFailedAt = undefined;
    }
    return this.#checked;
  }

  #setCheckAnswer(answer: Promise<void>): Promise<void> {
    this.#checked = answer;
    answer.catch(() => {
      if (this.#checked === answer) this.#checkFailedAt = performance.now();
    });
    return answer;
  }

  /** Runs one keychain call, bounded by the timeout from the moment it starts; errors come back classified. */
  async #call<T>(operation: string, run: (k: Keyring, signal: AbortSignal) => Promise<T>): Promise<T> {
    this.#failIfStalled();
    const k = await this.#keyring();
    return this.#inSlot(async () => {
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
    });
  }

  #entry(k: Keyring, key: string) {
    return new k.AsyncEntry(this.service, key, ENTRY_OPTIONS);
  }

  async get(key: string): Promise<Credential | undefined> {
    return (await this.getFirst([key]))?.credential;
  }

  /**
   * The first of `keys` that has an entry, each read in its forms (`keysForRead`): on Linux every
   * form of every key is searched for on one connection at once (a URL's candidate keys cost one
   * exchange, not one connection each), elsewhere one native read at a time.
   */
  async getFirst(keys: readonly string[]): Promise<FirstHeld | undefined> {
    const forms = keys.flatMap((key) => [...keysForRead(key)].map((form) => ({ key, form })));
    // A listing read just now answers for its keys; forms before the first listed one are asked.
    const listedAt = this.#listed ? forms.findIndex(({ form }) => this.#listed?.has(form)) : -1;
    const listed = listedAt >= 0 ? forms[listedAt] : undefined;
    const asked = listedAt >= 0 ? forms.slice(0, listedAt) : forms;
    const held = (asked.length > 0 ? await this.#readFirst(asked) : undefined) ?? (listed && { key: listed.key, secret: this.#listed?.get(listed.form) });
    return held?.secret == null ? undefined : { key: held.key, credential: decodeCredential(held.secret) };
  }

  /** Over D-Bus from JavaScript on Linux, through the native module elsewhere. */
  async #readFirst(forms: { key: string; form: string }[]): Promise<{ key: string; secret: string } | undefined> {
    if (this.#platform === 'linux') {
      const names = forms.map(({ form }) => form);
      const read = await this.#overBus((first) => readFirstSecret(this.#env, this.timeoutMs, this.service, names, first));
      if (read) {
        const found = read.held && forms[names.indexOf(read.held.key)];
        return found && read.held ? { key: found.key, secret: read.held.secret } : undefined;
      }
    }
    for (const { key, form } of forms) {
      const secret = await this.#call('read', (k, signal) => this.#entry(k, form).getPassword(signal));
      if (secret != null) return { key, secret };
    }
    return undefined;
  }

  async set(given: string, credential: Credential): Promise<void> {
    const key = keyForWrite(given);
    validateCredential(credential);
    const secret = encodeCredential(credential);
    if (this.#platform === 'win32') checkWindowsSecretSize(secret);
    const written = this.#platform === 'linux' && (await this.#overBus((first) => writeSecret(this.#env, this.timeoutMs, this.service, key, secret, first)));
    if (!written) await this.#call('write', (k, signal) => this.#entry(k, key).setPassword(secret, signal));
    this.#listed?.set(key, secret);
  }

  async delete(given: string): Promise<boolean> {
    let deleted = false;
    for (const key of keysForRead(given)) deleted = (await this.#deleteKey(key)) || deleted;
    return deleted;
  }

  async #deleteKey(key: string): Promise<boolean> {
    const overBus = this.#platform === 'linux' ? await this.#overBus((first) => deleteSecret(this.#env, this.timeoutMs, this.service, key, first)) : undefined;
    const deleted = overBus ? overBus.deleted : await this.#call('delete', (k, signal) => this.#entry(k, key).deleteCredential(signal));
    this.#listed?.delete(key);
    return deleted;
  }

  /**
   * Runs a keychain operation in its turn of the queue, unless one timed out within the last
   * `timeoutMs`: a keychain that stopped answering is not waited for again by each later call of
   * a command (`auth logout` makes three, which would take three timeouts), nor by calls queued
   * behind the one that waited (the stall is noted before its turn passes to them); a
   * long-running program asks it again once that time has passed.
   */
  #inSlot<T>(operation: () => Promise<T>): Promise<T> {
    return this.#queue.run(async () => {
      this.#failIfStalled();
      try {
        return await operation();
      } catch (error) {
        if (error instanceof StoreUnavailableError && error.reason === 'timeout') this.#stalledAt = performance.now();
        throw error;
      }
    });
  }

  #failIfStalled(): void {
    if (this.#stalledAt === undefined) return;
    const ago = performance.now() - this.#stalledAt;
    if (ago < this.timeoutMs) throw unavailable('timeout', `not asked: a call ${Math.round(ago)} ms ago took over ${this.timeoutMs} ms`);
  }

  /**
   * On Linux every operation goes to the Secret Service over D-Bus from JavaScript, after the
   * check, one at a time per the queue; a bus that refused our authentication is no keychain
   * (the operation answers undefined or false, and #keyring() says why). The first operation runs
   * the check on its own connection, first (one connection instead of two: a connection costs
   * `auth token` as much as the read); later ones wait for its answer.
   */
  async #overBus<T>(operation: (first: BusStep | undefined) => Promise<T>): Promise<T> {
    this.#failIfStalled();
    const checked = this.#checkAnswer();
    if (checked) {
      await checked;
      return this.#inSlot(() => operation(undefined));
    }
    let passed = false;
    const check: BusStep = async (bus) => {
      await checkOnBus(bus);
      passed = true;
    };
    const result = this.#inSlot(() => operation(check));
    // The check's answer, for later operations: passed, or the operation's own error (a check that
    // failed, a bus that could not be reached or went silent, all classified by the operation).
    this.#setCheckAnswer(
      result.then(
        () => {},
        (error: unknown) => {
          if (!passed) throw error;
        },
      ),
    ).catch(() => {}); // read by later operations
    return result;
  }

  /**
   * One read of the whole service, with every secret. The secrets stay in this store (never in
   * what list() returns) so that reading each listed entry, as `auth list` does, costs no further
   * call: a thousand entries are one read, not a thousand. On Linux the read goes over D-Bus from
   * JavaScript (secret-service-read.ts), which is what makes a thousand entries fit the timeout.
   */
  async list(): Promise<string[]> {
    this.#listed = (await this.#readFromSecretService()) ?? (await this.#readNatively());
    return [...this.#listed.keys()].sort();
  }

  async #readFromSecretService(): Promise<Map<string, string> | undefined> {
    if (this.#platform !== 'linux') return undefined;
    return this.#overBus((first) => readServiceSecrets(this.#env, this.timeoutMs, this.service, first));
  }

  async #readNatively(): Promise<Map<string, string>> {
    const found = await this.#call('list', (k, signal) => k.findCredentialsAsync(this.service, null, signal));
    const listed = new Map<string, string>();
    for (const c of found) if (!listed.has(c.account)) listed.set(c.account, c.password);
    return listed;
  }
}

export function createStore(options?: KeychainStoreOptions): KeychainStore {
  return new KeychainStore(options);
}
