import type { StoreChain } from '@auth/core';
import type { Io } from '../io.js';
import { type Selection, selectStores, type StoreArgs } from '../stores.js';

export type Args = Record<string, unknown> & StoreArgs;

export interface Context {
  io: Io;
  args: Args;
  /** The selected stores, created on first use. */
  stores(): Promise<StoreChain>;
  /** Warns about a store that was passed over (once): call it when the outcome depended on it. */
  reportUnavailable(): void;
}

export function createContext(io: Io, args: Args): Context {
  let selection: Promise<Selection> | undefined;
  let selected: Selection | undefined;
  const select = () =>
    (selection ??= selectStores(args, io).then((s) => {
      selected = s;
      return s;
    }));
  return {
    io,
    args,
    stores: async () => (await select()).chain,
    reportUnavailable: () => selected?.reportUnavailable(),
  };
}

export const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
