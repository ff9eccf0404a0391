import type { BusConnection } from './dbus-connection.js';
import { Variant } from './dbus-message.js';
import { unavailable } from './errors.js';
import { fromBus, SECRETS } from './secret-service-check.js';
import { UNASKABLE, withSessionBus } from './session-bus.js';

const SERVICE_PATH = '/org/freedesktop/secrets';
const SERVICE_IFACE = 'org.freedesktop.Secret.Service';

/**
 * Every entry of a keychain service with its secret, read straight from the Secret Service in
 * three pipelined steps: SearchItems by the `service` attribute, each item's Attributes (the
 * account is the `username` attribute, as keyring-rs writes it), and one GetSecrets for all of
 * them over a "plain" session (the bus is local to this user). The native findCredentials asks
 * for each secret on its own: 4.5 s for 1,000 entries here, past any sensible timeout. The read
 * is bounded by silence, not by its total: gnome-keyring answers 1,000 Attributes calls in
 * about 1.6 s, and a stopped daemon still ends it within the timeout.
 *
 * Returns undefined when the bus cannot be asked from JavaScript (it refused our authentication).
 */
export async function readServiceSecrets(env: NodeJS.ProcessEnv, timeoutMs: number, service: string): Promise<Map<string, string> | undefined> {
  const read = await withSessionBus(env, timeoutMs, `listing service "${service}" over D-Bus`, (bus) => readAll(bus, service), true);
  return read === UNASKABLE ? undefined : read;
}

async function readAll(bus: BusConnection, service: string): Promise<Map<string, string>> {
  const call = (member: string, signature: string, args: unknown[]) =>
    bus.call({ destination: SECRETS, path: SERVICE_PATH, interface: SERVICE_IFACE, member, signature, args }).catch((e: unknown) => {
      throw fromBus(e);
    });
  const search = call('SearchItems', 'a{ss}', [new Map([['service', service]])]);
  const session = call('OpenSession', 'sv', ['plain', new Variant('s', '')]);
  session.catch(() => {}); // awaited below, after the search has been checked
  const [unlocked, locked] = (await search) as [string[], string[]];
  if (locked.length > 0) throw unavailable('locked', `${locked.length} entries of service "${service}" are in a locked keyring`);
  const [, sessionPath] = (await session) as [unknown, string];
  if (unlocked.length === 0) return new Map();

  const attributes = unlocked.map((item) =>
    bus.call({ destination: SECRETS, path: item, interface: 'org.freedesktop.DBus.Properties', member: 'Get', args: ['org.freedesktop.Secret.Item', 'Attributes'] }),
  );
  for (const a of attributes) a.catch(() => {}); // each is awaited below unless an earlier step failed
  const secrets = call('GetSecrets', 'aoo', [unlocked, sessionPath]);
  const [found] = (await secrets) as [Map<string, [string, Buffer, Buffer, string]>];
  const byKey = new Map<string, string>();
  for (const [i, item] of unlocked.entries()) {
    const [attrs] = (await (attributes[i] as Promise<unknown[]>).catch((e: unknown) => {
      throw fromBus(e);
    })) as [Map<string, string>];
    const account = attrs.get('username');
    const secret = found.get(item)?.[2];
    if (account !== undefined && secret !== undefined && !byKey.has(account)) byKey.set(account, secret.toString('utf8'));
  }
  return byKey;
}
