import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NotRegularFileError, StoreFailedError } from '@auth/core';
import { describe, expect, it } from 'vitest';
import { FileStore } from './file-store.js';
import { processStart, thisMachine } from './liveness.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'auth-special-'));
const bearer = { type: 'bearer' as const, token: 't' };

async function refusal(promise: Promise<unknown>): Promise<NotRegularFileError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(NotRegularFileError);
  return error as NotRegularFileError;
}

/** A device node of our own (the same as /dev/null): the machine's own is never put at risk. */
function deviceNode(dir: string): string | undefined {
  const path = join(dir, 'null');
  try {
    execFileSync('mknod', [path, 'c', '1', '3'], { stdio: 'ignore' });
    return path;
  } catch {
    return undefined;
  }
}

describe('only regular files are written', () => {
  it('a dangling symlink is refused, named, and stays as it was', async () => {
    const dir = tmp();
    const path = join(dir, 'credentials.json');
    symlinkSync(join(dir, 'nowhere', 'real.json'), path);
    const error = await refusal(new FileStore({ path }).set('h.example', bearer));
    expect(error.path).toBe(path);
    expect(error.message).toContain(path);
    expect(error.message).toContain('a dangling symlink');
    expect(readlinkSync(path)).toBe(join(dir, 'nowhere', 'real.json'));
    expect(existsSync(join(dir, 'nowhere'))).toBe(false);
  });

  it('a file of gigabytes (a sparse file) is refused at once, named, never read', async () => {
    const path = join(tmp(), 'credentials.json');
    writeFileSync(path, '{}');
    truncateSync(path, 2 ** 31);
    const error = await new FileStore({ path }).list().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(StoreFailedError);
    expect(error?.message).toBe(`cannot read ${path}: EFBIG`);
  });

  it('a dangling symlink is named on reads too, not read as an empty store', async () => {
    const dir = tmp();
    const path = join(dir, 'credentials.json');
    symlinkSync(join(dir, 'nowhere.json'), path);
    const store = new FileStore({ path });
    for (const read of [store.get('h.example'), store.list()]) {
      const error = await refusal(read);
      expect(error.message).toContain(path);
      expect(error.message).toContain('a dangling symlink');
    }
    // A file that is simply not there is an empty store.
    expect(await new FileStore({ path: join(dir, 'absent.json') }).list()).toEqual([]);
  });

  it('a FIFO is refused for reads and writes, without hanging', async () => {
    const dir = tmp();
    const path = join(dir, 'credentials.json');
    execFileSync('mkfifo', [path]);
    const store = new FileStore({ path });
    expect((await refusal(store.list())).message).toContain(`${path} is a FIFO`);
    await refusal(store.get('h.example'));
    await refusal(store.set('h.example', bearer));
    await refusal(store.delete('h.example'));
    expect(lstatSync(path).isFIFO()).toBe(true);
  });

  it('a symlink to a FIFO is refused too', async () => {
    const dir = tmp();
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    symlinkSync(join(dir, 'fifo'), join(dir, 'credentials.json'));
    await refusal(new FileStore({ path: join(dir, 'credentials.json') }).set('h.example', bearer));
    expect(lstatSync(join(dir, 'fifo')).isFIFO()).toBe(true);
  });

  it('a device node (as /dev/null) is never replaced, even by root', async (context) => {
    const dir = tmp();
    const device = deviceNode(dir);
    if (!device) return context.skip();
    const error = await refusal(new FileStore({ path: device }).set('h.example', bearer));
    expect(error.message).toContain(`${device} is a character device`);
    expect(statSync(device).isCharacterDevice()).toBe(true);
    expect(readdirSync(dir)).toEqual(['null']);
  });

  it('a folder given as the file is refused', async () => {
    const dir = tmp();
    const path = join(dir, 'credentials.json');
    mkdirSync(path);
    const store = new FileStore({ path });
    expect((await refusal(store.set('h.example', bearer))).message).toContain(`${path} is a folder`);
    await refusal(store.list());
    expect(statSync(path).isDirectory()).toBe(true);
  });
});

describe('lock problems', () => {
  it('a lock path that is a folder is an error naming the path', async () => {
    const dir = tmp();
    const path = join(dir, 'credentials.json');
    mkdirSync(`${path}.lock`);
    const error = await refusal(new FileStore({ path, lockTimeoutMs: 0 }).set('h.example', bearer));
    expect(error.path).toBe(`${path}.lock`);
    expect(error.message).toContain(`the lock file ${path}.lock is a folder`);
    expect(existsSync(path)).toBe(false);
  });

  it.each([
    ['the same start time (a lock this process no longer holds)', processStart(process.pid)],
    ['another start time (a container restarted with the same pid)', '1'],
  ])('a leftover lock with our own pid and %s is broken at once', async (_, start) => {
    const dir = tmp();
    const path = join(dir, 'credentials.json');
    const leftover = { pid: process.pid, machine: thisMachine(), start, token: `${process.pid}.leftover` };
    writeFileSync(`${path}.lock`, JSON.stringify(leftover));
    // No waiting at all: with a timeout of 0, a lock judged live would be an error.
    await new FileStore({ path, lockTimeoutMs: 0 }).set('h.example', bearer);
    expect(readFileSync(path, 'utf8')).toBe('{"h.example":{"BearerToken":"t"}}');
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('a leftover lock of a dead process is broken at once', async () => {
    const dir = tmp();
    const path = join(dir, 'credentials.json');
    const dead = execFileSync(process.execPath, ['-p', 'process.pid'], { encoding: 'utf8' }).trim();
    writeFileSync(`${path}.lock`, JSON.stringify({ pid: Number(dead), machine: thisMachine(), token: 'x' }));
    await new FileStore({ path, lockTimeoutMs: 0 }).set('h.example', bearer);
    expect(existsSync(`${path}.lock`)).toBe(false);
  });
});

/** A tmpfs of 16 KiB (4 pages) mounted for the test; undefined where mounting is not allowed. */
function tinyDisk(): { dir: string; unmount: () => void } | undefined {
  const dir = tmp();
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16k,mode=700', 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  return { dir, unmount: () => execFileSync('umount', [dir]) };
}

describe('a full disk', () => {
  it.for([
    ['no room even for the lock', 3],
    ['room for the lock but not for the new file', 2],
  ] as const)('%s: a typed error, the old file intact, no lock and no temporary file left', async ([, fillerPages], context) => {
    const disk = tinyDisk();
    if (!disk) return context.skip();
    try {
      const path = join(disk.dir, 'credentials.json');
      writeFileSync(path, '{"keep.example":{"BearerToken":"k"}}');
      writeFileSync(join(disk.dir, 'filler'), Buffer.alloc(fillerPages * 4096));
      const error = await new FileStore({ path }).set('h.example', bearer).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreFailedError);
      expect((error as Error).message).toContain('ENOSPC');
      expect(readFileSync(path, 'utf8')).toBe('{"keep.example":{"BearerToken":"k"}}');
      expect(readdirSync(disk.dir).sort()).toEqual(['credentials.json', 'filler']);
    } finally {
      disk.unmount();
    }
  });
});
