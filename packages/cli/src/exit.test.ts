import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { authBin, sandbox } from '@auth/test-support/cli';

// The command ends with process.exit() as soon as its work is done (exit.ts): nothing it wrote
// may be lost, however slowly the reader takes it.
describe('the end of a command', () => {
  it('comes after every line of a long listing reached a reader that takes it slowly', async () => {
    const s = sandbox({ keychain: false });
    const count = 12_000; // some 500 KB: more than a pipe holds, so writes wait for the reader
    const entries: Record<string, unknown> = {};
    for (let i = 0; i < count; i++) entries[`host-${String(i).padStart(5, '0')}.example.com`] = { BasicHTTP: { username: `user-${i}`, password: 'p' } };
    writeFileSync(join(s.home, 'c.json'), JSON.stringify(entries));

    const child = spawn(process.execPath, [authBin, 'list', '--file', 'c.json'], { env: s.env, cwd: s.home });
    const chunks: Buffer[] = [];
    child.stdout.pause();
    // Read a little, then nothing for a while, then the rest.
    child.stdout.once('readable', () => {
      const first = child.stdout.read(1024) as Buffer | null;
      if (first) chunks.push(first);
      setTimeout(() => {
        child.stdout.on('data', (d: Buffer) => chunks.push(d));
        child.stdout.resume();
      }, 300);
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const lines = Buffer.concat(chunks).toString('utf8').trimEnd().split('\n');

    expect(code).toBe(0);
    expect(lines).toHaveLength(count);
    expect(lines[0]).toBe('host-00000.example.com\tbasic\tfile\tuser-0');
    expect(lines[count - 1]).toBe(`host-${count - 1}.example.com\tbasic\tfile\tuser-${count - 1}`);
  });

  // Node 20's cache is the launcher's, written on the exit event (code-cache.test.ts).
  it.skipIf(Number(process.versions.node.split('.')[0]) < 22)("leaves Node's compile cache for the next run to use", () => {
    const s = sandbox({ keychain: false });
    writeFileSync(join(s.home, 'c.json'), '{"a.example.com":{"BearerToken":"tok-a"}}');
    const token = () => s.auth(['token', 'a.example.com', '--file', 'c.json'], { env: { NODE_DEBUG_NATIVE: 'COMPILE_CACHE' } });
    expect(token().stderr).toMatch(/writing cache for CommonJS \S*command\.cjs .*success/);
    const next = token();
    expect(next.stdout).toBe('tok-a\n');
    expect(next.stderr).toMatch(/V8 code cache for CommonJS \S*command\.cjs was accepted/);
  });
});

// Node 22.0-22.2 (within engines >=20.19) have no process.getBuiltinModule: the exit must not
// call it. Played here on the running Node with a preload that makes it look like 22.2.
describe('the end of a command on a Node 22 without process.getBuiltinModule', () => {
  it('exits with the command\'s own code and prints nothing more', () => {
    const s = sandbox({ keychain: false });
    writeFileSync(join(s.home, 'c.json'), '{"a.example.com":{"BearerToken":"tok-a"}}');
    const preload = join(s.home, 'node-22-2.cjs');
    writeFileSync(
      preload,
      "delete process.getBuiltinModule; Object.defineProperty(process.versions, 'node', { value: '22.2.0', enumerable: true, configurable: true });\n",
    );
    const run = (args: string[]) =>
      spawnSync(process.execPath, ['--require', preload, authBin, ...args], { env: s.env, cwd: s.home, encoding: 'utf8' });
    const ok = run(['token', 'a.example.com', '--file', 'c.json']);
    expect({ status: ok.status, stdout: ok.stdout, stderr: ok.stderr }).toEqual({ status: 0, stdout: 'tok-a\n', stderr: '' });
    // A terminal: whether stdout is one is asked of node:tty.
    const tty = spawnSync('script', ['-qec', `${process.execPath} --require ${preload} ${authBin} list --file c.json`, '/dev/null'], {
      env: s.env,
      cwd: s.home,
      encoding: 'utf8',
    });
    expect(tty.stdout.replace(/\r/g, '')).toBe('KEY            TYPE    STORE  USERNAME\na.example.com  bearer  file\n');
    expect(tty.status).toBe(0);
    const missing = run(['token', 'b.example.com', '--file', 'c.json']);
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toBe('error: no credential is stored for b.example.com\n');
  });
});
