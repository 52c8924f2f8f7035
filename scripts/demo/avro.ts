/**
 * A tiny Avro object container file (OCF) writer, enough for Iceberg manifest lists and manifests:
 * null codec, one block, schemas with records, unions, arrays, maps, bytes/strings and numbers.
 * Avro spec: https://avro.apache.org/docs/1.11.1/specification/ (binary encoding, object container files).
 */
import { randomBytes } from 'node:crypto';

export type AvroSchema =
  | 'null' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'bytes' | 'string'
  | AvroSchema[]
  | { type: 'record'; name: string; fields: Array<{ name: string; type: AvroSchema; [k: string]: unknown }>; [k: string]: unknown }
  | { type: 'array'; items: AvroSchema; [k: string]: unknown }
  | { type: 'map'; values: AvroSchema; [k: string]: unknown }
  | { type: 'fixed'; name: string; size: number; [k: string]: unknown };

class Out {
  private chunks: Buffer[] = [];
  private len = 0;
  push(b: Buffer | Uint8Array): void {
    const buf = Buffer.isBuffer(b) ? b : Buffer.from(b);
    this.chunks.push(buf);
    this.len += buf.length;
  }
  /** zig-zag varint, for int and long (bigint-safe) */
  long(v: number | bigint): void {
    let n = BigInt(v);
    n = n >= 0n ? n << 1n : (-n << 1n) - 1n;
    const bytes: number[] = [];
    do {
      let b = Number(n & 0x7fn);
      n >>= 7n;
      if (n > 0n) b |= 0x80;
      bytes.push(b);
    } while (n > 0n);
    this.push(Buffer.from(bytes));
  }
  bytes(b: Uint8Array): void {
    this.long(b.length);
    this.push(b);
  }
  get buffer(): Buffer {
    return Buffer.concat(this.chunks, this.len);
  }
}

function typeName(s: AvroSchema): string {
  if (typeof s === 'string') return s;
  if (Array.isArray(s)) return 'union';
  return s.type;
}

/** Which branch of a union a JS value belongs to (null first, then by JS type). */
function unionBranch(branches: AvroSchema[], v: unknown): number {
  if (v === null || v === undefined) {
    const i = branches.indexOf('null');
    if (i < 0) throw new Error('null for a union without null');
    return i;
  }
  const i = branches.findIndex((b) => b !== 'null');
  if (i < 0) throw new Error('no non-null branch');
  return i;
}

function write(out: Out, s: AvroSchema, v: unknown, where: string): void {
  if (Array.isArray(s)) {
    const i = unionBranch(s, v);
    out.long(i);
    write(out, s[i]!, v, where);
    return;
  }
  switch (typeName(s)) {
    case 'null':
      return;
    case 'boolean':
      out.push(Buffer.from([v ? 1 : 0]));
      return;
    case 'int':
    case 'long':
      if (typeof v !== 'number' && typeof v !== 'bigint') throw new Error(`${where}: expected a number, got ${typeof v}`);
      out.long(v);
      return;
    case 'float': {
      const b = Buffer.alloc(4);
      b.writeFloatLE(Number(v));
      out.push(b);
      return;
    }
    case 'double': {
      const b = Buffer.alloc(8);
      b.writeDoubleLE(Number(v));
      out.push(b);
      return;
    }
    case 'bytes':
      out.bytes(v as Uint8Array);
      return;
    case 'string':
      out.bytes(Buffer.from(String(v), 'utf8'));
      return;
    case 'fixed':
      out.push(v as Uint8Array);
      return;
    case 'record': {
      const rec = s as Extract<AvroSchema, { type: 'record' }>;
      const obj = (v ?? {}) as Record<string, unknown>;
      for (const f of rec.fields) write(out, f.type, obj[f.name], `${where}.${f.name}`);
      return;
    }
    case 'array': {
      const arr = v as unknown[];
      if (arr.length) {
        out.long(arr.length);
        for (const [i, x] of arr.entries()) write(out, (s as { items: AvroSchema }).items, x, `${where}[${i}]`);
      }
      out.long(0);
      return;
    }
    case 'map': {
      const entries = Object.entries(v as Record<string, unknown>);
      if (entries.length) {
        out.long(entries.length);
        for (const [k, x] of entries) {
          out.bytes(Buffer.from(k, 'utf8'));
          write(out, (s as { values: AvroSchema }).values, x, `${where}.${k}`);
        }
      }
      out.long(0);
      return;
    }
    default:
      throw new Error(`${where}: unsupported Avro type ${typeName(s)}`);
  }
}

/**
 * Encodes records as an Avro object container file. `meta` goes into the header's metadata map
 * next to avro.schema and avro.codec (Iceberg keeps schema, partition-spec etc. there).
 */
export function encodeAvroFile(schema: AvroSchema, records: unknown[], meta: Record<string, string> = {}): Buffer {
  const sync = randomBytes(16);
  const out = new Out();
  out.push(Buffer.from([0x4f, 0x62, 0x6a, 0x01])); // "Obj" 1
  const header: Record<string, Uint8Array> = {
    'avro.schema': Buffer.from(JSON.stringify(schema), 'utf8'),
    'avro.codec': Buffer.from('null', 'utf8'),
  };
  for (const [k, v] of Object.entries(meta)) header[k] = Buffer.from(v, 'utf8');
  write(out, { type: 'map', values: 'bytes' }, header, 'header');
  out.push(sync);
  if (records.length) {
    const block = new Out();
    for (const [i, r] of records.entries()) write(block, schema, r, `record[${i}]`);
    const data = block.buffer;
    out.long(records.length);
    out.long(data.length);
    out.push(data);
    out.push(sync);
  }
  return out.buffer;
}
