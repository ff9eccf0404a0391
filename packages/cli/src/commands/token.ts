import { createAuthenticator, hasScheme, keyFromInput, type Lookup, tokenOf } from '@auth/core';
import { OperationError, UsageError } from '../errors.js';
import { data } from '../io.js';
import { type Context, str } from './context.js';

/** A stored key given as is (`*.prefix.dev`, `s3://…`), else the URL a request would go to. */
function target(input: string): { key: string } | { url: string } {
  if (input.startsWith('*.') || input.startsWith('s3://')) return { key: keyFromInput(input) };
  if (hasScheme(input)) return { url: input };
  keyFromInput(input); // a usage error for input that is no host at all
  return { url: `https://${input}` };
}

export async function token(ctx: Context): Promise<number> {
  const input = str(ctx.args['host-or-url']) ?? '';
  if (!input) throw new UsageError('say which host or URL');
  const chain = await ctx.stores();
  const t = target(input);
  let lookup: Lookup;
  if ('key' in t) {
    lookup = await chain.find(t.key);
  } else {
    let url: URL;
    try {
      url = new URL(t.url);
    } catch {
      throw new UsageError(`"${input}" is not a valid URL`);
    }
    lookup = await createAuthenticator({ store: chain }).find(url);
  }
  const { found, unchecked } = lookup;
  if (!found) {
    // A store that could not be asked may hold it: say so rather than "nothing stored".
    const why = unchecked.map((u) => u.error.message).join('; ');
    throw new OperationError(why ? `no credential found for ${input}, and some stores could not be checked (${why})` : `no credential is stored for ${input}`);
  }
  const { freshFromChain } = await import('../oauth/fresh.js');
  const credential = await freshFromChain(ctx.io, chain, found.key, found.credential);
  const value = tokenOf(credential);
  if (value === undefined) {
    const why = credential.type === 'oauth' ? 'its OAuth token has expired' : `it is a ${credential.type} credential, not a token`;
    throw new OperationError(`the credential for ${found.key} has no token to print: ${why}`);
  }
  data(ctx.io, value);
  return 0;
}
