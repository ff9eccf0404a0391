import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { authBin, sandbox } from '@auth/test-support/cli';

/** The bundle files a command loaded: a preload script lists require's cache when it exits. */
function loadedBundles(args: string[]): string[] {
  const s = sandbox({ keychain: false });
  writeFileSync(join(s.home, 'c.json'), '{"a.example.com":{"BearerToken":"t"}}');
  const preload = join(s.home, 'loaded.cjs');
  writeFileSync(preload, "process.on('exit', () => require('node:fs').writeSync(2, '\\nLOADED ' + JSON.stringify(Object.keys(require.cache)) + '\\n'));");
  const run = spawnSync(process.execPath, ['--require', preload, authBin, ...args], { env: s.env, cwd: s.home, encoding: 'utf8' });
  const line = run.stderr.split('\n').find((l) => l.startsWith('LOADED ')) ?? 'LOADED []';
  return (JSON.parse(line.slice('LOADED '.length)) as string[]).filter((f) => f.includes('/cli/dist/')).map((f) => basename(f)).sort();
}

describe('what a command loads', () => {
  it('token and list on the file store load the command bundle alone', () => {
    expect(loadedBundles(['token', 'a.example.com', '--file', 'c.json'])).toEqual(['auth.cjs', 'command.cjs']);
    expect(loadedBundles(['list', '--file', 'c.json'])).toEqual(['auth.cjs', 'command.cjs']);
  });

  it('the keychain loads its client, and login, status and help the server commands', () => {
    expect(loadedBundles(['list', '--store', 'keychain'])).toEqual(['auth.cjs', 'command.cjs', 'keychain.cjs']);
    expect(loadedBundles(['login', 'b.example.com', '--token', 't', '--file', 'c.json'])).toEqual(['auth.cjs', 'command.cjs', 'servers.cjs']);
    expect(loadedBundles(['status', '--file', 'c.json'])).toEqual(['auth.cjs', 'command.cjs', 'servers.cjs']);
    expect(loadedBundles(['--help'])).toEqual(['auth.cjs', 'command.cjs', 'servers.cjs']);
  });
});
