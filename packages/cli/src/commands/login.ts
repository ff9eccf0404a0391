import { type Credential, keyFromInput, validateCredential } from '@auth/core';
import { UsageError } from '../errors.js';
import { say } from '../io.js';
import { secretValue } from '../secrets.js';
import { where } from '../stores.js';
import { type Context, str } from './context.js';

type Kind = 'bearer' | 'basic' | 'conda-token' | 's3';

export const KIND_FLAGS: Record<Kind, string[]> = {
  bearer: ['token'],
  basic: ['username', 'password'],
  'conda-token': ['conda-token'],
  s3: ['s3-access-key-id', 's3-secret-access-key', 's3-session-token'],
};

/** The one credential kind the flags ask for; two kinds at once is a usage error. */
function kindOf(args: Context['args']): Kind {
  const given = (Object.keys(KIND_FLAGS) as Kind[]).filter((kind) => KIND_FLAGS[kind].some((flag) => args[flag] !== undefined));
  if (given.length === 1) return given[0] as Kind;
  const flags = '--token, --username/--password, --conda-token or --s3-access-key-id/--s3-secret-access-key';
  if (given.length === 0) throw new UsageError(`say which credential to store: ${flags}`);
  throw new UsageError(`give one kind of credential, not ${given.join(' and ')}: ${flags}`);
}

export function hostOf(key: string): string {
  return key.replace(/^\*\./, '').replace(/[:/].*$/, '');
}
export const within = (host: string, domain: string) => host === domain || host.endsWith(`.${domain}`);

/** pixi's rules: prefix.dev takes a token, anaconda.org a conda token. */
function checkHostRules(key: string, kind: Kind): void {
  const host = hostOf(key);
  if (within(host, 'prefix.dev') && kind !== 'bearer') {
    throw new UsageError('prefix.dev authenticates with a token: use --token (create one at https://prefix.dev/settings/tokens)');
  }
  if (within(host, 'anaconda.org') && kind !== 'conda-token') {
    throw new UsageError('anaconda.org authenticates with a conda token: use --conda-token');
  }
}

async function credentialFrom(ctx: Context, kind: Kind, key: string): Promise<Credential> {
  const { io, args } = ctx;
  switch (kind) {
    case 'bearer':
      return { type: 'bearer', token: await secretValue(io, 'token', str(args.token), `Token for ${key}: `) };
    case 'conda-token':
      return { type: 'conda-token', token: await secretValue(io, 'conda-token', str(args['conda-token']), `Conda token for ${key}: `) };
    case 'basic': {
      const username = str(args.username);
      if (!username) throw new UsageError('--username is required with --password');
      const password = await secretValue(io, 'password', str(args.password), `Password for ${username} at ${key}: `);
      return { type: 'basic', username, password };
    }
    case 's3': {
      const accessKeyId = str(args['s3-access-key-id']);
      if (!accessKeyId) throw new UsageError('--s3-access-key-id is required for S3 credentials');
      const secretAccessKey = await secretValue(io, 's3-secret-access-key', str(args['s3-secret-access-key']), `S3 secret access key for ${key}: `);
      const session = str(args['s3-session-token']);
      const sessionToken = session === undefined ? null : await secretValue(io, 's3-session-token', session, `S3 session token for ${key}: `);
      return { type: 's3', accessKeyId, secretAccessKey, sessionToken };
    }
  }
}

export async function login(ctx: Context): Promise<number> {
  const input = str(ctx.args.host) ?? '';
  const key = keyFromInput(input);
  const oauth = await import('../oauth/login.js');
  if (oauth.oauthRequested(ctx.args, key)) return oauth.oauthLogin(ctx, input, key);
  const kind = kindOf(ctx.args);
  checkHostRules(key, kind);
  const credential = await credentialFrom(ctx, kind, key);
  validateCredential(credential);

  if (ctx.args.verify) {
    const { verifyBeforeLogin } = await import('./status.js');
    await verifyBeforeLogin(ctx, input, key, credential);
  }

  const store = await (await ctx.stores()).store(key, credential);
  say(ctx.io, `Stored ${describeKind(kind)} for ${key} in ${where(store)}.`);
  return 0;
}

function describeKind(kind: Kind): string {
  return { bearer: 'a token', basic: 'a username and password', 'conda-token': 'a conda token', s3: 'S3 credentials' }[kind];
}
