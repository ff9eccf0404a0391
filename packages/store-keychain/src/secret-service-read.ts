import type { BusConnection } from './dbus-connection.js';
import { Variant } from './dbus-message.js';
import { unavailable } from './errors.js';
import { ITEM, PROPERTIES, SERVICE, SERVICE_PATH, secretCall } from './secret-service-api.js';
import { type BusStep, UNASKABLE, withSessionBus } from './session-bus.js';

/**
 * Entries of a keychain service with their secrets, read straight from the Secret Service from
 * JavaScript: SearchItems by attributes (`service`, and `username` for one key, as keyring-rs
 * writes them), each item's Attributes when the accounts are not known, and one GetSecrets for
 * all of them over a "plain" session (the bus is local to this user), each step pipelined. The
 * native findCredentials asks for each secret on its own and opens a new encrypted session per
 * call; a read here needs no native module at all.
 *
 * A read is bounded by silence, not by its total: gnome-keyring answers 1,000 Attributes calls in
 * about 1.6 s, and a stopped daemon still ends the read within the timeout. Both return
 * undefined when the bus cannot be asked from JavaScript (it refused our authentication).
 */
export async function readServiceSecrets(env: NodeJS.ProcessEnv, timeoutMs: number, service: string, first?: BusStep): Promise<Map<string, string> | undefined> {
  const read = await withSessionBus(env, timeoutMs, `listing service "${service}" over D-Bus`, (bus) => readItems(bus, { service }), { untilSilent: true, first });
  return read === UNASKABLE ? undefined : read;
}

/** The secret of one key: `{ secret }`, `{ secret: undefined }` when there is none. */
export async function readSecret(env: NodeJS.ProcessEnv, timeoutMs: number, service: string, key: string, first?: BusStep): Promise<{ secret: string | undefined } | undefined> {
  const read = await withSessionBus(env, timeoutMs, `reading ${JSON.stringify(key)} over D-Bus`, (bus) => readItems(bus, { service, username: key }), { untilSilent: true, first });
  return read === UNASKABLE ? undefined : { secret: read.get(key) };
}

async function readItems(bus: BusConnection, attributes: { service: string; username?: string }): Promise<Map<string, string>> {
  const call = (member: string, signature: string, args: unknown[]) => secretCall(bus, SERVICE_PATH, SERVICE, member, signature, args);
  const search = call('SearchItems', 'a{ss}', [new Map(Object.entries(attributes))]);
  const session = call('OpenSession', 'sv', ['plain', new Variant('s', '')]);
  session.catch(() => {}); // awaited below, after the search has been checked
  const [unlocked, locked] = (await search) as [string[], string[]];
  if (locked.length > 0) throw unavailable('locked', `${locked.length} matching entries are in a locked keyring`);
  const [, sessionPath] = (await session) as [unknown, string];
  if (unlocked.length === 0) return new Map();

  const { username } = attributes;
  const accounts = unlocked.map((item) =>
    username !== undefined
      ? Promise.resolve(username)
      : secretCall(bus, item, PROPERTIES, 'Get', 'ss', [ITEM, 'Attributes']).then(([attrs]) => (attrs as Map<string, string>).get('username')),
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
