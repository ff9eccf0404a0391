import type { BusConnection } from './dbus-connection.js';
import { Variant } from './dbus-message.js';
import { unavailable } from './errors.js';
import { ITEM, PROPERTIES, SERVICE, SERVICE_PATH, secretCall } from './secret-service-api.js';
import { type BusStep, UNASKABLE, withSessionBus } from './session-bus.js';

/**
 * Entries of a keychain service with their secrets, read straight from the Secret Service from
 * JavaScript: SearchItems by attributes (`service`, and `username` for a key, as keyring-rs
 * writes them), each item's Attributes for its account, and one GetSecrets for all of them over a "plain" session (the bus is local to this user), each step pipelined. The
 * native findCredentials asks for each secret on its own and opens a new encrypted session per
 * call; a read here needs no native module at all.
 *
 * A read is bounded by silence, not by its total: gnome-keyring answers 1,000 Attributes calls in
 * about 1.6 s, and a stopped daemon still ends the read within the timeout. Reads return
 * undefined when the bus cannot be asked from JavaScript (it refused our authentication).
 */
export async function readServiceSecrets(env: NodeJS.ProcessEnv, timeoutMs: number, service: string, first?: BusStep): Promise<Map<string, string> | undefined> {
  const read = await withSessionBus(env, timeoutMs, `listing service "${service}" over D-Bus`, (bus) => readItems(bus, service), { untilSilent: true, alongsideFirst: true, first });
  return read === UNASKABLE ? undefined : read;
}

/**
 * The first of `keys`, in order, that has a secret: `{ held: { key, secret } }`, or
 * `{ held: undefined }` when none has. Every key's search goes out in one write on one
 * connection, so probing a URL's candidate keys costs two round trips, not two per key. A few
 * answers at most: bounded by the timeout itself, not by silence as a listing is.
 */
export async function readFirstSecret(
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  service: string,
  keys: readonly string[],
  first?: BusStep,
): Promise<{ held: { key: string; secret: string } | undefined } | undefined> {
  const operation = keys.length === 1 ? `reading ${JSON.stringify(keys[0])} over D-Bus` : `reading ${keys.length} keys over D-Bus`;
  const read = await withSessionBus(env, timeoutMs, operation, (bus) => readFirstItem(bus, service, keys), { alongsideFirst: true, first });
  return read === UNASKABLE ? undefined : { held: read };
}

async function readFirstItem(bus: BusConnection, service: string, keys: readonly string[]): Promise<{ key: string; secret: string } | undefined> {
  const call = (member: string, signature: string, args: unknown[]) => secretCall(bus, SERVICE_PATH, SERVICE, member, signature, args);
  const searches = keys.map((username) => call('SearchItems', 'a{ss}', [new Map([['service', service], ['username', username]])]));
  const session = call('OpenSession', 'sv', ['plain', new Variant('s', '')]);
  for (const pending of [...searches, session]) pending.catch(() => {}); // awaited below in order, unless an earlier one answered
  for (const [i, search] of searches.entries()) {
    const [unlocked, locked] = (await search) as [string[], string[]];
    if (locked.length > 0) throw unavailable('locked', `${locked.length} matching entries are in a locked keyring`);
    if (unlocked.length === 0) continue;
    const [, sessionPath] = (await session) as [unknown, string];
    const [found] = (await call('GetSecrets', 'aoo', [unlocked, sessionPath])) as [Map<string, [string, Buffer, Buffer, string]>];
    for (const item of unlocked) {
      const secret = found.get(item)?.[2];
      if (secret !== undefined) return { key: keys[i] as string, secret: secret.toString('utf8') };
    }
  }
  return undefined;
}

async function readItems(bus: BusConnection, service: string): Promise<Map<string, string>> {
  const call = (member: string, signature: string, args: unknown[]) => secretCall(bus, SERVICE_PATH, SERVICE, member, signature, args);
  const search = call('SearchItems', 'a{ss}', [new Map([['service', service]])]);
  const session = call('OpenSession', 'sv', ['plain', new Variant('s', '')]);
  session.catch(() => {}); // awaited below, after the search has been checked
  const [unlocked, locked] = (await search) as [string[], string[]];
  if (locked.length > 0) throw unavailable('locked', `${locked.length} matching entries are in a locked keyring`);
  const [, sessionPath] = (await session) as [unknown, string];
  if (unlocked.length === 0) return new Map();

  const accounts = unlocked.map((item) =>
    secretCall(bus, item, PROPERTIES, 'Get', 'ss', [ITEM, 'Attributes']).then(([attrs]) => (attrs as Map<string, string>).get('username')),
  );
  for (const a of accounts) a.catch(() => {}); // each is awaited below unless an earlier step failed
  const [found] = (await call('GetSecrets', 'aoo', [unlocked, sessionPath])) as [Map<string, [string, Buffer, Buffer, string]>];
  const byKey = new Map<string, string>();
  for (const [i, item] of unlocked.entries()) {
    const account = await accounts[i];
    const secret = found.get(item)?.[2];
    if (account !== undefined && secret !== undefined && !byKey.has(account)) byKey.set(account, secret.toString('utf8'));
  }
  return byKey;
}
