import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { authBin, sandbox } from '@auth/test-support/cli';

/** Runs bash with the completion script and completes `line` (the cursor at its end). */
function bashComplete(s: ReturnType<typeof sandbox>, line: string): string[] {
  const dir = join(s.home, 'bin');
  spawnSync('mkdir', ['-p', dir]);
  writeFileSync(join(dir, 'auth'), `#!/bin/sh\nexec "${process.execPath}" "${authBin}" "$@"\n`, { mode: 0o755 });
  const script = s.auth(['completion']).stdout;
  const words = line.split(' ');
  const program = `${script}
COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}
_auth_complete; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const out = spawnSync('bash', ['-c', program], { env: { ...s.env, PATH: `${dir}:${s.env.PATH}` }, cwd: s.home, encoding: 'utf8' });
  return out.stdout.split('\n').filter(Boolean);
}

describe('completion in bash', () => {
  it('completes commands, flags, store names and stored keys (keys only)', () => {
    const s = sandbox({ keychain: false });
    writeFileSync(join(s.home, 'c.json'), '{"*.prefix.dev":{"BearerToken":"SECRET-1"},"pkgs.example.com":{"CondaToken":"SECRET-2"}}');
    expect(bashComplete(s, 'auth lo')).toEqual(['login', 'logout']);
    expect(bashComplete(s, 'auth list --st')).toEqual(['--store']);
    expect(bashComplete(s, 'auth list --store ')).toEqual(['keychain', 'file', 'netrc']);
    expect(bashComplete(s, 'auth login h --store k')).toEqual(['keychain']);
    expect(bashComplete(s, 'auth logout --file c.json ')).toEqual(['*.prefix.dev', 'pkgs.example.com']);
    expect(bashComplete(s, 'auth token --file c.json pk')).toEqual(['pkgs.example.com']);
    expect(bashComplete(s, 'auth login ')).toEqual([]);
    expect(bashComplete(s, 'auth help st')).toEqual(['status']);
  });

  it('auth completion zsh wraps the same function for zsh', () => {
    const out = sandbox({ keychain: false }).auth(['completion', 'zsh']);
    expect(out.stdout).toContain('bashcompinit');
    expect(out.stdout).toContain('complete -o default -F _auth_complete auth');
  });
});
