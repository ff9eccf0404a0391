import { type Credential, keyFromInput, loginKeyNote, validateCredential } from '@auth/core';
import { UsageError } from '../errors.js';
import { say, shown } from '../io.js';
import { ask, flagValue, withoutBom } from '../secrets.js';
import { where } from '../stores.js';
import { type Context, str } from './context.js';

type Kind = 'bearer' | 'basic' | 'conda-token' | 's3';

export const KIND_FLAGS: Record<Kind, string[]> = {
  bearer: ['token'],
  basic: ['username', 'password'],
  'conda-token': ['conda-token'],
  s3: ['s3-access-key-id', 's3-secret-access-key', 's3-session-token'],
};

const ALL_FLAGS = '--token, --username/--password, --conda-token or --s3-access-key-id/--s3-secret-access-key';

/** The one credential kind the flags ask for (undefined: none given); two kinds is a usage error. */
function kindOf(args: Context['args']): Kind | undefined {
  const given = (Object.keys(KIND_FLAGS) as Kind[]).filter((kind) => KIND_FLAGS[kind].some((flag) => args[flag] !== undefined));
  if (given.length > 1) throw new UsageError(`give one kind of credential, not ${given.join(' and ')}: ${ALL_FLAGS}`);
  return given[0];
}

function hostOf(key: string): string {
  return key.replace(/^\*\./, '').replace(/[:/].*$/, '');
}
const within = (host: string, domain: string) => host === domain || host.endsWith(`.${domain}`);

/** A key on prefix.dev or a subdomain: a token there is checked as pixi checks it, and login is OAuth. */
export const isPrefixDev = (key: string): boolean => within(hostOf(key), 'prefix.dev');

/** An `s3://bucket` input: keyed by the bucket name as pixi keys it, so the input tells. */
const isS3Input = (input: string) => /^\s*s3:\/\//i.test(input);

/** pixi's rules: prefix.dev takes a token, anaconda.org a conda token, s3:// S3 credentials and only those. */
function checkHostRules(input: string, key: string, kind: Kind): void {
  if (isS3Input(input) !== (kind === 's3')) {
    throw new UsageError(kind === 's3' ? 'S3 credentials go with an s3://bucket key' : 'an s3://bucket key takes S3 credentials: use --s3-access-key-id and --s3-secret-access-key');
  }
  const host = hostOf(key);
  if (within(host, 'prefix.dev') && kind !== 'bearer') {
    throw new UsageError('prefix.dev authenticates with a token: use --token (create one at https://prefix.dev/settings/tokens)');
  }
  if (within(host, 'anaconda.org') && kind !== 'conda-token') {
    throw new UsageError('anaconda.org authenticates with a conda token: use --conda-token');
  }
}

/**
 * No credential flag: in a terminal, ask for a token (a conda token for anaconda.org); an empty
 * answer asks for a username and password instead. Without a terminal, say which flags there are.
 */
async function askForCredential(ctx: Context, input: string, key: string): Promise<Credential> {
  const { io } = ctx;
  if (!io.stdin.isTTY) throw new UsageError(`say which credential to store: ${ALL_FLAGS}`, { help: 'auth login --help' });
  if (isS3Input(input)) return credentialFrom(ctx, 's3', key);
  if (within(hostOf(key), 'anaconda.org')) {
    return { type: 'conda-token', token: await flagValue(io, 'conda-token', undefined, `Conda token for ${key}: `, true) };
  }
  const token = withoutBom(io, 'token', await ask(io, `Token for ${key} (leave empty to give a username and password): `, { echo: false }));
  if (token) return { type: 'bearer', token };
  return basicFrom(ctx, key);
}

async function basicFrom(ctx: Context, key: string): Promise<Credential> {
  const { io, args } = ctx;
  const given = str(args.username);
  if (given === undefined && args.password !== undefined) throw new UsageError('--username is required with --password');
  const username = await flagValue(io, 'username', given, `Username for ${key}: `, false);
  const password = await flagValue(io, 'password', str(args.password), `Password for ${username} at ${key}: `, true);
  return { type: 'basic', username, password };
}

async function credentialFrom(ctx: Context, kind: Kind, key: string): Promise<Credential> {
  const { io, args } = ctx;
  switch (kind) {
    case 'bearer':
      return { type: 'bearer', token: await flagValue(io, 'token', str(args.token), `Token for ${key}: `, true) };
    case 'conda-token':
      return { type: 'conda-token', token: await flagValue(io, 'conda-token', str(args['conda-token']), `Conda token for ${key}: `, true) };
    case 'basic':
      return basicFrom(ctx, key);
    case 's3': {
      const accessKeyId = await flagValue(io, 's3-access-key-id', str(args['s3-access-key-id']), `S3 access key id for ${key}: `, false);
      const secretAccessKey = await flagValue(io, 's3-secret-access-key', str(args['s3-secret-access-key']), `S3 secret access key for ${key}: `, true);
      const session = str(args['s3-session-token']);
      const sessionToken = session === undefined ? null : await flagValue(io, 's3-session-token', session, `S3 session token for ${key}: `, true);
      return { type: 's3', accessKeyId, secretAccessKey, sessionToken };
    }
  }
}

export async function login(ctx: Context): Promise<number> {
  const input = str(ctx.args.host) ?? '';
  const key = keyFromInput(input);
  const oauth = await import('../oauth/login.js');
  if (oauth.oauthRequested(ctx.args, key)) {
    // `--oauth-client-secret -` reads stdin like every other secret.
    if (ctx.args['oauth-client-secret'] === '-') ctx.args['oauth-client-secret'] = await flagValue(ctx.io, 'oauth-client-secret', '-', 'OAuth client secret: ', true);
    return oauth.oauthLogin(ctx, input, key);
  }
  const kind = kindOf(ctx.args);
  if (kind) checkHostRules(input, key, kind);
  // Prompts name an s3:// login by its URL: the key alone is a bare bucket name.
  const label = isS3Input(input) ? `s3://${key}` : key;
  const credential = kind ? await credentialFrom(ctx, kind, label) : await askForCredential(ctx, input, label);
  checkHostRules(input, key, credential.type as Kind);
  validateCredential(credential);

  if (ctx.args.verify || ctx.args['verify-url'] !== undefined) {
    const { verifyBeforeLogin } = await import('./status.js');
    await verifyBeforeLogin(ctx, input, key, credential);
  }
  if (credential.type === 'bearer' && isPrefixDev(key) && ctx.args.verify !== false) {
    const { checkPrefixDevToken } = await import('./prefix-dev-check.js');
    const user = await checkPrefixDevToken(ctx.io, credential.token);
    say(ctx.io, `prefix.dev accepted the token (user ${shown(user)}).`);
  }

  const chain = await ctx.stores();
  const before = (await chain.find(key)).found;
  const store = await chain.store(key, credential);
  if (before?.store === store) {
    const change = before.credential.type === credential.type ? '' : ` with ${some(credential.type)}`;
    say(ctx.io, `Replaced the ${NAMES[before.credential.type]} stored for ${shown(key)} in ${where(store)}${change}.`);
  } else say(ctx.io, `Stored ${some(credential.type)} for ${shown(key)} in ${where(store)}.`);
  const note = loginKeyNote(input);
  if (note) say(ctx.io, `note: ${note}`);
  return 0;
}

const NAMES: Record<Credential['type'], string> = {
  bearer: 'token',
  basic: 'username and password',
  'conda-token': 'conda token',
  s3: 'S3 credentials',
  oauth: 'OAuth credential',
  unknown: 'credential',
};

/** "a token", "an OAuth credential", "S3 credentials". */
const some = (type: Credential['type']) => (type === 's3' ? NAMES[type] : `${type === 'oauth' ? 'an' : 'a'} ${NAMES[type]}`);
