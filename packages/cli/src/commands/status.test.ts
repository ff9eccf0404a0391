import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authBin, sandbox } from '@auth/test-support/cli';

/** Answers by path (after any /t/<token>): /stall sends headers and never ends the body; /code/<n> that status; /hang never answers. */
let server: Server;
let origin: string;
const seen: { path: string; authorization: string | undefined }[] = [];
beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    seen.push({ path: req.url ?? '', authorization: req.headers.authorization });
    const [, first, second] = (req.url ?? '/').replace(/^\/t\/[^/]+/, '').split('/');
    if (first === 'stall') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('the body starts, and never ends');
      return;
    }
    if (first === 'hang') return;
    res.writeHead(Number(second) || 404, Number(second) >= 300 && Number(second) < 400 ? { location: '/code/200' } : {});
    res.end('x');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  server.close();
});

const host = () => origin.replace('http://', '');

describe('status reads the headers only', () => {
  it('a server that sends headers and stalls the body gets its status reported at once, within --timeout', async () => {
    const s = sandbox({ keychain: false });
    s.auth(['login', host(), '--token', 'stall-tok', '--file', 'c.json']);
    // The body never ends: only a run that stops at the headers finishes (the test's own timeout).
    const out = await s.authAsync(['status', `${origin}/stall/x`, '--json', '--file', 'c.json', '--timeout', '600']);
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({ status: 200, ok: true, sent: 'stored', key: host() });
  }, 20_000);

  it('--timeout bounds the wait for the headers', async () => {
    const s = sandbox({ keychain: false });
    const out = await s.authAsync(['status', `${origin}/hang/x`, '--file', 'c.json', '--timeout', '0.5']);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('no response headers within 0.5 s');
  });

  it('says when the URL carried its own credentials and no stored one was sent, without printing them', async () => {
    const s = sandbox({ keychain: false });
    s.auth(['login', host(), '--token', 'stored-tok', '--file', 'c.json']);
    seen.length = 0;
    const userinfo = await s.authAsync(['status', `http://me:url-PASSWORD@${host()}/code/200`, '--file', 'c.json']);
    expect(userinfo.code).toBe(0);
    expect(userinfo.stderr).toContain('using the credentials written in the URL (no stored one)');
    expect(seen[0]?.authorization).toBe(`Basic ${Buffer.from('me:url-PASSWORD').toString('base64')}`);
    const conda = await s.authAsync(['status', `${origin}/t/url-CONDA/code/200`, '--json', '--file', 'c.json']);
    expect(JSON.parse(conda.stdout)).toMatchObject({ sent: 'url', key: null, status: 200, ok: true });
    for (const out of [userinfo, conda]) {
      expect(out.stdout + out.stderr).not.toMatch(/url-PASSWORD|url-CONDA|stored-tok/);
    }
  });

  it('an https URL to a plain-http server says to try http://', async () => {
    const s = sandbox({ keychain: false });
    const out = await s.authAsync(['status', `https://${host()}/code/200`, '--file', 'c.json', '--timeout', '5']);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain(`the server speaks http, not https: try http://${host()}/code/200`);
    expect(out.stderr).not.toMatch(/SSL|ssl3_get_record|OpenSSL/i);
  });
});

describe('login --verify', () => {
  it.each([
    [200, 0, 'accepted the credential (HTTP 200)'],
    [302, 0, 'accepted the credential (HTTP 200)'],
    [401, 1, 'rejected the credential (HTTP 401); nothing was stored'],
    [403, 1, 'rejected the credential (HTTP 403); nothing was stored'],
    [404, 1, 'could not verify the credential: '],
    [500, 1, 'could not verify the credential: '],
  ])('HTTP %i: exit %i, "%s"', async (code, exit, message) => {
    const s = sandbox({ keychain: false });
    const out = await s.authAsync(['login', `${origin}/code/${code}`, '--token', 'v-tok', '--verify', '--file', 'c.json']);
    expect(out.code).toBe(exit);
    expect(out.stderr).toContain(message);
    expect(existsSync(join(s.home, 'c.json'))).toBe(exit === 0);
  });

  it('--verify-url checks against another URL, with the new credential on it', async () => {
    const s = sandbox({ keychain: false });
    seen.length = 0;
    const out = await s.authAsync(['login', host(), '--token', 'vu-tok', '--verify-url', `${origin}/code/204`, '--file', 'c.json']);
    expect(out.code).toBe(0);
    expect(seen).toEqual([{ path: '/code/204', authorization: 'Bearer vu-tok' }]);
    expect(readFileSync(join(s.home, 'c.json'), 'utf8')).toContain('"BearerToken":"vu-tok"');
    const elsewhere = await s.authAsync(['login', 'other.example.com', '--token', 'x', '--verify-url', `${origin}/code/200`, '--file', 'd.json']);
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toContain('--verify needs a URL that other.example.com applies to');
  });
});

describe('secrets given in argv', () => {
  it('are gone from /proc/<pid>/cmdline while the command runs', async () => {
    const s = sandbox({ keychain: false });
    seen.length = 0;
    const child = spawn(process.execPath, [authBin, 'login', host(), '--token', 'ARGV-SECRET-tok', '--verify-url', `${origin}/hang/`, '--file', 'c.json'], {
      env: s.env,
      cwd: s.home,
    });
    // Once the request has reached the server, the command is well under way.
    while (!seen.some((r) => r.path === '/hang/')) await new Promise((r) => setTimeout(r, 20));
    const cmdline = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8');
    child.kill();
    expect(cmdline.replace(/\0+$/, '')).toBe('auth');
    expect(cmdline).not.toContain('ARGV-SECRET');
  });
});
