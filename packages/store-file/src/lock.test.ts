import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeCredential, parseCredentialsDocument, StoreLockedError } from '@auth/core';
import { describe, expect, it } from 'vitest';
import { fixture } from '@auth/test-support/paths';
import { FileStore } from './file-store.js';
import { processStart, thisMachine } from './liveness.js';
import { acquireLock } from './lock.js';

const writer = new URL('../test/writer.mjs', import.meta.url).pathname;
const fixtureText = readFileSync(fixture('rattler-credentials.json'), 'utf8');
const tmp = () => mkdtempSync(join(tmpdir(), 'auth-lock-'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Writer {
  child: ChildProcess;
  /** Lines "stored <key> <token>" printed so far: what the writer reported stored. */
  stored: string[];
  exited: Promise<number | null>;
}

function runWriter(path: string, key: string, token: string, options: object): Writer {
  const child = spawn(process.execPath, [writer, path, key, token, JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const stored: string[] = [];
  let buffer = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) if (line.startsWith('stored ')) stored.push(line);
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { child, stored, exited };
}

const lockHolderPid = (path: string): number | undefined => {
  try {
    return JSON.parse(readFileSync(`${path}.lock`, 'utf8')).pid;
  } catch {
    return undefined;
  }
};

/** A temporary credentials file of this writer exists: it is between writing and renaming. */
const midRename = (dir: string, pid: number) => readdirSync(dir).some((f) => f.startsWith(`.credentials.json.${pid}.`));

/**
 * Stops the looping writer while it holds the lock and is not between writing its temporary
 * file and renaming it (that window is checked, not timed).
 */
async function stopWhileHolding(w: Writer, path: string, dir: string): Promise<void> {
  const pid = w.child.pid as number;
  for (let tries = 0; tries < 2000; tries++) {
    if (lockHolderPid(path) === pid) {
      w.child.kill('SIGSTOP');
      await sleep(20);
      if (lockHolderPid(path) === pid && !midRename(dir, pid)) return;
      w.child.kill('SIGCONT');
    }
    await sleep(1 + Math.random() * 3);
  }
  throw new Error('the writer never held the lock');
}

/**
 * Every write reported stored is in the file: a one-shot writer's token exactly; a looping
 * writer's value is the last it reported or a later one (it may be killed between its rename and
 * its report).
 */
function expectReportedStored(path: string, writers: Writer[]): void {
  const doc = parseCredentialsDocument(readFileSync(path, 'utf8'));
  for (const [key, raw] of parseCredentialsDocument(fixtureText)) expect(doc.get(key)).toBe(raw);
  for (const w of writers) {
    const last = w.stored.at(-1);
    if (!last) continue;
    const [, key, token] = last.split(' ') as [string, string, string];
    const credential = decodeCredential(doc.get(key) ?? '');
    const found = credential.type === 'bearer' ? credential.token : '';
    if (/^v\d+$/.test(token)) expect(Number(found.slice(1))).toBeGreaterThanOrEqual(Number(token.slice(1)));
    else expect(found).toBe(token);
  }
}

describe('the lock', () => {
  it('is never taken from a stopped holder on this machine, and what each writer reported stored is kept', async () => {
    const dir = tmp();
    const path = join(dir, 'credentials.json');
    writeFileSync(path, fixtureText);
    const options = { staleLockMs: 150, lockTimeoutMs: 20_000 };
    const a = runWriter(path, 'a.example.com', '--loop', options);
    await stopWhileHolding(a, path, dir);
    const c = runWriter(path, 'c.example.com', 'from-c', options);
    // Ten times the staleness limit: the old lock broke it after staleLockMs and C wrote.
    await sleep(1500);
    expect(c.child.exitCode).toBeNull();
    expect(c.stored).toEqual([]);
    expect(lockHolderPid(path)).toBe(a.child.pid);
    a.child.kill('SIGCONT');
    expect(await c.exited).toBe(0);
    expect(c.stored).toEqual(['stored c.example.com from-c']);
    // A goes on writing from fresh re-reads; C's entry must survive all of them.
    const after = a.stored.length;
    while (a.stored.length < after + 3) await sleep(10);
    a.child.kill('SIGKILL');
    await a.exited;
    expectReportedStored(path, [c]);
  }, 60_000);

  it('a waiter on this machine gives up with a clear error, not a stolen lock', async () => {
    const dir = tmp();
    const path = join(dir, 'credentials.json');
    writeFileSync(path, fixtureText);
    const a = runWriter(path, 'a.example.com', '--loop', { staleLockMs: 100 });
    await stopWhileHolding(a, path, dir);
    try {
      const c = runWriter(path, 'c.example.com', 'from-c', { staleLockMs: 100, lockTimeoutMs: 800 });
      const stderr: string[] = [];
      c.child.stderr?.on('data', (d: Buffer) => stderr.push(d.toString()));
      expect(await c.exited).toBe(1);
      expect(stderr.join('')).toContain('STORE_LOCKED');
      expect(stderr.join('')).toContain(`process ${a.child.pid}`);
      expect(parseCredentialsDocument(readFileSync(path, 'utf8')).has('c.example.com')).toBe(false);
    } finally {
      a.child.kill('SIGKILL');
      await a.exited;
    }
  }, 60_000);

  it('a holder on another machine that stopped its heartbeat loses the lock, and then never renames', async () => {
    const dir = tmp();
    const path = join(dir, 'credentials.json');
    writeFileSync(path, fixtureText);
    const a = runWriter(path, 'a.example.com', '--loop', { staleLockMs: 150, machine: 'host-a' });
    await stopWhileHolding(a, path, dir);
    const c = runWriter(path, 'c.example.com', 'from-c', { staleLockMs: 150, machine: 'host-c', lockTimeoutMs: 20_000 });
    expect(await c.exited).toBe(0);
    expect(c.stored).toEqual(['stored c.example.com from-c']);
    a.child.kill('SIGCONT');
    const after = a.stored.length;
    while (a.stored.length < after + 3) await sleep(10);
    a.child.kill('SIGKILL');
    await a.exited;
    expectReportedStored(path, [a, c]);
  }, 60_000);

  // Limits wide enough that a loaded machine (timers late by hundreds of ms) cannot fake a stopped heartbeat.
  it('a holder on another machine that keeps its heartbeat keeps its lock', async () => {
    const dir = tmp();
    const lockPath = join(dir, 'credentials.json.lock');
    const held = await acquireLock(lockPath, { timeoutMs: 0, staleMs: 600, machine: 'host-a' });
    try {
      const error = await acquireLock(lockPath, { timeoutMs: 2000, staleMs: 600, machine: 'host-b' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreLockedError);
      expect(await held.owned()).toBe(true);
    } finally {
      await held.release();
    }
    expect(existsSync(lockPath)).toBe(false);
  });

  it('a live holder on another machine with the same host name and pid namespace keeps its lock', async () => {
    // Two VMs made from one image, sharing a home folder: both are "vm" in the initial pid
    // namespace. The other one's holder pid means nothing here (it is dead here); its heartbeat is fresh.
    const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'latin1').trim();
    expect(thisMachine()).toContain(bootId);
    const otherBoot = bootId.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    const dead = spawnSync(process.execPath, ['-e', '0']).pid as number;
    const dir = tmp();
    const lockPath = join(dir, 'credentials.json.lock');
    const theirs = JSON.stringify({ pid: dead, machine: thisMachine().replace(bootId, otherBoot), start: '1', token: `${dead}.theirs` });
    writeFileSync(lockPath, theirs);
    const error = await acquireLock(lockPath, { timeoutMs: 400, staleMs: 30_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreLockedError);
    expect(readFileSync(lockPath, 'utf8')).toBe(theirs);
  });

  it('a lock whose pid now belongs to another process (another start time) is broken at once', async () => {
    const dir = tmp();
    const path = join(dir, 'credentials.json');
    const reused = { pid: process.ppid, machine: thisMachine(), start: '1', token: `${process.ppid}.old` };
    expect(processStart(process.ppid)).not.toBe('1');
    writeFileSync(`${path}.lock`, JSON.stringify(reused));
    await new FileStore({ path, lockTimeoutMs: 0 }).set('h.example', { type: 'bearer', token: 't' });
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('concurrent writes within one process wait for each other and lose nothing', async () => {
    const dir = tmp();
    const path = join(dir, 'credentials.json');
    // Thirty writes in a row, each with two fsyncs: a loaded machine needs more than the default 10 s wait.
    const stores = [new FileStore({ path, lockTimeoutMs: 120_000 }), new FileStore({ path, lockTimeoutMs: 120_000 })];
    await Promise.all(Array.from({ length: 30 }, (_, i) => (stores[i % 2] as FileStore).set(`k${i}.example`, { type: 'bearer', token: `t${i}` })));
    const doc = parseCredentialsDocument(readFileSync(path, 'utf8'));
    expect(doc.size).toBe(30);
    for (let i = 0; i < 30; i++) expect(doc.get(`k${i}.example`)).toBe(`{"BearerToken":"t${i}"}`);
  });

  it('release leaves alone a lock that is no longer ours', async () => {
    const dir = tmp();
    const lockPath = join(dir, 'credentials.json.lock');
    const held = await acquireLock(lockPath, { timeoutMs: 0, staleMs: 30_000 });
    const theirs = JSON.stringify({ pid: 1, machine: 'elsewhere', token: 'theirs' });
    writeFileSync(`${lockPath}.new`, theirs);
    const { renameSync } = await import('node:fs');
    renameSync(`${lockPath}.new`, lockPath);
    expect(await held.owned()).toBe(false);
    await held.release();
    expect(readFileSync(lockPath, 'utf8')).toBe(theirs);
  });
});
