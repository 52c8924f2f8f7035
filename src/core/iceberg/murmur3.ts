/**
 * 32-bit Murmur3 hash, x86 variant, seed 0: the hash behind the `bucket[N]` transform (spec
 * "Bucket Transform Details" and Appendix B). Returns a signed 32-bit value, as Java does.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/** murmur3_x86_32 of the bytes (Iceberg always uses seed 0). */
export function murmur3(bytes: Uint8Array, seed = 0): number {
  let h = seed | 0;
  const n = bytes.length;
  const blocks = n & ~3;
  for (let i = 0; i < blocks; i += 4) {
    let k = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    k = Math.imul(k, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const rem = n & 3;
  if (rem > 0) {
    let k = 0;
    if (rem === 3) k ^= bytes[blocks + 2]! << 16;
    if (rem >= 2) k ^= bytes[blocks + 1]! << 8;
    k ^= bytes[blocks]!;
    k = Math.imul(k, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    h ^= k;
  }
  h ^= n;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** Hash of a long: its 8 little-endian bytes (ints hash as longs, so promotion keeps buckets). */
export function hashLong(v: number | bigint): number {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigInt64(0, BigInt.asIntN(64, BigInt(v)), true);
  return murmur3(b);
}
