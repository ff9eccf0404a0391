import { existsSync } from 'node:fs';

/** Where a client can connect to the session bus: a unix socket path (abstract ones start with \0) or TCP. */
export type BusTarget = { path: string } | { host: string; port: number };

/** The session bus addresses a client can connect to, in the order D-Bus tries them. */
export type BusAddresses = { targets: BusTarget[] } | { problem: string };

/**
 * Reads DBUS_SESSION_BUS_ADDRESS as the D-Bus specification defines it: `;`-separated addresses,
 * each `transport:key=value,…` with %-escaped values. Without it, libdbus uses
 * $XDG_RUNTIME_DIR/bus when that exists. Listen-only forms (`unix:tmpdir=`, `unix:dir=`) and
 * malformed values give no target, so they read as "no bus" rather than as an error of their own.
 */
export function busAddresses(env: NodeJS.ProcessEnv): BusAddresses {
  const value = env.DBUS_SESSION_BUS_ADDRESS;
  if (!value) {
    const fallback = env.XDG_RUNTIME_DIR ? `${env.XDG_RUNTIME_DIR}/bus` : undefined;
    if (fallback && existsSync(fallback)) return { targets: [{ path: fallback }] };
    return { problem: 'DBUS_SESSION_BUS_ADDRESS is not set' };
  }
  const targets = value
    .split(';')
    .filter((a) => a !== '')
    .map(targetOf)
    .filter((t) => t !== undefined);
  if (targets.length > 0) return { targets };
  const shown = JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  return { problem: `DBUS_SESSION_BUS_ADDRESS=${shown} is not a bus address a client can connect to` };
}

function targetOf(address: string): BusTarget | undefined {
  const colon = address.indexOf(':');
  if (colon <= 0) return undefined;
  const params = paramsOf(address.slice(colon + 1));
  if (!params) return undefined;
  switch (address.slice(0, colon)) {
    case 'unix': {
      const path = params.get('path');
      const abstract = params.get('abstract');
      if (path) return { path };
      if (abstract) return { path: `\0${abstract}` };
      return undefined;
    }
    case 'tcp': {
      const host = params.get('host') || 'localhost';
      const port = Number(params.get('port'));
      return Number.isInteger(port) && port > 0 && port < 65536 ? { host, port } : undefined;
    }
    default:
      return undefined; // launchd:, autolaunch:, unixexec:, nonce-tcp: … are not for this platform or this check
  }
}

function paramsOf(text: string): Map<string, string> | undefined {
  const params = new Map<string, string>();
  if (text === '') return params;
  for (const pair of text.split(',')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) return undefined;
    try {
      params.set(pair.slice(0, eq), decodeURIComponent(pair.slice(eq + 1)));
    } catch {
      return undefined; // a bad %-escape
    }
  }
  return params;
}
