import { readFileSync } from 'node:fs';

/** The CLI's version, from its package.json (one folder above dist/ or src/). */
export function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
