import type { StoreChain } from '@auth/core';
import type { Io } from '../io.js';
import { selectStores, type StoreArgs } from '../stores.js';

export type Args = Record<string, unknown> & StoreArgs;

export interface Context {
  io: Io;
  args: Args;
  /** The selected stores, created on first use. */
  stores(): Promise<StoreChain>;
}

export function createContext(io: Io, args: Args): Context {
  let chain: Promise<StoreChain> | undefined;
  return { io, args, stores: () => (chain ??= selectStores(args, io)) };
}

export const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
