import { keyFromInput, pixiKeyFor } from '@auth/core';
import { OperationError, UsageError } from '../errors.js';
import { say, warn } from '../io.js';
import { where } from '../stores.js';
import { type Context, str } from './context.js';

export async function logout(ctx: Context): Promise<number> {
  const host = str(ctx.args.host);
  const chain = await ctx.stores();
  if (ctx.args.all) {
    if (host) throw new UsageError('give a host or --all, not both');
    const writable = (await chain.entries()).entries.filter((e) => !e.store.readOnly);
    const keys = [...new Set(writable.map((e) => e.key))];
    for (const key of keys) await chain.remove(key);
    say(ctx.io, keys.length ? `Removed ${keys.length} credential${keys.length === 1 ? '' : 's'}.` : 'Nothing was stored.');
    return 0;
  }
  if (!host) throw new UsageError('say which host to log out of, or --all');

  const key = keyFromInput(host);
  // pixi writes `*.domain` for any input with one dot, so its key for this input goes too.
  const keys = [...new Set([key, pixiKeyFor(host)].filter((k): k is string => Boolean(k)))];
  const removed: string[] = [];
  const readOnly = new Set<string>();
  for (const k of keys) {
    const report = await chain.remove(k);
    for (const store of report.removedFrom) removed.push(`${k} from ${store.name}`);
    for (const store of report.readOnlyHolders) readOnly.add(where(store));
  }
  for (const holder of readOnly) warn(ctx.io, `${key} is also in ${holder}, which is read-only: edit it to remove it`);
  if (removed.length === 0) throw new OperationError(`no credentials were stored for ${key}`);
  say(ctx.io, `Removed ${removed.join(', ')}.`);
  return 0;
}
