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

// Found by attack12: another tool may write a wildcard with a trailing dot, upper case or
// Unicode, or a key that holds a secret; list must flag each, showing no secret.
describe('keyWarning flags what another tool wrote, however it is spelt', () => {
  it.each(['*.github.io.', '*.GitHub.IO.', '*.公司.cn', '*.CO.UK'])('%s covers a public suffix', (key) => {
    expect(keyWarning(key)).toContain('public suffix');
  });

  it.each([
    ['conda.anaconda.org/t/KEYSECRET1/my-channel', 'KEYSECRET1'],
    ['conda.anaconda.org/%74/KEYSECRET1/x', 'KEYSECRET1'],
    ['https://u:KEYSECRET2@h.example.com', 'KEYSECRET2'],
    ['u:KEYSECRET2@h.example.com', 'KEYSECRET2'],
    ['s3://u:KEYSECRET2@bucket/x', 'KEYSECRET2'],
  ])('%s is flagged as holding a secret, which the warning does not show', (key, secret) => {
    const warning = keyWarning(key);
    expect(warning).toContain('secret');
    expect(warning).not.toContain(secret);
  });

  it('a path segment that merely starts with t is no secret', () => {
    expect(keyWarning('h.example.com/tools')).not.toContain('secret');
    expect(keyWarning('h.example.com/t')).not.toContain('secret');
  });
});

describe('keyWarning on a host in upper case or with a trailing dot (attack12)', () => {
  it.each(['Example.COM', 'example.com.'])('%s is no port or path key', (key) => {
    expect(keyWarning(key)).toBeUndefined();
  });
});
