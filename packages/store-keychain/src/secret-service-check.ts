import { type BusConnection, BusErrorReply } from './dbus-connection.js';
import { unavailable } from './errors.js';
import { withSessionBus } from './session-bus.js';

/**
 * Asks the Secret Service itself, from JavaScript and bounded by a timeout, whether it can be used,
 * before the native module is touched. A native call that never returns cannot be abandoned:
 * it holds a thread-pool thread, and process.exit() waits for that thread forever. So a stopped
 * keyring daemon, a bus that goes silent, an address that is not one, a locked keyring and a
 * missing default keyring are all found here, each with its own reason.
 *
 * One round trip on the bus: ReadAlias("default") and the Locked property of the alias's object
 * (the specification's /org/freedesktop/secrets/aliases/default) are sent together.
 */
export async function checkSecretService(env: NodeJS.ProcessEnv, timeoutMs: number): Promise<void> {
  // A bus that refuses our authentication cannot be asked; the native client has more mechanisms.
  await withSessionBus(env, timeoutMs, 'asking the Secret Service over D-Bus', ask);
}

export const SECRETS = 'org.freedesktop.secrets';
const COLLECTION = 'org.freedesktop.Secret.Collection';
const lockedOf = (bus: BusConnection, path: string) =>
  bus.call({ destination: SECRETS, path, interface: 'org.freedesktop.DBus.Properties', member: 'Get', args: [COLLECTION, 'Locked'] });

async function ask(bus: BusConnection): Promise<void> {
  const alias = bus.call({ destination: SECRETS, path: '/org/freedesktop/secrets', interface: 'org.freedesktop.Secret.Service', member: 'ReadAlias', args: ['default'] });
  const aliasLocked = lockedOf(bus, '/org/freedesktop/secrets/aliases/default');
  aliasLocked.catch(() => {}); // read below, or not needed when there is no default
  let path: unknown;
  try {
    [path] = await alias;
  } catch (error) {
    throw fromBus(error);
  }
  if (path === '/' || typeof path !== 'string') throw unavailable('no-collection', 'no collection has the alias "default"');
  let locked: unknown;
  try {
    [locked] = await aliasLocked;
  } catch {
    // A service without alias objects: ask the collection itself.
    try {
      [locked] = await lockedOf(bus, path);
    } catch (error) {
      throw fromBus(error);
    }
  }
  if (locked === true) throw unavailable('locked', 'the default keyring is locked');
}

export function fromBus(error: unknown): Error {
  if (error instanceof BusErrorReply) {
    const missing = /ServiceUnknown|NameHasNoOwner|Spawn\./.test(error.errorName);
    return unavailable('no-keychain', missing ? `nothing owns ${SECRETS} on the session bus` : `the Secret Service answered ${error.errorName}`);
  }
  return error as Error;
}

