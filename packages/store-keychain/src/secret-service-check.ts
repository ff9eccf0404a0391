import { busAddresses } from './bus-address.js';
import { BusConnection, BusConnectionError, BusErrorReply } from './dbus-connection.js';
import { timeoutError, unavailable } from './errors.js';

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
  const addresses = busAddresses(env);
  if ('problem' in addresses) throw unavailable('no-keychain', addresses.problem);
  let bus: BusConnection | undefined;
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(timeoutError('asking the Secret Service over D-Bus', timeoutMs));
      bus?.close();
    }, timeoutMs);
  });
  deadline.catch(() => {}); // observed through the race below
  try {
    let last: Error | undefined;
    for (const target of addresses.targets) {
      if (timedOut) break;
      bus = new BusConnection(target);
      try {
        return await Promise.race([ask(bus), deadline]);
      } catch (error) {
        if (!(error instanceof BusConnectionError)) throw error;
        // A bus that refuses EXTERNAL (a TCP bus wanting cookies) cannot be asked from here: the
        // native client has more mechanisms, and this bus at least answers.
        if (error.errno === 'REJECTED') return;
        last = error; // libdbus tries the next address too
      } finally {
        bus.close();
      }
    }
    if (timedOut) throw timeoutError('asking the Secret Service over D-Bus', timeoutMs);
    throw unavailable('no-keychain', last?.message);
  } finally {
    clearTimeout(timer);
  }
}

const SECRETS = 'org.freedesktop.secrets';
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

function fromBus(error: unknown): Error {
  if (error instanceof BusErrorReply) {
    const missing = /ServiceUnknown|NameHasNoOwner|Spawn\./.test(error.errorName);
    return unavailable('no-keychain', missing ? `nothing owns ${SECRETS} on the session bus` : `the Secret Service answered ${error.errorName}`);
  }
  return error as Error;
}

