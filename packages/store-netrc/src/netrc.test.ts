import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CorruptStoreError, ReadOnlyStoreError, StoreFailedError } from '@auth/core';
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

  it('a missing ~/.netrc is an empty store, a missing NETRC file an error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netrc-'));
    const saved = process.env.NETRC;
    try {
      delete process.env.NETRC;
      const implicit = new NetrcStore();
      // homedir() follows HOME, which the suite may not control: check with an explicit path instead.
      expect(implicit.path.endsWith('.netrc')).toBe(true);
      process.env.NETRC = join(dir, 'missing');
      await expect(new NetrcStore().list()).rejects.toBeInstanceOf(StoreFailedError);
      await expect(new NetrcStore().list()).rejects.toThrow(/does not exist/);
      process.env.NETRC = '';
      const saveHome = process.env.HOME;
      process.env.HOME = dir;
      try {
        expect(await new NetrcStore().list()).toEqual([]);
      } finally {
        process.env.HOME = saveHome;
      }
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
