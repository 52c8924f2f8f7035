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

/** The last long beyond 2^53 decoded, by its bits 49–63 and 0–48 (see readLong). */
let lastRest = -1;
let lastLow = -1;
let lastBig: number | bigint = 0;

export class AvroDecodeError extends Error {}

const utf8 = new TextDecoder('utf-8');

/** A cursor over one buffer of Avro-encoded data. */
export class AvroReader {
  pos = 0;
  private readonly view: DataView;

  readonly buf: Uint8Array;

  constructor(buf: Uint8Array) {
    // a Node Buffer (from fs, or node:zlib) is viewed as a plain Uint8Array: Buffer's slice() is
    // a view, not the copy readFixed promises, and values should not depend on where bytes came from
    this.buf = buf.constructor === Uint8Array ? buf : new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
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
    // bits 49 to 63, from up to 3 more bytes; the 10th may only hold bit 63
    let rest = 0;
    for (let i = 7, shift = 1; i < 10; i++, shift *= 128) {
      if (p >= b.length) this.fail('unexpected end of data');
      byte = b[p++]!;
      if (i === 9 && byte > 1) this.fail('long longer than 64 bits');
      rest += (byte & 0x7f) * shift;
      if (byte < 0x80) break;
    }
    if (byte >= 0x80) this.fail('long longer than 64 bits');
    this.pos = p;
    if (rest < 16) {
      const v = rest * 2 ** 49 + n; // below 2^53
      return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
    }
    // a bigint; Iceberg manifests repeat 63-bit snapshot ids entry after entry, so the last is kept
    if (rest === lastRest && n === lastLow) return lastBig;
    const u = (BigInt(rest) << 49n) | BigInt(n);
    const v = (u >> 1n) ^ -(u & 1n);
    lastRest = rest;
    lastLow = n;
    lastBig = v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
    return lastBig;
  }

  /** Moves past a long without computing it, refusing what readLong refuses. */
  skipLong(): void {
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < 10; i++) {
      if (p >= b.length) this.fail('unexpected end of data');
      const byte = b[p++]!;
      if (byte < 0x80) {
        if (i === 9 && byte > 1) this.fail('long longer than 64 bits');
        this.pos = p;
        return;
      }
    }
    this.fail('long longer than 64 bits');
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
   * validates them) and the record gets, under `key`, the offset in the block where their
   * encoding starts (a number: no allocation per record), to decode later with `compileRawSpan`.
   */
  rawSpan?: RawSpan;
  /**
   * Decode records as arrays of field values in schema order (a raw span takes one slot) rather
   * than objects: no per-record property-name lookups, for hot paths that read fields by index.
   */
  tuples?: boolean;
  /**
   * With `tuples`: a record that is not inside an array or map is decoded into one array per
   * record type, overwritten by the next record. For callers that convert each record before the
   * next is decoded (as `byteViews` already requires): three fewer allocations per manifest entry.
   */
  reuseTuples?: boolean;
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
      // items must stay distinct: no reused tuples below here
      const item = compileDecoder(t.items, opts.reuseTuples ? { ...opts, reuseTuples: false } : opts);
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
      const value = compileDecoder(t.values, opts.reuseTuples ? { ...opts, reuseTuples: false } : opts);
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
        return start;
      });
    }
  });
  const n = names.length;
  if (opts.tuples && opts.reuseTuples) {
    const o = new Array<unknown>(n);
    return (r) => {
      for (let i = 0; i < n; i++) o[i] = decoders[i]!(r);
      return o;
    };
  }
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

/**
 * Field kinds of a record of primitives (Iceberg's int→long and int→bytes map entries, which a
 * manifest entry has dozens of): skipped in one loop rather than a call per field. Fixed sizes
 * are stored as SKIP_FIXED + size. Undefined when a field is not a primitive.
 */
const SKIP_NONE = 0;
const SKIP_BOOLEAN = 1;
const SKIP_INT = 2;
const SKIP_LONG = 3;
const SKIP_LENGTH = 4;
const SKIP_FIXED = 8;

function primitiveKinds(t: Extract<AvroType, { kind: 'record' }>): Int32Array | undefined {
  const kinds = new Int32Array(t.fields.length);
  for (let i = 0; i < t.fields.length; i++) {
    const f = t.fields[i]!.type;
    switch (f.kind) {
      case 'null':
        kinds[i] = SKIP_NONE;
        break;
      case 'boolean':
        kinds[i] = SKIP_BOOLEAN;
        break;
      case 'int':
      case 'enum':
        kinds[i] = SKIP_INT;
        break;
      case 'long':
        kinds[i] = SKIP_LONG;
        break;
      case 'bytes':
      case 'string':
        kinds[i] = SKIP_LENGTH;
        break;
      case 'float':
        kinds[i] = SKIP_FIXED + 4;
        break;
      case 'double':
        kinds[i] = SKIP_FIXED + 8;
        break;
      case 'fixed':
        kinds[i] = SKIP_FIXED + f.size;
        break;
      default:
        return undefined;
    }
  }
  return kinds;
}

function skipPrimitives(r: AvroReader, kinds: Int32Array): void {
  for (let i = 0; i < kinds.length; i++) {
    const k = kinds[i]!;
    if (k === SKIP_LONG) r.skipLong();
    else if (k === SKIP_INT) r.readInt();
    else if (k === SKIP_LENGTH) r.skip(r.readSize('length', r.remaining));
    else if (k >= SKIP_FIXED) r.skip(k - SKIP_FIXED);
    else if (k === SKIP_BOOLEAN) r.readBoolean();
  }
}

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
      return (r) => r.skipLong();
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
      const kinds = primitiveKinds(t);
      if (kinds) return (r) => skipPrimitives(r, kinds);
      const fields = t.fields.map((f) => compileSkipper(f.type));
      return (r) => {
        for (let i = 0; i < fields.length; i++) fields[i]!(r);
      };
    }
    case 'array':
    case 'map': {
      const itemType = t.kind === 'array' ? t.items : t.values;
      const item = compileSkipper(itemType);
      const isMap = t.kind === 'map';
      const minSize = (isMap ? 1 : 0) + minEncodedSize(itemType);
      const kinds = !isMap && itemType.kind === 'record' ? primitiveKinds(itemType) : undefined;
      if (kinds) {
        // an Iceberg int-keyed map: items skipped inline
        return (r) => {
          for (let n = r.readBlockCount(minSize); n > 0; n = r.readBlockCount(minSize)) {
            for (let i = 0; i < n; i++) skipPrimitives(r, kinds);
          }
        };
      }
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

/** Decodes what was skipped for `span` at `offset` of a block: the values of its fields, in order. */
export function compileRawSpan(span: RawSpan): (block: Uint8Array, offset: number) => unknown[] {
  const decoders = span.record.fields.slice(span.first, span.last + 1).map((f) => compileDecoder(f.type));
  return (block, offset) => {
    const r = new AvroReader(block);
    r.pos = offset;
    return decoders.map((d) => d(r));
  };
}
