import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { authBin, sandbox } from '@auth/test-support/cli';

// engines says >=20.19, which takes in Node 21 and 22.0-22.2: they have no
// process.getBuiltinModule. Played on the running Node with a preload that removes it.
// The file store's lock (packages/store-file/src/liveness.ts: process.getBuiltinModule('node:os'))
// calls it on every write, so every login to the file store fails there.
describe('a file-store write on a Node without process.getBuiltinModule', () => {
  it('stores the credential', () => {
    const s = sandbox({ keychain: false });
    const preload = join(s.home, 'no-get-builtin.cjs');
    writeFileSync(preload, 'delete process.getBuiltinModule;\n');
    const r = spawnSync(process.execPath, ['--require', preload, authBin, 'login', 'n.example.com', '--token', 'tok-n', '--file', 'c.json'], {
      env: s.env,
      cwd: s.home,
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('Stored a token for n.example.com in file (' + join(s.home, 'c.json') + ').\n');
    expect(r.status).toBe(0);
    expect(JSON.parse(readFileSync(join(s.home, 'c.json'), 'utf8'))).toEqual({ 'n.example.com': { BearerToken: 'tok-n' } });
  });
});
