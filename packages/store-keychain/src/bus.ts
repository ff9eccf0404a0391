import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { StoreUnavailableError } from '@auth/core';
import { timeoutError } from './errors.js';

/**
 * Checks, before the native module is touched, that a D-Bus session bus is there and answers.
 * @napi-rs/keyring connects to the bus synchronously on the main thread, so a bus that accepts
 * a connection and never answers would freeze the process where no timer can fire.
 * We instead open the socket ourselves and wait, bounded, for the bus to answer the first line
 * of its authentication handshake.
 */

function socketPath(env: NodeJS.ProcessEnv): string | undefined | null {
  const address = env.DBUS_SESSION_BUS_ADDRESS;
  if (!address) {
    const runtime = env.XDG_RUNTIME_DIR;
    const fallback = runtime ? `${runtime}/bus` : undefined;
    return fallback && existsSync(fallback) ? fallback : undefined;
  }
  const first = address.split(';')[0] ?? '';
  const params = new Map(
    first
      .slice(first.indexOf(':') + 1)
      .split(',')
      .map((kv) => [kv.slice(0, kv.indexOf('=')), decodeURIComponent(kv.slice(kv.indexOf('=') + 1))] as const),
  );
  if (!first.startsWith('unix:')) return null; // tcp and others: nothing we can check cheaply
  const path = params.get('path');
  if (path) return path;
  const abstract = params.get('abstract');
  if (abstract) return `\0${abstract}`;
  return null;
}

const noBus = (detail: string) =>
  new StoreUnavailableError(
    'keychain',
    'no-keychain',
    `keychain unavailable: no Secret Service is reachable on the D-Bus session bus (${detail})`,
  );

export function checkSessionBus(timeoutMs: number, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const path = socketPath(env);
  if (path === null) return Promise.resolve();
  if (path === undefined) return Promise.reject(noBus('DBUS_SESSION_BUS_ADDRESS is not set'));
  return new Promise<void>((resolve, reject) => {
    const socket = connect(path);
    const finish = (error?: Error) => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve();
    };
    const timer = setTimeout(() => finish(timeoutError('connecting to the session bus', timeoutMs)), timeoutMs);
    socket.once('error', (error: NodeJS.ErrnoException) => finish(noBus(`cannot connect to the bus: ${error.code ?? error.message}`)));
    socket.once('connect', () => {
      const uid = String(process.getuid?.() ?? 0);
      socket.write(`\0AUTH EXTERNAL ${Buffer.from(uid).toString('hex')}\r\n`);
    });
    // Any answer (OK or REJECTED) proves the bus is alive; the native client then does the real work.
    socket.once('data', () => finish());
    socket.once('end', () => finish(noBus('the bus closed the connection')));
  });
}
