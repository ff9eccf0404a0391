import { spawn } from 'node:child_process';

/**
 * Whether a browser can be opened for an authorization-code login. AUTH_NO_BROWSER (any value)
 * says no, for tests and remote shells; BROWSER names one; on Linux a display is needed.
 */
export function canOpenBrowser(env: NodeJS.ProcessEnv): boolean {
  if (env.AUTH_NO_BROWSER) return false;
  if (env.BROWSER) return true;
  if (process.platform === 'darwin' || process.platform === 'win32') return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}

/** Starts the user's browser on the URL and does not wait for it; failing is not an error (the URL is printed). */
export function openBrowser(url: string, env: NodeJS.ProcessEnv): void {
  const [command, ...args] = env.BROWSER
    ? [env.BROWSER, url]
    : process.platform === 'darwin'
      ? ['open', url]
      : process.platform === 'win32'
        ? ['rundll32', 'url.dll,FileProtocolHandler', url]
        : ['xdg-open', url];
  try {
    const child = spawn(command as string, args, { stdio: 'ignore', detached: true, env });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // The URL is on the terminal; the user can open it.
  }
}
