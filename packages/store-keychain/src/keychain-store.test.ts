import { execFileSync, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Credential } from '@auth/core';
import { describe, expect, it } from 'vitest';
import { startKeyringSession } from '@auth/test-support/keyring-session.mjs';
import { seedSecretService } from '@auth/test-support/seed-keyring.mjs';
import { KeychainStore } from './keychain-store.js';
import { testScript } from '@auth/test-support/paths';

const inKeyring = process.env.AUTH_KEYRING === '1';
const service = `auth-test-${process.pid}`;

function secretToolLookup(key: string): string {
  return execFileSync('secret-tool', ['lookup', 'service', service, 'username', key], { encoding: 'utf8' });
}

function secretToolStore(key: string, secret: string): void {
  execFileSync('secret-tool', ['store', '--label', `test ${key}`, 'service', service, 'username', key], { input: secret });
}

describe.skipIf(!inKeyring)('the keychain store on a real Secret Service', () => {
  const store = new KeychainStore({ service });

  const all: [string, Credential][] = [
    ['bearer.example.com', { type: 'bearer', token: 'pfx_bearer' }],
    ['basic.example.com', { type: 'basic', username: 'jürgen', password: 'pä:ss' }],
    ['*.conda.example.com', { type: 'conda-token', token: 'xy-conda' }],
    ['s3://bucket/path', { type: 's3', accessKeyId: 'AKIA', secretAccessKey: 'sak', sessionToken: null }],
    [
      'oauth.example.com',
      { type: 'oauth', accessToken: 'at', refreshToken: null, expiresAt: 1760000000, tokenEndpoint: 'https://o/t', revocationEndpoint: null, clientId: 'c' },
    ],
  ];

  it.each(all)('round-trips %s', async (key, credential) => {
    await store.set(key, credential);
    expect(await store.get(key)).toEqual(credential);
  });

  it('an entry written here is read by secret-tool as rattler JSON', async () => {
    await store.set('interop-out.example.com', { type: 'bearer', token: 'tok-out' });
    expect(secretToolLookup('interop-out.example.com')).toBe('{"BearerToken":"tok-out"}');
  });

  it('an entry written by secret-tool (as rattler lays it out) is read here', async () => {
    secretToolStore('interop-in.example.com', '{"BasicHTTP":{"username":"u","password":"p"}}');
    expect(await store.get('interop-in.example.com')).toEqual({ type: 'basic', username: 'u', password: 'p' });
  });

  it('an entry that is not rattler JSON is an unknown credential, not a crash', async () => {
    secretToolStore('garbage.example.com', 'this is not json');
    expect(await store.get('garbage.example.com')).toEqual({ type: 'unknown', raw: 'this is not json' });
  });

  it('writing the same key twice updates one entry', async () => {
    await store.set('twice.example.com', { type: 'bearer', token: 'one' });
    await store.set('twice.example.com', { type: 'bearer', token: 'two' });
    expect(secretToolLookup('twice.example.com')).toBe('{"BearerToken":"two"}');
    const out = execFileSync('secret-tool', ['search', '--all', 'service', service, 'username', 'twice.example.com'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(out.match(/^\[\//gm)?.length).toBe(1);
  });

  it('list returns every key and no secret', async () => {
    await store.set('listed.example.com', { type: 'bearer', token: 'never-listed' });
    const keys = await store.list();
    expect(keys).toContain('listed.example.com');
    expect(keys).toContain('interop-in.example.com');
    expect(JSON.stringify(keys)).not.toContain('never-listed');
    expect([...keys].sort()).toEqual(keys);
  });

  it('delete removes the entry and reports whether there was one', async () => {
    await store.set('gone.example.com', { type: 'bearer', token: 'x' });
    expect(await store.delete('gone.example.com')).toBe(true);
    expect(await store.get('gone.example.com')).toBeUndefined();
    expect(await store.delete('gone.example.com')).toBe(false);
    expect(spawnSync('secret-tool', ['lookup', 'service', service, 'username', 'gone.example.com']).status).not.toBe(0);
  });

  it('a missing key is undefined', async () => {
    expect(await store.get('never.example.com')).toBeUndefined();
  });
});

describe.skipIf(!inKeyring)("a URL's candidate keys on a real Secret Service", () => {
  const keys = ['prefix.example.com:443/chan/linux-64', 'prefix.example.com:443/chan', 'prefix.example.com:443', 'prefix.example.com/chan/linux-64', 'prefix.example.com/chan', 'prefix.example.com', '*.example.com'];

  /** A proxy in front of the session bus that counts the connections made through it. */
  async function countingBus(): Promise<{ address: string; connections: () => number; close: () => void }> {
    const dir = mkdtempSync(join(tmpdir(), 'auth-bus-proxy-'));
    const path = join(dir, 'bus');
    const upstreamPath = /path=([^,]+)/.exec(process.env.DBUS_SESSION_BUS_ADDRESS ?? '')?.[1] as string;
    let connections = 0;
    const sockets: import('node:net').Socket[] = [];
    const server = createServer((socket) => {
      connections++;
      const upstream = connect(upstreamPath);
      sockets.push(socket, upstream);
      for (const end of [socket, upstream]) end.on('error', () => {});
      socket.pipe(upstream);
      upstream.pipe(socket);
    });
    server.listen(path);
    await once(server, 'listening');
    const close = () => {
      for (const socket of sockets) socket.destroy();
      server.close();
      rmSync(dir, { recursive: true, force: true });
    };
    return { address: `unix:path=${path}`, connections: () => connections, close };
  }

  it('are all asked on one connection, and the most specific held key wins', async () => {
    secretToolStore('prefix.example.com', '{"BearerToken":"host"}');
    secretToolStore('prefix.example.com/chan', '{"CondaToken":"channel"}');
    const bus = await countingBus();
    try {
      const store = new KeychainStore({ service, env: { DBUS_SESSION_BUS_ADDRESS: bus.address }, platform: 'linux' });
      const held = await store.getFirst(keys);
      expect(held).toEqual({ key: 'prefix.example.com/chan', credential: { type: 'conda-token', token: 'channel' } });
      expect(bus.connections()).toBe(1);
      // Nothing held: still one connection, and the same answer get() gives key by key.
      expect(await store.getFirst(keys.map((k) => k.replace('prefix', 'absent')))).toBeUndefined();
      expect(bus.connections()).toBe(2);
      for (const key of keys) {
        const one = await store.getFirst([key]);
        expect(one?.credential, key).toEqual(await store.get(key));
      }
    } finally {
      bus.close();
    }
  });
});

/**
 * The native module keeps one D-Bus connection per process, so each case runs in a process of
 * its own with the environment under test, the way a user's command would.
 */
function runStore(env: NodeJS.ProcessEnv, body: string): { result: Record<string, unknown>; ms: number } {
  const dist = new URL('../dist/index.js', import.meta.url).href;
  const script = `
    import { KeychainStore } from ${JSON.stringify(dist)};
    const started = performance.now();
    const out = {};
    try { ${body} } catch (e) { Object.assign(out, { name: e.name, code: e.code, reason: e.reason, message: e.message }); }
    out.ms = performance.now() - started;
    console.log(JSON.stringify(out));
    process.exit(0);`;
  const started = performance.now();
  const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8' });
  return { result: JSON.parse(stdout) as Record<string, unknown>, ms: performance.now() - started };
}

describe('the keychain store without a keychain', () => {
  it('outside any D-Bus session it is unavailable at once, and writes nothing anywhere', () => {
    const home = mkdtempSync(join(tmpdir(), 'auth-nokeychain-'));
    try {
      const env = { PATH: process.env.PATH, HOME: home, XDG_RUNTIME_DIR: join(home, 'no-runtime') };
      const { result } = runStore(
        env,
        `await new KeychainStore({ service: 's', timeoutMs: 10000 }).set('x.example.com', { type: 'bearer', token: 't' });`,
      );
      expect(result).toMatchObject({ name: 'StoreUnavailableError', code: 'STORE_UNAVAILABLE', reason: 'no-keychain' });
      expect(result.message).toMatch(/Secret Service/);
      // Well under its 10 s timeout: the failure is detected, not waited out.
      expect(result.ms).toBeLessThan(2_000);
      const listed = runStore(env, `await new KeychainStore({ service: 's' }).list();`).result;
      expect(listed).toMatchObject({ name: 'StoreUnavailableError', reason: 'no-keychain' });
      expect(readdirSync(home)).toEqual([]);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('a bus that never answers ends in a timeout error, not a hang', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'auth-hungbus-'));
    const socket = join(dir, 'bus');
    const sockets: import('node:net').Socket[] = [];
    const server = createServer((s) => sockets.push(s)); // accepts, then says nothing
    server.listen(socket);
    await once(server, 'listening');
    try {
      const env = { PATH: process.env.PATH, HOME: dir, DBUS_SESSION_BUS_ADDRESS: `unix:path=${socket}` };
      const body = `await new KeychainStore({ service: 's', timeoutMs: 500 }).get('x.example.com');`;
      // execFileSync would block the event loop that serves the socket, so run it asynchronously.
      const { execFile } = await import('node:child_process');
      const { promisify } = await import('node:util');
      const dist = new URL('../dist/index.js', import.meta.url).href;
      const script = `import { KeychainStore } from ${JSON.stringify(dist)};
        try { ${body} console.log('{}'); } catch (e) { console.log(JSON.stringify({ code: e.code, reason: e.reason, message: e.message })); }
        process.exit(0);`;
      const started = performance.now();
      const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { env, timeout: 20_000 });
      const elapsed = performance.now() - started;
      expect(JSON.parse(stdout)).toMatchObject({ code: 'STORE_TIMEOUT', reason: 'timeout' });
      expect(elapsed).toBeLessThan(10_000);
    } finally {
      for (const s of sockets) s.destroy();
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const tooling = testScript;
const EMPTY_KEYRING = [tooling('keyring-session.sh'), 'empty'];
const LOCKED_KEYRING = [tooling('locked-keyring.sh')];

/** Runs `body` (with `KeychainStore` in scope) in the keyring session `session` sets up; returns what it printed last. */
function inSession(session: string[], body: string): Record<string, unknown> {
  const dist = new URL('../dist/index.js', import.meta.url).href;
  const script = `import { KeychainStore } from ${JSON.stringify(dist)};
    const out = {};
    ${body}
    console.log(JSON.stringify(out));
    process.exit(0);`;
  const run = spawnSync('bash', [...session, process.execPath, '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  return JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
}

const eachOperation = `
  for (const op of ['get', 'set', 'list', 'delete']) {
    try {
      const s = new KeychainStore({ timeoutMs: 10000 });
      const r = op === 'get' ? await s.get('seed.example.com')
        : op === 'set' ? await s.set('new.example.com', { type: 'bearer', token: 'never-stored' })
        : op === 'list' ? await s.list() : await s.delete('seed.example.com');
      out[op] = { result: r ?? null };
    } catch (e) { out[op] = { name: e.name, reason: e.reason, message: e.message }; }
  }`;

const canLock = ['dbus-run-session', 'gnome-keyring-daemon', 'secret-tool', 'pkill'].every(
  (tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0,
);

describe.skipIf(!canLock)('a keychain that answers but cannot be used', () => {
  it.each([
    ['a locked keyring', LOCKED_KEYRING, 'locked', ['the keyring is locked']],
    ['no default keyring', EMPTY_KEYRING, 'no-collection', ['no default keyring', 'Seahorse', '"login" keyring']],
  ] as const)('%s: every operation says so, as its own reason, never "nothing stored"', (_, session, reason, says) => {
    const out = inSession([...session], eachOperation) as Record<string, { name: string; reason: string; message: string }>;
    for (const op of ['get', 'set', 'list', 'delete']) {
      expect(out[op], op).toMatchObject({ name: 'StoreUnavailableError', reason });
      for (const words of says) expect(out[op]?.message).toContain(words);
      expect(out[op]?.message).not.toContain('never-stored');
    }
  }, 60_000);
});

describe.skipIf(!canLock)('a thousand entries', () => {
  const entries = Array.from({ length: 1000 }, (_, i): [string, string] => [`k${i}.example.com`, `{"BearerToken":"t${i}"}`]);

  it('list() reads them in one pass; get() of each is served from that read', async () => {
    const session = await startKeyringSession('empty');
    try {
      await seedSecretService(session.address, 'rattler', entries);
      const env = { DBUS_SESSION_BUS_ADDRESS: session.address };
      const store = new KeychainStore({ env, platform: 'linux', timeoutMs: 5000 });
      const keys = await store.list();
      expect(keys).toEqual(entries.map(([k]) => k).sort());
      // Changed behind the store's back: a read that still went to the keychain would see it.
      await seedSecretService(session.address, 'rattler', [['k7.example.com', '{"BearerToken":"changed"}']]);
      const read = await Promise.all(keys.map((k) => store.get(k)));
      const expected = new Map(entries.map(([k, v]) => [k, JSON.parse(v).BearerToken as string]));
      expect(read.map((c, i) => c?.type === 'bearer' && c.token === expected.get(keys[i] as string)).every(Boolean)).toBe(true);
      // A fresh list() sees the change.
      await store.list();
      expect(await store.get('k7.example.com')).toMatchObject({ token: 'changed' });
    } finally {
      await session.stop();
    }
  }, 180_000);

  it('auth list --json shows all of them with their types, and no secret', async () => {
    const session = await startKeyringSession('empty');
    const home = mkdtempSync(join(tmpdir(), 'auth-1000-'));
    try {
      await seedSecretService(session.address, 'rattler', entries);
      const { execFile } = await import('node:child_process');
      const { promisify } = await import('node:util');
      const cli = new URL('../../cli/dist/auth.cjs', import.meta.url).pathname;
      const env = { PATH: process.env.PATH, HOME: home, DBUS_SESSION_BUS_ADDRESS: session.address };
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [cli, 'list', '--json'], { env, timeout: 60_000, maxBuffer: 1 << 24 });
      const listed = JSON.parse(stdout) as { key: string; type: string; store: string }[];
      expect(listed).toHaveLength(1000);
      expect(listed.every((e) => e.type === 'bearer' && e.store === 'keychain')).toBe(true);
      expect(stdout).not.toContain('"t1"');
      expect(stderr).toBe('');
    } finally {
      await session.stop();
      rmSync(home, { recursive: true, force: true });
    }
  }, 180_000);
});

describe('the keychain store takes its environment from its options', () => {
  it('a malformed bus address in env is no bus, whatever process.env holds', async () => {
    for (const address of ['garbage', 'unix:path=/run/no-such%zz', 'unix:tmpdir=']) {
      const store = new KeychainStore({ env: { DBUS_SESSION_BUS_ADDRESS: address }, platform: 'linux' });
      await expect(store.get('x.example.com')).rejects.toMatchObject({ name: 'StoreUnavailableError', reason: 'no-keychain' });
      await expect(store.set('x.example.com', { type: 'bearer', token: 'secret-t' })).rejects.toMatchObject({ reason: 'no-keychain' });
    }
  });

  it('AUTH_KEYCHAIN_TIMEOUT_MS comes from env; the option wins; nonsense and huge values stay usable', () => {
    expect(new KeychainStore({ env: { AUTH_KEYCHAIN_TIMEOUT_MS: '250' } }).timeoutMs).toBe(250);
    expect(new KeychainStore({ env: { AUTH_KEYCHAIN_TIMEOUT_MS: '250' }, timeoutMs: 900 }).timeoutMs).toBe(900);
    expect(new KeychainStore({ env: { AUTH_KEYCHAIN_TIMEOUT_MS: 'soon' } }).timeoutMs).toBe(3000);
    expect(new KeychainStore({ env: { AUTH_KEYCHAIN_TIMEOUT_MS: '-5' } }).timeoutMs).toBe(3000);
    // setTimeout fires at once beyond 2^31-1 ms: a huge timeout must not become none.
    expect(new KeychainStore({ env: { AUTH_KEYCHAIN_TIMEOUT_MS: '1e12' } }).timeoutMs).toBe(2 ** 31 - 1);
  });
});
