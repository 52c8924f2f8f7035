/**
 * Avro binary decoding (Avro 1.11 spec, "Binary Encoding") driven by the writer's schema. A schema
 * is compiled once into a tree of small decode functions, so decoding a record is a few direct
 * calls per field and no per-record allocation beyond the values themselves.
 *
 * Value mapping: null → null; boolean; int/float/double → number; long → number when exact, bigint
 * beyond 2^53; bytes/fixed → Uint8Array (a copy); string → string; enum → symbol string;
 * array → array; map → Map<string, value>; union → the branch's value; record → plain object.
 * Every length and count is checked against the bytes left, so a hostile file cannot make the
 * decoder allocate more than a small multiple of its own size.
 */
import { type AvroType, minEncodedSize } from './schema';

export type Decode = (r: AvroReader) => unknown;

/** Items per collection allowed for zero-byte item types (e.g. arrays of null), which no byte count bounds. */
const MAX_EMPTY_ITEMS = 1 << 20;

export class AvroDecodeError extends Error {}

const utf8 = new TextDecoder('utf-8');

/** A cursor over one buffer of Avro-encoded data. */
export class AvroReader {
  pos = 0;
  private readonly view: DataView;

  constructor(readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  fail(msg: string): never {
    throw new AvroDecodeError(`${msg} at byte ${this.pos}`);
  }

  /** zigzag varint, 32-bit */
  readInt(): number {
    const b = this.buf;
    let p = this.pos;
    let n = 0;
    for (let shift = 0; ; shift += 7) {
      if (p >= b.length) this.fail('unexpected end of data');
      const byte = b[p++]!;
      if (shift === 28 && byte > 0x0f) this.fail('int longer than 32 bits');
      n |= (byte & 0x7f) << shift;
      if (byte < 0x80) break;
    }
    this.pos = p;
    return (n >>> 1) ^ -(n & 1);
  }

  /** zigzag varint, 64-bit: a number while exact, else a bigint. */
  readLong(): number | bigint {
    const b = this.buf;
    let p = this.pos;
    if (p >= b.length) this.fail('unexpected end of data');
    let byte = b[p++]!;
    if (byte < 0x80) {
      this.pos = p;
      return (byte >>> 1) ^ -(byte & 1);
    }
    // up to 7 bytes (49 bits) accumulate exactly in a double
    let n = byte & 0x7f;
    let mul = 128;
    for (let i = 1; i < 7; i++) {
      if (p >= b.length) this.fail('unexpected end of data');
      byte = b[p++]!;
      n += (byte & 0x7f) * mul;
      if (byte < 0x80) {
        this.pos = p;
        return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
      }
      mul *= 128;
    }
    return this.readLongBig();
  }

  private readLongBig(): number | bigint {
    const b = this.buf;
    let p = this.pos;
    let n = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (p >= b.length) this.fail('unexpected end of data');
      const byte = b[p++]!;
      if (shift === 63n && byte > 1) this.fail('long longer than 64 bits');
      n |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) break;
    }
    this.pos = p;
    const v = (n >> 1n) ^ -(n & 1n);
    return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
  }

  /** A long that must be a count or length in [0, max]. */
  readSize(what: string, max: number): number {
    const n = this.readLong();
    if (typeof n !== 'number' || n < 0 || n > max) this.fail(`invalid ${what} ${String(n)}`);
    return n;
  }

  readBoolean(): boolean {
    if (this.pos >= this.buf.length) this.fail('unexpected end of data');
    const v = this.buf[this.pos++]!;
    if (v > 1) this.fail(`invalid boolean byte ${v}`);
    return v === 1;
  }

  readFloat(): number {
    if (this.pos + 4 > this.buf.length) this.fail('unexpected end of data');
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  readDouble(): number {
    if (this.pos + 8 > this.buf.length) this.fail('unexpected end of data');
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  readFixed(size: number): Uint8Array {
    if (this.pos + size > this.buf.length) this.fail('unexpected end of data');
    const v = this.buf.slice(this.pos, this.pos + size);
    this.pos += size;
    return v;
  }

  readBytes(): Uint8Array {
    return this.readFixed(this.readSize('byte length', this.remaining));
  }

  readString(): string {
    const len = this.readSize('string length', this.remaining);
    const b = this.buf;
    const start = this.pos;
    this.pos += len;
    if (len < 48) {
      // short ASCII strings (field names, formats, most paths' pieces) skip the TextDecoder call
      let s = '';
      for (let i = start; i < start + len; i++) {
        const c = b[i]!;
        if (c >= 0x80) return utf8.decode(b.subarray(start, start + len));
        s += String.fromCharCode(c);
      }
      return s;
    }
    return utf8.decode(b.subarray(start, start + len));
  }

  /** Item count of the next array/map block (0 ends the collection); negative counts carry a byte size. */
  readBlockCount(minItemSize: number): number {
    let n = this.readLong();
    if (typeof n !== 'number') this.fail('invalid block count');
    if (n < 0) {
      n = -n;
      this.readSize('block size', this.remaining);
    }
    const max = minItemSize > 0 ? Math.floor(this.remaining / minItemSize) : MAX_EMPTY_ITEMS;
    if (n > max) this.fail(`block count ${n} exceeds the data left`);
    return n;
  }
}

/** Compiles a decoder for values of type `t`. */
export function compileDecoder(t: AvroType): Decode {
  switch (t.kind) {
    case 'null':
      return () => null;
    case 'boolean':
      return (r) => r.readBoolean();
    case 'int':
      return (r) => r.readInt();
    case 'long':
      return (r) => r.readLong();
    case 'float':
      return (r) => r.readFloat();
    case 'double':
      return (r) => r.readDouble();
    case 'bytes':
      return (r) => r.readBytes();
    case 'string':
      return (r) => r.readString();
    case 'fixed': {
      const size = t.size;
      return (r) => r.readFixed(size);
    }
    case 'enum': {
      const symbols = t.symbols;
      return (r) => {
        const i = r.readInt();
        if (i < 0 || i >= symbols.length) r.fail(`enum index ${i} out of range`);
        return symbols[i];
      };
    }
    case 'record':
      return compileRecord(t);
    case 'array': {
      const item = compileDecoder(t.items);
      const minSize = minEncodedSize(t.items);
      return (r) => {
        const out: unknown[] = [];
        for (let n = r.readBlockCount(minSize); n > 0; n = r.readBlockCount(minSize)) {
          if (out.length + n > MAX_EMPTY_ITEMS && minSize === 0) r.fail('too many items');
          for (let i = 0; i < n; i++) out.push(item(r));
        }
        return out;
      };
    }
    case 'map': {
      const value = compileDecoder(t.values);
      const minSize = 1 + minEncodedSize(t.values);
      return (r) => {
        const out = new Map<string, unknown>();
        for (let n = r.readBlockCount(minSize); n > 0; n = r.readBlockCount(minSize)) {
          for (let i = 0; i < n; i++) {
            const k = r.readString();
            out.set(k, value(r));
          }
        }
        return out;
      };
    }
    case 'union': {
      const branches = t.branches.map(compileDecoder);
      if (branches.length === 2 && t.branches[0]!.kind === 'null') {
        // the common optional field: ["null", T]
        const some = branches[1]!;
        return (r) => {
          const i = r.readLong();
          if (i === 0) return null;
          if (i === 1) return some(r);
          return r.fail(`union index ${String(i)} out of range`);
        };
      }
      return (r) => {
        const i = r.readLong();
        if (typeof i !== 'number' || i < 0 || i >= branches.length) return r.fail(`union index ${String(i)} out of range`);
        return branches[i]!(r);
      };
    }
  }
}

function compileRecord(t: Extract<AvroType, { kind: 'record' }>): Decode {
  const names = t.fields.map((f) => f.name);
  const decoders = t.fields.map((f) => compileDecoder(f.type));
  const n = names.length;
  return (r) => {
    const o: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) o[names[i]!] = decoders[i]!(r);
    return o;
  };
}
