import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browser, startProvider, type TestProvider } from './oauth-provider.js';

let provider: TestProvider;
beforeAll(async () => {
  provider = await startProvider();
});
afterAll(() => provider.close());

describe('the OAuth test provider', () => {
  it('serves discovery for an http://127.0.0.1 issuer', async () => {
    const meta = (await (await fetch(`${provider.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(meta.issuer).toBe(provider.issuer);
    expect(meta.device_authorization_endpoint).toBe(`${provider.issuer}/device/auth`);
    expect(meta.revocation_endpoint).toBe(provider.revocationEndpoint);
    expect(meta.code_challenge_methods_supported).toEqual(['S256']);
  });

  it('issues rotating refresh tokens through a device login approved in its own pages', async () => {
    const tokens = await provider.issueTokens();
    expect(tokens.refresh_token).toBeTruthy();
    expect(await provider.userinfoStatus(tokens.access_token)).toBe(200);
    const res = await fetch(provider.tokenEndpoint, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token!, client_id: 'rattler' }),
    });
    const next = (await res.json()) as { refresh_token: string };
    expect(next.refresh_token).not.toBe(tokens.refresh_token);
    expect(await provider.isActive(tokens.refresh_token!)).toBe(false);
  });

  it('refuses a device code the user denied', async () => {
    const res = await fetch(`${provider.issuer}/device/auth`, { method: 'POST', body: new URLSearchParams({ client_id: 'rattler', scope: 'openid' }) });
    const device = (await res.json()) as { user_code: string; device_code: string };
    await browser(provider.issuer).approveDevice(device.user_code, { deny: true });
    const token = await fetch(provider.tokenEndpoint, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: device.device_code, client_id: 'rattler' }),
    });
    expect(((await token.json()) as { error: string }).error).toBe('access_denied');
  });
});
