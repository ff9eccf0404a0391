import { busAddresses } from './bus-address.js';
import { BusConnection, BusConnectionError } from './dbus-connection.js';
import type { StoreUnavailableError } from '@auth/core';
import { timeoutError, unavailable } from './errors.js';

/** Something asked on a connection before an operation's own calls (the Secret Service check). */
export type BusStep = (bus: BusConnection) => Promise<void>;

/** The bus refused our authentication (a TCP bus that wants cookies): nothing can be asked from here. */
export const UNASKABLE = Symbol('unaskable');

// A read that keeps answering is not cut off at the timeout, but not left to run for ever either:
// a bus that trickles bytes must not hold a command.
const MAX_SILENT_READ_TIMEOUTS = 10;

/**
 * Connects to the session bus named by `env`, runs `first` (the Secret Service check, when this
 * is the store's first operation) and then `use` on the connection, and closes it; with
 * `alongsideFirst` (a read), `use` starts with `first` and its answer is taken once `first` passed. `first` must
 * be done within `timeoutMs` of the start; `use` too or, with `untilSilent`, until the bus has
 * said nothing for `timeoutMs` (a long read that keeps answering is not cut off; a stopped
 * daemon still is), and within MAX_SILENT_READ_TIMEOUTS × `timeoutMs` in all. Addresses are
 * tried in order, as libdbus does; an address that is not one, or a bus that cannot be reached,
 * is "no keychain"; a bus or service that does not answer in time is a timeout.
 */
export async function withSessionBus<T>(
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  operation: string,
  use: (bus: BusConnection) => Promise<T>,
  options: { untilSilent?: boolean; alongsideFirst?: boolean; first?: BusStep | undefined } = {},
): Promise<T | typeof UNASKABLE> {
  const addresses = busAddresses(env);
  if ('problem' in addresses) throw unavailable('no-keychain', addresses.problem);
  let bus: BusConnection | undefined;
  // Silence extends the deadline only once the check is done: a check answers at once or not at all.
  let extending = false;
  let timer: NodeJS.Timeout | undefined;
  let cap: NodeJS.Timeout | undefined;
  // Set once time is up: the error the operation ends with.
  let timedOut: StoreUnavailableError | undefined;
  const deadline = new Promise<never>((_, reject) => {
    const stop = (error: StoreUnavailableError) => {
      timedOut = error;
      reject(error);
      bus?.close();
    };
    timer = setTimeout(() => stop(timeoutError(operation, timeoutMs)), timeoutMs);
    if (options.untilSilent) {
      const capMs = Math.min(timeoutMs * MAX_SILENT_READ_TIMEOUTS, 2 ** 31 - 1);
      // Said as what happened: the bus kept sending, but the answer never ended.
      cap = setTimeout(() => stop(unavailable('timeout', `${operation} was still not answered after ${capMs} ms of trickling replies`)), capMs);
    }
  });
  deadline.catch(() => {}); // observed through the race below
  const run = async (connection: BusConnection): Promise<T> => {
    const checked = options.first?.(connection);
    // A read asks nothing that changes the keychain, so its calls go out with the check's, in the
    // same write; its answer counts only once the check passed. A write waits for the check.
    const used = options.alongsideFirst && checked ? use(connection) : undefined;
    used?.catch(() => {}); // the check's failure is the one that counts
    await checked;
    extending = options.untilSilent === true;
    timer?.refresh();
    return used ?? use(connection);
  };
  try {
    let last: Error | undefined;
    for (const target of addresses.targets) {
      if (timedOut) break;
      bus = new BusConnection(target, options.untilSilent ? () => extending && timer?.refresh() : undefined);
      try {
        return await Promise.race([run(bus), deadline]);
      } catch (error) {
        if (!(error instanceof BusConnectionError)) throw error;
        if (error.errno === 'REJECTED') return UNASKABLE;
        last = error; // libdbus tries the next address too
      } finally {
        bus.close();
      }
    }
    if (timedOut) throw timedOut;
    throw unavailable('no-keychain', last?.message);
  } finally {
    clearTimeout(timer);
    clearTimeout(cap);
  }
}
