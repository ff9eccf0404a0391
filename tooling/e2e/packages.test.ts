/**
 * The packages as users get them: every package published with `pnpm publish` to Verdaccio on
 * loopback (which serves @auth/* only from itself and proxies everything else), then installed
 * the way the README says. This is what catches a missing `files` entry, a `workspace:` range
 * left in a tarball or a dependency leaking into @auth/core.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '@auth/test-support/http';
import { fixture, repoRoot } from '@auth/test-support/paths';
import { type Registry, startVerdaccio } from '@auth/test-support/verdaccio';

const execFileAsync = promisify(execFile);
const PACKAGES = ['core', 'store-file', 'store-netrc', 'store-keychain', 'cli'];

let registry: Registry;
let server: TestServer;
let work: string;
let npmrc: string;
let prefix: string;

/** npm as a user runs it, with a private config, prefix and cache: nothing outside the sandbox is touched. */
const npmEnv = () => ({
  ...process.env,
  npm_config_userconfig: npmrc,
  npm_config_prefix: prefix,
  npm_config_cache: join(work, 'npm-cache'),
  npm_config_audit: 'false',
  npm_config_fund: 'false',
});

function sh(line: string, cwd: string) {
  const out = spawnSync('sh', ['-c', line], { cwd, encoding: 'utf8', env: npmEnv(), timeout: 300_000 });
  if (out.status !== 0) throw new Error(`${line} failed:\n${out.stderr}`);
  return out.stdout;
}

/** The README's install lines, with its placeholder registry replaced by the test's. */
function readmeInstallLines(): string[] {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Install and use'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.replace('https://npm.your-company.example/', `${registry.url}/`));
}

function auth(args: string[], home: string, env: NodeJS.ProcessEnv = {}, cwd = home) {
  return spawnSync(join(prefix, 'bin', 'auth'), args, {
    cwd,
    encoding: 'utf8',
    env: { PATH: `${join(prefix, 'bin')}:${process.env.PATH}`, HOME: home, ...env },
    timeout: 60_000,
  });
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'auth-e2e-'));
  registry = await startVerdaccio({
    // That scope on the public registry belongs to someone else: never proxy it.
    packages: "  '@auth/*':\n    access: $all\n    publish: $authenticated\n",
  });
  const token = await registry.addUser('publisher', 'publisher-pw');
  npmrc = join(work, 'npmrc');
  writeFileSync(npmrc, `//127.0.0.1:${registry.port}/:_authToken=${token}\n`);
  for (const name of PACKAGES) {
    execFileSync('pnpm', ['publish', '--registry', `${registry.url}/`, '--no-git-checks', '--access', 'public'], {
      cwd: join(repoRoot, 'packages', name),
      env: { ...process.env, npm_config_userconfig: npmrc },
      stdio: 'pipe',
    });
  }
  server = await startServer({ bearer: 'e2e-token' });
  prefix = join(work, 'global');
  // The README's first step maps the scope in the user's npm config: the test's config is private.
}, 600_000);

afterAll(async () => {
  await server?.close();
  await registry?.stop();
});

describe('published packages, installed as users install them', () => {
  it('published manifests carry no workspace: ranges', async () => {
    for (const name of PACKAGES) {
      const res = await fetch(`${registry.url}/@auth%2f${name}`);
      expect(res.status).toBe(200);
      const doc = (await res.json()) as { versions: Record<string, { dependencies?: Record<string, string> }> };
      const [manifest] = Object.values(doc.versions);
      for (const range of Object.values(manifest?.dependencies ?? {})) expect(range).not.toMatch(/^workspace:/);
    }
  });

  it("the README's install lines give a working auth: login, list, token, logout", () => {
    const lines = readmeInstallLines();
    expect(lines).toEqual([`npm config set @auth:registry ${registry.url}/`, 'npm install -g @auth/cli']);
    for (const line of lines) sh(line, work);
    const home = mkdtempSync(join(tmpdir(), 'auth-e2e-home-'));
    const login = auth(['login', 'e2e.example.com', '--token', 'tok-e2e'], home);
    expect(login.status).toBe(0);
    const list = auth(['list', '--json'], home);
    expect(JSON.parse(list.stdout)).toEqual([{ key: 'e2e.example.com', type: 'bearer', store: 'file', shadowed: false }]);
    expect(auth(['token', 'https://e2e.example.com/x'], home).stdout).toBe('tok-e2e\n');
    expect(auth(['logout', 'e2e.example.com'], home).status).toBe(0);
    expect(auth(['token', 'e2e.example.com'], home).status).toBe(1);
    expect(auth(['--version'], home).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    // Only what `files` lists: the bundle, no sources, no build scripts.
    const installed = readdirSync(join(prefix, 'lib', 'node_modules', '@auth', 'cli')).sort();
    expect(installed.filter((f) => f !== 'node_modules')).toEqual(['LICENSE', 'README.md', 'dist', 'package.json']);
    // What the bin runs and nothing else: the launcher, the bundle every command loads, the bundles
    // loaded when used (the keychain's client; login, logout, status, OAuth, help), and the
    // Public Suffix List read on first use. login and logout above ran from servers.cjs.
    const dist = readdirSync(join(prefix, 'lib', 'node_modules', '@auth', 'cli', 'dist')).sort();
    expect(dist).toEqual(['auth.cjs', 'command.cjs', 'keychain.cjs', 'public-suffix-data.txt', 'servers.cjs']);
    // Only what the bundle leaves outside is installed with it: no workspace package, no yargs.
    const manifest = JSON.parse(readFileSync(join(prefix, 'lib', 'node_modules', '@auth', 'cli', 'package.json'), 'utf8'));
    expect(Object.keys(manifest.dependencies).sort()).toEqual(['@napi-rs/keyring', 'got']);
    expect(existsSync(join(prefix, 'lib', 'node_modules', '@auth', 'cli', 'node_modules', '@auth'))).toBe(false);
  }, 300_000);

  it('a project that installs @auth/core alone gets no other package, and authenticates from ESM and CommonJS', async () => {
    const project = join(work, 'core-only');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'core-only', version: '1.0.0', private: true }));
    sh('npm install @auth/core', project);
    expect(readdirSync(join(project, 'node_modules')).filter((f) => !f.startsWith('.'))).toEqual(['@auth']);
    expect(readdirSync(join(project, 'node_modules', '@auth'))).toEqual(['core']);
    expect(readdirSync(join(project, 'node_modules', '@auth', 'core')).sort()).toEqual(['LICENSE', 'README.md', 'dist', 'package.json']);
    const manifest = JSON.parse(readFileSync(join(project, 'node_modules', '@auth', 'core', 'package.json'), 'utf8'));
    expect(manifest.dependencies ?? {}).toEqual({});

    const store = `{
      name: 'mine',
      async get(key) { return key === '127.0.0.1:${server.port}' ? { type: 'bearer', token: 'e2e-token' } : undefined; },
      async set() {}, async delete() { return false; },
      async list() { return ['127.0.0.1:${server.port}']; },
    }`;
    writeFileSync(
      join(project, 'esm.mjs'),
      `import { createAuthenticator } from '@auth/core';
       const auth = createAuthenticator({ store: ${store} });
       const req = await auth.decorate({ url: '${server.origin}/bearer/esm' });
       const res = await fetch(req.url, { headers: req.headers });
       console.log(res.status);`,
    );
    writeFileSync(
      join(project, 'cjs.cjs'),
      `const { createAuthenticator } = require('@auth/core');
       const auth = createAuthenticator({ store: ${store} });
       auth.decorate({ url: '${server.origin}/bearer/cjs' })
         .then((req) => fetch(req.url, { headers: req.headers }))
         .then((res) => console.log(res.status));`,
    );
    // Asynchronously: the server answering these requests lives in this process.
    const run = async (file: string) => (await execFileAsync(process.execPath, [file], { cwd: project, encoding: 'utf8' })).stdout.trim();
    expect(await run('esm.mjs')).toBe('200');
    expect(await run('cjs.cjs')).toBe('200');
    expect(server.seen.slice(-2).map((s) => [s.path, s.authorization])).toEqual([
      ['/bearer/esm', 'Bearer e2e-token'],
      ['/bearer/cjs', 'Bearer e2e-token'],
    ]);

    sh('npm install got@14', project);
    writeFileSync(
      join(project, 'got.mjs'),
      `import got from 'got';
       import { createAuthenticator } from '@auth/core';
       import { authHooks } from '@auth/core/got';
       const client = got.extend(authHooks(createAuthenticator({ store: ${store} })));
       console.log((await client('${server.origin}/bearer/got')).statusCode);`,
    );
    expect(await run('got.mjs')).toBe('200');
    expect(server.seen.at(-1)).toMatchObject({ path: '/bearer/got', authorization: 'Bearer e2e-token' });
  }, 300_000);

  it('@auth/store-netrc and a store module from outside the repository are swapped in with --store', () => {
    const project = join(work, 'swap');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'swap', version: '1.0.0', private: true }));
    sh('npm install @auth/store-netrc', project);
    const home = mkdtempSync(join(tmpdir(), 'auth-e2e-home-'));
    const netrc = auth(['list', '--json', '--store', '@auth/store-netrc'], home, { NETRC: fixture('netrc') }, project);
    expect(netrc.status).toBe(0);
    expect((JSON.parse(netrc.stdout) as { key: string }[]).map((e) => e.key)).toEqual(['artifactory.example.org', 'nexus.example.com']);

    const elsewhere = mkdtempSync(join(tmpdir(), 'auth-e2e-store-'));
    writeFileSync(
      join(elsewhere, 'store.mjs'),
      `const data = new Map();
       export function createStore() {
         return { name: 'outside', async get(k) { return data.get(k); }, async set(k, c) { data.set(k, c); },
                  async delete(k) { return data.delete(k); }, async list() { return ['outside.example.com']; } };
       }
       data.set('outside.example.com', { type: 'conda-token', token: 'outside-tok' });`,
    );
    const out = auth(['token', 'outside.example.com', '--store', join(elsewhere, 'store.mjs')], home);
    expect(out.status).toBe(0);
    expect(out.stdout).toBe('outside-tok\n');
  }, 300_000);

  it("the README's library and store steps are what this test does", () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    expect(readme).toContain('npm install @auth/core');
    expect(readme).toContain('--store @auth/store-netrc');
  });
});
