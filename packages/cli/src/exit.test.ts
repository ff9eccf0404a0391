import { spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
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

// Node 21 and 22.0-22.2 have no process.getBuiltinModule, which the packages load built-ins
// through: played here with a preload that removes it.
describe('a Node.js without process.getBuiltinModule', () => {
  it('is told which versions auth needs before anything runs, and nothing is written', () => {
    const s = sandbox({ keychain: false });
    const preload = join(s.home, 'node-21.cjs');
    writeFileSync(preload, 'delete process.getBuiltinModule;\n');
    for (const args of [['login', 'n.example.com', '--token', 'tok-n', '--file', 'c.json'], ['list', '--file', 'c.json'], ['--version']]) {
      const r = spawnSync(process.execPath, ['--require', preload, authBin, ...args], { env: s.env, cwd: s.home, encoding: 'utf8' });
      expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({
        status: 1,
        stdout: '',
        stderr: `error: auth needs Node.js 20.19 or newer (22.3 or newer on Node.js 22); this is ${process.version}\n`,
      });
    }
    expect(existsSync(join(s.home, 'c.json'))).toBe(false);
  });
});
