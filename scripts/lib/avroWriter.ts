/**
 * The Avro object container writer of the generators: Iceberg manifests and manifest lists for
 * the bench's large tables (bench/generate) and the demo lakehouse (scripts/demo). A schema is
 * compiled once into direct writer functions over one growing buffer, and longs stay off BigInt
 * below 2^52: two million manifest entries take seconds, not minutes. Records are cut into blocks
 * of ~64 KB like Java's DataFileWriter (sync interval 64,000 bytes), each deflated the way
 * Iceberg's default `write.avro.compression-codec=gzip` does (raw deflate).
 * Avro spec: https://avro.apache.org/docs/1.11.1/specification/ (binary encoding, object container files).
 */
import { randomBytes } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';

type Primitive = 'null' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'bytes' | 'string';

/**
 * Records, unions, arrays, maps, fixed, and primitives by name or written as objects, which
 * Iceberg uses for logical types (`{"type": "int", "logicalType": "date"}`).
 */
export type AvroSchema =
  | Primitive
  | AvroSchema[]
  | { type: Primitive; logicalType?: string; [k: string]: unknown }
  | { type: 'record'; name: string; fields: Array<{ name: string; type: AvroSchema; [k: string]: unknown }>; [k: string]: unknown }
  | { type: 'array'; items: AvroSchema; [k: string]: unknown }
  | { type: 'map'; values: AvroSchema; [k: string]: unknown }
  | { type: 'fixed'; name: string; size: number; [k: string]: unknown };

/** Growing byte buffer with Avro's primitive encodings. */
export class Sink {
  buf = Buffer.allocUnsafe(1 << 16);
  pos = 0;

  reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  byte(b: number): void {
    this.reserve(1);
    this.buf[this.pos++] = b;
  }

  /** zigzag varint of an int or long; numbers up to 2^52 stay off BigInt. */
  long(v: number | bigint): void {
    this.reserve(10);
    if (typeof v === 'number' && Number.isSafeInteger(v) && Math.abs(v) < 2 ** 52) {
      let n = v >= 0 ? v * 2 : -v * 2 - 1;
      while (n >= 0x80) {
        this.buf[this.pos++] = (n % 0x80) | 0x80;
        n = Math.floor(n / 0x80);
      }
      this.buf[this.pos++] = n;
      return;
    }
    let n = BigInt.asUintN(64, (BigInt(v) << 1n) ^ (BigInt(v) >> 63n));
    while (n >= 0x80n) {
      this.buf[this.pos++] = Number(n & 0x7fn) | 0x80;
      n >>= 7n;
    }
    this.buf[this.pos++] = Number(n);
  }

  bytes(b: Uint8Array): void {
    this.long(b.length);
    this.raw(b);
  }

  raw(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  string(s: string): void {
    const n = Buffer.byteLength(s);
    this.long(n);
    this.reserve(n);
    this.pos += this.buf.write(s, this.pos);
  }

  float(v: number): void {
    this.reserve(4);
    this.pos = this.buf.writeFloatLE(v, this.pos);
  }

  double(v: number): void {
    this.reserve(8);
    this.pos = this.buf.writeDoubleLE(v, this.pos);
  }

  /** The bytes written so far (a copy) and an empty sink. */
  take(): Buffer {
    const out = Buffer.from(this.buf.subarray(0, this.pos));
    this.pos = 0;
    return out;
  }
}

export type Encode = (s: Sink, v: unknown) => void;

/**
 * Compiles a writer for `schema`. Values: records are objects by field name, unions pick the
 * first non-null branch for a non-null value, Iceberg int maps are arrays of {key, value}, Avro
 * maps are plain objects.
 */
export function compileEncoder(schema: AvroSchema): Encode {
  if (Array.isArray(schema)) {
    const nullAt = schema.indexOf('null');
    const someAt = schema.findIndex((b) => b !== 'null');
    const some = someAt >= 0 ? compileEncoder(schema[someAt]!) : undefined;
    return (s, v) => {
      if (v === null || v === undefined) {
        if (nullAt < 0) throw new Error('avro: null for a union without null');
        s.long(nullAt);
      } else {
        s.long(someAt);
        some!(s, v);
      }
    };
  }
  const kind = typeof schema === 'string' ? schema : schema.type;
  switch (kind) {
    case 'null':
      return () => undefined;
    case 'boolean':
      return (s, v) => s.byte(v ? 1 : 0);
    case 'int':
    case 'long':
      return (s, v) => s.long(v as number | bigint);
    case 'float':
      return (s, v) => s.float(v as number);
    case 'double':
      return (s, v) => s.double(v as number);
    case 'bytes':
      return (s, v) => s.bytes(v as Uint8Array);
    case 'string':
      return (s, v) => s.string(v as string);
    case 'fixed':
      return (s, v) => s.raw(v as Uint8Array);
    case 'record': {
      const fields = (schema as Extract<AvroSchema, { type: 'record' }>).fields.map((f) => ({ name: f.name, enc: compileEncoder(f.type) }));
      return (s, v) => {
        const o = v as Record<string, unknown>;
        for (let i = 0; i < fields.length; i++) fields[i]!.enc(s, o[fields[i]!.name]);
      };
    }
    case 'array': {
      const item = compileEncoder((schema as { items: AvroSchema }).items);
      return (s, v) => {
        const a = v as unknown[];
        if (a.length > 0) {
          s.long(a.length);
          for (let i = 0; i < a.length; i++) item(s, a[i]);
        }
        s.long(0);
      };
    }
    case 'map': {
      const value = compileEncoder((schema as { values: AvroSchema }).values);
      return (s, v) => {
        const entries = Object.entries(v as Record<string, unknown>);
        if (entries.length > 0) {
          s.long(entries.length);
          for (const [k, x] of entries) {
            s.string(k);
            value(s, x);
          }
        }
        s.long(0);
      };
    }
    default:
      throw new Error(`avro: unsupported type ${kind}`);
  }
}

/** A block of record encodings compressed for the `deflate` codec (zlib's default level, as Java). */
export function deflateBlock(data: Uint8Array): Buffer {
  return deflateRawSync(data, { level: 6 });
}

/** Java's DataFileWriter default sync interval: a block is flushed once it holds this much. */
const BLOCK_BYTES = 64_000;

/**
 * An object container file built in memory: header, then blocks of already-encoded records.
 * `append` takes one record's encoding (possibly in parts, so a shared encoding can be reused
 * after a per-record prefix); `appendBlock` adds a block compressed elsewhere, e.g. a run of
 * manifest-list records shared by many lists.
 */
export class OcfWriter {
  private readonly out: Buffer[] = [];
  private readonly block = new Sink();
  private count = 0;
  readonly sync: Buffer;

  constructor(
    schema: AvroSchema,
    meta: Record<string, string>,
    private readonly codec: 'null' | 'deflate' = 'deflate',
    sync: Buffer = randomBytes(16),
  ) {
    this.sync = sync;
    const h = new Sink();
    h.raw(Buffer.from([0x4f, 0x62, 0x6a, 0x01]));
    const all: Record<string, string> = { 'avro.schema': JSON.stringify(schema), 'avro.codec': codec, ...meta };
    h.long(Object.keys(all).length);
    for (const [k, v] of Object.entries(all)) {
      h.string(k);
      h.bytes(Buffer.from(v, 'utf8'));
    }
    h.long(0);
    h.raw(sync);
    this.out.push(h.take());
  }

  append(...parts: Uint8Array[]): void {
    for (const p of parts) this.block.raw(p);
    this.count++;
    if (this.block.pos >= BLOCK_BYTES) this.flush();
  }

  /** Compresses a block's record encodings as this file's codec does. */
  compress(data: Uint8Array): Buffer {
    return this.codec === 'deflate' ? deflateBlock(data) : Buffer.from(data);
  }

  appendBlock(count: number, compressed: Uint8Array): void {
    this.flush();
    this.writeBlock(count, compressed);
  }

  private writeBlock(count: number, data: Uint8Array): void {
    const s = new Sink();
    s.long(count);
    s.long(data.length);
    this.out.push(s.take(), Buffer.from(data.buffer, data.byteOffset, data.byteLength), this.sync);
  }

  flush(): void {
    if (this.count === 0) return;
    const raw = this.block.buf.subarray(0, this.block.pos);
    this.writeBlock(this.count, this.compress(raw));
    this.block.pos = 0;
    this.count = 0;
  }

  finish(): Buffer {
    this.flush();
    return Buffer.concat(this.out);
  }
}

/**
 * A whole file at once, uncompressed and in one block whatever its size, as the demo lakehouse
 * writes its few small manifests. `meta` goes into the header next to avro.schema and avro.codec
 * (Iceberg keeps schema, partition-spec etc. there).
 */
export function encodeAvroFile(schema: AvroSchema, records: unknown[], meta: Record<string, string> = {}): Buffer {
  const w = new OcfWriter(schema, meta, 'null');
  const encode = compileEncoder(schema);
  const s = new Sink();
  for (const r of records) encode(s, r);
  if (records.length > 0) w.appendBlock(records.length, s.take());
  return w.finish();
}
