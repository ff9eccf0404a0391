import { type Credential, freshCredential, type StoreChain } from '@auth/core';
import { type Io, warn } from '../io.js';
import { where } from '../stores.js';

/**
 * The OAuth credential stored under `key`, refreshed first if it expires within 300 s; the new
 * tokens are written back to the store it came from.
 */
export async function freshFromChain(io: Io, chain: StoreChain, key: string, credential: Credential): Promise<Credential> {
  const { found } = await chain.find(key);
  if (!found) return credential;
  return freshCredential(found, {
    onStoreError: (_error, { store }) => warn(io, `the refreshed OAuth token for ${key} could not be saved in ${where(store)}; log in again if it stops working`),
  });
}
