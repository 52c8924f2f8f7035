/**
 * Typed Iceberg values in the shared model's display form (model.ts `PartitionValue`): numbers and
 * booleans as such, longs beyond 2^53 as bigint, decimals as exact strings (`14.20`), dates, times
 * and timestamps in Appendix D's text forms, UUIDs as lowercase strings, binary and fixed as `0x…`.
 * Input values are what the Avro decoder and the single-value decoder produce.
 */
import { type Int64, formatDate, formatTime, formatTimestamp } from './temporal';

export type DisplayValue = string | number | bigint | boolean | null;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function hex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += HEX[b[i]!];
  return s;
}

/** Two's-complement big-endian bytes → bigint. */
export function bigEndianSigned(b: Uint8Array): bigint {
  if (b.length === 0) return 0n;
  let v = 0n;
  for (let i = 0; i < b.length; i++) v = (v << 8n) | BigInt(b[i]!);
  return b[0]! & 0x80 ? v - (1n << BigInt(b.length * 8)) : v;
}

/** Minimal two's-complement big-endian bytes of a bigint (Appendix B `minBigEndian`). */
export function minBigEndian(v: bigint): Uint8Array {
  const out: number[] = [];
  let x = v;
  for (;;) {
    const byte = Number(BigInt.asUintN(8, x));
    out.unshift(byte);
    x >>= 8n;
    // stop once the remaining bits are pure sign extension of the byte just written
    if ((x === 0n && !(byte & 0x80)) || (x === -1n && byte & 0x80)) break;
  }
  return Uint8Array.from(out);
}

/** `decimal(P,S)` → [P, S], or undefined for other types. */
export function decimalParams(type: string): [number, number] | undefined {
  const m = /^decimal\((\d+),(-?\d+)\)$/.exec(type);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** Exact decimal text of an unscaled value: 1420n, 2 → `14.20`. */
export function formatDecimal(unscaled: bigint, scale: number): string {
  if (scale <= 0) return (unscaled * 10n ** BigInt(-scale)).toString();
  const neg = unscaled < 0n;
  const digits = (neg ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  return `${neg ? '-' : ''}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

/** Unscaled value of a decimal given as text (`-14.2` at scale 2 → -1420n); undefined when not a number. */
export function parseDecimal(text: string, scale: number): bigint | undefined {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const frac = (m[3] ?? '').padEnd(scale, '0');
  if (frac.length > scale && /[1-9]/.test(frac.slice(scale))) return undefined;
  const v = BigInt((m[2] || '0') + frac.slice(0, scale));
  return m[1] === '-' ? -v : v;
}

export function formatUuid(b: Uint8Array): string {
  const h = hex(b);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function uuidBytes(s: string): Uint8Array | undefined {
  const h = s.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(h)) return undefined;
  return Uint8Array.from({ length: 16 }, (_, i) => parseInt(h.slice(i * 2, i * 2 + 2), 16));
}

function isInt64(v: unknown): v is Int64 {
  return (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'bigint';
}

/**
 * A float32 as the shortest decimal that reads back as the same float32 (1.1f, not
 * 1.100000023841858), which is how Java and the engines' folder names print it.
 */
export function float32(v: number): number {
  if (!Number.isFinite(v)) return v;
  for (let p = 1; p <= 9; p++) {
    const s = Number(v.toPrecision(p));
    if (Math.fround(s) === v) return s;
  }
  return v;
}

/** Display form of a value of Iceberg primitive `type` as decoded from Avro or a bound. */
export function displayValue(type: string, v: unknown): DisplayValue {
  if (v === null || v === undefined) return null;
  switch (type) {
    case 'date':
      return typeof v === 'number' ? formatDate(v) : generic(v);
    case 'time':
      return isInt64(v) ? formatTime(v) : generic(v);
    case 'timestamp':
      return isInt64(v) ? formatTimestamp(v, 'us', false) : generic(v);
    case 'timestamptz':
      return isInt64(v) ? formatTimestamp(v, 'us', true) : generic(v);
    case 'timestamp_ns':
      return isInt64(v) ? formatTimestamp(v, 'ns', false) : generic(v);
    case 'timestamptz_ns':
      return isInt64(v) ? formatTimestamp(v, 'ns', true) : generic(v);
    case 'uuid':
      return v instanceof Uint8Array && v.length === 16 ? formatUuid(v) : generic(v);
    case 'float':
      return typeof v === 'number' ? float32(v) : generic(v);
  }
  const dec = decimalParams(type);
  if (dec) {
    if (v instanceof Uint8Array) return formatDecimal(bigEndianSigned(v), dec[1]);
    if (isInt64(v)) return formatDecimal(BigInt(v), dec[1]);
  }
  return generic(v);
}

function generic(v: unknown): DisplayValue {
  if (v instanceof Uint8Array) return `0x${hex(v)}`;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return v;
  return String(v);
}
