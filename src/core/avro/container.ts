/**
 * Avro object container files (Avro 1.11 spec, "Object Container Files"): the `Obj\x01` magic, a
 * metadata map (schema, codec, and for Iceberg the table schema, partition spec, format version
 * and content), a 16-byte sync marker, then blocks of (count, size, data, sync). Records are
 * decoded with the writer schema from the header. Limits keep hostile files from allocating more
 * than a bounded amount: per block, in total, and per item count.
 */
import { LakeError } from '../errors';
import { parseJson } from '../json';
import { blockCodec } from './codecs';
import { AvroDecodeError, AvroReader, type DecodeOptions, compileDecoder } from './decoder';
import { type AvroType, AvroSchemaError, minEncodedSize, parseAvroSchema } from './schema';

export interface AvroLimits {
  /** Largest decompressed block (default 256 MiB). */
  maxBlockBytes?: number;
  /** Largest total of decompressed blocks (default 1 GiB). */
  maxTotalBytes?: number;
}

export interface AvroFile {
  schema: AvroType;
  /** Header metadata as UTF-8 strings (`avro.schema`, `avro.codec`, Iceberg's `partition-spec`, …). */
  metadata: Map<string, string>;
  codec: string;
  records: unknown[];
}

const MAGIC = [0x4f, 0x62, 0x6a, 0x01]; // "Obj" 1
const SYNC_SIZE = 16;
const DEFAULT_MAX_BLOCK = 256 << 20;
const DEFAULT_MAX_TOTAL = 1 << 30;

/** True when the bytes start with the Avro object container magic. */
export function isAvroContainer(b: Uint8Array): boolean {
  return b.length >= 4 && MAGIC.every((m, i) => b[i] === m);
}

export interface AvroHeader {
  metadata: Map<string, string>;
  schema: AvroType;
  codec: string;
  sync: Uint8Array;
  dataStart: number;
}

/** Header of a container file: metadata and the position where blocks start. */
export function readAvroHeader(bytes: Uint8Array, path: string): AvroHeader {
  if (!isAvroContainer(bytes)) {
    throw new LakeError('corrupt', bytes.length < 4 ? `avro: file too short (${bytes.length} bytes)` : 'avro: not an Avro container file (bad magic)', path);
  }
  const r = new AvroReader(bytes);
  r.pos = 4;
  const metadata = new Map<string, string>();
  const text = new TextDecoder('utf-8');
  try {
    for (let n = r.readBlockCount(2); n > 0; n = r.readBlockCount(2)) {
      for (let i = 0; i < n; i++) {
        const k = r.readString();
        metadata.set(k, text.decode(r.readBytes()));
      }
    }
    if (r.remaining < SYNC_SIZE) r.fail('unexpected end of data in the header');
  } catch (err) {
    if (err instanceof AvroDecodeError) throw new LakeError('corrupt', `avro: bad header: ${err.message}`, path);
    throw err;
  }
  const sync = bytes.subarray(r.pos, r.pos + SYNC_SIZE);
  const schemaText = metadata.get('avro.schema');
  if (schemaText === undefined) throw new LakeError('corrupt', 'avro: header has no avro.schema', path);
  let schema: AvroType;
  try {
    schema = parseAvroSchema(parseJson(schemaText));
  } catch (err) {
    if (err instanceof AvroSchemaError || err instanceof SyntaxError) throw new LakeError('corrupt', `avro: invalid schema in header: ${err.message}`, path);
    throw err;
  }
  return { metadata, schema, codec: metadata.get('avro.codec') ?? 'null', sync, dataStart: r.pos + SYNC_SIZE };
}

/** Reads a whole container file into records. Any damage is a `corrupt` LakeError naming the file. */
export function readAvroFile(bytes: Uint8Array, path: string, limits: AvroLimits = {}): AvroFile {
  const records: unknown[] = [];
  const { schema, metadata, codec } = forEachAvroRecord(bytes, path, (rec) => void records.push(rec), limits);
  return { schema, metadata, codec, records };
}

/** A block being decoded: its bytes, and how to get them again later without keeping them. */
export interface AvroBlock {
  data: Uint8Array;
  /** Decompresses the block again (for the null codec, returns its window of the file). */
  again(): Uint8Array;
}

export interface BlockOptions {
  /** Called before the records of each block are decoded. */
  onBlock?: (block: AvroBlock) => void;
}

/**
 * Decodes a container file record by record, handing each to `onRecord` as soon as it is decoded,
 * so a caller converting records keeps only one block of raw values alive. With `byteViews`,
 * bytes values are windows into the block and must be used (or copied) before `onRecord` returns.
 */
export function forEachAvroRecord(
  bytes: Uint8Array,
  path: string,
  onRecord: (record: unknown, index: number) => void,
  limits: AvroLimits & DecodeOptions & BlockOptions = {},
  header?: AvroHeader,
): Omit<AvroFile, 'records'> & { count: number } {
  // a caller that read the header already passes it: DecodeOptions refer to its schema objects
  const { metadata, schema, codec, sync, dataStart } = header ?? readAvroHeader(bytes, path);
  const decompress = blockCodec(codec, path);
  const maxBlock = limits.maxBlockBytes ?? DEFAULT_MAX_BLOCK;
  let budget = limits.maxTotalBytes ?? DEFAULT_MAX_TOTAL;
  const decode = compileDecoder(schema, limits);
  const minSize = minEncodedSize(schema);
  let n = 0;
  const r = new AvroReader(bytes);
  r.pos = dataStart;
  let block = 0;
  try {
    while (r.remaining > 0) {
      const count = r.readSize('block object count', Number.MAX_SAFE_INTEGER);
      const size = r.readSize('block size', r.remaining);
      const raw = bytes.subarray(r.pos, r.pos + size);
      r.pos += size;
      if (r.remaining < SYNC_SIZE) r.fail(`block ${block} is not followed by a sync marker (file truncated?)`);
      for (let i = 0; i < SYNC_SIZE; i++) if (bytes[r.pos + i] !== sync[i]) r.fail(`block ${block} sync marker does not match the header's`);
      r.pos += SYNC_SIZE;
      const cap = Math.min(maxBlock, budget);
      const data = decompress(raw, cap, path);
      budget -= data.length;
      limits.onBlock?.({ data, again: codec === 'null' ? () => raw : () => decompress(raw, cap, path) });
      // a record of at least one byte cannot be packed more densely than its block
      if (minSize > 0 ? count > data.length / minSize : count > (1 << 20)) r.fail(`block ${block} claims ${count} records in ${data.length} bytes`);
      const br = new AvroReader(data);
      try {
        for (let i = 0; i < count; i++, n++) onRecord(decode(br), n);
      } catch (err) {
        if (err instanceof AvroDecodeError) throw new AvroDecodeError(`in block ${block}, record ${n}: ${err.message}`);
        throw err;
      }
      if (br.remaining !== 0) throw new AvroDecodeError(`block ${block} has ${br.remaining} bytes left after its ${count} records`);
      block++;
    }
  } catch (err) {
    if (err instanceof AvroDecodeError) throw new LakeError('corrupt', `avro: ${err.message}`, path);
    throw err;
  }
  return { schema, metadata, codec, count: n };
}
