import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Run, sandbox } from '@auth/test-support/cli';
import { startServer, type TestServer } from '@auth/test-support/http';
import { fixture } from '@auth/test-support/paths';

const SECRETS = {
  token: 'tok-SECRET-1111',
  password: 'pw-SECRET-2222',
  conda: 'conda-SECRET-3333',
  s3: 's3-SECRET-4444',
  session: 's3session-SECRET-5555',
  fixtureBearer: 'pfx_jj8WDzvnuTEHGdAhwRZMC1Ag8gSto8',
  fixtureConda: 'xy-72b914cc-c105-4ec7-a969-ab21d23480ed',
  fixturePassword: 'pässw:rd',
};

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ bearer: SECRETS.token, conda: SECRETS.conda });
});
afterAll(() => server.close());

describe('no secret is ever printed', () => {
  it('a scripted session of every command prints no secret, except auth token on stdout', async () => {
    const s = sandbox({ keychain: false });
    copyFileSync(fixture('rattler-credentials.json'), join(s.home, '.rattler-fixture.json'));
    const host = `127.0.0.1:${server.port}`;
    const printed: Run[] = [];
    const tokenStdout: string[] = [];
    const run = async (args: string[], input?: string) => {
      const out = await s.authAsync(args, input === undefined ? {} : { input });
      if (args[0] === 'token') {
        tokenStdout.push(out.stdout);
        printed.push({ ...out, stdout: '' });
      } else printed.push(out);
      return out;
    };
    await run(['login', host, '--token', SECRETS.token]);
    await run(['login', `${host}/conda`, '--conda-token', '-'], `${SECRETS.conda}\n`);
    await run(['login', 'basic.example.com', '--username', 'u', '--password', SECRETS.password]);
    await run(['login', 's3://bucket/x', '--s3-access-key-id', 'AK', '--s3-secret-access-key', SECRETS.s3, '--s3-session-token', SECRETS.session]);
    await run(['login', `http://${host}/bearer`, '--token', SECRETS.token, '--verify']);
    await run(['login', `http://${host}/bearer`, '--token', `${SECRETS.token}-wrong`, '--verify']);
    await run(['login', 'a.example.com', '--token', `${SECRETS.token}\nX: y`]);
    await run(['login', 'prefix.dev', '--username', 'u', '--password', SECRETS.password]);
    await run(['list']);
    await run(['list', '--json']);
    await run(['list', '--json', '--file', '.rattler-fixture.json']);
    await run(['list', '--file', '.rattler-fixture.json', '--verbose']);
    await run(['token', host]);
    await run(['token', `http://${host}/conda/x`]);
    await run(['token', 'https://repo.prefix.dev/x', '--file', '.rattler-fixture.json']);
    await run(['token', 'basic.example.com', '--verbose']);
    await run(['status', `http://${host}/bearer/x`]);
    await run(['status', `http://${host}/bearer/x`, '--json']);
    await run(['status', `http://${host}/conda/x.json`, '--json']);
    await run(['status', `http://${host}/conda/x.json`, '--verbose']);
    await run(['status', `http://${host}/redirect/302?to=http://127.0.0.1:1/t/${SECRETS.conda}/x`, '--verbose']);
    await run(['status', 'http://127.0.0.1:1/conda/x', '--json', '--verbose']);
    await run(['logout', host]);
    await run(['logout', 'basic.example.com', '--verbose']);
    await run(['logout', '--all', '--yes']);
    await run(['list', '--bogus', SECRETS.token]);
    await run(['login', 'x.example.com', SECRETS.token, '--token', 'x']);
    await run(['token', 'x.example.com', SECRETS.token]);
    await run(['login', 'x.example.com', `--tokne=${SECRETS.token}`]);
    await run(['login', 'x.example.com', '--token', 'x', '--store', SECRETS.token]);
    await run(['list', '--store', `./${SECRETS.token}.mjs`]);
    await run([SECRETS.token]);
    await run(['help', SECRETS.token]);
    await run(['login', 'x.example.com', '--token', `-${SECRETS.token}`, '-x']);
    await run(['status', `http://u:${SECRETS.password}/?#@127.0.0.1:1/x`, '--verbose']);
    await run(['status', `http://u:${SECRETS.password}@${host}/bearer/x`, '--json']);
    await run(['login', host, '--token', SECRETS.token, '--verify-url', `http://u:${SECRETS.password}@${host}/x`]);
    await run(['__complete', 'logout', '']);
    // A password or a conda token pasted into a URL, in every command and every position.
    const inUrl = [`https://u:${SECRETS.password}@h.example.com/chan`, `https://u:${SECRETS.password}/?#@h.example.com/`, `https://h.example.com/t/${SECRETS.conda}/chan`];
    // Independent of each other and of the session: run side by side.
    await Promise.all(
      inUrl.flatMap((url) => [
        run(['login', url, '--token', 'x']),
        run(['login', url, '--token', 'x', '--no-verify', '--file', 'c.json', '--verbose']),
        run(['logout', url]),
        run(['logout', url, '--file', 'c.json', '--verbose']),
        run(['token', url]),
        run(['token', url, '--file', 'c.json', '--verbose']),
        run(['list', '--store', url]),
        run(['list', '--file', url, '--verbose']),
        run(['status', '--file', url, '--json']),
        run(['login', 'h.example.com', '--token', 'x', '--file', url]),
        run(['token', 'h.example.com', '--file', url]),
        run(['logout', 'h.example.com', '--file', url]),
      ]),
    );
    await run(['status', `http://${host}/t/${SECRETS.conda}/x.json`, '--json']);
    await run(['status', '--json']);
    await run(['status']);

    // The session did what it says (so the check below is not vacuous).
    expect(tokenStdout.slice(0, 3)).toEqual([`${SECRETS.token}\n`, `${SECRETS.conda}\n`, `${SECRETS.fixtureBearer}\n`]);
    expect(printed.filter((p) => p.code === 0).length).toBeGreaterThan(10);
    const all = printed.map((p) => `${p.stdout}\n${p.stderr}`).join('\n');
    expect(all).toContain('HTTP 200');
    for (const [name, secret] of Object.entries(SECRETS)) {
      expect(all.includes(secret), `${name} was printed`).toBe(false);
    }
    expect(all).not.toContain(encodeURIComponent(SECRETS.fixturePassword));
    expect(all).not.toContain(Buffer.from(`u:${SECRETS.password}`).toString('base64'));
  }, 300_000);
});
