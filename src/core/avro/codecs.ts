/**
 * Avro object container block codecs (Avro 1.11 spec, "Required Codecs" and "Optional Codecs"):
 * `null`, `deflate` (raw RFC 1951), `snappy` (block followed by the big-endian CRC-32 of the
 * uncompressed bytes) and `zstandard`. Each decompresses one block with a cap on the output size.
 * Neither deflate nor fzstd checks content (zstd's optional XXH64 frame checksum is not verified),
 * so damage inside literals only shows when the Avro records stop making sense.
 */
import { Decompress as ZstdStream } from 'fzstd';
import { snappyUncompress } from 'hyparquet';
import { crc32 } from '../crc32';
import { LakeError } from '../errors';
import { inflateRaw } from '../inflate';

/** Decompresses one block; more than `maxOutput` bytes is a `too-large` error. */
export type BlockCodec = (block: Uint8Array, maxOutput: number, path: string) => Uint8Array;

const identity: BlockCodec = (b, max, path) => {
  if (b.length > max) throw new LakeError('too-large', `avro: block of ${b.length} bytes exceeds the ${max}-byte limit`, path);
  return b;
};

interface NativeZlib {
  inflateRawSync(b: Uint8Array, opts: { maxOutputLength: number; chunkSize: number }): Uint8Array;
}

/**
 * node:zlib when the host has it. Core runs without Node too, so it is looked up at run time
 * (`process.getBuiltinModule`, Node ≥ 20.16) rather than imported; elsewhere, or on older Node,
 * the TypeScript inflate does the work. Native inflate is several times faster, which matters for
 * a million manifest entries (hundreds of MB of deflated blocks).
 */
const zlib: NativeZlib | undefined = (() => {
  try {
    const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    const z = p?.getBuiltinModule?.('node:zlib') as NativeZlib | undefined;
    return typeof z?.inflateRawSync === 'function' ? z : undefined;
  } catch {
    return undefined;
  }
})();

const deflate: BlockCodec = (b, max, path) => {
  if (!zlib) return inflateRaw(b, max, path).out;
  try {
    // maxOutputLength stops zlib once the cap is passed, so a bomb costs no more than the cap;
    // an output chunk about the size of the block (metadata deflates ~4:1) saves zlib joining
    // 16 KB pieces, which took as long as the inflating
    const chunkSize = Math.max(64 << 10, Math.min(4 << 20, b.length * 4));
    const out = zlib.inflateRawSync(b, { maxOutputLength: Math.max(1, max), chunkSize });
    if (out.length > max) throw Object.assign(new RangeError('output too large'), { code: 'ERR_BUFFER_TOO_LARGE' });
    return out;
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new LakeError('too-large', `avro: deflate block exceeds the ${max}-byte limit`, path);
    throw new LakeError('corrupt', `avro: deflate: ${(err as Error).message}`, path);
  }
};

const snappy: BlockCodec = (b, max, path) => {
  if (b.length < 5) throw new LakeError('corrupt', 'avro: snappy block too short', path);
  const data = b.subarray(0, b.length - 4);
  // the stream starts with the uncompressed length as a varint: check it before allocating
  let len = 0;
  let i = 0;
  for (let shift = 0; ; shift += 7) {
    if (i >= data.length || shift > 28) throw new LakeError('corrupt', 'avro: invalid snappy length header', path);
    const c = data[i++]!;
    len += (c & 0x7f) * 2 ** shift;
    if (c < 0x80) break;
  }
  if (len > max) throw new LakeError('too-large', `avro: snappy block of ${len} bytes exceeds the ${max}-byte limit`, path);
  const out = new Uint8Array(len);
  try {
    snappyUncompress(data, out);
  } catch (err) {
    throw new LakeError('corrupt', `avro: snappy: ${(err as Error).message}`, path);
  }
  const t = b.length - 4;
  const want = ((b[t]! << 24) | (b[t + 1]! << 16) | (b[t + 2]! << 8) | b[t + 3]!) >>> 0;
  if (crc32(out) !== want) throw new LakeError('corrupt', 'avro: snappy block CRC-32 mismatch', path);
  return out;
};

const zstandard: BlockCodec = (b, max, path) => {
  const chunks: Uint8Array[] = [];
  let total = 0;
  // the streaming decoder hands out bounded chunks, so the cap holds before memory is spent
  const stream = new ZstdStream((chunk) => {
    total += chunk.length;
    if (total > max) throw new LakeError('too-large', `avro: zstandard block exceeds the ${max}-byte limit`, path);
    chunks.push(chunk);
  });
  try {
    stream.push(b, true);
  } catch (err) {
    if (err instanceof LakeError) throw err;
    throw new LakeError('corrupt', `avro: zstandard: ${(err as Error).message}`, path);
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
};

const CODECS: Record<string, BlockCodec> = { null: identity, deflate, snappy, zstandard };

/** The codec named in a file header (`avro.codec`; absent means `null`). */
export function blockCodec(name: string, path: string): BlockCodec {
  const c = Object.hasOwn(CODECS, name) ? CODECS[name] : undefined;
  if (!c) throw new LakeError('unsupported', `avro: codec ${JSON.stringify(name)} not supported (null, deflate, snappy, zstandard are)`, path);
  return c;
}
