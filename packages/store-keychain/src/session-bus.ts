import { busAddresses } from './bus-address.js';
import { BusConnection, BusConnectionError } from './dbus-connection.js';
import { timeoutError, unavailable } from './errors.js';

/** Something asked on a connection before an operation's own calls (the Secret Service check). */
export type BusStep = (bus: BusConnection) => Promise<void>;

/** The bus refused our authentication (a TCP bus that wants cookies): nothing can be asked from here. */
export const UNASKABLE = Symbol('unaskable');

/**
 * Connects to the session bus named by `env`, runs `use` on the connection and closes it, all
 * within `timeoutMs` or, with `untilSilent`, until the bus has said nothing for `timeoutMs`
 * (a long read that keeps answering is not cut off; a stopped daemon still is). Addresses are tried in order, as libdbus does; an address that is not one,
 * or a bus that cannot be reached, is "no keychain"; a bus or service that does not answer in
 * time is a timeout.
 */
export async function withSessionBus<T>(
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  operation: string,
  use: (bus: BusConnection) => Promise<T>,
  untilSilent = false,
): Promise<T | typeof UNASKABLE> {
  const addresses = busAddresses(env);
  if ('problem' in addresses) throw unavailable('no-keychain', addresses.problem);
  let bus: BusConnection | undefined;
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(timeoutError(operation, timeoutMs));
      bus?.close();
    }, timeoutMs);
  });
  deadline.catch(() => {}); // observed through the race below
  try {
    let last: Error | undefined;
    for (const target of addresses.targets) {
      if (timedOut) break;
      bus = new BusConnection(target, untilSilent ? () => timer?.refresh() : undefined);
      try {
        return await Promise.race([use(bus), deadline]);
      } catch (error) {
        if (!(error instanceof BusConnectionError)) throw error;
        if (error.errno === 'REJECTED') return UNASKABLE;
        last = error; // libdbus tries the next address too
      } finally {
        bus.close();
      }
    }
    if (timedOut) throw timeoutError(operation, timeoutMs);
    throw unavailable('no-keychain', last?.message);
  } finally {
    clearTimeout(timer);
  }
}
