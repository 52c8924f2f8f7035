/**
 * Merge-on-read log files (Hudi tech spec, "Log File Format"): a sequence of blocks, each
 * `#HUDI#` magic, block length (u64), format version (u32), block type (u32), header
 * (u32 count of {u32 key, u32 length, UTF-8 value}), content (u64 length + bytes), footer (same as
 * the header) and the total block length (u64), all big-endian. Header keys: 0 instant time,
 * 1 target instant time, 2 schema, 3 command type (0 = rollback).
 *
 * Blocks are listed with their header; data blocks also with a record count (Avro: from the block's
 * own count; Parquet: from the embedded file's footer) and Avro data blocks can be decoded with the
 * schema in their header (content: u32 version, u32 record count, then u32 length + Avro binary per
 * record). A truncated or garbled tail (a failed append) ends the listing with a `corrupted` block,
 * as Hudi's own scanners treat it; nothing allocates beyond the file's size.
 */
import { AvroDecodeError, AvroReader, compileDecoder } from '../avro/decoder';
import { AvroSchemaError, parseAvroSchema } from '../avro/schema';
import { LakeError } from '../errors';
import { parseJson } from '../json';
import { bufferOf, readParquetMetadata } from '../parquet';
import type { Storage } from '../storage/storage';
import { toPlain } from './commitMetadata';

export type LogBlockType = 'command' | 'delete' | 'corrupted' | 'avro' | 'hfile' | 'parquet' | 'cdc';

const TYPES: LogBlockType[] = ['command', 'delete', 'corrupted', 'avro', 'hfile', 'parquet', 'cdc'];
const MAGIC = [0x23, 0x48, 0x55, 0x44, 0x49, 0x23]; // #HUDI#

export interface LogBlock {
  /** Offset of the block's magic in the file. */
  offset: number;
  formatVersion: number;
  type: LogBlockType;
  /** Instant that wrote the block (header key 0). */
  instantTime: string | null;
  /** Command blocks: the instant a rollback block rolls back. */
  targetInstantTime: string | null;
  /** Command blocks: `rollback` (type 0) or the raw type number. */
  command: string | null;
  /** Writer schema (Avro JSON text) of data and delete blocks. */
  schema: string | null;
  /** Records in data blocks, deletes in delete blocks (first array block); null when unknown. */
  records: number | null;
  /** The block's content bytes (a view into the file). */
  content: Uint8Array;
  /** Why a block is `corrupted`. */
  problem?: string;
}

class Cursor {
  pos = 0;
  private readonly view: DataView;
  constructor(readonly buf: Uint8Array, readonly end = buf.length) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  need(n: number, what: string): void {
    if (n < 0 || this.pos + n > this.end) throw new RangeError(`${what} runs past the end of the block`);
  }
  u32(what: string): number {
    this.need(4, what);
    const v = this.view.getUint32(this.pos);
    this.pos += 4;
    return v;
  }
  u64(what: string): number {
    this.need(8, what);
    const v = this.view.getBigUint64(this.pos);
    this.pos += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`${what} ${v} is not a plausible length`);
    return Number(v);
  }
  bytes(n: number, what: string): Uint8Array {
    this.need(n, what);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
}

const utf8 = new TextDecoder('utf-8');

function metadata(c: Cursor, what: string): Map<number, string> {
  const n = c.u32(`${what} entry count`);
  if (n > (c.end - c.pos) / 8) throw new RangeError(`${what} claims ${n} entries`);
  const out = new Map<number, string>();
  for (let i = 0; i < n; i++) {
    const key = c.u32(`${what} key`);
    out.set(key, utf8.decode(c.bytes(c.u32(`${what} value length`), `${what} value`)));
  }
  return out;
}

function isMagic(b: Uint8Array, at: number): boolean {
  return at + 6 <= b.length && MAGIC.every((m, i) => b[at + i] === m);
}

/** Lists the blocks of a log file. Format versions before 1 (pre-0.5 writers) are unsupported. */
export function readLogBlocks(bytes: Uint8Array, path: string): LogBlock[] {
  const blocks: LogBlock[] = [];
  let at = 0;
  while (at < bytes.length) {
    const corrupt = (problem: string): LogBlock => ({ offset: at, formatVersion: 0, type: 'corrupted', instantTime: null, targetInstantTime: null, command: null, schema: null, records: null, content: bytes.subarray(at), problem });
    if (!isMagic(bytes, at)) {
      blocks.push(corrupt('no #HUDI# magic where a block should start'));
      break;
    }
    let next: number;
    try {
      const head = new Cursor(bytes);
      head.pos = at + 6;
      const length = head.u64('block length');
      next = head.pos + length;
      if (next > bytes.length) throw new RangeError(`block of ${length} bytes runs past the end of the file (truncated append?)`);
      const c = new Cursor(bytes, next);
      c.pos = head.pos;
      const version = c.u32('format version');
      if (version < 1) throw new LakeError('unsupported', `hudi: log format version ${version} is not supported`, path);
      const typeNo = c.u32('block type');
      const type = TYPES[typeNo];
      if (!type) throw new RangeError(`unknown block type ${typeNo}`);
      const header = metadata(c, 'header');
      const content = c.bytes(c.u64('content length'), 'content');
      metadata(c, 'footer');
      const cmd = header.get(3);
      blocks.push({
        offset: at,
        formatVersion: version,
        type,
        instantTime: header.get(0) ?? null,
        targetInstantTime: header.get(1) ?? null,
        command: cmd === undefined ? null : cmd === '0' ? 'rollback' : cmd,
        schema: header.get(2) ?? null,
        records: recordCount(type, content),
        content,
      });
    } catch (err) {
      if (err instanceof LakeError) throw err;
      blocks.push(corrupt((err as Error).message));
      break;
    }
    at = next;
  }
  return blocks;
}

/** Record count of a data block without decoding its records. */
function recordCount(type: LogBlockType, content: Uint8Array): number | null {
  const dv = new DataView(content.buffer, content.byteOffset, content.byteLength);
  if (type === 'avro' && content.length >= 8) return dv.getUint32(4);
  if (type === 'delete' && content.length >= 9) {
    // u32 version, u32 length, then an Avro array of delete records: its first block count
    try {
      const r = new AvroReader(content.subarray(8));
      const n = r.readLong();
      return typeof n === 'number' ? Math.abs(n) : null;
    } catch {
      return null;
    }
  }
  return null;
}

/** Decodes the records of an Avro data block with its header schema; damage is `corrupt`. */
export function decodeAvroDataBlock(block: LogBlock, path: string): Record<string, unknown>[] {
  if (block.type !== 'avro') throw new LakeError('invalid-argument', `hudi: a ${block.type} block has no Avro records`, path);
  if (!block.schema) throw new LakeError('corrupt', `hudi: Avro data block at byte ${block.offset} has no schema in its header`, path);
  try {
    const decode = compileDecoder(parseAvroSchema(parseJson(block.schema)));
    const c = new Cursor(block.content);
    c.u32('data block version');
    const n = c.u32('record count');
    if (n > block.content.length / 4) throw new RangeError(`claims ${n} records in ${block.content.length} bytes`);
    const out: Record<string, unknown>[] = [];
    for (let i = 0; i < n; i++) {
      const rec = c.bytes(c.u32('record length'), 'record');
      const r = new AvroReader(rec);
      out.push(toPlain(decode(r)) as Record<string, unknown>);
      if (r.remaining !== 0) throw new RangeError(`record ${i} has ${r.remaining} bytes left over`);
    }
    return out;
  } catch (err) {
    if (err instanceof LakeError) throw err;
    if (err instanceof RangeError || err instanceof AvroDecodeError || err instanceof AvroSchemaError || err instanceof SyntaxError) {
      throw new LakeError('corrupt', `hudi: Avro data block at byte ${block.offset}: ${err.message}`, path, { cause: err });
    }
    throw err;
  }
}

/** Reads a log file's blocks; Parquet data blocks get their record count from their footer. */
export async function readLogFile(storage: Storage, path: string): Promise<LogBlock[]> {
  const blocks = readLogBlocks(await storage.read(path), path);
  for (const b of blocks) {
    if (b.type !== 'parquet') continue;
    try {
      b.records = Number((await readParquetMetadata(bufferOf(b.content), path)).num_rows);
    } catch {
      b.records = null;
    }
  }
  return blocks;
}
