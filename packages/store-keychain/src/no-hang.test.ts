import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { authBin } from '@auth/test-support/cli';
import { startKeyringSession } from '@auth/test-support/keyring-session.mjs';
import { KeychainStore } from './keychain-store.js';
import { testScript } from '@auth/test-support/paths';

/**
 * The built `auth` command against keychains that never answer. Whatever the bus does, every
 * command ends within twice the keychain timeout, says the keychain is unavailable, and does its
 * work with the file.
 */
// Large enough that a loaded machine's Node.js start-up and work fit in the margin: under the full
// suite on two cores a command here took 2.6 s more than the timeout.
const TIMEOUT_MS = 4000;
const keyringSession = testScript('keyring-session.sh');
const canRunKeyring = ['dbus-run-session', 'gnome-keyring-daemon', 'secret-tool', 'dbus-send'].every(
  (tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0,
);

type Outcome = { code: number | null; stdout: string; stderr: string; ms: number };

/** A private HOME whose credentials file holds one bearer token. */
function homeWithFileCredential(): string {
  const home = mkdtempSync(join(tmpdir(), 'auth-nohang-'));
  mkdirSync(join(home, '.rattler'));
  writeFileSync(join(home, '.rattler', 'credentials.json'), '{"file.example.com":{"BearerToken":"from-file"}}');
  return home;
}

const COMMANDS: Record<string, string[]> = {
  list: ['list'],
  token: ['token', 'https://file.example.com/channel'],
  login: ['login', 'new.example.com', '--token', 'new-token'],
};

function expectFellBackInTime(name: string, out: Outcome, home: string): void {
  expect(out.ms, `${name} took ${out.ms} ms`).toBeLessThan(2 * TIMEOUT_MS);
  expect(out.code, out.stderr).toBe(0);
  expect(out.stderr).toMatch(/warning: keychain unavailable/);
  if (name === 'list') expect(out.stdout).toContain('file.example.com\tbearer\tfile');
  if (name === 'token') expect(out.stdout).toBe('from-file\n');
  if (name === 'login') expect(readFileSync(join(home, '.rattler', 'credentials.json'), 'utf8')).toContain('"new.example.com":{"BearerToken":"new-token"}');
}

function runAuth(args: string[], env: NodeJS.ProcessEnv): Promise<Outcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [authBin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // A hang fails the test on its own; this only keeps the run from lasting forever.
    const guard = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr, ms: performance.now() - started });
    });
  });
}

/**
 * Runs `use` with the environment of a command whose home holds a file credential and whose
 * session bus is a unix socket in front of a real keyring's: `relay` wires each client (the nth,
 * from 0) to the bus, through `toBus()`. Proxy, home and keyring are gone afterwards.
 */
async function withBusProxy(relay: (client: Socket, nth: number, toBus: () => Socket) => void, use: (env: NodeJS.ProcessEnv, home: string) => Promise<void>): Promise<void> {
  const session = await startKeyringSession('unlocked');
  const home = homeWithFileCredential();
  let proxy: { address: string; close: () => void } | undefined;
  try {
    proxy = await busProxy(session, home, relay);
    await use({ PATH: process.env.PATH, HOME: home, DBUS_SESSION_BUS_ADDRESS: proxy.address, AUTH_KEYCHAIN_TIMEOUT_MS: String(TIMEOUT_MS) }, home);
  } finally {
    proxy?.close();
    rmSync(home, { recursive: true, force: true });
    await session.stop();
  }
}

async function busProxy(
  session: { address: string },
  home: string,
  relay: (client: Socket, nth: number, toBus: () => Socket) => void,
): Promise<{ address: string; close: () => void }> {
  const path = join(home, 'bus-proxy');
  const sockets: Socket[] = [];
  const toBus = () => {
    const bus = connect(session.address.replace(/^unix:path=/, '').split(',')[0] as string);
    bus.on('error', () => {});
    sockets.push(bus);
    return bus;
  };
  let clients = 0;
  const server = createServer((client) => {
    sockets.push(client);
    client.on('error', () => {});
    relay(client, clients++, toBus);
  });
  server.listen(path);
  await once(server, 'listening');
  return {
    address: `unix:path=${path}`,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

describe('a bus that accepts and then goes silent', () => {
  const servers: Server[] = [];
  const sockets: Socket[] = [];
  const dirs: string[] = [];
  afterEach(() => {
    for (const s of sockets.splice(0)) s.destroy();
    for (const s of servers.splice(0)) s.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  /**
   * A server that answers the authentication line as a bus would, then never says anything again,
   * or (trickle) sends one byte of a message that never ends every 300 ms.
   */
  async function silentBus(listen: (server: Server) => void, answerAuth: boolean, trickle = false): Promise<Server> {
    const server = createServer((socket) => {
      sockets.push(socket);
      socket.on('error', () => {});
      if (!answerAuth) return;
      socket.once('data', () => {
        socket.write('OK 0123456789abcdef0123456789abcdef\r\n');
        if (!trickle) return;
        const drip = setInterval(() => socket.write('l'), 300);
        socket.on('close', () => clearInterval(drip));
      });
    });
    servers.push(server);
    listen(server);
    await once(server, 'listening');
    return server;
  }

  const cases = [
    ['a unix socket that answers AUTH, then stalls', 'unix', true, false],
    ['a unix socket that never answers', 'unix', false, false],
    ['a tcp: listener on 127.0.0.1 that never answers', 'tcp', false, false],
    ['a tcp: listener on 127.0.0.1 that answers AUTH, then stalls', 'tcp', true, false],
    // Bytes that keep coming must not keep a read waiting: the check has a fixed deadline.
    ['a unix socket that answers AUTH, then sends a byte every 300 ms', 'unix', true, true],
  ] as const;

  it.each(cases)('%s: list, token and login fall back to the file within twice the timeout', async (_, transport, answerAuth, trickle) => {
    const home = homeWithFileCredential();
    dirs.push(home);
    let address: string;
    if (transport === 'unix') {
      const path = join(home, 'bus');
      await silentBus((s) => s.listen(path), answerAuth, trickle);
      address = `unix:path=${path}`;
    } else {
      const server = await silentBus((s) => s.listen(0, '127.0.0.1'), answerAuth, trickle);
      const { port } = server.address() as { port: number };
      address = `tcp:host=127.0.0.1,port=${port}`;
    }
    const env = { PATH: process.env.PATH, HOME: home, DBUS_SESSION_BUS_ADDRESS: address, AUTH_KEYCHAIN_TIMEOUT_MS: String(TIMEOUT_MS) };
    // One after another: three processes at once on a loaded two-core machine measure the machine.
    const outs: Outcome[] = [];
    for (const args of Object.values(COMMANDS)) outs.push(await runAuth(args, env));
    Object.keys(COMMANDS).forEach((name, i) => {
      expectFellBackInTime(name, outs[i] as Outcome, home);
      expect(outs[i]?.stderr).toContain('did not answer in time');
    });
  }, 60_000);
});

describe('a bus that refuses our authentication, accepts the native client and then goes silent', () => {
  // As a TCP bus that wants cookies would, with its keyring daemon stopped: our pipelined
  // EXTERNAL (with BEGIN in the same write) is refused; any other client is let in and never
  // answered again. A native call made there could never be abandoned.
  it('list, token and login end within twice the timeout, doing their work with the file', async () => {
    const home = homeWithFileCredential();
    const path = join(home, 'bus');
    const sockets: Socket[] = [];
    const server = createServer((socket) => {
      sockets.push(socket);
      let seen = '';
      let answered = false;
      socket.on('data', (d: Buffer) => {
        seen += d.toString('latin1');
        if (answered || !seen.includes('\r\n')) return;
        answered = true;
        socket.write(seen.includes('BEGIN') ? 'REJECTED EXTERNAL\r\n' : 'OK 0123456789abcdef0123456789abcdef\r\n');
      });
      socket.on('error', () => {});
    });
    server.listen(path);
    await once(server, 'listening');
    try {
      const env = { PATH: process.env.PATH, HOME: home, DBUS_SESSION_BUS_ADDRESS: `unix:path=${path}`, AUTH_KEYCHAIN_TIMEOUT_MS: String(TIMEOUT_MS) };
      // One after another: three processes at once on a loaded two-core machine measure the machine.
      const outs: Outcome[] = [];
      for (const args of Object.values(COMMANDS)) outs.push(await runAuth(args, env));
      Object.keys(COMMANDS).forEach((name, i) => {
        const out = outs[i] as Outcome;
        expect(out.ms, `${name} took ${out.ms} ms`).toBeLessThan(2 * TIMEOUT_MS);
        expect(out.code, out.stderr).toBe(0);
        expect(out.stderr).not.toContain('locked');
      });
      expect(outs[0]?.stdout).toContain('file.example.com\tbearer\tfile');
      expect(outs[0]?.stderr).toContain('refused our authentication');
      expect(outs[1]?.stdout).toBe('from-file\n');
      expect(readFileSync(join(home, '.rattler', 'credentials.json'), 'utf8')).toContain('"new.example.com":{"BearerToken":"new-token"}');
    } finally {
      for (const s of sockets) s.destroy();
      server.close();
      rmSync(home, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('malformed DBUS_SESSION_BUS_ADDRESS values', () => {
  it.each(['unix:path=/run/no-such%zz', 'garbage', 'unix:tmpdir=', 'unix:tmpdir=/tmp', 'tcp:host=127.0.0.1', ''])(
    '%j is no bus: login stores in the file with one warning naming the keychain',
    async (address) => {
      const home = homeWithFileCredential();
      try {
        const env = { PATH: process.env.PATH, HOME: home, DBUS_SESSION_BUS_ADDRESS: address, XDG_RUNTIME_DIR: join(home, 'none') };
        const out = await runAuth(COMMANDS.login as string[], env);
        expectFellBackInTime('login', out, home);
        expect(out.stderr).not.toMatch(/URI malformed|write failed/);
        expect(out.stderr.match(/^warning:/gm)).toHaveLength(1);
        expect(out.stderr).toContain('no Secret Service is reachable');
        const listed = await runAuth(['list'], env);
        expectFellBackInTime('list', listed, home);
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    },
    30_000,
  );
});

describe.skipIf(!canRunKeyring)('a keyring daemon stopped with SIGSTOP', () => {
  it('list, token and login fall back to the file within twice the timeout', () => {
    const home = homeWithFileCredential();
    // Runs inside a session of its own: stopping the shared daemon would stall the other tests.
    const driver = `
      const { spawnSync } = require('node:child_process');
      const pid = Number(process.env.AUTH_KEYRING_PID);
      const env = { PATH: process.env.PATH, HOME: ${JSON.stringify(home)}, DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS, AUTH_KEYCHAIN_TIMEOUT_MS: '${TIMEOUT_MS}' };
      const commands = ${JSON.stringify(COMMANDS)};
      const out = {};
      process.kill(pid, 'SIGSTOP');
      try {
        for (const [name, args] of Object.entries(commands)) {
          const started = performance.now();
          const r = spawnSync(process.execPath, [${JSON.stringify(authBin)}, ...args], { env, encoding: 'utf8', timeout: 20000 });
          out[name] = { code: r.status, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - started };
        }
      } finally { process.kill(pid, 'SIGCONT'); }
      console.log(JSON.stringify(out));`;
    try {
      const run = spawnSync('bash', [keyringSession, 'unlocked', process.execPath, '-e', driver], { encoding: 'utf8', timeout: 90_000 });
      const out = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, Outcome>;
      for (const name of Object.keys(COMMANDS)) {
        expect(out[name], run.stderr).toBeDefined();
        expectFellBackInTime(name, out[name] as Outcome, home);
        expect(out[name]?.stderr).toContain('did not answer in time');
      }
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }, 90_000);
});

describe.skipIf(!canRunKeyring)('a keyring daemon stopped in the middle of a command', () => {
  it('every later call ends in a timeout error at once, none waits for the daemon again, and the store asks again after the timeout', async () => {
    const session = await startKeyringSession('unlocked');
    try {
      const timeoutMs = 500;
      const store = new KeychainStore({ env: { DBUS_SESSION_BUS_ADDRESS: session.address }, platform: 'linux', timeoutMs });
      await store.set('mid.example.com', { type: 'bearer', token: 'first' }); // the check has passed
      process.kill(session.daemonPid, 'SIGSTOP');
      const took: number[] = [];
      try {
        for (const call of [
          () => store.get('mid.example.com'),
          () => store.set('mid.example.com', { type: 'bearer', token: 'second' }),
          () => store.delete('mid.example.com'),
          () => store.list(),
        ]) {
          const started = performance.now();
          await expect(call()).rejects.toMatchObject({ name: 'StoreUnavailableError', code: 'STORE_TIMEOUT', reason: 'timeout' });
          took.push(performance.now() - started);
        }
      } finally {
        process.kill(session.daemonPid, 'SIGCONT');
      }
      expect(took[0]).toBeGreaterThanOrEqual(timeoutMs - 50);
      // Within the timeout after the first stall, the others fail at once (a logout makes three calls).
      for (const ms of took.slice(1)) expect(ms).toBeLessThan(timeoutMs / 2);
      await new Promise((r) => setTimeout(r, timeoutMs));
      expect(await store.get('mid.example.com')).toMatchObject({ token: 'first' });
    } finally {
      await session.stop();
    }
  }, 60_000);
});

describe.skipIf(!canRunKeyring)('a keyring daemon that stops and resumes, for a long-running program', () => {
  const timeoutMs = 500;
  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('a stall on the store\'s first call is asked again once the timeout has passed', async () => {
    const session = await startKeyringSession('unlocked');
    try {
      const writer = new KeychainStore({ env: { DBUS_SESSION_BUS_ADDRESS: session.address }, platform: 'linux', timeoutMs });
      await writer.set('first.example.com', { type: 'bearer', token: 'kept' });
      const store = new KeychainStore({ env: { DBUS_SESSION_BUS_ADDRESS: session.address }, platform: 'linux', timeoutMs });
      process.kill(session.daemonPid, 'SIGSTOP');
      try {
        await expect(store.get('first.example.com')).rejects.toMatchObject({ reason: 'timeout' });
        // Within the timeout: not asked, and the message says so.
        await expect(store.get('first.example.com')).rejects.toThrow(/not asked/);
      } finally {
        process.kill(session.daemonPid, 'SIGCONT');
      }
      await pause(timeoutMs);
      expect(await store.get('first.example.com')).toMatchObject({ token: 'kept' });
    } finally {
      await session.stop();
    }
  }, 60_000);

  it('calls queued behind one that waits do not each wait again', async () => {
    const session = await startKeyringSession('unlocked');
    try {
      const store = new KeychainStore({ env: { DBUS_SESSION_BUS_ADDRESS: session.address }, platform: 'linux', timeoutMs });
      await store.set('queued.example.com', { type: 'bearer', token: 't' }); // the check has passed
      process.kill(session.daemonPid, 'SIGSTOP');
      const started = performance.now();
      try {
        const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => store.get(`q${i}.example.com`)));
        expect(results.every((r) => r.status === 'rejected')).toBe(true);
      } finally {
        process.kill(session.daemonPid, 'SIGCONT');
      }
      // Two at a time would otherwise take five timeouts.
      expect(performance.now() - started).toBeLessThan(2 * timeoutMs);
    } finally {
      await session.stop();
    }
  }, 60_000);
});

describe.skipIf(!canRunKeyring)('a keychain that answers one connection and then stops answering', () => {
  // logout lists, reads for a token to revoke, then deletes: three keychain calls, each of which
  // would wait a whole timeout. After the first timeout the store answers the others at once.
  it('logout ends within twice the timeout and removes the file entry', async () => {
    let connections = 0;
    const silentAfterFirst = (client: Socket, nth: number, toBus: () => Socket) => {
      connections = nth + 1;
      if (nth > 0) return; // silent from the second connection on
      const bus = toBus();
      bus.on('error', () => client.destroy());
      client.pipe(bus);
      bus.pipe(client);
    };
    await withBusProxy(silentAfterFirst, async (env, home) => {
      const out = await runAuth(['logout', 'file.example.com'], env);
      expect(connections, out.stderr).toBeGreaterThan(1);
      expect(out.ms, `logout took ${out.ms} ms\n${out.stderr}`).toBeLessThan(2 * TIMEOUT_MS);
      expect(out.stderr).toContain('did not answer in time');
      expect(readFileSync(join(home, '.rattler', 'credentials.json'), 'utf8')).not.toContain('file.example.com');
    });
  }, 60_000);
});

describe.skipIf(!canRunKeyring)('a keychain that passes the check, then trickles its answers', () => {
  // A real Secret Service behind a proxy: the authentication, Hello and the check's two replies go
  // through at once, every later byte one at a time, 500 ms apart. A lookup's answer is a few
  // replies, so it is bounded by the timeout itself, not by how long the bus keeps sending.
  it('token ends within twice the timeout and uses the file', async () => {
    const trickling = (client: Socket, _nth: number, toBus: () => Socket) => {
      const bus = toBus();
      client.pipe(bus);
      let pending = Buffer.alloc(0);
      let replies = 0;
      const held: Buffer[] = [];
      const drip = setInterval(() => {
        const next = Buffer.concat(held.splice(0));
        if (next.length > 0 && !client.destroyed) client.write(next.subarray(0, 1));
        if (next.length > 1) held.push(next.subarray(1));
      }, 500);
      client.on('close', () => clearInterval(drip));
      bus.on('data', (chunk: Buffer) => {
        if (replies >= 3) return void held.push(chunk);
        pending = Buffer.concat([pending, chunk]);
        // The authentication's text lines, then whole messages until Hello and the check are answered.
        for (let line = pending.indexOf('\r\n'); pending[0] !== 0x6c && line >= 0; line = pending.indexOf('\r\n')) {
          client.write(pending.subarray(0, line + 2));
          pending = pending.subarray(line + 2);
        }
        while (replies < 3 && pending.length >= 16 && pending[0] === 0x6c) {
          const fields = pending.readUInt32LE(12);
          const length = Math.ceil((16 + fields) / 8) * 8 + pending.readUInt32LE(4);
          if (pending.length < length) return;
          if (pending[1] === 2) replies++;
          client.write(pending.subarray(0, length));
          pending = pending.subarray(length);
        }
        if (replies >= 3 && pending.length > 0) held.push(pending.subarray(0));
      });
    };
    await withBusProxy(trickling, async (env, home) => {
      const out = await runAuth(COMMANDS.token as string[], env);
      expectFellBackInTime('token', out, home);
      expect(out.stderr).toContain(`took over ${TIMEOUT_MS} ms`);
    });
  }, 60_000);
});
