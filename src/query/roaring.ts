/**
 * Decoding of Roaring bitmaps in the portable serialization
 * (https://github.com/RoaringBitmap/RoaringFormatSpec), which both Delta deletion vectors
 * (PROTOCOL.md "Deletion Vector Format") and Iceberg v3 deletion vectors (puffin-spec.md
 * "deletion-vector-v1") use for the positions of deleted rows.
 *
 * Input comes from table files we do not trust: every length is checked against the buffer, and a
 * malformed bitmap is an error, never a shorter set of deletes.
 */

const SERIAL_COOKIE_NO_RUNCONTAINER = 12346;
const SERIAL_COOKIE = 12347;
const NO_OFFSET_THRESHOLD = 4;
const MAX_ARRAY_CARDINALITY = 4096;
/** Positions beyond 2^53 cannot be held exactly in a JS number (nor exist in any real file). */
const MAX_KEY_64 = 2 ** 21;

export class RoaringError extends Error {}

class Reader {
  pos: number;
  constructor(
    readonly view: DataView,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }
  need(n: number, what: string): void {
    if (this.pos + n > this.end) throw new RoaringError(`truncated roaring bitmap: ${what} needs ${n} bytes at offset ${this.pos}, only ${this.end - this.pos} left`);
  }
  u16(): number {
    this.need(2, 'uint16');
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }
  u32(): number {
    this.need(4, 'uint32');
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  u64(): number {
    this.need(8, 'uint64');
    const lo = this.view.getUint32(this.pos, true);
    const hi = this.view.getUint32(this.pos + 4, true);
    this.pos += 8;
    if (hi >= 2 ** 21) throw new RoaringError('roaring bitmap count beyond 2^53');
    return hi * 2 ** 32 + lo;
  }
}

/**
 * Reads one 32-bit portable Roaring bitmap starting at `r.pos`, pushing `high + value` for each
 * member in ascending order. Leaves `r.pos` just after the bitmap.
 */
function readBitmap32(r: Reader, high: number, out: number[]): void {
  const cookie = r.u32();
  let count: number;
  let runFlags: Uint8Array | undefined;
  if ((cookie & 0xffff) === SERIAL_COOKIE) {
    count = (cookie >>> 16) + 1;
    const bytes = (count + 7) >> 3;
    r.need(bytes, 'run-container flags');
    runFlags = new Uint8Array(r.view.buffer, r.view.byteOffset + r.pos, bytes);
    r.pos += bytes;
  } else if (cookie === SERIAL_COOKIE_NO_RUNCONTAINER) {
    count = r.u32();
    if (count > 65536) throw new RoaringError(`roaring bitmap claims ${count} containers (at most 65536)`);
  } else {
    throw new RoaringError(`not a portable roaring bitmap (cookie ${cookie})`);
  }
  const keys = new Array<number>(count);
  const cards = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    keys[i] = r.u16();
    cards[i] = r.u16() + 1;
    if (i > 0 && keys[i]! <= keys[i - 1]!) throw new RoaringError('roaring container keys are not strictly ascending');
  }
  // offsets are redundant for a sequential read; skip them when present
  if (!runFlags || count >= NO_OFFSET_THRESHOLD) {
    r.need(4 * count, 'offset header');
    r.pos += 4 * count;
  }
  for (let i = 0; i < count; i++) {
    const base = high + keys[i]! * 65536;
    const isRun = runFlags !== undefined && (runFlags[i >> 3]! & (1 << (i & 7))) !== 0;
    if (isRun) {
      const runs = r.u16();
      let last = -1;
      let n = 0;
      for (let j = 0; j < runs; j++) {
        const start = r.u16();
        const len = r.u16();
        if (start <= last || start + len > 65535) throw new RoaringError('roaring run container is not sorted or overflows');
        for (let v = start; v <= start + len; v++) out.push(base + v);
        last = start + len;
        n += len + 1;
      }
      if (n !== cards[i]) throw new RoaringError(`roaring run container holds ${n} values, header says ${cards[i]}`);
    } else if (cards[i]! <= MAX_ARRAY_CARDINALITY) {
      r.need(2 * cards[i]!, 'array container');
      let last = -1;
      for (let j = 0; j < cards[i]!; j++) {
        const v = r.u16();
        if (v <= last) throw new RoaringError('roaring array container is not strictly ascending');
        out.push(base + v);
        last = v;
      }
    } else {
      r.need(8192, 'bitmap container');
      let n = 0;
      for (let w = 0; w < 2048; w++) {
        let word = r.view.getUint32(r.pos + 4 * w, true);
        while (word !== 0) {
          const bit = 31 - Math.clz32(word & -word);
          out.push(base + w * 32 + bit);
          word &= word - 1;
          n++;
        }
      }
      r.pos += 8192;
      if (n !== cards[i]) throw new RoaringError(`roaring bitmap container holds ${n} values, header says ${cards[i]}`);
    }
  }
}

/** Members of a 32-bit portable Roaring bitmap, ascending. */
export function decodeRoaring32(bytes: Uint8Array): number[] {
  const r = new Reader(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), 0, bytes.byteLength);
  const out: number[] = [];
  readBitmap32(r, 0, out);
  return out;
}

/**
 * Members of a 64-bit bitmap in the portable "Roaring64" layout: a little-endian uint64 count of
 * buckets, then per bucket a uint32 key (the high 32 bits) and a 32-bit bitmap of the low bits.
 * `bytes` must hold exactly the bitmap (trailing bytes are an error: they signal a wrong length).
 */
export function decodeRoaring64(bytes: Uint8Array): number[] {
  const r = new Reader(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), 0, bytes.byteLength);
  const buckets = r.u64();
  const out: number[] = [];
  let lastKey = -1;
  for (let b = 0; b < buckets; b++) {
    const key = r.u32();
    if (key <= lastKey) throw new RoaringError('roaring64 bucket keys are not strictly ascending');
    if (key >= MAX_KEY_64) throw new RoaringError(`roaring64 bucket key ${key} gives row positions beyond 2^53`);
    lastKey = key;
    readBitmap32(r, key * 2 ** 32, out);
  }
  if (r.pos !== bytes.byteLength) throw new RoaringError(`${bytes.byteLength - r.pos} unexpected bytes after the roaring64 bitmap`);
  return out;
}
