import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CorruptStoreError, ReadOnlyStoreError } from '@auth/core';
import { describe, expect, it } from 'vitest';
import { fixture } from '@auth/test-support/paths';
import { parseNetrc } from './netrc.js';
import { NetrcStore } from './netrc-store.js';

describe('netrc', () => {
  it('the fixture parses as its README says', async () => {
    const store = new NetrcStore({ path: fixture('netrc') });
    expect(await store.list()).toEqual(['artifactory.example.org', 'nexus.example.com']);
    expect(await store.get('nexus.example.com')).toEqual({ type: 'basic', username: 'ci-bot', password: 'n3xus-secret' });
    expect(await store.get('artifactory.example.org')).toEqual({ type: 'basic', username: 'reader', password: 'quoted pass' });
  });

  it('the default entry is parsed but never becomes a key', async () => {
    const store = new NetrcStore({ path: fixture('netrc') });
    expect(await store.get('default')).toBeUndefined();
    expect(await store.get('anything.example.com')).toBeUndefined();
    expect(parseNetrc('default login anonymous password guest').default).toEqual({ login: 'anonymous', password: 'guest' });
  });

  it('macdef bodies are skipped up to the empty line', () => {
    const netrc = parseNetrc('machine a.example login u password p\nmacdef init\ncd /pub\nmachine fake login x\n\nmachine b.example login v password q\n');
    expect([...netrc.machines.keys()]).toEqual(['a.example', 'b.example']);
  });

  it('comments, escapes and machine names in upper case', () => {
    const netrc = parseNetrc('# comment line\nmachine HOST.Example.com login "a b" password p\\ q\n');
    expect(netrc.machines.get('host.example.com')).toEqual({ login: 'a b', password: 'p q' });
  });

  it.each([
    ['machine', 1, 'has no value'],
    ['machine a\nlogin', 2, 'has no value'],
    ['login x', 1, 'before any machine'],
    ['machine a login u\nbogus secret-word', 2, 'unexpected word'],
    ['machine a password "open', 1, 'not closed'],
  ])('a malformed file is an error naming the line: %j', (text, line, reason) => {
    let error: unknown;
    try {
      parseNetrc(text, '/x/.netrc');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CorruptStoreError);
    expect((error as CorruptStoreError).line).toBe(line);
    expect((error as Error).message).toContain(`/x/.netrc, line ${line}`);
    expect((error as Error).message).toContain(reason);
    expect((error as Error).message).not.toContain('secret-word');
  });

  it('a trailing "# comment" is a comment, but a value may start with "#"', () => {
    const netrc = parseNetrc('machine a.example login u password p # the CI account\nmachine b.example login v password #q # note\n');
    expect(netrc.machines.get('a.example')).toEqual({ login: 'u', password: 'p' });
    expect(netrc.machines.get('b.example')).toEqual({ login: 'v', password: '#q' });
  });

  it('a machine without login is skipped; a later entry for the same name is used', () => {
    const netrc = parseNetrc('machine a.example password only\nmachine b.example login u password p\nmachine a.example login w password x\n');
    expect([...netrc.machines.keys()]).toEqual(['b.example', 'a.example']);
    expect(netrc.machines.get('a.example')).toEqual({ login: 'w', password: 'x' });
  });
});

describe('the netrc store', () => {
  const tmp = () => mkdtempSync(join(tmpdir(), 'netrc-'));
  const collect = () => {
    const warnings: string[] = [];
    return { warnings, onWarning: (m: string) => warnings.push(m) };
  };

  it('a malformed netrc is one warning, naming file and line, and counts as empty', async () => {
    const dir = tmp();
    const path = join(dir, 'netrc');
    writeFileSync(path, 'machine a.example login u password p\nbogus secret-word\n');
    const { warnings, onWarning } = collect();
    const store = new NetrcStore({ path, onWarning });
    expect(await store.list()).toEqual([]);
    expect(await store.get('a.example')).toBeUndefined();
    expect(warnings).toEqual([`${path}, line 2: unexpected word (expected machine, default, login, password, account, port or macdef); the netrc file is not used`]);
    expect(warnings.join('')).not.toContain('secret-word');
  });

  it('a NETRC naming a missing file is a warning and counts as empty', async () => {
    const dir = tmp();
    const { warnings, onWarning } = collect();
    const store = new NetrcStore({ env: { HOME: dir, NETRC: join(dir, 'missing') }, onWarning });
    expect(store.path).toBe(join(dir, 'missing'));
    expect(await store.list()).toEqual([]);
    expect(warnings).toEqual([`the netrc file ${join(dir, 'missing')} (named by NETRC) does not exist; it is not used`]);
  });

  it('a missing ~/.netrc is an empty store without a word', async () => {
    const dir = tmp();
    const { warnings, onWarning } = collect();
    const store = new NetrcStore({ env: { HOME: dir, NETRC: '' }, onWarning });
    expect(store.path).toBe(join(dir, '.netrc'));
    expect(await store.list()).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('a netrc that cannot be read (a folder) is a warning and counts as empty', async () => {
    const dir = tmp();
    mkdirSync(join(dir, '.netrc'));
    const { warnings, onWarning } = collect();
    expect(await new NetrcStore({ env: { HOME: dir }, onWarning }).list()).toEqual([]);
    expect(warnings).toEqual([`the netrc file ${join(dir, '.netrc')} is a folder, not a regular file; point the store at a regular file (or a symlink to one); it is not used`]);
  });

  it('a FIFO or a device given as the netrc is a warning and counts as empty, without hanging', async () => {
    const dir = tmp();
    const fifo = join(dir, 'fifo');
    const makeFifo = 'mkfifo';
    execFileSync(makeFifo, [fifo]);
    for (const [path, what] of [
      [fifo, 'a FIFO'],
      ['/dev/zero', 'a character device'],
    ] as const) {
      const { warnings, onWarning } = collect();
      expect(await new NetrcStore({ env: { HOME: dir, NETRC: path }, onWarning }).list()).toEqual([]);
      expect(warnings).toEqual([`the netrc file ${path} is ${what}, not a regular file; point the store at a regular file (or a symlink to one); it is not used`]);
    }
  });

  it('a netrc of gigabytes (a sparse file) is a warning and counts as empty, never read', async () => {
    const path = join(tmp(), 'netrc');
    writeFileSync(path, 'machine a.example.com login u password p\n');
    truncateSync(path, 2 ** 31);
    const { warnings, onWarning } = collect();
    expect(await new NetrcStore({ env: { HOME: tmp(), NETRC: path }, onWarning }).list()).toEqual([]);
    expect(warnings).toEqual([`cannot read the netrc file ${path} (EFBIG); it is not used`]);
  });

  it.each([
    ['unset', {}],
    ['empty', { HOME: '' }],
    ['relative', { HOME: 'home' }],
  ])('HOME %s: a warning, never a netrc in the current folder', async (_, env) => {
    const { warnings, onWarning } = collect();
    const store = new NetrcStore({ env, onWarning });
    expect(store.path).toBeUndefined();
    expect(await store.list()).toEqual([]);
    expect(warnings).toEqual(['HOME is not set or not an absolute path, so ~/.netrc is not read; set HOME or NETRC']);
  });

  it('NETRC and HOME come from the env option, not process.env', async () => {
    const dir = tmp();
    writeFileSync(join(dir, '.netrc'), 'machine env.example login u password p\n');
    const saved = process.env.NETRC;
    process.env.NETRC = join(dir, 'not-this-one');
    try {
      const store = new NetrcStore({ env: { HOME: dir } });
      expect(await store.list()).toEqual(['env.example']);
    } finally {
      if (saved === undefined) delete process.env.NETRC;
      else process.env.NETRC = saved;
    }
  });

  it('it is read-only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netrc-'));
    writeFileSync(join(dir, 'n'), 'machine a.example login u password p\n');
    const store = new NetrcStore({ path: join(dir, 'n') });
    expect(store.readOnly).toBe(true);
    await expect(store.set()).rejects.toBeInstanceOf(ReadOnlyStoreError);
    await expect(store.delete()).rejects.toBeInstanceOf(ReadOnlyStoreError);
  });
});
