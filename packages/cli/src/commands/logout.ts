import { keyFromInput, logoutKeys, redact, type StoreChain, type Unchecked } from '@auth/core';
import { OperationError, UsageError } from '../errors.js';
import { say, shown, uncheckedStores, warn } from '../io.js';
import { ask } from '../secrets.js';
import { where } from '../stores.js';
import { type Context, str } from './context.js';

export async function logout(ctx: Context): Promise<number> {
  const host = str(ctx.args.host);
  const chain = await ctx.stores();
  if (ctx.args.all) {
    if (host) throw new UsageError('give a host or --all, not both');
    return logoutAll(ctx, chain);
  }
  if (!host) throw new UsageError('say which host to log out of, or --all');
  return logoutOf(ctx, chain, host);
}

/**
 * Removes exactly `logoutKeys(input, <every listed key>)`: the keys login of the input writes,
 * in each of pixi's canonical forms, or a stored key given as `auth list` shows it.
 */
async function logoutOf(ctx: Context, chain: StoreChain, input: string): Promise<number> {
  const listing = await chain.entries();
  const keys = logoutKeys(input, [...new Set(listing.entries.map((e) => e.key))]);
  // Input that is neither a login input nor a stored key: the parser's reason, input redacted.
  if (keys.length === 0) keyFromInput(input);
  const removed: string[] = [];
  const readOnly = new Set<string>();
  const unchecked: Unchecked[] = [...listing.unchecked];
  const { revokeStored } = await import('../oauth/revoke.js');
  for (const key of keys) {
    await revokeStored(ctx.io, chain, key);
    const report = await chain.remove(key);
    for (const store of report.removedFrom) removed.push(`${shown(key)} from ${store.name}`);
    for (const store of report.readOnlyHolders) readOnly.add(`${shown(key)} is also in ${where(store)}, which is read-only: edit it to remove it`);
    unchecked.push(...report.unchecked);
  }
  for (const message of readOnly) warn(ctx.io, message);
  const notChecked = uncheckedStores(dedupe(unchecked));
  if (removed.length === 0) {
    // A store that could not be asked may hold it: never "nothing was stored" then.
    if (notChecked) throw new OperationError(`nothing was removed for ${shownInput(input)}: could not check ${notChecked}`);
    throw new OperationError(`no credentials were stored for ${shownInput(input)}`);
  }
  say(ctx.io, `Removed ${removed.join(', ')}.`);
  if (notChecked) warn(ctx.io, `could not check ${notChecked}: it may still hold a credential for ${shown(input)}`);
  return 0;
}

/** The input as an error names it: its key when it is a login input (keys hold no secret), else redacted. */
function shownInput(input: string): string {
  try {
    return keyFromInput(input);
  } catch {
    return redact(input);
  }
}

/** One entry per store: a store reported by the listing and by a removal is named once. */
function dedupe(unchecked: Unchecked[]): Unchecked[] {
  return [...new Map(unchecked.map((u) => [u.store, u])).values()];
}

async function logoutAll(ctx: Context, chain: StoreChain): Promise<number> {
  const listing = await chain.entries();
  const keys = [...new Set(listing.entries.filter((e) => !e.store.readOnly).map((e) => e.key))];
  if (keys.length && !(await confirmed(ctx, keys.length))) {
    say(ctx.io, 'Nothing was removed.');
    return 1;
  }
  const { revokeStored } = await import('../oauth/revoke.js');
  for (const key of keys) {
    await revokeStored(ctx.io, chain, key);
    await chain.remove(key);
  }
  const notChecked = uncheckedStores(listing.unchecked);
  if (keys.length) say(ctx.io, `Removed ${keys.length} credential${keys.length === 1 ? '' : 's'}.`);
  else if (!notChecked) say(ctx.io, 'Nothing was stored.');
  if (notChecked) warn(ctx.io, `could not check ${notChecked}: its credentials were not removed`);
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
