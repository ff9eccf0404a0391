import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authBin, type Sandbox, sandbox } from '@auth/test-support/cli';
import { browser, startProvider, type TestProvider, rattlerOAuth } from '@auth/test-support/oauth-provider';
import { oauthRequested } from './login.js';

let provider: TestProvider;
beforeAll(async () => {
  provider = await startProvider();
});
afterAll(() => provider.close());

interface Running {
  child: ChildProcess;
  /** Resolves with the first match of `pattern` in stderr so far or later. */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray>;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** The built `auth` in a sandbox, its stderr watched as it comes (the login prints what to do there). */
function start(s: Sandbox, args: string[], env: NodeJS.ProcessEnv = {}): Running {
  const child = spawn(process.execPath, [authBin, ...args], { cwd: s.home, env: { ...s.env, AUTH_NO_BROWSER: '1', ...env } });
  let stdout = '';
  let stderr = '';
  const waiters: { pattern: RegExp; resolve(m: RegExpMatchArray): void }[] = [];
  const check = () => {
    for (const w of [...waiters]) {
      const m = stderr.match(w.pattern);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  };
  child.stdout?.on('data', (d: Buffer) => (stdout += d));
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d;
    check();
  });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return {
    child,
    done,
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        waiters.push({ pattern, resolve });
        check();
        void done.then(() => reject(new Error(`auth exited before printing ${pattern}:\n${stderr}`)));
      }),
  };
}

const stored = (s: Sandbox) => JSON.parse(readFileSync(join(s.home, 'c.json'), 'utf8')) as Record<string, { OAuth: Record<string, unknown> }>;
const loginArgs = (...more: string[]) => ['login', 'repo.example.com', '--oauth-issuer-url', provider.issuer, '--file', 'c.json', ...more];

describe('auth login --oauth, device code', () => {
  it('prints the verification URL and code on stderr, polls until approved, and stores rattler OAuth JSON', async () => {
    const s = sandbox({ keychain: false });
    const run = start(s, loginArgs('--oauth'));
    const [, userCode] = await run.waitFor(/enter the code (\S+)/);
    expect((await run.waitFor(/open (\S+) and enter/))[1]).toBe(`${provider.issuer}/device`);
    await browser(provider.issuer).approveDevice(userCode as string);
    const result = await run.done;
    expect(result.stderr).toContain('Stored an OAuth login for repo.example.com');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    const entry = stored(s)['repo.example.com']?.OAuth;
    expect(Object.keys(entry ?? {})).toEqual(['access_token', 'refresh_token', 'expires_at', 'token_endpoint', 'revocation_endpoint', 'client_id']);
    expect(entry?.token_endpoint).toBe(provider.tokenEndpoint);
    expect(entry?.revocation_endpoint).toBe(provider.revocationEndpoint);
    expect(entry?.client_id).toBe('rattler');
    expect(Math.abs(Number(entry?.expires_at) - (Date.now() / 1000 + 3600))).toBeLessThan(60);
    expect(await provider.userinfoStatus(String(entry?.access_token))).toBe(200);
    expect(await provider.isActive(String(entry?.refresh_token))).toBe(true);
    expect(result.stderr).not.toContain(String(entry?.access_token));
    expect(result.stderr).not.toContain(String(entry?.refresh_token));
  });

  it('stores nothing and fails when the user denies the login', async () => {
    const s = sandbox({ keychain: false });
    const run = start(s, loginArgs('--oauth-flow', 'device-code'));
    const [, userCode] = await run.waitFor(/enter the code (\S+)/);
    await browser(provider.issuer).approveDevice(userCode as string, { deny: true });
    const result = await run.done;
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/denied/);
    expect(existsSync(join(s.home, 'c.json'))).toBe(false);
  });

  it('stores nothing when interrupted with Ctrl-C while waiting', async () => {
    const s = sandbox({ keychain: false });
    const run = start(s, loginArgs('--oauth'));
    const [, userCode] = await run.waitFor(/enter the code (\S+)/);
    run.child.kill('SIGINT');
    const result = await run.done;
    expect(result.code === 0).toBe(false);
    // Approving afterwards changes nothing: the command is gone.
    await browser(provider.issuer).approveDevice(userCode as string);
    expect(existsSync(join(s.home, 'c.json'))).toBe(false);
  });

  it('stores a login for a one-dot host on the host itself, as pixi does (prefix.dev, not *.prefix.dev)', async () => {
    const s = sandbox({ keychain: false });
    const run = start(s, ['login', 'example.dev', '--oauth', '--oauth-issuer-url', provider.issuer, '--file', 'c.json']);
    const [, userCode] = await run.waitFor(/enter the code (\S+)/);
    await browser(provider.issuer).approveDevice(userCode as string);
    expect((await run.done).code).toBe(0);
    expect(Object.keys(stored(s))).toEqual(['example.dev']);
  });

  it('takes the issuer from a URL given as the host when --oauth-issuer-url is left out', async () => {
    const s = sandbox({ keychain: false });
    const run = start(s, ['login', provider.issuer, '--oauth', '--file', 'c.json']);
    const [, userCode] = await run.waitFor(/enter the code (\S+)/);
    await browser(provider.issuer).approveDevice(userCode as string);
    expect((await run.done).code).toBe(0);
    expect(stored(s)[new URL(provider.issuer).hostname]?.OAuth.token_endpoint).toBe(provider.tokenEndpoint);
  });

  it('auto picks the device code when no browser can be opened, and says so', async () => {
    const s = sandbox({ keychain: false });
    const run = start(s, loginArgs('--oauth-flow', 'auto'));
    await run.waitFor(/device-code flow \(no browser/);
    const [, userCode] = await run.waitFor(/enter the code (\S+)/);
    await browser(provider.issuer).approveDevice(userCode as string);
    expect((await run.done).code).toBe(0);
  });
});

describe('auth login --oauth, authorization code with PKCE on a loopback redirect', () => {
  it('prints the URL, receives the code on 127.0.0.1 and stores the tokens', async () => {
    const s = sandbox({ keychain: false });
    const run = start(s, loginArgs('--oauth-flow', 'auth-code', '--oauth-scope', 'openid', '--oauth-scope', 'offline_access'));
    const [, url] = await run.waitFor(/open this URL in a browser:\n\s+(\S+)/);
    const authorization = new URL(url as string);
    expect(authorization.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorization.searchParams.get('scope')).toBe('openid offline_access');
    expect(authorization.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    const page = await browser(provider.issuer).authorize(url as string);
    expect(page.html).toMatch(/Logged in/);
    const result = await run.done;
    expect(result.code).toBe(0);
    const entry = stored(s)['repo.example.com']?.OAuth;
    expect(await provider.userinfoStatus(String(entry?.access_token))).toBe(200);
    expect(entry?.refresh_token).toEqual(expect.any(String));
  });

  it('ignores a redirect with the wrong state, and stores nothing when the user denies', async () => {
    const s = sandbox({ keychain: false });
    const run = start(s, loginArgs('--oauth-flow', 'auth-code'));
    const [, url] = await run.waitFor(/open this URL in a browser:\n\s+(\S+)/);
    const redirect = new URL(String(new URL(url as string).searchParams.get('redirect_uri')));
    redirect.search = '?code=forged&state=wrong';
    expect((await fetch(redirect)).status).toBe(400);
    await browser(provider.issuer).authorize(url as string, { deny: true });
    const result = await run.done;
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/denied/);
    expect(existsSync(join(s.home, 'c.json'))).toBe(false);
  });
});

describe('auth login flags', () => {
  it('refuses --oauth together with a credential, and an unknown flow, as usage errors', () => {
    const s = sandbox({ keychain: false });
    const both = s.auth(['login', 'repo.example.com', '--oauth', '--token', 't', '--file', 'c.json']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/not both/);
    const flow = s.auth(['login', 'repo.example.com', '--oauth-flow', 'magic', '--file', 'c.json']);
    expect(flow.code).toBe(2);
    expect(flow.stderr).toMatch(/device-code, auth-code, auto/);
  });

  it('means OAuth for prefix.dev hosts with no credential flag, and only then', () => {
    expect(oauthRequested({}, '*.prefix.dev')).toBe(true);
    expect(oauthRequested({}, 'repo.prefix.dev')).toBe(true);
    expect(oauthRequested({ token: 'x' }, '*.prefix.dev')).toBe(false);
    expect(oauthRequested({}, 'notprefix.dev')).toBe(false);
    expect(oauthRequested({}, 'repo.example.com')).toBe(false);
    expect(oauthRequested({ 'oauth-scope': ['openid'] }, 'repo.example.com')).toBe(true);
  });
});

describe('auth token with an OAuth login', () => {
  it('refreshes a token that expires within 300 s, prints the new one and writes the rotated tokens back', async () => {
    const s = sandbox({ keychain: false });
    const tokens = await provider.issueTokens();
    const old = rattlerOAuth(provider, tokens, 60);
    writeFileSync(join(s.home, 'c.json'), JSON.stringify({ 'repo.example.com': { OAuth: old } }));
    const result = await s.authAsync(['token', 'repo.example.com', '--file', 'c.json']);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    const entry = stored(s)['repo.example.com']?.OAuth;
    expect(result.stdout).toBe(`${entry?.access_token}\n`);
    expect(entry?.access_token).not.toBe(old.access_token);
    expect(entry?.refresh_token).not.toBe(old.refresh_token);
    expect(await provider.userinfoStatus(String(entry?.access_token))).toBe(200);
  });

  it('says "log in again" when the refresh token is no longer accepted, printing no token', async () => {
    const s = sandbox({ keychain: false });
    const old = {
      access_token: 'expired-access-token',
      refresh_token: 'unknown-refresh-token',
      expires_at: Math.floor(Date.now() / 1000) - 10,
      token_endpoint: provider.tokenEndpoint,
      revocation_endpoint: null,
      client_id: 'rattler',
    };
    writeFileSync(join(s.home, 'c.json'), JSON.stringify({ 'repo.example.com': { OAuth: old } }));
    const result = await s.authAsync(['token', 'repo.example.com', '--file', 'c.json']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/expired: log in again/);
    expect(result.stderr).not.toContain('unknown-refresh-token');
    expect(result.stderr).not.toContain('expired-access-token');
  });
});

// The command exits as soon as it is done (exit.ts). The loopback listener's answer to the
// browser is the last thing an authorization-code login sends: it must reach the browser whole,
// also when the login ends at once because the redirect says it failed.
describe('the loopback redirect of an auth-code login, when the command exits at once', () => {
  it('answers a denied login in full to a browser the opener started, and exits 1 storing nothing', async () => {
    for (let round = 0; round < 5; round++) {
      const s = sandbox({ keychain: false });
      // The "browser": follows the redirect the way a denying provider would send it.
      const page = join(s.home, 'page.txt');
      const opener = join(s.home, 'browser.mjs');
      writeFileSync(
        opener,
        [
          '#!' + process.execPath,
          'const u = new URL(process.argv[2]);',
          "const r = new URL(u.searchParams.get('redirect_uri'));",
          "r.search = new URLSearchParams({ error: 'access_denied', state: u.searchParams.get('state') }).toString();",
          'const res = await fetch(r);',
          `(await import('node:fs')).writeFileSync(${JSON.stringify(page)}, res.status + ' ' + (await res.text()));`,
        ]
          .join('\n'),
      );
      chmodSync(opener, 0o755);
      const child = spawn(
        process.execPath,
        [authBin, 'login', 'repo.example.com', '--oauth-issuer-url', provider.issuer, '--file', 'c.json', '--oauth-flow', 'auth-code'],
        { cwd: s.home, env: { ...s.env, BROWSER: opener, DISPLAY: ':0' } },
      );
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      // The opener may still be writing what it received: wait for it (no time limit of our own).
      while (!existsSync(page) || !readFileSync(page, 'utf8').endsWith('\n')) await new Promise((r) => setTimeout(r, 20));
      expect(readFileSync(page, 'utf8')).toBe('200 The login did not succeed; see the terminal.\n');
      expect(code).toBe(1);
      expect(stderr).toMatch(/denied/);
      expect(existsSync(join(s.home, 'c.json'))).toBe(false);
    }
  });
});
