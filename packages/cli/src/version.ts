import { readFileSync } from 'node:fs';

declare const AUTH_CLI_VERSION: string | undefined;

/** The CLI's version: set by the bundler, else read from package.json beside dist/ or src/. */
export function version(): string {
  if (typeof AUTH_CLI_VERSION === 'string') return AUTH_CLI_VERSION;
  try {
    return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
