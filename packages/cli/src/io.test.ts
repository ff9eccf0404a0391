import { describe, expect, it } from 'vitest';
import { type Io, printRows, shown } from './io.js';

describe('shown: user and store text in a message', () => {
  it('hides a password and a conda token, and escapes what would drive the terminal', () => {
    expect(shown('https://u:p%40ss/w?rd@example.com/t/tk-123/chan\u001b[2J')).toBe('https://***@example.com/t/***/chan\\e[2J');
    expect(shown('a\nb')).toBe('a\\nb');
  });

  it('leaves a plain host as it is', () => {
    expect(shown('repo.example.com:8443/chan')).toBe('repo.example.com:8443/chan');
  });
});

describe('printRows, piped', () => {
  it('drops empty cells at the end only, and shows a cell a store left out as empty (found by attack16)', () => {
    let out = '';
    const io = { stdout: { write: (text: string) => (out += text), isTTY: false }, stderr: { write: () => true } } as unknown as Io;
    const cells = [
      ['a', 'b', '', 'd', ''],
      ['a', undefined, null, '', ''],
      ['', '', '', '', ''],
    ] as unknown as string[][];
    printRows(io, { json: false, records: cells, header: ['1', '2', '3', '4'], cells, empty: 'none' });
    expect(out).toBe('a\tb\t\td\na\n');
  });

  it('a terminal table shows a missing cell as empty too', () => {
    let out = '';
    const io = { stdout: { write: (text: string) => (out += text), isTTY: true }, stderr: { write: () => true } } as unknown as Io;
    const cells = [['a', undefined, 'c']] as unknown as string[][];
    printRows(io, { json: false, records: cells, header: ['1', '2', '3'], cells, empty: 'none' });
    expect(out).toBe('1  2  3\na     c\n');
  });
});
