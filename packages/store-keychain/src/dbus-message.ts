/**
 * D-Bus messages in the wire format, as far as the Secret Service needs them: method calls out
 * (little-endian), replies and errors in (either byte order). Values map to JavaScript as:
 * s o g → string, b → boolean, y u i → number, ay → Buffer, a{..} → Map, other arrays → array,
 * (..) → array of its fields, v → its value (written as a Variant).
 */

export const MessageType = { MethodCall: 1, MethodReturn: 2, Error: 3, Signal: 4 } as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

export interface MethodCall {
  serial: number;
  destination?: string;
  path: string;
  interface: string;
  member: string;
  /** The body's signature, as D-Bus writes it: `s`, `a{ss}`, `ao`, … */
  signature?: string;
  args?: unknown[];
}

/** A value to write as a variant: its own signature travels with it. */
export class Variant {
  constructor(
    readonly signature: string,
    readonly value: unknown,
  ) {}
}

/** Where the complete type that starts at `i` of `sig` ends. */
function typeEnd(sig: string, i: number): number {
  const c = sig[i];
  if (c === 'a') return typeEnd(sig, i + 1);
  if (c === '(' || c === '{') {
    let j = i + 1;
    while (sig[j] !== (c === '(' ? ')' : '}')) {
      if (j >= sig.length) throw new Error(`bad D-Bus signature "${sig}"`);
      j = typeEnd(sig, j);
    }
    return j + 1;
  }
  if (c === undefined) throw new Error(`bad D-Bus signature "${sig}"`);
  return i + 1;
}

/** The complete types of a signature, in order. */
function splitSignature(sig: string): string[] {
  const types: string[] = [];
  for (let i = 0; i < sig.length; ) {
    const end = typeEnd(sig, i);
    types.push(sig.slice(i, end));
    i = end;
  }
  return types;
}

const ALIGN: Record<string, number> = { y: 1, g: 1, v: 1, b: 4, u: 4, i: 4, s: 4, o: 4, a: 4, '(': 8, '{': 8, x: 8, t: 8, d: 8, n: 2, q: 2 };
const alignOf = (type: string) => ALIGN[type[0] as string] ?? 1;

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
  value(type: string, v: unknown): void {
    switch (type[0]) {
      case 'y':
        this.byte(v as number);
        return;
      case 'b':
        this.uint32(v ? 1 : 0);
        return;
      case 'u':
      case 'i':
        this.uint32((v as number) >>> 0);
        return;
      case 's':
      case 'o':
        this.string(v as string);
        return;
      case 'g':
        this.signature(v as string);
        return;
      case 'v': {
        const variant = v as Variant;
        this.signature(variant.signature);
        this.value(variant.signature, variant.value);
        return;
      }
      case '(':
      case '{': {
        this.align(8);
        const fields = splitSignature(type.slice(1, -1));
        for (const [i, f] of fields.entries()) this.value(f, (v as unknown[])[i]);
        return;
      }
      case 'a': {
        const element = type.slice(1);
        const lengthAt = this.length + ((4 - (this.length % 4)) % 4);
        this.uint32(0);
        this.align(alignOf(element));
        const start = this.length;
        const items = v instanceof Map ? [...v.entries()] : (v as unknown[]);
        for (const item of items) this.value(element, item);
        this.uint32At(lengthAt, this.length - start);
        return;
      }
      default:
        throw new Error(`unsupported D-Bus type "${type}"`);
    }
  }
}

export function encodeMethodCall(call: MethodCall): Buffer {
  const args = call.args ?? [];
  const signature = call.signature ?? 's'.repeat(args.length);
  const body = new Writer();
  for (const [i, type] of splitSignature(signature).entries()) body.value(type, args[i]);

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
  if (signature !== '') field(FIELD.signature, 'g', signature);
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
  value(type: string): unknown {
    switch (type[0]) {
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
      case '(':
      case '{':
        this.align(8);
        return splitSignature(type.slice(1, -1)).map((f) => this.value(f));
      case 'a': {
        const element = type.slice(1);
        const length = this.uint32();
        this.align(alignOf(element));
        const end = this.offset + length;
        this.#need(length);
        if (element === 'y') {
          this.offset = end;
          return Buffer.from(this.buf.subarray(end - length, end));
        }
        const items: unknown[] = [];
        while (this.offset < end) items.push(this.value(element));
        return element[0] === '{' ? new Map(items as [unknown, unknown][]) : items;
      }
      default:
        throw new Error(`unsupported D-Bus type "${type}" in a reply`);
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
    for (const type of splitSignature(signature)) body.push(b.value(type));
  }
  return { type, serial, replySerial, errorName, body };
}
