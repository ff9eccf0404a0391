import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface KeyringSession {
  /** DBUS_SESSION_BUS_ADDRESS of the private session. */
  address: string;
  /** The gnome-keyring daemon's pid (to SIGSTOP it). */
  daemonPid: number;
  /** Ends the session: its daemon and bus go away. */
  stop(): Promise<void>;
}

const script = new URL('./keyring-session.sh', import.meta.url).pathname;

/**
 * A private D-Bus session with a gnome-keyring of its own (see keyring-session.sh), kept open while
 * the test talks to it from this process: a store built with `env: { DBUS_SESSION_BUS_ADDRESS:
 * session.address }`, or the CLI spawned with that address.
 */
export async function startKeyringSession(mode: 'unlocked' | 'empty'): Promise<KeyringSession> {
  const child = spawn('bash', [script, mode, 'bash', '-c', 'echo "$DBUS_SESSION_BUS_ADDRESS $AUTH_KEYRING_PID"; read -r _'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  for await (const line of lines) {
    const [address, pid] = line.split(' ');
    if (!address?.startsWith('unix:') || !pid) continue; // gnome-keyring prints its own variables first
    return {
      address,
      daemonPid: Number(pid),
      stop: async () => {
        child.stdin.end('\n');
        await closed;
      },
    };
  }
  throw new Error('the keyring session ended before it said its address');
}
