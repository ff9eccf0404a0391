import { type SpawnSyncReturns, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { Io } from '../../packages/cli/src/io.js';
import { repoRoot } from './paths.js';

export const authBin = join(repoRoot, 'packages', 'cli', 'dist', 'auth.cjs');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface Sandbox {
  home: string;
  env: NodeJS.ProcessEnv;
  /** Runs `auth` as a user would, in this sandbox. */
  auth(args: string[], options?: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string }): Run;
  /** The same, without blocking the event loop (for tests that also serve HTTP). */
  authAsync(args: string[], options?: { input?: string; env?: NodeJS.ProcessEnv }): Promise<Run>;
}

/**
 * A private HOME for one test. `keychain: false` hides the D-Bus session (a headless machine);
 * otherwise the session bus of tooling/with-keyring.sh, if the tests run inside it, is kept.
 */
export function sandbox(options: { keychain?: boolean } = {}): Sandbox {
  const home = mkdtempSync(join(tmpdir(), 'auth-cli-'));
  mkdirSync(join(home, 'run'), { mode: 0o700 });
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    XDG_RUNTIME_DIR: join(home, 'run'),
    LANG: 'C.UTF-8',
    ...(options.keychain !== false && process.env.DBUS_SESSION_BUS_ADDRESS
      ? { DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS }
      : {}),
  };
  const done = (r: SpawnSyncReturns<string>): Run => ({ code: r.status, stdout: r.stdout, stderr: r.stderr });
  return {
    home,
    env,
    auth: (args, o = {}) =>
      done(
        spawnSync(process.execPath, [authBin, ...args], {
          env: { ...env, ...o.env },
          cwd: o.cwd ?? home,
          input: o.input ?? '',
          encoding: 'utf8',
          timeout: 60_000,
        }),
      ),
    authAsync: (args, o = {}) =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, [authBin, ...args], { env: { ...env, ...o.env }, cwd: home });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.stdin.end(o.input ?? '');
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      }),
  };
}

export const inKeyring = process.env.AUTH_KEYRING === '1';

/** What `main(argv, io)` printed, for tests that run the command in process. */
export interface MemoryIo {
  io: Io;
  stdout(): string;
  stderr(): string;
}

/** An Io for `main()` in process: outputs kept in memory, stdin from `input` (not a terminal). */
export function memoryIo(options: { cwd: string; env?: NodeJS.ProcessEnv; input?: string }): MemoryIo {
  let out = '';
  let err = '';
  const stdin = Readable.from([Buffer.from(options.input ?? '')]) as Readable & { isTTY?: boolean };
  stdin.isTTY = false;
  return {
    io: {
      stdout: { write: (t: string) => (out += t), isTTY: false },
      stderr: { write: (t: string) => (err += t), isTTY: false },
      stdin,
      env: { HOME: options.cwd, ...options.env },
      cwd: options.cwd,
    },
    stdout: () => out,
    stderr: () => err,
  };
}

/**
 * Fails at once, naming the Debian package to install, when a test needs a tool that is not
 * there (instead of an ENOENT, or a timeout while waiting for its output).
 */
export function requireTool(tool: string, debianPackage: string): void {
  if (spawnSync('sh', ['-c', 'command -v "$0"', tool]).status === 0) return;
  throw new Error(`${tool} is not installed, and these tests need it: apt-get install ${debianPackage}`);
}
