import { usernameOf } from '@auth/core';
import { data, escapeForTerminal, say, table } from '../io.js';
import type { Context } from './context.js';

export interface ListedEntry {
  key: string;
  type: string;
  store: string;
  shadowed: boolean;
  username?: string;
}

export async function list(ctx: Context): Promise<number> {
  const chain = await ctx.stores();
  const { entries } = await chain.entries();
  const rows: ListedEntry[] = await Promise.all(
    entries.map(async ({ key, store, shadowed }) => {
      // The type lives inside the secret: read it, keep only the type and a basic username.
      const credential = await store.get(key);
      const username = credential && usernameOf(credential);
      return { key, type: credential?.type ?? 'unknown', store: store.name, shadowed, ...(username !== undefined ? { username } : {}) };
    }),
  );

  // Listing needs every store: one that was passed over is worth its warning.
  ctx.reportUnavailable();
  if (ctx.args.json) {
    data(ctx.io, JSON.stringify(rows, null, 2));
    return 0;
  }
  if (rows.length === 0) {
    say(ctx.io, 'No credentials are stored.');
    return 0;
  }
  const cells = rows.map((r) => [escapeForTerminal(r.key), r.type, escapeForTerminal(r.store) + (r.shadowed ? ' (shadowed)' : ''), escapeForTerminal(r.username ?? '')]);
  if (ctx.io.stdout.isTTY) data(ctx.io, table([['KEY', 'TYPE', 'STORE', 'USERNAME'], ...cells]));
  // Piped: tab-separated, no empty last field (no username) at the end of a row.
  else data(ctx.io, cells.map((c) => (c[3] ? c : c.slice(0, 3)).join('\t')).join('\n'));
  return 0;
}
