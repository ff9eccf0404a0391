import { describe, expect, it } from 'vitest';
import { shown } from './io.js';

describe('shown: user and store text in a message', () => {
  it('hides a password and a conda token, and escapes what would drive the terminal', () => {
    expect(shown('https://u:p%40ss/w?rd@example.com/t/tk-123/chan\u001b[2J')).toBe('https://***@example.com/t/***/chan\\e[2J');
    expect(shown('a\nb')).toBe('a\\nb');
  });

  it('leaves a plain host as it is', () => {
    expect(shown('repo.example.com:8443/chan')).toBe('repo.example.com:8443/chan');
  });
});
