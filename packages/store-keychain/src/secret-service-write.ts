import type { BusConnection } from './dbus-connection.js';
import { Variant } from './dbus-message.js';
import { unavailable } from './errors.js';
import { COLLECTION, ITEM, SERVICE, SERVICE_PATH, secretCall } from './secret-service-api.js';
import { type BusStep, UNASKABLE, withSessionBus } from './session-bus.js';

/**
 * Writes and deletes go to the Secret Service from JavaScript too, so that on Linux no native
 * call ever runs: one that hangs could not be abandoned (see secret-service-check.ts). The item
 * is laid out as keyring-rs lays it out, so rattler and pixi find it: attributes `service` and
 * `username`, label `keyring:<key>@<service>`, the secret as UTF-8 text.
 */

const NO_PROMPT = '/';

type Search = { unlocked: string[]; locked: string[] };

const serviceCall = (bus: BusConnection, member: string, signature: string, args: unknown[]) => secretCall(bus, SERVICE_PATH, SERVICE, member, signature, args);

async function search(bus: BusConnection, service: string, key: string): Promise<Search> {
  const [unlocked, locked] = (await serviceCall(bus, 'SearchItems', 'a{ss}', [new Map([['service', service], ['username', key]])])) as [string[], string[]];
  if (locked.length > 0) throw unavailable('locked', `the entry for ${JSON.stringify(key)} is in a locked keyring`);
  return { unlocked, locked };
}

/** An existing entry gets the new secret (in whichever keyring holds it); otherwise it is created in the default keyring. */
export async function writeSecret(env: NodeJS.ProcessEnv, timeoutMs: number, service: string, key: string, secret: string, first?: BusStep): Promise<boolean> {
  const done = await withSessionBus(env, timeoutMs, `writing ${JSON.stringify(key)} over D-Bus`, async (bus) => {
    const found = search(bus, service, key);
    const session = serviceCall(bus, 'OpenSession', 'sv', ['plain', new Variant('s', '')]);
    const alias = serviceCall(bus, 'ReadAlias', 's', ['default']);
    for (const p of [session, alias]) p.catch(() => {}); // awaited below, after the search
    const { unlocked } = await found;
    const [, sessionPath] = await session;
    const value = [sessionPath, Buffer.alloc(0), Buffer.from(secret, 'utf8'), 'text/plain; charset=utf8'];
    const [existing] = unlocked;
    if (existing !== undefined) {
      await secretCall(bus, existing, ITEM, 'SetSecret', '(oayays)', [value]);
      return true;
    }
    const [collection] = await alias;
    if (collection === '/' || typeof collection !== 'string') throw unavailable('no-collection', 'no collection has the alias "default"');
    const properties = new Map([
      ['org.freedesktop.Secret.Item.Label', new Variant('s', `keyring:${key}@${service}`)],
      ['org.freedesktop.Secret.Item.Attributes', new Variant('a{ss}', new Map([['service', service], ['username', key]]))],
    ]);
    const [, prompt] = await secretCall(bus, collection, COLLECTION, 'CreateItem', 'a{sv}(oayays)b', [properties, value, true]);
    // A prompt means the keyring wants to be unlocked first: nobody is there to answer it.
    if (prompt !== NO_PROMPT) throw unavailable('locked', 'the keyring asked to be unlocked');
    return true;
  }, { first });
  return done !== UNASKABLE;
}

/** Removes every entry of the key; `deleted` says whether there was one. */
export async function deleteSecret(env: NodeJS.ProcessEnv, timeoutMs: number, service: string, key: string, first?: BusStep): Promise<{ deleted: boolean } | undefined> {
  const done = await withSessionBus(env, timeoutMs, `deleting ${JSON.stringify(key)} over D-Bus`, async (bus) => {
    const { unlocked } = await search(bus, service, key);
    const prompts = await Promise.all(
      unlocked.map((item) => secretCall(bus, item, ITEM, 'Delete')),
    );
    if (prompts.some(([prompt]) => prompt !== NO_PROMPT)) throw unavailable('locked', 'the keyring asked to be unlocked');
    return unlocked.length > 0;
  }, { first });
  return done === UNASKABLE ? undefined : { deleted: done };
}
