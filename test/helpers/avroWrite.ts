/**
 * A minimal Avro writer for tests: encodes values by a schema JSON and wraps blocks into an object
 * container file with any codec's bytes. Written from the Avro 1.11 spec, independently of the
 * reader under test (no shared code).
 */
import { crc32 as nodeCrc32 } from 'node:zlib';

type Schema = string | Schema[] | { type: string; [k: string]: unknown };

export function zigzag(v: number | bigint): number[] {
  let n = BigInt.asUintN(64, (BigInt(v) << 1n) ^ (BigInt(v) >> 63n));
  const out: number[] = [];
  do {
    let b = Number(n & 0x7fn);
    n >>= 7n;
    if (n > 0n) b |= 0x80;
    out.push(b);
  } while (n > 0n);
  return out;
}

const utf8 = new TextEncoder();

/** Encodes one value of `schema` (names of named types resolve through `named`). */
export function encode(schema: Schema, v: unknown, named = new Map<string, Schema>()): number[] {
  if (typeof schema === 'string') {
    switch (schema) {
      case 'null':
        return [];
      case 'boolean':
        return [v ? 1 : 0];
      case 'int':
      case 'long':
        return zigzag(v as number | bigint);
      case 'float':
        return [...new Uint8Array(Float32Array.of(v as number).buffer)];
      case 'double':
        return [...new Uint8Array(Float64Array.of(v as number).buffer)];
      case 'bytes':
        return [...zigzag((v as Uint8Array).length), ...(v as Uint8Array)];
      case 'string': {
        const b = utf8.encode(v as string);
        return [...zigzag(b.length), ...b];
      }
      default:
        return encode(named.get(schema)!, v, named);
    }
  }
  if (Array.isArray(schema)) {
    // unions: the first branch whose kind fits
    const i = v === null ? schema.indexOf('null') : schema.findIndex((s) => s !== 'null');
    return [...zigzag(i), ...encode(schema[i]!, v, named)];
  }
  const t = schema.type;
  if (t === 'record') {
    named.set(schema.name as string, schema);
    return (schema.fields as { name: string; type: Schema }[]).flatMap((f) => encode(f.type, (v as Record<string, unknown>)[f.name], named));
  }
  if (t === 'enum') {
    named.set(schema.name as string, schema);
    return zigzag((schema.symbols as string[]).indexOf(v as string));
  }
  if (t === 'fixed') {
    named.set(schema.name as string, schema);
    return [...(v as Uint8Array)];
  }
  if (t === 'array') {
    const xs = v as unknown[];
    return xs.length ? [...zigzag(xs.length), ...xs.flatMap((x) => encode(schema.items as Schema, x, named)), 0] : [0];
  }
  if (t === 'map') {
    const es = Object.entries(v as Record<string, unknown>);
    return es.length ? [...zigzag(es.length), ...es.flatMap(([k, x]) => [...encode('string', k), ...encode(schema.values as Schema, x, named)]), 0] : [0];
  }
  return encode(t, v, named);
}

export const SYNC = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);

/** A container file: header with schema and codec, then the given blocks (count, compressed bytes). */
export function container(schema: Schema, codec: string, blocks: { count: number; data: Uint8Array }[], meta: Record<string, string> = {}): Uint8Array {
  const out: number[] = [0x4f, 0x62, 0x6a, 0x01];
  const entries = Object.entries({ 'avro.schema': JSON.stringify(schema), 'avro.codec': codec, ...meta });
  out.push(...zigzag(entries.length));
  for (const [k, v] of entries) out.push(...encode('string', k), ...encode('bytes', utf8.encode(v)));
  out.push(0, ...SYNC);
  for (const b of blocks) out.push(...zigzag(b.count), ...zigzag(b.data.length), ...b.data, ...SYNC);
  return Uint8Array.from(out);
}

/** Snappy framing as Avro wants it: a literal-only snappy stream plus the big-endian CRC-32. */
export function snappyBlock(raw: Uint8Array): Uint8Array {
  const out: number[] = [...varint(raw.length)];
  for (let i = 0; i < raw.length; i += 60) {
    const chunk = raw.subarray(i, i + 60);
    out.push((chunk.length - 1) << 2, ...chunk); // literal tag, length ≤ 60 in the tag itself
  }
  const c = nodeCrc32(raw) >>> 0;
  out.push(c >>> 24, (c >>> 16) & 0xff, (c >>> 8) & 0xff, c & 0xff);
  return Uint8Array.from(out);
}

/** A zstd frame holding the bytes as one raw (uncompressed) block (RFC 8878 3.1.1). */
export function zstdRawFrame(raw: Uint8Array): Uint8Array {
  if (raw.length >= 1 << 20) throw new Error('keep test frames small');
  const size = raw.length;
  // frame header descriptor: single segment, 4-byte content size
  const header = [0x28, 0xb5, 0x2f, 0xfd, 0b1010_0000, size & 0xff, (size >>> 8) & 0xff, (size >>> 16) & 0xff, 0];
  const blockHeader = (size << 3) | 1; // last block, type raw
  return Uint8Array.from([...header, blockHeader & 0xff, (blockHeader >>> 8) & 0xff, (blockHeader >>> 16) & 0xff, ...raw]);
}

function varint(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}
