import { describe, expect, it } from 'vitest';
import { sandbox } from '@auth/test-support/cli';

/**
 * The scripted no-secrets session of issue 12, with userinfo and conda-token-in-URL
 * inputs given to every command (login, logout, token, status), plain and with --verbose and
 * --json. Hosts are 127.0.0.1:1 (nothing listens; no request leaves the machine). The secrets
 * carry letters no message holds. Nothing is echoed raw: `auth token` once quoted its input as typed.
 */

const PW = 'PwSeCrEtQq';
const CT = 'CtSeCrEtQq';
const H = '127.0.0.1:1';
const INPUTS = [
  `https://alice:${PW}@${H}/x`,
  `https://alice:${PW}/x?y#z@${H}/x`,
  `https://alice:${PW}@s@${H}/`,
  `http://alice:a ${PW}@${H}/`,
  `alice:${PW}@${H}`,
  `https://${H}/t/${CT}/chan`,
  `${H}/t/${CT}/chan`,
  `https://${H}\\t\\${CT}\\chan`,
  `https://${H}/%74/${CT}/chan`,
  `${H}/%74/${CT}/chan`,
  `https://${H}/t%2F${CT}/chan`,
  `https:///alice:${PW}@${H}/`,
];

describe('no secret typed into an argument is printed by any command', () => {
  it('login, logout, token and status with userinfo and conda tokens in every spelling', async () => {
    const s = sandbox({ keychain: false });
    const leaks: string[] = [];
    for (const input of INPUTS) {
      for (const args of [
        ['login', input, '--token', 'abc'],
        ['login', input, '--conda-token', 'abc', '--verbose'],
        ['logout', input],
        ['logout', input, '--verbose'],
        ['token', input],
        ['token', input, '--verbose'],
        ['status', input, '--json'],
        ['status', input, '--verbose'],
      ]) {
        const r = await s.authAsync([...args, '--file', 'c.json']);
        const out = `${r.stdout}${r.stderr}`;
        if (out.includes(PW) || out.includes(CT)) leaks.push(`${args.join(' ')} → ${out.split('\n')[0]}`);
      }
    }
    expect(leaks).toEqual([]);
  }, 240_000);
});
