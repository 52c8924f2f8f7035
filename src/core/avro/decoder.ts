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
    // the first 4 groups (28 bits) and the rest (up to 36 bits) each fit a double exactly
    const b = this.buf;
    let p = this.pos;
    let lo = 0;
    let hi = 0;
    let byte = 0;
    for (let i = 0; i < 10; i++) {
      if (p >= b.length) this.fail('unexpected end of data');
      byte = b[p++]!;
      if (i === 9 && byte > 1) this.fail('long longer than 64 bits');
      if (i < 4) lo |= (byte & 0x7f) << (7 * i);
      else hi += (byte & 0x7f) * 2 ** (7 * (i - 4));
      if (byte < 0x80) break;
    }
    if (byte >= 0x80) this.fail('long longer than 64 bits');
    this.pos = p;
    if (hi < 2 ** 25) {
      const n = hi * 2 ** 28 + lo; // below 2^53
      return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
    }
    const n = (BigInt(hi) << 28n) | BigInt(lo);
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

  skip(n: number): void {
    if (this.pos + n > this.buf.length) this.fail('unexpected end of data');
    this.pos += n;
  }

  /** `size` bytes: a copy, or with `view` a window into the buffer (valid while the buffer is). */
  readFixed(size: number, view = false): Uint8Array {
    if (this.pos + size > this.buf.length) this.fail('unexpected end of data');
    const v = view ? this.buf.subarray(this.pos, this.pos + size) : this.buf.slice(this.pos, this.pos + size);
    this.pos += size;
    return v;
  }

  readBytes(view = false): Uint8Array {
    return this.readFixed(this.readSize('byte length', this.remaining), view);
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

export interface DecodeOptions {
  /**
   * Return bytes/fixed values as windows into the decompressed block instead of copies: faster,
   * for callers that convert every value before decoding the next block.
   */
  byteViews?: boolean;
  /**
   * A run of consecutive fields of one record not to decode now: they are skipped over (which
   * validates them) and the record gets, under `key`, the window of the block holding their
   * encoding, to decode later with `compileRawSpan`.
   */
  rawSpan?: RawSpan;
  /**
   * Decode records as arrays of field values in schema order (a raw span takes one slot) rather
   * than objects: no per-record property-name lookups, for hot paths that read fields by index.
   */
  tuples?: boolean;
}

export interface RawSpan {
  record: Extract<AvroType, { kind: 'record' }>;
  /** Index of the first and last field of the run. */
  first: number;
  last: number;
  key: string;
}

/** Compiles a decoder for values of type `t`. */
export function compileDecoder(t: AvroType, opts: DecodeOptions = {}): Decode {
  const view = opts.byteViews === true;
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
      return view ? (r) => r.readBytes(true) : (r) => r.readBytes();
    case 'string':
      return (r) => r.readString();
    case 'fixed': {
      const size = t.size;
      return (r) => r.readFixed(size, view);
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
      return compileRecord(t, opts);
    case 'array': {
      const item = compileDecoder(t.items, opts);
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
      const value = compileDecoder(t.values, opts);
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
      const branches = t.branches.map((b) => compileDecoder(b, opts));
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

function compileRecord(t: Extract<AvroType, { kind: 'record' }>, opts: DecodeOptions): Decode {
  const span = opts.rawSpan?.record === t ? opts.rawSpan : undefined;
  const names: string[] = [];
  const decoders: Decode[] = [];
  t.fields.forEach((f, i) => {
    if (!span || i < span.first || i > span.last) {
      names.push(f.name);
      decoders.push(compileDecoder(f.type, opts));
    } else if (i === span.first) {
      const skips = t.fields.slice(span.first, span.last + 1).map((x) => compileSkipper(x.type));
      names.push(span.key);
      decoders.push((r) => {
        const start = r.pos;
        for (let k = 0; k < skips.length; k++) skips[k]!(r);
        return r.buf.subarray(start, r.pos);
      });
    }
  });
  const n = names.length;
  if (opts.tuples) {
    return (r) => {
      const o = new Array<unknown>(n);
      for (let i = 0; i < n; i++) o[i] = decoders[i]!(r);
      return o;
    };
  }
  return (r) => {
    const o: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) o[names[i]!] = decoders[i]!(r);
    return o;
  };
}

/** Slot of field `i` of `record` in a tuple decoded with `span` (fields of the span share one slot). */
export function tupleSlot(i: number, span?: RawSpan): number {
  if (!span || i < span.first) return i;
  return i <= span.last ? span.first : i - (span.last - span.first);
}

type Skip = (r: AvroReader) => void;

/** Compiles a function that moves past one value of type `t` without building it. */
export function compileSkipper(t: AvroType): Skip {
  switch (t.kind) {
    case 'null':
      return () => undefined;
    case 'boolean':
      return (r) => void r.readBoolean();
    case 'int':
    case 'enum':
      return (r) => void r.readInt();
    case 'long':
      return (r) => void r.readLong();
    case 'float':
      return (r) => r.skip(4);
    case 'double':
      return (r) => r.skip(8);
    case 'bytes':
    case 'string':
      return (r) => r.skip(r.readSize('length', r.remaining));
    case 'fixed': {
      const size = t.size;
      return (r) => r.skip(size);
    }
    case 'record': {
      const fields = t.fields.map((f) => compileSkipper(f.type));
      return (r) => {
        for (let i = 0; i < fields.length; i++) fields[i]!(r);
      };
    }
    case 'array':
    case 'map': {
      const item = compileSkipper(t.kind === 'array' ? t.items : t.values);
      const isMap = t.kind === 'map';
      const minSize = (isMap ? 1 : 0) + minEncodedSize(t.kind === 'array' ? t.items : t.values);
      return (r) => {
        for (let n = r.readBlockCount(minSize); n > 0; n = r.readBlockCount(minSize)) {
          for (let i = 0; i < n; i++) {
            if (isMap) r.skip(r.readSize('length', r.remaining));
            item(r);
          }
        }
      };
    }
    case 'union': {
      const branches = t.branches.map(compileSkipper);
      return (r) => {
        const i = r.readLong();
        if (typeof i !== 'number' || i < 0 || i >= branches.length) return r.fail(`union index ${String(i)} out of range`);
        branches[i]!(r);
      };
    }
  }
}

/** Decodes a window captured for `span`: the values of its fields, in order. */
export function compileRawSpan(span: RawSpan): (bytes: Uint8Array) => unknown[] {
  const decoders = span.record.fields.slice(span.first, span.last + 1).map((f) => compileDecoder(f.type));
  return (bytes) => {
    const r = new AvroReader(bytes);
    return decoders.map((d) => d(r));
  };
}
