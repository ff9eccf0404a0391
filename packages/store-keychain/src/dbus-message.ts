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

// Byte by byte: Buffer's own readUInt32LE and writeUInt32LE check their arguments through
// wrappers that allocate on every call, and a command makes hundreds of these calls once.
function putUint32(buf: Buffer, at: number, v: number): void {
  buf[at] = v & 0xff;
  buf[at + 1] = (v >>> 8) & 0xff;
  buf[at + 2] = (v >>> 16) & 0xff;
  buf[at + 3] = v >>> 24;
}

function getUint32(buf: Buffer, at: number, little: boolean): number {
  const b0 = buf[at] as number;
  const b1 = buf[at + 1] as number;
  const b2 = buf[at + 2] as number;
  const b3 = buf[at + 3] as number;
  return (little ? (b3 << 24) | (b2 << 16) | (b1 << 8) | b0 : (b0 << 24) | (b1 << 16) | (b2 << 8) | b3) >>> 0;
}

/**
 * A message being written. Its bytes come from Node's shared pool and every byte up to `length`
 * is written here, padding included: a call costs no buffer of its own and no copy.
 */
class Writer {
  #buf = Buffer.allocUnsafe(256);
  length = 0;

  #room(n: number): void {
    if (this.length + n <= this.#buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, this.length + n));
    this.#buf.copy(grown, 0, 0, this.length);
    this.#buf = grown;
  }
  align(n: number): void {
    while (this.length % n !== 0) this.byte(0);
  }
  byte(v: number): void {
    this.#room(1);
    this.#buf[this.length++] = v;
  }
  uint32(v: number): void {
    this.align(4);
    this.#room(4);
    putUint32(this.#buf, this.length, v);
    this.length += 4;
  }
  uint32At(offset: number, v: number): void {
    putUint32(this.#buf, offset, v);
  }
  /** `n` bytes of `s` in `encoding`, then the NUL that ends strings and signatures. */
  #text(s: string, n: number, encoding: 'utf8' | 'latin1'): void {
    this.#room(n + 1);
    // One byte a character (ASCII, or latin1): copied as they are, without Buffer.write's checks.
    if (n === s.length) for (let i = 0; i < n; i++) this.#buf[this.length++] = s.charCodeAt(i);
    else this.length += this.#buf.write(s, this.length, n, encoding);
    this.#buf[this.length++] = 0;
  }
  string(s: string): void {
    const n = Buffer.byteLength(s, 'utf8');
    this.uint32(n);
    this.#text(s, n, 'utf8');
  }
  signature(s: string): void {
    this.byte(s.length);
    this.#text(s, s.length, 'latin1');
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
  // Header, fields and body in one buffer; the body starts 8-aligned, so its values align as
  // they would from its own start. Both lengths are filled in once known.
  const m = new Writer();
  m.byte(0x6c); // 'l': little-endian
  m.byte(MessageType.MethodCall);
  m.byte(0); // flags: a reply is expected
  m.byte(1); // protocol version
  const bodyLengthAt = m.length;
  m.uint32(0);
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
  const bodyStart = m.length;
  for (const [i, type] of splitSignature(signature).entries()) m.value(type, args[i]);
  m.uint32At(bodyLengthAt, m.length - bodyStart);
  return m.done();
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
    const v = getUint32(this.buf, this.offset, this.little);
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
  const fieldsEnd = 16 + getUint32(buf, 12, little);
  const bodyStart = fieldsEnd + ((8 - (fieldsEnd % 8)) % 8);
  return bodyStart + getUint32(buf, 4, little);
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
