import { FormatError } from '../errors.js';
import { keepShape } from '../keep-shape.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

/** Bounds-checked cursor over a byte range; every read past `end` is a FormatError. */
export class ByteReader {
  readonly view: DataView;
  pos: number;

  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    readonly end = bytes.length,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = start;
  }

  // The fixed-size readers test the bound inline and call need() only to report the error: in a
  // fresh process the whole load runs in V8's interpreter, where a call per opcode shows.
  need(n: number, what: string): void {
    if (!Number.isSafeInteger(n) || n < 0 || this.pos + n > this.end) {
      throw new FormatError(
        `truncated: ${what} needs ${n} bytes at offset ${this.pos}, only ${this.end - this.pos} left`,
      );
    }
  }

  u8(): number {
    if (this.pos >= this.end) this.need(1, 'opcode');
    return this.bytes[this.pos++]!;
  }
  u16(): number {
    if (this.pos + 2 > this.end) this.need(2, 'uint16');
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }
  i32(): number {
    if (this.pos + 4 > this.end) this.need(4, 'int32');
    const v = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }
  u32(): number {
    if (this.pos + 4 > this.end) this.need(4, 'uint32');
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  /** uint64 as a number; larger than 2^53 cannot be a valid length in a file we hold in memory. */
  u64(): number {
    if (this.pos + 8 > this.end) this.need(8, 'uint64');
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new FormatError(`length ${v} is absurd`);
    return Number(v);
  }
  f64be(): number {
    if (this.pos + 8 > this.end) this.need(8, 'float64');
    const v = this.view.getFloat64(this.pos, false);
    this.pos += 8;
    return v;
  }
  take(n: number, what: string): Uint8Array {
    this.need(n, what);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  utf8(n: number): string {
    const b = this.take(n, 'string');
    try {
      return utf8.decode(b);
    } catch {
      throw new FormatError(`invalid UTF-8 in a pickled string at offset ${this.pos - n}`);
    }
  }
  latin1(n: number): string {
    return latin1.decode(this.take(n, 'string'));
  }
  /** A protocol-0 text argument, up to (not including) the next newline. */
  line(): string {
    const nl = this.bytes.indexOf(0x0a, this.pos);
    if (nl < 0 || nl >= this.end)
      throw new FormatError(`truncated: unterminated line at offset ${this.pos}`);
    const s = latin1.decode(this.bytes.subarray(this.pos, nl));
    this.pos = nl + 1;
    return s;
  }
}

keepShape(new ByteReader(new Uint8Array(0)));

/** Little-endian two's-complement integer (LONG1/LONG4), as a number when it fits 2^53. */
export function decodeLong(bytes: Uint8Array): number | bigint {
  if (bytes.length === 0) return 0;
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
  if (bytes[bytes.length - 1]! & 0x80) v -= 1n << BigInt(bytes.length * 8);
  return normalizeInt(v);
}

export function normalizeInt(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(v)
    : v;
}
