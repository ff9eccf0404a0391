import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';

/**
 * A real OAuth 2.0 / OpenID Connect server (panva's oidc-provider 8, which supports Node.js 20;
 * 9 asks for 22) on 127.0.0.1: discovery, the device authorization grant, the authorization-code
 * grant with PKCE (S256 required) on loopback redirects, refresh tokens rotated on every use (a
 * reused refresh token revokes the whole grant), revocation and introspection. Its own
 * development interaction pages (login and consent forms) stand in for a user: tests drive them
 * with `browser()`, which speaks HTTP with cookies as a browser would.
 */

export const PUBLIC_CLIENT = 'rattler';
const INSPECTOR = { id: 'inspector', secret: 'inspector-secret-for-tests' };
export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

export interface ProviderOptions {
  /** Access-token lifetime in seconds (default 3600). */
  accessTokenTtl?: number;
  /** Device-code lifetime in seconds (default 600). */
  deviceCodeTtl?: number;
}

/** One call at the token endpoint as the server answered it. */
export interface TokenCall {
  grantType: string;
  ok: boolean;
  error?: string;
}

export interface TokenResponse {
  access_token: string;
  refresh_token?: string;
  expires_in?: number;
  token_type: string;
  scope?: string;
}

/** rattler's OAuth record (the JSON inside `{"OAuth": …}`) for tokens this provider issued. */
export interface RattlerOAuth {
  access_token: string;
  refresh_token: string | undefined;
  expires_at: number;
  token_endpoint: string;
  revocation_endpoint: string | null;
  client_id: string;
}

export function rattlerOAuth(provider: TestProvider, tokens: TokenResponse, expiresInSeconds: number): RattlerOAuth {
  return {
    access_token: tokens.access_token,
    refresh_token: tokens.refresh_token,
    expires_at: Math.floor(Date.now() / 1000) + expiresInSeconds,
    token_endpoint: provider.tokenEndpoint,
    revocation_endpoint: provider.revocationEndpoint,
    client_id: PUBLIC_CLIENT,
  };
}

export interface TestProvider {
  /** `http://127.0.0.1:<port>`, the issuer. */
  issuer: string;
  tokenEndpoint: string;
  revocationEndpoint: string;
  tokenCalls: TokenCall[];
  /** Whether the server still accepts this token (RFC 7662 introspection). */
  isActive(token: string): Promise<boolean>;
  /** The HTTP status of the userinfo endpoint for this access token. */
  userinfoStatus(accessToken: string): Promise<number>;
  /** A complete device-code login done in the test (client and user side): a token response. */
  issueTokens(scope?: string): Promise<TokenResponse>;
  close(): Promise<void>;
}

export async function startProvider(options: ProviderOptions = {}): Promise<TestProvider> {
  const server: Server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const configuration: Configuration = {
    clients: [
      {
        client_id: PUBLIC_CLIENT,
        token_endpoint_auth_method: 'none',
        application_type: 'native',
        grant_types: ['authorization_code', 'refresh_token', DEVICE_GRANT],
        response_types: ['code'],
        // Native clients on a loopback address may use any port (RFC 8252 §7.3).
        redirect_uris: ['http://127.0.0.1/callback'],
      },
      {
        client_id: INSPECTOR.id,
        client_secret: INSPECTOR.secret,
        grant_types: [],
        response_types: [],
        redirect_uris: [],
      },
    ],
    features: {
      devInteractions: { enabled: true },
      deviceFlow: { enabled: true },
      revocation: { enabled: true },
      introspection: { enabled: true },
    },
    pkce: { required: () => true, methods: ['S256'] },
    scopes: ['openid', 'offline_access', 'profile', 'channel:read', 'channel:upload'],
    claims: { openid: ['sub'], profile: ['name'] },
    ttl: {
      AccessToken: options.accessTokenTtl ?? 3600,
      AuthorizationCode: 60,
      DeviceCode: options.deviceCodeTtl ?? 600,
      Grant: 86400,
      IdToken: 3600,
      Interaction: 600,
      RefreshToken: 86400,
      Session: 86400,
    },
    // Every use of a refresh token gives a new one.
    rotateRefreshToken: true,
    // A refresh token for every grant that allows it, whatever the prompt.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
    cookies: { keys: ['oauth-provider-test-key'] },
  };
  const provider = new Provider(issuer, configuration);
  provider.on('server_error', (_ctx: KoaContextWithOIDC, error: Error) => {
    process.stderr.write(`oauth test provider: ${error.stack ?? error.message}\n`);
  });

  const tokenCalls: TokenCall[] = [];
  provider.on('grant.success', (ctx: KoaContextWithOIDC) => {
    tokenCalls.push({ grantType: String(ctx.oidc.params?.grant_type), ok: true });
  });
  provider.on('grant.error', (ctx: KoaContextWithOIDC, error: { error?: string }) => {
    const call: TokenCall = { grantType: String(ctx.oidc.params?.grant_type), ok: false };
    if (error.error) call.error = error.error;
    tokenCalls.push(call);
  });
  server.on('request', provider.callback());

  const post = async (path: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${issuer}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(form),
    });
  const basic = `Basic ${Buffer.from(`${INSPECTOR.id}:${INSPECTOR.secret}`).toString('base64')}`;

  return {
    issuer,
    tokenEndpoint: `${issuer}/token`,
    revocationEndpoint: `${issuer}/token/revocation`,
    tokenCalls,
    async isActive(token) {
      const res = await post('/token/introspection', { token }, { authorization: basic });
      return ((await res.json()) as { active?: boolean }).active === true;
    },
    async userinfoStatus(accessToken) {
      const res = await fetch(`${issuer}/me`, { headers: { authorization: `Bearer ${accessToken}` } });
      await res.arrayBuffer();
      return res.status;
    },
    async issueTokens(scope = 'openid offline_access') {
      const started = await post('/device/auth', { client_id: PUBLIC_CLIENT, scope });
      const device = (await started.json()) as { device_code: string; user_code: string };
      await browser(issuer).approveDevice(device.user_code);
      const res = await post('/token', { grant_type: DEVICE_GRANT, device_code: device.device_code, client_id: PUBLIC_CLIENT });
      if (!res.ok) throw new Error(`device token request failed: ${res.status} ${await res.text()}`);
      return (await res.json()) as TokenResponse;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface Form {
  id: string | undefined;
  action: string;
  method: string;
  fields: Record<string, string>;
}

const decodeHtml = (text: string) =>
  text
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

const attribute = (tag: string, name: string) => {
  const match = new RegExp(`\\b${name}="([^"]*)"`, 'i').exec(tag);
  return match ? decodeHtml(match[1] ?? '') : undefined;
};

/** The forms of a page with their hidden and pre-filled fields. */
function formsOf(html: string): Form[] {
  const forms: Form[] = [];
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const [, attributes = '', body = ''] = match;
    const fields: Record<string, string> = {};
    for (const input of body.matchAll(/<input\b[^>]*>/gi)) {
      const name = attribute(input[0], 'name');
      if (name) fields[name] = attribute(input[0], 'value') ?? '';
    }
    forms.push({
      id: attribute(attributes, 'id'),
      action: attribute(attributes, 'action') ?? '',
      method: attribute(attributes, 'method') ?? 'get',
      fields,
    });
  }
  return forms;
}

export interface Page {
  url: string;
  status: number;
  html: string;
}

export interface Browser {
  /** GET a URL, following redirects (including to a CLI's loopback listener). */
  open(url: string): Promise<Page>;
  /** From an authorization URL: signs in as `user` and consents, or aborts with `deny`. */
  authorize(authorizationUrl: string, options?: { user?: string; deny?: boolean }): Promise<Page>;
  /** Enters a user code at the provider's device page, confirms (or aborts), signs in, consents. */
  approveDevice(userCode: string, options?: { user?: string; deny?: boolean }): Promise<Page>;
}

/** A browser with a cookie jar, driving the provider's own pages over HTTP. */
export function browser(issuer: string): Browser {
  const cookies = new Map<string, string>();

  function keepCookies(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) cookies.delete(name);
      else cookies.set(name, value);
    }
  }

  async function request(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Page> {
    let target = new URL(url, issuer).href;
    let method = init.method ?? 'GET';
    let body: URLSearchParams | undefined = init.form ? new URLSearchParams(init.form) : undefined;
    for (let hop = 0; hop < 20; hop++) {
      const ours = target.startsWith(`${issuer}/`);
      const headers: Record<string, string> = {};
      // Cookies belong to the provider's origin only; a CLI's loopback listener gets none.
      if (ours && cookies.size) headers.cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      if (body) headers['content-type'] = 'application/x-www-form-urlencoded';
      const res = await fetch(target, { method, headers, body, redirect: 'manual' });
      if (ours) keepCookies(res);
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        await res.arrayBuffer();
        target = new URL(location, target).href;
        method = 'GET';
        body = undefined;
        continue;
      }
      return { url: target, status: res.status, html: await res.text() };
    }
    throw new Error('too many redirects');
  }

  const submit = (form: Form, extra: Record<string, string>) =>
    request(form.action, { method: form.method.toUpperCase(), form: { ...form.fields, ...extra } });

  /** Answers the login and consent prompts until the page is neither. */
  async function interact(page: Page, user: string, deny: boolean): Promise<Page> {
    let current = page;
    for (let step = 0; step < 5; step++) {
      const form = formsOf(current.html).find((f) => f.fields.prompt === 'login' || f.fields.prompt === 'consent');
      if (!form) return current;
      if (deny) {
        const abort = /href="([^"]*\/abort)"/.exec(current.html)?.[1];
        if (!abort) throw new Error('no abort link on the interaction page');
        return request(decodeHtml(abort));
      }
      current = await submit(form, form.fields.prompt === 'login' ? { login: user, password: 'any' } : {});
    }
    throw new Error('the interaction did not finish');
  }

  return {
    open: (url) => request(url),
    async authorize(authorizationUrl, options = {}) {
      return interact(await request(authorizationUrl), options.user ?? 'alice', options.deny ?? false);
    },
    async approveDevice(userCode, options = {}) {
      const entry = await request('/device');
      const input = formsOf(entry.html).find((f) => f.id === 'op.deviceInputForm');
      if (!input) throw new Error(`no device code form at ${entry.url}`);
      // The provider asks for confirmation, sign-in and consent, in an order of its own.
      let page = await submit(input, { user_code: userCode });
      for (let step = 0; step < 6; step++) {
        const confirm = formsOf(page.html).find((f) => f.id === 'op.deviceConfirmForm');
        if (confirm) {
          page = await submit(confirm, options.deny ? { abort: 'yes' } : {});
          continue;
        }
        const next = await interact(page, options.user ?? 'alice', false);
        if (next === page) return page;
        page = next;
      }
      throw new Error(`the device approval did not finish at ${page.url}`);
    },
  };
}
