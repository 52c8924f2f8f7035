/**
 * Seeded pseudo-random values for the generators: the same seed gives byte-identical tables, so
 * results from different runs and machines measure the same data.
 */

/** mulberry32: small, fast, and good enough to vary sizes, ids and names. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Integer in [lo, hi). */
export function intIn(r: () => number, lo: number, hi: number): number {
  return lo + Math.floor(r() * (hi - lo));
}

const HEX = '0123456789abcdef';

function hexChars(r: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += HEX[Math.floor(r() * 16)];
  return s;
}

/** A version-4-shaped UUID string. */
export function uuid(r: () => number): string {
  return `${hexChars(r, 8)}-${hexChars(r, 4)}-4${hexChars(r, 3)}-a${hexChars(r, 3)}-${hexChars(r, 12)}`;
}

/** A positive 63-bit id, well above 2^53 like Java's snapshot ids (rounded by JSON.parse). */
export function longId(r: () => number): bigint {
  const hi = BigInt(Math.floor(r() * 2 ** 31)) | (1n << 30n); // keeps ids above 2^61
  const lo = BigInt(Math.floor(r() * 2 ** 32));
  return (hi << 32n) | lo;
}
