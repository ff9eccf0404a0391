import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inKeyring, sandbox } from '@auth/test-support/cli';
import { startProvider, type TestProvider, rattlerOAuth } from '@auth/test-support/oauth-provider';

const run = promisify(execFile);
// secret-tool, another Secret Service client, reads what the command wrote.
const lookup = async (key: string) => (await run('secret-tool', ['lookup', 'service', 'rattler', 'username', key], { encoding: 'utf8' })).stdout;
const store = (key: string, secret: string) =>
  new Promise<void>((resolve, reject) => {
    const child = execFile('secret-tool', ['store', '--label', 'test', 'service', 'rattler', 'username', key], (error) => (error ? reject(error) : resolve()));
    child.stdin?.end(secret);
  });

let provider: TestProvider;
beforeAll(async () => {
  provider = await startProvider();
});
afterAll(() => provider.close());

describe.skipIf(!inKeyring)('OAuth logins in the real keychain', () => {
  it('auth token refreshes a keychain entry and writes the rotated tokens back to the keychain; logout revokes it', async () => {
    const s = sandbox();
    const key = `oauth-${process.pid}.example.com`;
    const tokens = await provider.issueTokens();
    const old = rattlerOAuth(provider, tokens, 1);
    await store(key, JSON.stringify({ OAuth: old }));

    const printed = await s.authAsync(['token', key]);
    expect({ code: printed.code, stderr: printed.stderr }).toEqual({ code: 0, stderr: '' });
    const now = JSON.parse(await lookup(key)).OAuth;
    expect(printed.stdout).toBe(`${now.access_token}\n`);
    expect(now.access_token).not.toBe(old.access_token);
    expect(now.refresh_token).not.toBe(old.refresh_token);
    expect(now.expires_at).toBeGreaterThan(old.expires_at + 3000);
    expect(await provider.userinfoStatus(now.access_token)).toBe(200);

    const out = await s.authAsync(['logout', key]);
    expect(out.code).toBe(0);
    expect(out.stderr).toContain('Revoked the OAuth login');
    expect(await provider.isActive(now.refresh_token)).toBe(false);
    await expect(lookup(key)).rejects.toThrow();
  });
});
