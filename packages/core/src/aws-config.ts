import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { S3Error } from './errors.js';

/**
 * The AWS settings that S3 presigning needs, from the environment and the shared files
 * (`~/.aws/credentials`, `~/.aws/config`) the way the AWS CLI and SDKs read them. Only static
 * keys are used: SSO, assumed roles and `credential_process` need an AWS SDK.
 */

export type Env = Record<string, string | undefined>;

/** One profile's properties; a nested block (`s3 =` then indented lines) as `s3.name`. */
export type AwsProfile = Map<string, string>;

export interface AwsFileKeys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/**
 * Parses the AWS INI dialect into sections → properties. Names are lower-cased; values are kept
 * as written (a `#` inside a secret is part of it); lines starting with `#` or `;` are comments.
 */
export function parseAwsIni(text: string): Map<string, AwsProfile> {
  const sections = new Map<string, AwsProfile>();
  let current: AwsProfile | undefined;
  let parent: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[([^\]]*)\]/.exec(line);
    if (header) {
      const name = (header[1] ?? '').trim().replace(/\s+/g, ' ');
      current = sections.get(name) ?? new Map();
      sections.set(name, current);
      parent = undefined;
      continue;
    }
    const eq = line.indexOf('=');
    if (!current || eq < 1) continue;
    const name = line.slice(0, eq).trim().toLowerCase();
    const value = line.slice(eq + 1).trim();
    // An indented line under a property with no value belongs to that property's block.
    if (/^\s/.test(raw) && parent !== undefined) {
      current.set(`${parent}.${name}`, value);
      continue;
    }
    current.set(name, value);
    parent = value === '' ? name : undefined;
  }
  return sections;
}

function expandHome(path: string, env: Env): string | undefined {
  if (path === '~' || path.startsWith('~/')) return env.HOME ? join(env.HOME, path.slice(1)) : undefined;
  return path;
}

/** The two shared files, from their variables or `$HOME/.aws`; undefined without either. */
export function awsFilePaths(env: Env): { credentials: string | undefined; config: string | undefined } {
  const home = env.HOME ? join(env.HOME, '.aws') : undefined;
  const credentials = env.AWS_SHARED_CREDENTIALS_FILE || (home && join(home, 'credentials'));
  const config = env.AWS_CONFIG_FILE || (home && join(home, 'config'));
  return { credentials: credentials && expandHome(credentials, env), config: config && expandHome(config, env) };
}

// Real AWS files are a few kilobytes; anything this large is not one.
const MAX_FILE_BYTES = 1 << 20;

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? 'an error';
}

function readIni(path: string | undefined): Map<string, AwsProfile> {
  if (path === undefined) return new Map();
  let text: string;
  try {
    // Only regular files: a FIFO or a device would block or never end.
    const stat = statSync(path);
    if (!stat.isFile()) throw new S3Error('config-unreadable', `the AWS file ${path} is not a regular file`);
    if (stat.size > MAX_FILE_BYTES) throw new S3Error('config-unreadable', `the AWS file ${path} is larger than 1 MiB`);
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof S3Error) throw error;
    // A missing file is the common case: nothing configured.
    if (errorCode(error) === 'ENOENT') return new Map();
    throw new S3Error('config-unreadable', `cannot read the AWS file ${path} (${errorCode(error)})`, { cause: error });
  }
  return parseAwsIni(text);
}

/** `AWS_PROFILE`, else `default`. */
export function awsProfileName(env: Env): string {
  return env.AWS_PROFILE || 'default';
}

/**
 * The named profile, merged as the SDKs merge it: `[profile name]` (or `[default]`) of the config
 * file, overridden by `[name]` of the credentials file.
 */
export function loadAwsProfile(env: Env): AwsProfile {
  const name = awsProfileName(env);
  const paths = awsFilePaths(env);
  const config = readIni(paths.config);
  const fromConfig = config.get(`profile ${name}`) ?? (name === 'default' ? config.get('default') : undefined);
  const fromCredentials = readIni(paths.credentials).get(name);
  return new Map([...(fromConfig ?? []), ...(fromCredentials ?? [])]);
}

/** Static keys from the environment: both variables set, else none. */
export function envKeys(env: Env): AwsFileKeys | undefined {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) return undefined;
  return env.AWS_SESSION_TOKEN ? { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN } : { accessKeyId, secretAccessKey };
}

/** Static keys of a profile, else none. */
export function profileKeys(profile: AwsProfile): AwsFileKeys | undefined {
  const accessKeyId = profile.get('aws_access_key_id');
  const secretAccessKey = profile.get('aws_secret_access_key');
  if (!accessKeyId || !secretAccessKey) return undefined;
  const sessionToken = profile.get('aws_session_token');
  return sessionToken ? { accessKeyId, secretAccessKey, sessionToken } : { accessKeyId, secretAccessKey };
}

/** What a profile uses instead of static keys, for an error message that says what to do. */
export function unsupportedSource(profile: AwsProfile): string | undefined {
  if (profile.has('sso_session') || profile.has('sso_start_url')) return 'AWS SSO';
  if (profile.has('role_arn')) return 'an assumed role (role_arn)';
  if (profile.has('credential_process')) return 'credential_process';
  return undefined;
}

/** `AWS_REGION`, `AWS_DEFAULT_REGION`, then the profile's `region`. */
export function awsRegion(env: Env, profile: () => AwsProfile): string | undefined {
  return env.AWS_REGION || env.AWS_DEFAULT_REGION || profile().get('region') || undefined;
}

/**
 * `AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL`, then the profile's `s3 = endpoint_url` block or
 * `endpoint_url`; none at all when `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` is true.
 */
export function awsEndpointUrl(env: Env, profile: () => AwsProfile): string | undefined {
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() === 'true') return undefined;
  if (env.AWS_ENDPOINT_URL_S3) return env.AWS_ENDPOINT_URL_S3;
  if (env.AWS_ENDPOINT_URL) return env.AWS_ENDPOINT_URL;
  const p = profile();
  return p.get('s3.endpoint_url') || p.get('endpoint_url') || undefined;
}

/** The profile's `s3 = addressing_style = path | virtual`, as the AWS CLI reads it. */
export function awsForcePathStyle(profile: () => AwsProfile): boolean | undefined {
  const style = profile().get('s3.addressing_style');
  if (style === 'path') return true;
  if (style === 'virtual') return false;
  return undefined;
}
