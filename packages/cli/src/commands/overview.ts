import { type Credential, type CredentialStore, escapeForTerminal, expiryOf, freshCredential, isAuthError, isExpired, keyWarning } from '@auth/core';
import { printRows, warn } from '../io.js';
import { where } from '../stores.js';
import type { Context } from './context.js';

/** One entry of `auth status` without a URL. Never a secret: key, where, how, until when. */
export interface OverviewEntry {
  key: string;
  store: string;
  shadowed: boolean;
  method: Credential['type'];
  /** When the token stops working (ISO 8601), from OAuth's `expires_at` or a JWT's `exp`. */
  expiresAt: string | null;
  expirySource: 'oauth' | 'jwt' | null;
  /** `valid`, `expired`, `expired: log in again`, or why an expired OAuth token could not be refreshed. */
  state: string;
  warning?: string;
}

/**
 * The state of a credential now. An OAuth token past its expiry is refreshed as a request would
 * do it (only for the entry in use: a shadowed one is never sent); a login that cannot be
 * refreshed any more says so.
 */
async function stateOf(ctx: Context, key: string, store: CredentialStore, credential: Credential, shadowed: boolean): Promise<{ credential: Credential; state: string }> {
  const nowSeconds = Date.now() / 1000;
  if (credential.type !== 'oauth' || !isExpired(credential, nowSeconds)) return { credential, state: expired(credential, nowSeconds) ? 'expired' : 'valid' };
  if (shadowed || !credential.refreshToken) return { credential, state: 'expired: log in again' };
  try {
    const fresh = await freshCredential(
      { key, store, credential },
      { onStoreError: () => warn(ctx.io, `the refreshed OAuth token for ${escapeForTerminal(key)} could not be saved in ${where(store)}`) },
    );
    return { credential: fresh, state: 'valid' };
  } catch (error) {
    if (isAuthError(error, 'OAUTH_EXPIRED')) return { credential, state: 'expired: log in again' };
    return { credential, state: `expired; refresh failed: ${(error as Error).message}` };
  }
}

/** A bearer JWT past its `exp` (an OAuth credential is judged by its own expiry above). */
function expired(credential: Credential, nowSeconds: number): boolean {
  const expiry = expiryOf(credential);
  return expiry !== undefined && expiry.expiresAt <= nowSeconds;
}

async function entryOf(ctx: Context, key: string, store: CredentialStore, shadowed: boolean): Promise<OverviewEntry> {
  const stored: Credential = (await store.get(key)) ?? { type: 'unknown', raw: '' };
  const { credential, state } = await stateOf(ctx, key, store, stored, shadowed);
  const expiry = expiryOf(credential);
  const warning = keyWarning(key);
  return {
    key,
    store: store.name,
    shadowed,
    method: credential.type,
    expiresAt: expiry ? new Date(expiry.expiresAt * 1000).toISOString() : null,
    expirySource: expiry?.source ?? null,
    state: credential.type === 'unknown' ? 'unknown' : state,
    ...(warning !== undefined ? { warning } : {}),
  };
}

/** `auth status` without a URL: every stored entry, its store, method and expiry, as pixi shows them. */
export async function overview(ctx: Context): Promise<number> {
  const chain = await ctx.stores();
  const { entries, unchecked } = await chain.entries();
  const rows = await Promise.all(entries.map((e) => entryOf(ctx, e.key, e.store, e.shadowed)));
  // A store that could not be checked is named, never left out silently.
  ctx.reportUnavailable();
  printRows(ctx.io, {
    json: Boolean(ctx.args.json),
    records: rows,
    header: ['KEY', 'METHOD', 'STORE', 'EXPIRES', 'STATE'],
    cells: rows.map((r) => [escapeForTerminal(r.key), escapeForTerminal(r.method), escapeForTerminal(r.store) + (r.shadowed ? ' (shadowed)' : ''), r.expiresAt ?? '-', r.state]),
    empty: unchecked.length ? 'No credentials found in the stores that could be checked.' : 'No credentials are stored.',
  });
  return 0;
}
