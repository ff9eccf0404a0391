import { describe, expect, it } from 'vitest';
import { redactText, redactUrl } from './redact.js';

describe('redaction', () => {
  it.each([
    ['https://conda.anaconda.org/t/xy-123/conda-forge/x.json', 'https://conda.anaconda.org/t/***/conda-forge/x.json'],
    ['https://user:pa55@host.example.com/a', 'https://***@host.example.com/a'],
    ['https://user@host.example.com/a', 'https://***@host.example.com/a'],
    ['https://host.example.com/a/t/x', 'https://host.example.com/a/t/***'],
    ['https://host.example.com/a?b=c', 'https://host.example.com/a?b=c'],
    ['not a url /t/abc', 'not a url /t/***'],
  ])('%s is shown as %s', (url, shown) => {
    expect(redactUrl(url)).toBe(shown);
  });

  it('free text loses known secrets and URL credentials', () => {
    const text = 'GET https://u:p@h/t/tok/x failed: bad token pfx_abc for h';
    const out = redactText(text, ['pfx_abc']);
    expect(out).toBe('GET https://***@h/t/***/x failed: bad token *** for h');
  });
});
