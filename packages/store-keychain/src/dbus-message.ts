/**
 * The few D-Bus messages the Secret Service check needs, in the D-Bus wire format: method calls
 * whose arguments are strings, and replies whose bodies hold basic types or one variant of them.
 * Little-endian out; either byte order in.
 */

export const MessageType = { MethodCall: 1, MethodReturn: 2, Error: 3, Signal: 4 } as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

export interface MethodCall {
  serial: number;
  destination?: string;
  path: string;
  interface: string;
  member: string;
  /** Every argument is a D-Bus string (signature `s`). */
  args?: string[];
}

export interface Message {
  type: MessageType;
  serial: number;
  replySerial: number | undefined;
  errorName: string | undefined;
  /** The body's values in order; a variant is unwrapped to its value. */
  body: unknown[];
}

const FIELD = { path: 1, interface: 2, member: 3, errorName: 4, replySerial: 5, destination: 6, signature: 8 } as const;

class Writer {
  #buf = Buffer.alloc(256);
  length = 0;

  #room(n: number): void {
    if (this.length + n <= this.#buf.length) return;
    const grown = Buffer.alloc(Math.max(this.#buf.length * 2, this.length + n));
    this.#buf.copy(grown, 0, 0, this.length);
    this.#buf = grown;
  }
  align(n: number): void {
    const pad = (n - (this.length % n)) % n;
    this.#room(pad);
    this.#buf.fill(0, this.length, this.length + pad);
    this.length += pad;
  }
  byte(v: number): void {
    this.#room(1);
    this.#buf[this.length++] = v;
  }
  uint32(v: number): void {
    this.align(4);
    this.#room(4);
    this.#buf.writeUInt32LE(v, this.length);
    this.length += 4;
  }
  uint32At(offset: number, v: number): void {
    this.#buf.writeUInt32LE(v, offset);
  }
  #bytes(b: Buffer): void {
    this.#room(b.length + 1);
    b.copy(this.#buf, this.length);
    this.length += b.length;
    this.#buf[this.length++] = 0;
  }
  string(s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.uint32(b.length);
    this.#bytes(b);
  }
  signature(s: string): void {
    this.byte(s.length);
    this.#bytes(Buffer.from(s, 'latin1'));
  }
  done(): Buffer {
    return this.#buf.subarray(0, this.length);
  }
}

export function encodeMethodCall(call: MethodCall): Buffer {
  const args = call.args ?? [];
  const body = new Writer();
  for (const a of args) body.string(a);

  const m = new Writer();
  m.byte(0x6c); // 'l': little-endian
  m.byte(MessageType.MethodCall);
  m.byte(0); // flags: a reply is expected
  m.byte(1); // protocol version
  m.uint32(body.length);
  m.uint32(call.serial);
  const fieldsLengthAt = m.length;
  m.uint32(0);
  m.align(8);
  const fieldsStart = m.length;
  const field = (code: number, sig: 's' | 'o' | 'g', value: string) => {
    m.align(8);
    m.byte(code);
    m.signature(sig);
    if (sig === 'g') m.signature(value);
    else m.string(value);
  };
  field(FIELD.path, 'o', call.path);
  field(FIELD.interface, 's', call.interface);
  field(FIELD.member, 's', call.member);
  if (call.destination !== undefined) field(FIELD.destination, 's', call.destination);
  if (args.length > 0) field(FIELD.signature, 'g', 's'.repeat(args.length));
  m.uint32At(fieldsLengthAt, m.length - fieldsStart);
  m.align(8);
  return Buffer.concat([m.done(), body.done()]);
}

class Reader {
  offset: number;
  constructor(
    readonly buf: Buffer,
    readonly little: boolean,
    start: number,
    readonly origin: number,
  ) {
    this.offset = start;
  }
  align(n: number): void {
    this.offset += (n - ((this.offset - this.origin) % n)) % n;
  }
  #need(n: number): void {
    if (this.offset + n > this.buf.length) throw new Error('truncated D-Bus message');
  }
  byte(): number {
    this.#need(1);
    return this.buf[this.offset++] as number;
  }
  uint32(): number {
    this.align(4);
    this.#need(4);
    const v = this.little ? this.buf.readUInt32LE(this.offset) : this.buf.readUInt32BE(this.offset);
    this.offset += 4;
    return v;
  }
  #text(n: number): string {
    this.#need(n + 1);
    const s = this.buf.toString('utf8', this.offset, this.offset + n);
    this.offset += n + 1;
    return s;
  }
  string(): string {
    return this.#text(this.uint32());
  }
  signature(): string {
    return this.#text(this.byte());
  }
  /** One value of a basic type, or a variant holding one. */
  value(sig: string): unknown {
    switch (sig) {
      case 'y':
        return this.byte();
      case 'b':
        return this.uint32() !== 0;
      case 'u':
        return this.uint32();
      case 'i':
        return this.uint32() | 0;
      case 's':
      case 'o':
        return this.string();
      case 'g':
        return this.signature();
      case 'v':
        return this.value(this.signature());
      default:
        throw new Error(`unsupported D-Bus type "${sig}" in a reply`);
    }
  }
}

/**
 * The length of the first message in `buf`, or undefined while it is incomplete. Only the fixed
 * 16-byte prefix is needed to know it.
 */
export function messageLength(buf: Buffer): number | undefined {
  if (buf.length < 16) return undefined;
  const little = buf[0] === 0x6c;
  const u32 = (at: number) => (little ? buf.readUInt32LE(at) : buf.readUInt32BE(at));
  const fieldsEnd = 16 + u32(12);
  const bodyStart = fieldsEnd + ((8 - (fieldsEnd % 8)) % 8);
  return bodyStart + u32(4);
}

/** Decodes one complete message. The body is decoded only for replies and errors. */
export function decodeMessage(buf: Buffer): Message {
  const little = buf[0] === 0x6c;
  if (!little && buf[0] !== 0x42) throw new Error('not a D-Bus message');
  const r = new Reader(buf, little, 4, 0);
  const type = buf[1] as MessageType;
  r.uint32(); // body length; messageLength() already used it
  const serial = r.uint32();
  const fieldsLength = r.uint32();
  const fieldsEnd = r.offset + fieldsLength;
  let replySerial: number | undefined;
  let errorName: string | undefined;
  let signature = '';
  while (r.offset < fieldsEnd) {
    r.align(8);
    const code = r.byte();
    const value = r.value('v');
    if (code === FIELD.replySerial) replySerial = value as number;
    else if (code === FIELD.errorName) errorName = value as string;
    else if (code === FIELD.signature) signature = value as string;
  }
  r.offset = fieldsEnd;
  r.align(8);
  const body: unknown[] = [];
  if (type === MessageType.MethodReturn || type === MessageType.Error) {
    const b = new Reader(buf, little, r.offset, r.offset);
    for (const sig of signature) body.push(b.value(sig));
  }
  return { type, serial, replySerial, errorName, body };
}
