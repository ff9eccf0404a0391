import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** `../shared/fixtures` beside the checkout, as laid out for developers and CI. */
export const fixturesDir = join(repoRoot, '..', 'shared', 'fixtures');

export function fixture(name: string): string {
  const path = join(fixturesDir, name);
  if (!existsSync(path)) throw new Error(`fixture missing: ${path} (shared/ must sit beside the checkout)`);
  return path;
}

/** A script of tooling/test (keyring sessions), by name. */
export function testScript(name: string): string {
  return join(repoRoot, 'tooling', 'test', name);
}
