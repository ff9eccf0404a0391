/**
 * What the `auth` command accepts, as data: yargs is built from it, and so is the small parser
 * that serves plain invocations without loading yargs (start-up time is budgeted).
 */

export interface OptionSpec {
  type: 'string' | 'boolean';
  describe: string;
  alias?: string;
  /** Shown in help as the value's name. */
  value?: string;
}

export interface CommandSpec {
  name: string;
  /** yargs command string, e.g. "login <host>". */
  usage: string;
  describe: string;
  positionals: { name: string; describe: string; required: boolean }[];
  options: Record<string, OptionSpec>;
  examples: [string, string][];
}

export const globalOptions: Record<string, OptionSpec> = {
  file: { type: 'string', value: 'path', describe: 'Use this credentials file as the only store (like RATTLER_AUTH_FILE alone)' },
  store: {
    type: 'string',
    value: 'name',
    describe: 'Use one store only: keychain, file, netrc, or a module (path or package) exporting createStore()',
  },
  verbose: { type: 'boolean', describe: 'Show stack traces of errors' },
};

const json: OptionSpec = { type: 'boolean', describe: 'Print JSON on stdout' };

export const commands: CommandSpec[] = [
  {
    name: 'login',
    usage: 'login <host>',
    describe: 'Store a credential for a host, URL, *.domain or s3:// key',
    positionals: [{ name: 'host', describe: 'prefix.dev, https://repo.example.com/channel, *.example.com, s3://bucket/path', required: true }],
    options: {
      token: { type: 'string', value: 'token', describe: 'A bearer token (prefix.dev, npm registries); "-" reads it from stdin' },
      username: { type: 'string', value: 'name', describe: 'User name for HTTP basic authentication' },
      password: { type: 'string', value: 'password', describe: 'Password for HTTP basic authentication; "-" reads it from stdin' },
      'conda-token': { type: 'string', value: 'token', describe: 'A conda token (anaconda.org, quetz), sent as /t/<token>/; "-" reads stdin' },
      's3-access-key-id': { type: 'string', value: 'id', describe: 'S3 access key id' },
      's3-secret-access-key': { type: 'string', value: 'key', describe: 'S3 secret access key; "-" reads it from stdin' },
      's3-session-token': { type: 'string', value: 'token', describe: 'S3 session token (optional)' },
      verify: { type: 'boolean', describe: 'Check the credential with a request to the host first; store nothing if it is rejected' },
      oauth: { type: 'boolean', describe: 'Log in with OAuth (the default for prefix.dev when no credential is given)' },
      'oauth-issuer-url': { type: 'string', value: 'url', describe: 'The OAuth issuer (default: https://<host>)' },
      'oauth-client-id': { type: 'string', value: 'id', describe: 'The OAuth client id (default: rattler)' },
      'oauth-client-secret': { type: 'string', value: 'secret', describe: 'The OAuth client secret, for confidential clients' },
      'oauth-flow': { type: 'string', value: 'flow', describe: 'device-code (default), auth-code (a browser and a loopback redirect) or auto' },
      'oauth-scope': { type: 'string', value: 'scope', describe: 'An OAuth scope to ask for; repeat for more' },
      'oauth-redirect-uri': { type: 'string', value: 'uri', describe: 'The loopback redirect URI for auth-code (default: http://127.0.0.1:<free port>/callback)' },
    },
    examples: [
      ['$0 login prefix.dev --token pfx_…', 'Store a token for prefix.dev and its subdomains (*.prefix.dev)'],
      ['$0 login anaconda.org --conda-token -  < token.txt', 'Read a conda token from stdin'],
      ['$0 login artifactory.example.com --username me', 'Prompt for the password without echo'],
      ['$0 login https://registry.example.com:8443/npm/ --token - --verify', 'Check the token before storing it'],
      ['$0 login prefix.dev', 'Log in to prefix.dev with OAuth (device code)'],
    ],
  },
  {
    name: 'logout',
    usage: 'logout [host]',
    describe: 'Remove the credential for a host from every store that has it',
    positionals: [{ name: 'host', describe: 'The host as given to login (the key pixi would use is removed too)', required: false }],
    options: { all: { type: 'boolean', describe: 'Remove every stored credential' } },
    examples: [
      ['$0 logout prefix.dev', 'Remove the credential stored for *.prefix.dev'],
      ['$0 logout --all', 'Remove everything from every writable store'],
    ],
  },
  {
    name: 'list',
    usage: 'list',
    describe: 'List stored keys with their type and store (never a secret)',
    positionals: [],
    options: { json },
    examples: [
      ['$0 list', 'A table of keys, types and stores'],
      ['$0 list --json', 'The same as a JSON array, for scripts'],
    ],
  },
  {
    name: 'token',
    usage: 'token <host-or-url>',
    describe: 'Print the token that would be sent to a host or URL (stdout only)',
    positionals: [{ name: 'host-or-url', describe: 'A host, URL or stored key', required: true }],
    options: {},
    examples: [
      ['$0 token prefix.dev', 'Print the prefix.dev token'],
      ['TOKEN=$($0 token https://repo.prefix.dev/my-channel)', 'Use it in a script'],
    ],
  },
  {
    name: 'status',
    usage: 'status <url>',
    describe: 'Send one authenticated GET to a URL and report the key, store and HTTP status',
    positionals: [{ name: 'url', describe: 'The URL to request', required: true }],
    options: { json, timeout: { type: 'string', value: 'seconds', describe: 'Give up after this many seconds (default 30)' } },
    examples: [
      ['$0 status https://repo.prefix.dev/my-channel/noarch/repodata.json', 'Check that the stored credential works'],
      ['$0 status https://registry.example.com/-/whoami --json', 'The result as JSON'],
    ],
  },
];
