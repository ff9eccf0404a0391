/**
 * What the `auth` command accepts, as data. The one parser (argv.ts), the help (help.ts) and the
 * completion (completion.ts) are all read from here, so they cannot disagree.
 */

export interface OptionSpec {
  type: 'string' | 'boolean';
  describe: string;
  /** Shown in help as the value's name. */
  value?: string;
  /** A value of `-` reads it from stdin (a prompt in a terminal). */
  stdin?: boolean;
  /** What completion offers for the value. */
  complete?: readonly string[];
  /** May be given more than once; the values are collected in order. */
  repeatable?: boolean;
}

interface PositionalSpec {
  name: string;
  describe: string;
  required: boolean;
  /** Completion offers the stored keys for it. */
  completeKeys?: boolean;
}

export interface CommandSpec {
  name: string;
  describe: string;
  positionals: PositionalSpec[];
  options: Record<string, OptionSpec>;
  examples: [string, string][];
}

/** The stores `--store` names; anything else must be a store module. */
export const STORE_NAMES = ['keychain', 'file', 'netrc'] as const;

export const globalOptions: Record<string, OptionSpec> = {
  file: { type: 'string', value: 'path', describe: 'Use this credentials file as the only store (like RATTLER_AUTH_FILE alone)' },
  store: {
    type: 'string',
    value: 'name',
    describe: 'Use one store only: keychain, file, netrc, or a store module (./path.mjs, /abs/path.js or an installed package) exporting createStore()',
    complete: STORE_NAMES,
  },
  verbose: { type: 'boolean', describe: 'Show stack traces of errors' },
  help: { type: 'boolean', describe: 'Show help (also: auth help <command>)' },
  version: { type: 'boolean', describe: 'Print the version' },
};

const json: OptionSpec = { type: 'boolean', describe: 'Print JSON on stdout' };

const FROM_STDIN = '; - reads it from stdin, or asks in a terminal';

export const commands: CommandSpec[] = [
  {
    name: 'login',
    describe: 'Store a credential for a host, URL, *.domain or s3:// key. With no credential flag, asks for it in a terminal.',
    positionals: [{ name: 'host', describe: 'prefix.dev, https://repo.example.com/channel, *.example.com, s3://bucket/path', required: true }],
    options: {
      token: { type: 'string', value: 'token', stdin: true, describe: `A bearer token (prefix.dev, npm registries)${FROM_STDIN}` },
      username: { type: 'string', value: 'name', stdin: true, describe: `User name for HTTP basic authentication${FROM_STDIN}` },
      password: { type: 'string', value: 'password', stdin: true, describe: `Password for HTTP basic authentication${FROM_STDIN}` },
      'conda-token': { type: 'string', value: 'token', stdin: true, describe: `A conda token (anaconda.org, quetz), sent as /t/<token>/${FROM_STDIN}` },
      's3-access-key-id': { type: 'string', value: 'id', stdin: true, describe: `S3 access key id${FROM_STDIN}` },
      's3-secret-access-key': { type: 'string', value: 'key', stdin: true, describe: `S3 secret access key${FROM_STDIN}` },
      's3-session-token': { type: 'string', value: 'token', stdin: true, describe: `S3 session token (optional)${FROM_STDIN}` },
      verify: { type: 'boolean', describe: 'Check the credential with a request first; store nothing unless the server accepts it' },
      'verify-url': { type: 'string', value: 'url', describe: 'Check it against this URL instead of the host (implies --verify)' },
      timeout: { type: 'string', value: 'seconds', describe: 'With --verify: wait at most this long for the response headers (default 30, at most 3600)' },
      oauth: { type: 'boolean', describe: 'Log in with OAuth (the default for prefix.dev when no credential is given)' },
      'oauth-issuer-url': { type: 'string', value: 'url', describe: 'The OAuth issuer (default: https://<host>)' },
      'oauth-client-id': { type: 'string', value: 'id', describe: 'The OAuth client id (default: rattler)' },
      'oauth-client-secret': { type: 'string', value: 'secret', stdin: true, describe: `The OAuth client secret, for confidential clients${FROM_STDIN}` },
      'oauth-flow': { type: 'string', value: 'flow', describe: 'device-code (default), auth-code (a browser and a loopback redirect) or auto' },
      'oauth-scope': { type: 'string', value: 'scope', repeatable: true, describe: 'An OAuth scope to ask for; repeat for more' },
      'oauth-redirect-uri': { type: 'string', value: 'uri', describe: 'The loopback redirect URI for auth-code (default: http://127.0.0.1:<free port>/callback)' },
    },
    examples: [
      ['$0 login repo.example.com', 'Ask for a token (or a username and password) without echoing it'],
      ['$0 login anaconda.org --conda-token - < token.txt', 'Read a conda token from stdin'],
      ['$0 login artifactory.example.com --username me', 'Ask for the password without echoing it'],
      ['$0 login https://registry.example.com:8443/npm/ --token - --verify', 'Check the token before storing it'],
      ['$0 login prefix.dev', 'Log in to prefix.dev with OAuth (device code)'],
    ],
  },
  {
    name: 'logout',
    describe: 'Remove the credential for a host from every store that has it',
    positionals: [{ name: 'host', describe: 'The host as given to login, or a key as auth list shows it', required: false, completeKeys: true }],
    options: {
      all: { type: 'boolean', describe: 'Remove every stored credential (asks first in a terminal)' },
      yes: { type: 'boolean', describe: 'With --all: do not ask (needed without a terminal)' },
    },
    examples: [
      ['$0 logout prefix.dev', 'Remove the credential stored for *.prefix.dev'],
      ['$0 logout --all --yes', 'Remove everything from every writable store, without asking'],
    ],
  },
  {
    name: 'list',
    describe: 'List stored keys with their type and store (never a secret)',
    positionals: [],
    options: { json },
    examples: [
      ['$0 list', 'A table of keys, types and stores (tab-separated when piped)'],
      ['$0 list --json', 'The same as a JSON array, for scripts'],
    ],
  },
  {
    name: 'token',
    describe: 'Print the token that would be sent to a host or URL (stdout only)',
    positionals: [{ name: 'host-or-url', describe: 'A host, URL or stored key', required: true, completeKeys: true }],
    options: {},
    examples: [
      ['$0 token prefix.dev', 'Print the prefix.dev token'],
      ['TOKEN=$($0 token https://repo.prefix.dev/my-channel)', 'Use it in a script'],
    ],
  },
  {
    name: 'status',
    describe: 'Send one authenticated GET to a URL (headers only) and report the credential sent and the HTTP status',
    positionals: [{ name: 'url', describe: 'The URL to request; without it, an overview of every stored credential', required: false }],
    options: {
      json,
      timeout: { type: 'string', value: 'seconds', describe: 'Wait at most this long for the response headers (default 30, at most 3600)' },
      's3-endpoint-url': { type: 'string', value: 'url', describe: "For an s3:// URL: the bucket's endpoint (default: the AWS settings, else AWS)" },
      's3-region': { type: 'string', value: 'region', describe: "For an s3:// URL: the bucket's region (default: the AWS settings, else us-east-1)" },
      's3-force-path-style': { type: 'boolean', describe: 'For an s3:// URL: address the bucket in the path, not the host name' },
    },
    examples: [
      ['$0 status https://repo.prefix.dev/my-channel/noarch/repodata.json', 'Check that the stored credential works'],
      ['$0 status s3://my-bucket/channel/noarch/repodata.json --s3-endpoint-url http://localhost:9000', 'Check S3 keys against a MinIO bucket'],
      ['$0 status https://registry.example.com/-/whoami --json', 'The result as JSON'],
    ],
  },
  {
    name: 'help',
    describe: 'Show help for a command',
    positionals: [{ name: 'command', describe: 'The command to explain', required: false }],
    options: {},
    examples: [['$0 help login', 'How to store a credential']],
  },
  {
    name: 'completion',
    describe: 'Print a completion script for bash or zsh',
    positionals: [{ name: 'shell', describe: 'bash (default) or zsh', required: false }],
    options: {},
    examples: [
      ['$0 completion >> ~/.bashrc', 'Complete auth commands, flags, store names and stored keys in bash'],
      ['$0 completion zsh >> ~/.zshrc', 'The same in zsh'],
    ],
  },
];

/** A command by name. */
export const commandNamed = (name: string): CommandSpec | undefined => commands.find((c) => c.name === name);

/** Every option a command takes, its own and the global ones. */
export const optionsOf = (spec: CommandSpec | undefined): Record<string, OptionSpec> => ({ ...globalOptions, ...spec?.options });
