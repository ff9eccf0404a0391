import { type BusConnection, BusErrorReply } from './dbus-connection.js';
import { unavailable } from './errors.js';

/** The Secret Service's bus name and objects, from the freedesktop.org specification. */
const SECRETS = 'org.freedesktop.secrets';
export const SERVICE_PATH = '/org/freedesktop/secrets';
export const SERVICE = 'org.freedesktop.Secret.Service';
export const ITEM = 'org.freedesktop.Secret.Item';
export const COLLECTION = 'org.freedesktop.Secret.Collection';
export const PROPERTIES = 'org.freedesktop.DBus.Properties';

/** Calls a method of the Secret Service; an error reply becomes the keychain's typed error. */
export function secretCall(bus: BusConnection, path: string, iface: string, member: string, signature?: string, args?: unknown[]): Promise<unknown[]> {
  return bus.call({ destination: SECRETS, path, interface: iface, member, ...(signature ? { signature, args } : args ? { args } : {}) }).catch((e: unknown) => {
    throw fromBus(e);
  });
}

function fromBus(error: unknown): Error {
  if (error instanceof BusErrorReply) {
    const missing = /ServiceUnknown|NameHasNoOwner|Spawn\./.test(error.errorName);
    return unavailable('no-keychain', missing ? `nothing owns ${SECRETS} on the session bus` : `the Secret Service answered ${error.errorName}`);
  }
  return error as Error;
}
