import { keyFromInput, pixiKeyFor } from '@auth/core';
import { OperationError, UsageError } from '../errors.js';
import { say, warn } from '../io.js';
import { ask } from '../secrets.js';
import { where } from '../stores.js';
import { type Context, str } from './context.js';

export async function logout(ctx: Context): Promise<number> {
  const host = str(ctx.args.host);
  const chain = await ctx.stores();
  if (ctx.args.all) {
    if (host) throw new UsageError('give a host or --all, not both');
    const writable = (await chain.entries()).entries.filter((e) => !e.store.readOnly);
    const keys = [...new Set(writable.map((e) => e.key))];
    if (keys.length && !(await confirmed(ctx, keys.length))) {
      say(ctx.io, 'Nothing was removed.');
      return 1;
    }
    const { revokeStored } = await import('../oauth/revoke.js');
    for (const key of keys) {
      await revokeStored(ctx.io, chain, key);
      await chain.remove(key);
    }
    say(ctx.io, keys.length ? `Removed ${keys.length} credential${keys.length === 1 ? '' : 's'}.` : 'Nothing was stored.');
    return 0;
  }
  if (!host) throw new UsageError('say which host to log out of, or --all');

  const key = keyFromInput(host);
  // pixi writes `*.domain` for any input with one dot, so its key for this input goes too.
  const keys = [...new Set([key, pixiKeyFor(host)].filter((k): k is string => Boolean(k)))];
  const removed: string[] = [];
  const readOnly = new Set<string>();
  const { revokeStored } = await import('../oauth/revoke.js');
  for (const k of keys) {
    await revokeStored(ctx.io, chain, k);
    const report = await chain.remove(k);
    for (const store of report.removedFrom) removed.push(`${k} from ${store.name}`);
    for (const store of report.readOnlyHolders) readOnly.add(where(store));
  }
  for (const holder of readOnly) warn(ctx.io, `${key} is also in ${holder}, which is read-only: edit it to remove it`);
  if (removed.length === 0) throw new OperationError(`no credentials were stored for ${key}`);
  say(ctx.io, `Removed ${removed.join(', ')}.`);
  return 0;
}

/**
 * `logout --all` removes everything: `--yes` says so up front; in a terminal the user is asked;
 * without a terminal and without `--yes` it is refused (a script must say what it means).
 */
async function confirmed(ctx: Context, count: number): Promise<boolean> {
  if (ctx.args.yes) return true;
  if (!ctx.io.stdin.isTTY) throw new UsageError('logout --all removes every stored credential: add --yes to confirm it without a terminal', { help: 'auth logout --help' });
  const answer = await ask(ctx.io, `Remove all ${count} stored credential${count === 1 ? '' : 's'}? [y/N] `, { echo: true });
  return /^y(es)?$/i.test(answer.trim());
}
