import { describe, expect, it } from 'vitest';
import { keyWarning, loginKeyNote } from './key-notes.js';

describe('what login says about the key it writes', () => {
  it.each([
    ['host.example.com:8443', 'will not use host.example.com:8443', 'log in to host.example.com instead (key host.example.com)'],
    ['prefix.dev/channel', 'will not use prefix.dev/channel', 'key *.prefix.dev'],
    ['example.com:443', 'will not use example.com:443', 'key *.example.com'],
    ['https://repo.prefix.dev:8443/chan', 'stored under its host alone', 'host:port/path without a scheme'],
    ['github.io', 'github.io is a public suffix', 'not *.github.io'],
  ])('%s: %s', (input, ...parts) => {
    const note = loginKeyNote(input);
    for (const part of parts) expect(note).toContain(part);
  });

  it.each(['prefix.dev', 'repo.prefix.dev', 'https://repo.prefix.dev/', 's3://my-bucket/channel', '*.prefix.dev', 'not a host!'])('%s needs no note', (input) => {
    expect(loginKeyNote(input)).toBeUndefined();
  });
});

describe('what list says about a stored key', () => {
  it.each([
    ['*.dev', 'whole top-level domain'],
    ['*.github.io', 'public suffix'],
    ['*.co.uk', 'public suffix'],
    ['*.example.com:443', 'no tool uses it'],
    ['host.example.com:8443', 'pixi and rattler look up host names only'],
    ['host.example.com/chan', 'pixi and rattler look up host names only'],
  ])('%s: %s', (key, part) => {
    expect(keyWarning(key)).toContain(part);
  });

  it.each(['*.prefix.dev', 'prefix.dev', 'my-bucket', 's3://my-bucket/channel', 'localhost', '[::1]'])('%s is fine', (key) => {
    expect(keyWarning(key)).toBeUndefined();
  });

  it('a key that carries escapes or a secret is shown escaped and redacted', () => {
    const warning = keyWarning('*.evil\u001b[2J.dev\nfake') ?? keyWarning('u:S3cret@h/x') ?? '';
    expect(warning).not.toMatch(/[\u0000-\u001f]/);
    expect(keyWarning('u:S3cret@h:1/x')).not.toContain('S3cret');
  });
});
