import type { BusConnection } from './dbus-connection.js';
import { unavailable } from './errors.js';
import { COLLECTION, PROPERTIES, SERVICE, SERVICE_PATH, secretCall } from './secret-service-api.js';
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
  await withSessionBus(env, timeoutMs, 'asking the Secret Service over D-Bus', checkOnBus);
}

const lockedOf = (bus: BusConnection, path: string) => secretCall(bus, path, PROPERTIES, 'Get', 'ss', [COLLECTION, 'Locked']);

/** The check, on a connection an operation opened: it then needs no connection of its own. */
export async function checkOnBus(bus: BusConnection): Promise<void> {
  const alias = secretCall(bus, SERVICE_PATH, SERVICE, 'ReadAlias', 's', ['default']);
  const aliasLocked = lockedOf(bus, '/org/freedesktop/secrets/aliases/default');
  aliasLocked.catch(() => {}); // read below, or not needed when there is no default
  const [path] = await alias;
  if (path === '/' || typeof path !== 'string') throw unavailable('no-collection', 'no collection has the alias "default"');
  let locked: unknown;
  try {
    [locked] = await aliasLocked;
  } catch {
    // A service without alias objects: ask the collection itself.
    [locked] = await lockedOf(bus, path);
  }
  if (locked === true) throw unavailable('locked', 'the default keyring is locked');
}
