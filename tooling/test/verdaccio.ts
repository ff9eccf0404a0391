import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closedPort } from './http.js';
import { repoRoot } from './paths.js';

export interface Registry {
  url: string;
  port: number;
  dir: string;
  /** Creates a user through the registry's login endpoint and returns its token. */
  addUser(name: string, password: string): Promise<string>;
  stop(): Promise<void>;
}

export interface RegistryOptions {
  /** Extra package rules, YAML lines placed before the catch-all. */
  packages?: string;
  /** Proxy packages not served locally to the public registry (for installs of dependencies). */
  proxyPublic?: boolean;
}

/** Verdaccio 5 on 127.0.0.1: a real npm registry with htpasswd users. */
export async function startVerdaccio(options: RegistryOptions = {}): Promise<Registry> {
  const dir = mkdtempSync(join(tmpdir(), 'auth-verdaccio-'));
  const port = await closedPort();
  const config = join(dir, 'config.yaml');
  writeFileSync(
    config,
    `storage: ${join(dir, 'storage')}
auth:
  htpasswd:
    file: ${join(dir, 'htpasswd')}
    max_users: 1000
${options.proxyPublic ? 'uplinks:\n  npmjs:\n    url: https://registry.npmjs.org/\n    timeout: 60s\n' : 'uplinks: {}\n'}packages:
  '@private/*':
    access: $authenticated
    publish: $authenticated
${options.packages ?? ''}  '**':
    access: $all
    publish: $authenticated
${options.proxyPublic ? '    proxy: npmjs\n' : ''}server:
  # Longer than any pause in a test (publishing under load), so a kept-alive socket is never
  # closed under a client that is about to reuse it ("other side closed").
  keepAliveTimeout: 3600
security:
  api:
    legacy: true
log: { type: stdout, format: pretty, level: warn }
`,
  );
  const bin = join(repoRoot, 'node_modules', 'verdaccio', 'bin', 'verdaccio');
  const child: ChildProcess = spawn(process.execPath, [bin, '--config', config, '--listen', `127.0.0.1:${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, HOME: dir },
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`verdaccio exited: ${output}`);
    try {
      if ((await fetch(`${url}/-/ping`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`verdaccio did not start: ${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port,
    dir,
    async addUser(name, password) {
      const res = await fetch(`${url}/-/user/org.couchdb.user:${encodeURIComponent(name)}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name, password }),
      });
      const body = (await res.json()) as { token?: string };
      if (!body.token) throw new Error(`no token from verdaccio: ${res.status}`);
      return body.token;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Publishes a minimal package with npm, authenticated by `token`. */
export async function publishPackage(registry: Registry, token: string, name: string, version = '1.0.0'): Promise<void> {
  const pkgDir = mkdtempSync(join(tmpdir(), 'auth-pkg-'));
  writeFileSync(join(pkgDir, 'package.json'), JSON.stringify({ name, version, main: 'index.js' }));
  writeFileSync(join(pkgDir, 'index.js'), 'module.exports = 42;\n');
  const npmrc = join(pkgDir, '.npmrc-user');
  writeFileSync(npmrc, `registry=${registry.url}/\n//127.0.0.1:${registry.port}/:_authToken=${token}\n`);
  await new Promise<void>((resolve, reject) => {
    const child = spawn('npm', ['publish', '--registry', `${registry.url}/`, '--userconfig', npmrc, '--no-workspaces'], {
      cwd: pkgDir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, npm_config_cache: join(pkgDir, '.cache') },
    });
    let err = '';
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`npm publish failed: ${err}`))));
  });
}
