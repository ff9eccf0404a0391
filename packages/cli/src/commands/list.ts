import { escapeForTerminal, keyWarning, redact, usernameOf } from '@auth/core';
import { printRows } from '../io.js';
import type { Context } from './context.js';

export interface ListedEntry {
  key: string;
  type: string;
  store: string;
  shadowed: boolean;
  username?: string;
  /** Why this key is not used as one may think (a wildcard over a public suffix another tool wrote…). */
  warning?: string;
}

export async function list(ctx: Context): Promise<number> {
  const chain = await ctx.stores();
  const { entries, unchecked } = await chain.entries();
  // The type lives inside the secret: read it, keep only the type and a basic username. The rows
  // are built after all reads, not in an async step per entry, which allocated several times more.
  const credentials = await Promise.all(entries.map(({ key, store }) => store.get(key)));
  const rows = entries.map(({ key, store, shadowed }, i): ListedEntry => {
    const credential = credentials[i];
    // A key another tool wrote may hold a secret (`…/t/<token>/…`, user:password@): never shown.
    const row: ListedEntry = { key: redact(key), type: credential?.type ?? 'unknown', store: store.name, shadowed };
    const username = credential && usernameOf(credential);
    if (username !== undefined) row.username = username;
    const warning = keyWarning(key);
    if (warning !== undefined) row.warning = warning;
    return row;
  });
  // Listing needs every store: one that could not be checked is named, never left out silently.
  ctx.reportUnavailable();
  // The NOTE column only when there is a note: the usual listing keeps its four columns.
  const header = ['KEY', 'TYPE', 'STORE', 'USERNAME', 'NOTE'].slice(0, rows.some((r) => r.warning) ? 5 : 4);
  printRows(ctx.io, {
    json: Boolean(ctx.args.json),
    records: rows,
    header,
    cells: rows.map((r) => [
      escapeForTerminal(r.key),
      escapeForTerminal(r.type),
      escapeForTerminal(r.store) + (r.shadowed ? ' (shadowed)' : ''),
      escapeForTerminal(r.username ?? ''),
      r.warning ? `warning: ${r.warning}` : '',
    ]),
    empty: unchecked.length ? 'No credentials found in the stores that could be checked.' : 'No credentials are stored.',
  });
  return 0;
}
