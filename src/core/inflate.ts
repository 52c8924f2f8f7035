/**
 * DEFLATE (RFC 1951) and gzip (RFC 1952) decompression in plain TypeScript, with a hard cap on
 * the output size. Iceberg needs it for Avro `deflate` blocks (manifests, manifest lists) and for
 * gzipped metadata JSON. Written here rather than taken from node:zlib because core must run
 * without Node, and rather than from hyparquet-compressors' gunzip because that one grows its
 * output without a limit (a 1 MB bomb could ask for a gigabyte) and treats a raw stream as
 * possibly multi-member gzip. Table-driven decoding in the style of fflate: a code is looked up
 * in one step from the next (bit-reversed) bits instead of walking the tree bit by bit.
 */
import { LakeError } from './errors';

// Length codes 257..285: base lengths and extra bits; distance codes 0..29 likewise.
const LEN_BASE = new Uint16Array([3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]);
const LEN_EXTRA = new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]);
const DIST_BASE = new Uint16Array([1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]);
const DIST_EXTRA = new Uint8Array([0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]);
/** Order in which code-length code lengths are stored in a dynamic block header. */
const CL_ORDER = new Uint8Array([16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]);

/** 15-bit bit reversal: Huffman codes are stored MSB-first, but bits are read LSB-first. */
const REV = new Uint16Array(32768);
for (let i = 0; i < 32768; i++) {
  let x = ((i & 0xaaaa) >>> 1) | ((i & 0x5555) << 1);
  x = ((x & 0xcccc) >>> 2) | ((x & 0x3333) << 2);
  x = ((x & 0xf0f0) >>> 4) | ((x & 0x0f0f) << 4);
  REV[i] = (((x & 0xff00) >>> 8) | ((x & 0x00ff) << 8)) >>> 1;
}

class InflateError extends Error {}

/**
 * Lookup table for a canonical Huffman code given its code lengths: indexed by the next `maxBits`
 * input bits, each entry is `symbol << 4 | codeLength` (0 = no code, i.e. invalid input).
 */
function huffTable(lengths: Uint8Array, maxBits: number): Uint16Array {
  const count = new Uint16Array(maxBits + 1);
  for (let i = 0; i < lengths.length; i++) count[lengths[i]!]!++;
  count[0] = 0;
  // an over-subscribed code would make codes overlap; incomplete ones leave holes (caught on use)
  let left = 1;
  for (let len = 1; len <= maxBits; len++) {
    left = (left << 1) - count[len]!;
    if (left < 0) throw new InflateError('over-subscribed Huffman code');
  }
  // first canonical code of each length (RFC 1951 3.2.2)
  const next = new Uint16Array(maxBits + 1);
  for (let len = 1, code = 0; len <= maxBits; len++) {
    code = (code + count[len - 1]!) << 1;
    next[len] = code;
  }
  const table = new Uint16Array(1 << maxBits);
  const shift = 15 - maxBits;
  for (let sym = 0; sym < lengths.length; sym++) {
    const len = lengths[sym]!;
    if (len === 0) continue;
    const entry = (sym << 4) | len;
    const free = maxBits - len;
    // every table index whose first `len` bits are this code
    let v = next[len]!++ << free;
    for (const last = v | ((1 << free) - 1); v <= last; v++) table[REV[v]! >>> shift] = entry;
  }
  return table;
}

function maxOf(a: Uint8Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) if (a[i]! > m) m = a[i]!;
  return m;
}

const FIXED_LEN = (() => {
  const l = new Uint8Array(288);
  l.fill(8, 0, 144);
  l.fill(9, 144, 256);
  l.fill(7, 256, 280);
  l.fill(8, 280, 288);
  return huffTable(l, 9);
})();
const FIXED_DIST = huffTable(new Uint8Array(30).fill(5), 5);
const NO_DIST = new Uint16Array(1);

/** Up to 9 bits at bit position `p` (out-of-range bytes read as 0; callers check the end). */
function bits(d: Uint8Array, p: number, mask: number): number {
  const o = p >>> 3;
  return (((d[o] ?? 0) | ((d[o + 1] ?? 0) << 8)) >>> (p & 7)) & mask;
}

/** At least 17 bits starting at bit position `p`. */
function bits17(d: Uint8Array, p: number): number {
  const o = p >>> 3;
  return ((d[o] ?? 0) | ((d[o + 1] ?? 0) << 8) | ((d[o + 2] ?? 0) << 16)) >>> (p & 7);
}

/**
 * Inflates the raw DEFLATE stream starting at byte `start`. Returns the output and the byte offset
 * just after the stream. More than `maxOutput` bytes of output is a `too-large` error.
 */
export function inflateRaw(input: Uint8Array, maxOutput: number, path?: string, start = 0): { out: Uint8Array; end: number } {
  try {
    return inflateRawInner(input, maxOutput, start, path);
  } catch (err) {
    if (err instanceof InflateError) throw new LakeError('corrupt', `deflate: ${err.message}`, path);
    throw err;
  }
}

function inflateRawInner(input: Uint8Array, maxOutput: number, start: number, path?: string): { out: Uint8Array; end: number } {
  const totalBits = input.length * 8;
  let out = new Uint8Array(Math.min(maxOutput, Math.max(1024, (input.length - start) * 4)));
  let op = 0;
  let pos = start * 8;
  const grow = (need: number) => {
    if (need > maxOutput) throw new LakeError('too-large', `deflate: output exceeds ${maxOutput} bytes`, path);
    const bigger = new Uint8Array(Math.min(maxOutput, Math.max(out.length * 2, need)));
    bigger.set(out.subarray(0, op));
    out = bigger;
  };
  let final = 0;
  do {
    if (pos + 3 > totalBits) throw new InflateError('unexpected end of data');
    final = bits(input, pos, 1);
    const type = bits(input, pos + 1, 3);
    pos += 3;
    if (type === 0) {
      // stored block: byte-aligned LEN, NLEN (one's complement), then LEN raw bytes
      const s = (pos + 7) >>> 3;
      if (s + 4 > input.length) throw new InflateError('unexpected end of data');
      const len = input[s]! | (input[s + 1]! << 8);
      if ((len ^ 0xffff) !== (input[s + 2]! | (input[s + 3]! << 8))) throw new InflateError('stored block length check failed');
      const e = s + 4 + len;
      if (e > input.length) throw new InflateError('unexpected end of data');
      if (op + len > out.length) grow(op + len);
      out.set(input.subarray(s + 4, e), op);
      op += len;
      pos = e * 8;
      continue;
    }
    let lenTable: Uint16Array;
    let distTable: Uint16Array;
    let lenBits: number;
    let distBits: number;
    if (type === 1) {
      lenTable = FIXED_LEN;
      distTable = FIXED_DIST;
      lenBits = 9;
      distBits = 5;
    } else if (type === 2) {
      const nLen = bits(input, pos, 31) + 257;
      const nDist = bits(input, pos + 5, 31) + 1;
      const nCl = bits(input, pos + 10, 15) + 4;
      pos += 14;
      if (nLen > 286 || nDist > 30) throw new InflateError('too many length or distance codes');
      const clLengths = new Uint8Array(19);
      for (let i = 0; i < nCl; i++) clLengths[CL_ORDER[i]!] = bits(input, pos + i * 3, 7);
      pos += nCl * 3;
      const clBits = maxOf(clLengths);
      if (clBits === 0) throw new InflateError('empty code-length code');
      const clTable = huffTable(clLengths, clBits);
      const clMask = (1 << clBits) - 1;
      const lengths = new Uint8Array(nLen + nDist);
      for (let i = 0; i < lengths.length; ) {
        const e = clTable[bits(input, pos, clMask)]!;
        if (e === 0) throw new InflateError('invalid code-length code');
        pos += e & 15;
        const sym = e >>> 4;
        if (sym < 16) {
          lengths[i++] = sym;
        } else {
          let n: number;
          let v = 0;
          if (sym === 16) {
            if (i === 0) throw new InflateError('repeat with no previous length');
            v = lengths[i - 1]!;
            n = 3 + bits(input, pos, 3);
            pos += 2;
          } else if (sym === 17) {
            n = 3 + bits(input, pos, 7);
            pos += 3;
          } else {
            n = 11 + bits(input, pos, 127);
            pos += 7;
          }
          if (i + n > lengths.length) throw new InflateError('code lengths overflow');
          lengths.fill(v, i, i + n);
          i += n;
        }
        if (pos > totalBits) throw new InflateError('unexpected end of data');
      }
      const litLengths = lengths.subarray(0, nLen);
      const distLengths = lengths.subarray(nLen);
      if (litLengths[256] === 0) throw new InflateError('no end-of-block code');
      lenBits = maxOf(litLengths);
      distBits = maxOf(distLengths);
      lenTable = huffTable(litLengths, lenBits);
      distTable = distBits ? huffTable(distLengths, distBits) : NO_DIST;
    } else {
      throw new InflateError('invalid block type');
    }
    const lenMask = (1 << lenBits) - 1;
    const distMask = (1 << distBits) - 1;
    for (;;) {
      const e = lenTable[bits17(input, pos) & lenMask]!;
      if (e === 0) throw new InflateError('invalid literal/length code');
      pos += e & 15;
      if (pos > totalBits) throw new InflateError('unexpected end of data');
      const sym = e >>> 4;
      if (sym < 256) {
        if (op >= out.length) grow(op + 1);
        out[op++] = sym;
        continue;
      }
      if (sym === 256) break;
      const li = sym - 257;
      if (li > 28) throw new InflateError('invalid length code');
      let len = LEN_BASE[li]!;
      const le = LEN_EXTRA[li]!;
      if (le) {
        len += bits(input, pos, (1 << le) - 1);
        pos += le;
      }
      const d = distTable[bits17(input, pos) & distMask]!;
      if (d === 0) throw new InflateError('invalid distance code');
      pos += d & 15;
      const ds = d >>> 4;
      if (ds > 29) throw new InflateError('invalid distance code');
      let dist = DIST_BASE[ds]!;
      const de = DIST_EXTRA[ds]!;
      if (de) {
        dist += bits17(input, pos) & ((1 << de) - 1);
        pos += de;
      }
      if (pos > totalBits) throw new InflateError('unexpected end of data');
      if (dist > op) throw new InflateError('distance too far back');
      const end = op + len;
      if (end > out.length) grow(end);
      for (; op < end; op++) out[op] = out[op - dist]!;
    }
  } while (!final);
  return { out: out.subarray(0, op), end: (pos + 7) >>> 3 };
}

/** True when the bytes start with the gzip magic number. */
export function isGzip(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

/**
 * Decompresses a gzip file (all members, concatenated), checking each member's CRC-32 and length.
 * More than `maxOutput` bytes of output is a `too-large` error.
 */
export function gunzip(input: Uint8Array, maxOutput: number, crc: (b: Uint8Array) => number, path?: string): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 0;
  let p = 0;
  const fail = (msg: string): never => {
    throw new LakeError('corrupt', `gzip: ${msg}`, path);
  };
  while (p < input.length) {
    if (input.length - p < 18 || input[p] !== 0x1f || input[p + 1] !== 0x8b) fail(parts.length ? 'trailing garbage after the last member' : 'not a gzip file');
    if (input[p + 2] !== 8) fail('unknown compression method');
    const flags = input[p + 3]!;
    p += 10;
    if (flags & 4) p += 2 + (input[p]! | (input[p + 1]! << 8)); // FEXTRA
    if (flags & 8) while (p < input.length && input[p++] !== 0); // FNAME
    if (flags & 16) while (p < input.length && input[p++] !== 0); // FCOMMENT
    if (flags & 2) p += 2; // FHCRC
    if (p >= input.length) fail('truncated header');
    const { out, end } = inflateRaw(input, maxOutput - total, path, p);
    if (end + 8 > input.length) fail('truncated trailer');
    const want = (input[end]! | (input[end + 1]! << 8) | (input[end + 2]! << 16) | (input[end + 3]! << 24)) >>> 0;
    const size = (input[end + 4]! | (input[end + 5]! << 8) | (input[end + 6]! << 16) | (input[end + 7]! << 24)) >>> 0;
    if (crc(out) !== want) fail('CRC-32 mismatch');
    if (size !== out.length % 2 ** 32) fail('length mismatch');
    parts.push(out);
    total += out.length;
    p = end + 8;
  }
  if (parts.length === 1) return parts[0]!;
  const all = new Uint8Array(total);
  let o = 0;
  for (const x of parts) {
    all.set(x, o);
    o += x.length;
  }
  return all;
}
