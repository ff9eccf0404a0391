import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CorruptStoreError, decodeCredential, NoHomeError, parseCredentialsDocument, StoreLockedError } from '@auth/core';
import { describe, expect, it } from 'vitest';
import { fixture } from '@auth/test-support/paths';
import { FileStore } from './file-store.js';

const writer = new URL('../test/writer.mjs', import.meta.url).pathname;
const fixtureText = readFileSync(fixture('rattler-credentials.json'), 'utf8');
const tmp = () => mkdtempSync(join(tmpdir(), 'auth-file-'));

function runWriter(...args: string[]): ChildProcess {
  return spawn(process.execPath, [writer, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

async function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const [code] = await once(child, 'exit');
  return code as number | null;
}

describe('the file store', () => {
  it("reads every entry of rattler's fixture", async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'credentials.json'), fixtureText);
    const store = new FileStore({ path: join(dir, 'credentials.json') });
    expect(await store.list()).toEqual(['*.anaconda.org', '*.prefix.dev', 'myserver.com', 'prefix.dev', 's3://my-bucket/channel']);
    expect(await store.get('myserver.com')).toEqual({ type: 'basic', username: 'user', password: 'pässw:rd' });
    expect((await store.get('prefix.dev'))?.type).toBe('oauth');
    expect((await store.get('s3://my-bucket/channel'))?.type).toBe('s3');
  });

  it('a login of another key keeps every fixture entry byte for byte', async () => {
    const dir = tmp();
    const path = join(dir, 'credentials.json');
    writeFileSync(path, fixtureText);
    await new FileStore({ path }).set('new.example.com', { type: 'bearer', token: 'n' });
    const before = parseCredentialsDocument(fixtureText);
    const after = parseCredentialsDocument(readFileSync(path, 'utf8'));
    for (const [key, raw] of before) expect(after.get(key)).toBe(raw);
    expect(after.get('new.example.com')).toBe('{"BearerToken":"n"}');
    // rattler writes no trailing newline (the fixture file has one).
    expect(readFileSync(path, 'utf8')).toBe(fixtureText.trimEnd().replace(',"prefix.dev"', ',"new.example.com":{"BearerToken":"n"},"prefix.dev"'));
  });

  it('unknown entries survive writes and deletes of other keys', async () => {
    const dir = tmp();
    const path = join(dir, 'credentials.json');
    writeFileSync(path, '{"a.example":{"Kerberos":{"realm":"X","n":1.50}}}');
    const store = new FileStore({ path });
    expect(await store.get('a.example')).toEqual({ type: 'unknown', raw: '{"Kerberos":{"realm":"X","n":1.50}}' });
    await store.set('b.example', { type: 'bearer', token: 't' });
    await store.delete('b.example');
    expect(readFileSync(path, 'utf8')).toBe('{"a.example":{"Kerberos":{"realm":"X","n":1.50}}}');
  });

  it('creates the folder 0700 and the file 0600', async () => {
    const dir = tmp();
    const path = join(dir, 'new', 'deeper', 'credentials.json');
    await new FileStore({ path }).set('h.example.com', { type: 'bearer', token: 't' });
    expect(statSync(join(dir, 'new')).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'new', 'deeper')).mode & 0o777).toBe(0o700);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('an existing world-readable file becomes 0600 when rewritten', async () => {
    const dir = tmp();
    const path = join(dir, 'credentials.json');
    writeFileSync(path, '{}', { mode: 0o644 });
    await new FileStore({ path }).set('h.example.com', { type: 'bearer', token: 't' });
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('a corrupt file is an error naming path and position, and stays byte-identical', async () => {
    const dir = tmp();
    const path = join(dir, 'credentials.json');
    const corrupt = '{"a.example": {"BearerToken": "keep-me"},\n "b.example": }';
    writeFileSync(path, corrupt);
    const store = new FileStore({ path });
    const error = await store.set('c.example', { type: 'bearer', token: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorruptStoreError);
    expect((error as CorruptStoreError).path).toBe(path);
    expect((error as CorruptStoreError).line).toBe(2);
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toMatch(/line 2, column 15/);
    expect((error as Error).message).not.toContain('keep-me');
    await expect(store.delete('a.example')).rejects.toBeInstanceOf(CorruptStoreError);
    await expect(store.list()).rejects.toBeInstanceOf(CorruptStoreError);
    expect(readFileSync(path, 'utf8')).toBe(corrupt);
    expect(readdirSync(dir)).toEqual(['credentials.json']);
  });

  it('a JSON value that is not an object is refused and kept', async () => {
    const dir = tmp();
    const path = join(dir, 'credentials.json');
    writeFileSync(path, '["not", "an", "object"]');
    await expect(new FileStore({ path }).set('c.example', { type: 'bearer', token: 'x' })).rejects.toThrow(/one JSON object/);
    expect(readFileSync(path, 'utf8')).toBe('["not", "an", "object"]');
  });

  it('reads reflect what another process wrote', async () => {
    const dir = tmp();
    const path = join(dir, 'credentials.json');
    const store = new FileStore({ path });
    expect(await store.list()).toEqual([]);
    expect(await exited(runWriter(path, 'other.example.com', 'from-elsewhere'))).toBe(0);
    expect(await store.get('other.example.com')).toEqual({ type: 'bearer', token: 'from-elsewhere' });
    writeFileSync(path, '{}');
    expect(await store.list()).toEqual([]);
  });

  it('delete removes only its key and says whether it was there', async () => {
    const dir = tmp();
    const path = join(dir, 'credentials.json');
    writeFileSync(path, fixtureText);
    const store = new FileStore({ path });
    expect(await store.delete('*.prefix.dev')).toBe(true);
    expect(await store.delete('*.prefix.dev')).toBe(false);
    expect(await store.list()).toEqual(['*.anaconda.org', 'myserver.com', 'prefix.dev', 's3://my-bucket/channel']);
  });

  it('a 10,000-entry file: a write and a delete of another key give back every byte', async () => {
    const dir = tmp();
    const path = join(dir, 'credentials.json');
    const entries = Array.from({ length: 10_000 }, (_, i) => `"h${String(i).padStart(5, '0')}.example.com":{"BasicHTTP":{"username":"u${i}","password":"p\\u00e4${i}"}}`);
    const text = `{${entries.join(',')}}`;
    writeFileSync(path, text);
    const store = new FileStore({ path });
    await store.set('zz.example.com', { type: 'basic', username: 'z', password: 'ä' });
    expect(readFileSync(path, 'utf8')).toBe(`${text.slice(0, -1)},"zz.example.com":{"BasicHTTP":{"username":"z","password":"ä"}}}`);
    expect((await store.list()).length).toBe(10_001);
    expect(await store.delete('zz.example.com')).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe(text);
  });

  it('a symlinked credentials file stays a symlink', async () => {
    const dir = tmp();
    const real = join(dir, 'real.json');
    writeFileSync(real, '{}');
    symlinkSync(real, join(dir, 'credentials.json'));
    await new FileStore({ path: join(dir, 'credentials.json') }).set('h.example', { type: 'bearer', token: 't' });
    expect(readFileSync(real, 'utf8')).toBe('{"h.example":{"BearerToken":"t"}}');
  });

  it('a lock held by a live process too long is a clear error', async () => {
    const dir = tmp();
    const path = join(dir, 'credentials.json');
    writeFileSync(`${path}.lock`, JSON.stringify({ pid: process.ppid, host: (await import('node:os')).hostname(), time: Date.now() }));
    const error = await new FileStore({ path, lockTimeoutMs: 200 }).set('h', { type: 'bearer', token: 't' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreLockedError);
    expect((error as Error).message).toContain(`${path}.lock`);
    expect((error as Error).message).toContain(`process ${process.ppid}`);
    expect(existsSync(path)).toBe(false);
  });

  it('50 concurrent writers in separate processes leave all 50 entries and valid JSON', async () => {
    const dir = tmp();
    const path = join(dir, 'credentials.json');
    writeFileSync(path, fixtureText);
    const children = Array.from({ length: 50 }, (_, i) => runWriter(path, `host-${i}.example.com`, `token-${i}`));
    const codes = await Promise.all(children.map(exited));
    expect(codes.every((c) => c === 0)).toBe(true);
    const doc = parseCredentialsDocument(readFileSync(path, 'utf8'));
    expect(doc.size).toBe(55);
    for (let i = 0; i < 50; i++) expect(decodeCredential(doc.get(`host-${i}.example.com`) ?? '')).toEqual({ type: 'bearer', token: `token-${i}` });
    for (const [key, raw] of parseCredentialsDocument(fixtureText)) expect(doc.get(key)).toBe(raw);
    expect(readdirSync(dir)).toEqual(['credentials.json']);
  }, 120_000);

  it('a temporary file of a writer on another machine sharing the folder is left alone while fresh', async () => {
    // Machine B (another host or container on this home folder) is between creating its lock's
    // temporary file and linking it: its pid is dead here. Removing the file would fail B's login.
    const dir = tmp();
    const path = join(dir, 'credentials.json');
    const dead = spawnSync(process.execPath, ['-e', '0']).pid as number;
    const theirs = join(dir, `.credentials.json.lock.${dead}.othermachine-abc123.tmp`);
    const oldOfTheirs = join(dir, `.credentials.json.${dead}.othermachine-abc124.tmp`);
    const earlierVersion = join(dir, `.credentials.json.${dead}.abc125.tmp`);
    for (const f of [theirs, oldOfTheirs, earlierVersion]) writeFileSync(f, '{}');
    const hourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(oldOfTheirs, hourAgo, hourAgo);
    await new FileStore({ path }).set('a.example.com', { type: 'bearer', token: 't' });
    expect(existsSync(theirs)).toBe(true);
    expect(existsSync(earlierVersion)).toBe(true);
    expect(existsSync(oldOfTheirs)).toBe(false);
  });

  it('a writer killed with SIGKILL at random points, 200 times, leaves the old or the new state', async () => {
    const dir = tmp();
    const path = join(dir, 'credentials.json');
    writeFileSync(path, fixtureText);
    const fixtureDoc = parseCredentialsDocument(fixtureText);
    let staleLocks = 0;
    let lastToken = -1;
    for (let round = 0; round < 200; round++) {
      const child = runWriter(path, 'crash.example.com', '--loop');
      await once(child.stdout as NodeJS.ReadableStream, 'data');
      await new Promise((r) => setTimeout(r, Math.random() * 25));
      child.kill('SIGKILL');
      await exited(child);
      if (existsSync(`${path}.lock`)) staleLocks++;
      const doc = parseCredentialsDocument(readFileSync(path, 'utf8'));
      for (const [key, raw] of fixtureDoc) expect(doc.get(key)).toBe(raw);
      const crash = doc.get('crash.example.com');
      expect(doc.size).toBe(crash === undefined ? fixtureDoc.size : fixtureDoc.size + 1);
      if (crash !== undefined) {
        const credential = decodeCredential(crash);
        expect(credential.type).toBe('bearer');
        expect(credential.type === 'bearer' && /^v\d+$/.test(credential.token)).toBe(true);
        lastToken = Number(credential.type === 'bearer' ? credential.token.slice(1) : -1);
      }
      if (crash !== undefined) expect(statSync(path).mode & 0o777).toBe(0o600);
    }
    // The next writer broke every stale lock a killed one left: otherwise it would have waited 30 s.
    expect(await exited(runWriter(path, 'after.example.com', 'ok'))).toBe(0);
    expect(await new FileStore({ path }).get('after.example.com')).toEqual({ type: 'bearer', token: 'ok' });
    expect(lastToken).toBeGreaterThanOrEqual(0);
    expect(staleLocks).toBeGreaterThan(0);
    // Temporary files of killed writers are cleaned up by the next writer.
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }, 300_000);
});

describe('the default file', () => {
  it('is ~/.rattler/credentials.json of the env option, not of process.env', () => {
    const dir = tmp();
    expect(new FileStore({ env: { HOME: dir } }).path).toBe(join(dir, '.rattler', 'credentials.json'));
  });

  it.each([
    ['unset', {}],
    ['empty', { HOME: '' }],
    ['relative', { HOME: '.' }],
  ])('HOME %s: a clear error for every operation, never the current folder', async (_, env) => {
    const store = new FileStore({ env });
    expect(store.path).toBeUndefined();
    for (const op of [() => store.set('h.example', { type: 'bearer', token: 't' }), () => store.list(), () => store.delete('h'), () => store.get('h')]) {
      const error = await op().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NoHomeError);
      expect((error as Error).message).toBe(
        'HOME is not set or not an absolute path, so there is no default credentials file (~/.rattler/credentials.json); set HOME, or name a file with RATTLER_AUTH_FILE or --file',
      );
    }
    expect(existsSync('.rattler')).toBe(false);
  });

  it('an explicit path needs no HOME', async () => {
    const dir = tmp();
    const path = join(dir, 'c.json');
    await new FileStore({ path, env: {} }).set('h.example', { type: 'bearer', token: 't' });
    expect(readFileSync(path, 'utf8')).toBe('{"h.example":{"BearerToken":"t"}}');
  });
});
