import { connect, type Socket } from 'node:net';
import type { BusTarget } from './bus-address.js';
import { decodeMessage, encodeMethodCall, type Message, MessageType, type MethodCall, messageLength } from './dbus-message.js';

/** A D-Bus error reply, by its D-Bus name. */
export class BusErrorReply extends Error {
  constructor(
    readonly errorName: string,
    detail: unknown,
  ) {
    super(`${errorName}${typeof detail === 'string' ? `: ${detail}` : ''}`);
  }
}

/** The connection failed: refused, closed, rejected our authentication, or spoke something else. */
export class BusConnectionError extends Error {
  constructor(
    message: string,
    readonly errno?: string,
  ) {
    super(message);
  }
}

type Pending = { resolve: (m: Message) => void; reject: (e: Error) => void };

/**
 * A minimal session-bus client, enough to ask the Secret Service a few questions. Everything is
 * pipelined: the authentication (EXTERNAL, as libdbus and sd-bus do on a local socket), BEGIN,
 * Hello and the caller's calls go out in the first write, so the answers cost one round trip.
 * It has no timeout of its own: the caller bounds it and calls close().
 */
export class BusConnection {
  readonly #socket: Socket;
  readonly #pending = new Map<number, Pending>();
  #serial = 1;
  #authenticated = false;
  #buffer: Buffer = Buffer.alloc(0);
  #failure: Error | undefined;

  /** `onReceive` runs whenever the bus sends anything (for timeouts that count silence). */
  constructor(
    target: BusTarget,
    readonly onReceive?: () => void,
  ) {
    this.#socket = 'path' in target ? connect(target.path) : connect(target.port, target.host);
    const uid = String(process.getuid?.() ?? 0);
    this.#socket.write(`\0AUTH EXTERNAL ${Buffer.from(uid).toString('hex')}\r\nBEGIN\r\n`);
    this.#write({ path: '/org/freedesktop/DBus', destination: 'org.freedesktop.DBus', interface: 'org.freedesktop.DBus', member: 'Hello' });
    this.#socket.on('data', (chunk: Buffer) => this.#receive(chunk));
    this.#socket.on('error', (e: NodeJS.ErrnoException) => this.#fail(new BusConnectionError(`cannot connect to the bus: ${e.code ?? e.message}`, e.code)));
    this.#socket.on('close', () => this.#fail(new BusConnectionError('the bus closed the connection')));
  }

  /** Sends a method call; resolves with the reply's body, rejects with BusErrorReply on an error reply. */
  call(call: Omit<MethodCall, 'serial'>): Promise<unknown[]> {
    if (this.#failure) return Promise.reject(this.#failure);
    const serial = this.#write(call);
    return new Promise<Message>((resolve, reject) => this.#pending.set(serial, { resolve, reject })).then((m) => {
      if (m.type === MessageType.Error) throw new BusErrorReply(m.errorName ?? 'unknown error', m.body[0]);
      return m.body;
    });
  }

  /**
   * Lets the process exit with the connection still open, and closes it on the event loop's next
   * turn: a command that is done exits at once, and a long-running program keeps no descriptor.
   * Destroying the socket here would make Node set up process.stderr for a debug check in its
   * close (1 ms when stderr is a pipe), in a command that writes stderr without it.
   */
  close(): void {
    this.#socket.unref();
    setTimeout(() => this.#socket.destroy(), 0).unref();
  }

  #write(call: Omit<MethodCall, 'serial'>): number {
    const serial = this.#serial++;
    this.#socket.write(encodeMethodCall({ ...call, serial }));
    return serial;
  }

  #receive(chunk: Buffer): void {
    this.onReceive?.();
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    try {
      if (!this.#authenticated) this.#readAuthLine();
      while (this.#authenticated) {
        const length = messageLength(this.#buffer);
        if (length === undefined || this.#buffer.length < length) return;
        const message = decodeMessage(this.#buffer.subarray(0, length));
        this.#buffer = this.#buffer.subarray(length);
        const pending = message.replySerial === undefined ? undefined : this.#pending.get(message.replySerial);
        if (pending && (message.type === MessageType.MethodReturn || message.type === MessageType.Error)) {
          this.#pending.delete(message.replySerial as number);
          pending.resolve(message);
        }
      }
    } catch (error) {
      this.#fail(new BusConnectionError(`the bus sent something that is not D-Bus (${(error as Error).message})`));
      this.close();
    }
  }

  #readAuthLine(): void {
    const end = this.#buffer.indexOf('\r\n');
    if (end < 0) {
      if (this.#buffer.length > 4096) throw new Error('no line ending in the authentication reply');
      return;
    }
    const line = this.#buffer.toString('latin1', 0, end);
    this.#buffer = this.#buffer.subarray(end + 2);
    if (!line.startsWith('OK ')) {
      this.#fail(new BusConnectionError(`the bus refused our authentication (${line.split(' ')[0] || 'empty reply'})`, 'REJECTED'));
      this.close();
      return;
    }
    this.#authenticated = true;
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    for (const p of this.#pending.values()) p.reject(this.#failure);
    this.#pending.clear();
  }
}
