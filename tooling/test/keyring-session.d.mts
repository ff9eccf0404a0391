export interface KeyringSession {
  /** DBUS_SESSION_BUS_ADDRESS of the private session. */
  address: string;
  /** The gnome-keyring daemon's pid (to SIGSTOP it). */
  daemonPid: number;
  /** Ends the session: its daemon and bus go away. */
  stop(): Promise<void>;
}
/** Starts a private session: `unlocked` has a "login" keyring; `empty` has no default collection. */
export function startKeyringSession(mode: 'unlocked' | 'empty'): Promise<KeyringSession>;
