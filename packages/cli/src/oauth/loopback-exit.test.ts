import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authBin, sandbox } from '@auth/test-support/cli';
import { startProvider, type TestProvider } from '@auth/test-support/oauth-provider';

// The command exits as soon as it is done (exit.ts). The loopback listener's answer to the
// browser is the last thing an authorization-code login sends: it must reach the browser whole,
// also when the login ends at once because the redirect says it failed.
let provider: TestProvider;
beforeAll(async () => {
  provider = await startProvider();
});
afterAll(() => provider.close());

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
          `require('node:fs').writeFileSync(${JSON.stringify(page)}, res.status + ' ' + (await res.text()));`,
        ]
          .join('\n')
          .replace("require('node:fs')", "(await import('node:fs'))"),
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
