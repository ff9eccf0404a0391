// A private D-Bus session with a gnome-keyring of its own (see keyring-session.sh), kept open while
// a test or benchmark talks to it from this process: a store built with
// `env: { DBUS_SESSION_BUS_ADDRESS: session.address }`, or the CLI spawned with that address.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const script = new URL('./keyring-session.sh', import.meta.url).pathname;

/** @param {'unlocked' | 'empty'} mode */
export async function startKeyringSession(mode) {
  const child = spawn('bash', [script, mode, 'bash', '-c', 'echo "$DBUS_SESSION_BUS_ADDRESS $AUTH_KEYRING_PID"; read -r _'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const closed = new Promise((resolve) => child.once('close', resolve));
  for await (const line of createInterface({ input: child.stdout })) {
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
