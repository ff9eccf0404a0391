// Fills a Secret Service with many entries fast, laid out as keyring-rs (rattler, pixi) writes them:
// attributes `service` and `username`, the secret as text. Creating items one by one through
// @napi-rs/keyring or secret-tool costs 40–200 ms each here (a new session per item); this sends
// every CreateItem at once over one connection, into the in-memory "session" collection, which it
// makes the default. For tests and benchmarks inside tooling/test/keyring-session.sh only.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = join(fileURLToPath(new URL('../..', import.meta.url)), 'packages/store-keychain/dist');
const { BusConnection } = await import(join(dist, 'dbus-connection.js'));
const { Variant } = await import(join(dist, 'dbus-message.js'));
const { busAddresses } = await import(join(dist, 'bus-address.js'));

const SECRETS = 'org.freedesktop.secrets';
const SESSION_COLLECTION = '/org/freedesktop/secrets/collection/session';

/** @param {string} address @param {string} service @param {[string, string][]} entries */
export async function seedSecretService(address, service, entries) {
  const found = busAddresses({ DBUS_SESSION_BUS_ADDRESS: address });
  if (!found.targets) throw new Error(found.problem);
  const bus = new BusConnection(found.targets[0]);
  try {
    const call = (path, iface, member, signature, args) => bus.call({ destination: SECRETS, path, interface: iface, member, signature, args });
    await call('/org/freedesktop/secrets', 'org.freedesktop.Secret.Service', 'SetAlias', 'so', ['default', SESSION_COLLECTION]);
    const [, session] = await call('/org/freedesktop/secrets', 'org.freedesktop.Secret.Service', 'OpenSession', 'sv', ['plain', new Variant('s', '')]);
    await Promise.all(
      entries.map(([account, secret]) =>
        call(SESSION_COLLECTION, 'org.freedesktop.Secret.Collection', 'CreateItem', 'a{sv}(oayays)b', [
          new Map([
            ['org.freedesktop.Secret.Item.Label', new Variant('s', `${service} ${account}`)],
            ['org.freedesktop.Secret.Item.Attributes', new Variant('a{ss}', new Map([['service', service], ['username', account]]))],
          ]),
          [session, Buffer.alloc(0), Buffer.from(secret, 'utf8'), 'text/plain'],
          true,
        ]),
      ),
    );
  } finally {
    bus.close();
  }
}
