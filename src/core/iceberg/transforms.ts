/**
 * Partition transforms (spec "Partition Transforms", "Bucket Transform Details", "Truncate
 * Transform Details"): identity, bucket[N], truncate[W], year, month, day, hour, void. Parsing
 * from the JSON name, the result type, applying a transform to a source value (for pruning: a
 * predicate value goes through the same transform as the data did) and showing results in human
 * form. Unknown transforms are kept by name and never used for pruning (spec: "ignored").
 */
import { murmur3, hashLong } from './murmur3';
import { civilFromDays, humanDay, humanHour, humanMonth, humanYear } from './temporal';
import { type DisplayValue, decimalParams, displayValue, formatDecimal, minBigEndian, parseDecimal, uuidBytes } from './values';

export type Transform =
  | { kind: 'identity' | 'year' | 'month' | 'day' | 'hour' | 'void' }
  | { kind: 'bucket'; n: number }
  | { kind: 'truncate'; width: number }
  | { kind: 'unknown'; name: string };

/** Parses `identity`, `bucket[16]`, `truncate[4]`, `day`, … (case-insensitive, as Java accepts). */
export function parseTransform(s: string): Transform {
  const t = s.trim().toLowerCase();
  if (t === 'identity' || t === 'year' || t === 'month' || t === 'day' || t === 'hour' || t === 'void') return { kind: t };
  // pre-1.0 writers used plural names for time transforms
  if (t === 'years' || t === 'months' || t === 'days' || t === 'hours') return { kind: t.slice(0, -1) as 'year' };
  const m = /^(bucket|truncate)\[(\d+)\]$/.exec(t);
  if (m && Number(m[2]) > 0 && Number.isSafeInteger(Number(m[2]))) return m[1] === 'bucket' ? { kind: 'bucket', n: Number(m[2]) } : { kind: 'truncate', width: Number(m[2]) };
  return { kind: 'unknown', name: s };
}

export function transformToString(t: Transform): string {
  if (t.kind === 'bucket') return `bucket[${t.n}]`;
  if (t.kind === 'truncate') return `truncate[${t.width}]`;
  if (t.kind === 'unknown') return t.name;
  return t.kind;
}

/** Type of the transform's output for a source column of `sourceType`. */
export function resultType(t: Transform, sourceType: string): string {
  switch (t.kind) {
    case 'bucket':
    case 'year':
    case 'month':
    case 'day':
    case 'hour':
      return 'int';
    default:
      return sourceType;
  }
}

/** Human form of a transformed value as stored in a manifest's partition tuple. */
export function displayPartition(t: Transform, sourceType: string, v: unknown): DisplayValue {
  if (v === null || v === undefined || t.kind === 'void') return null;
  if (typeof v === 'number') {
    if (t.kind === 'year') return humanYear(v);
    if (t.kind === 'month') return humanMonth(v);
    if (t.kind === 'day') return humanDay(v);
    if (t.kind === 'hour') return humanHour(v);
    if (t.kind === 'bucket') return v;
  }
  return displayValue(resultType(t, sourceType), v);
}

const NS_TYPES = new Set(['timestamp_ns', 'timestamptz_ns']);
const TS_TYPES = new Set(['timestamp', 'timestamptz', 'timestamp_ns', 'timestamptz_ns']);
const utf8 = new TextEncoder();

function floorDivBig(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/**
 * Applies a transform to a source value of `sourceType` and returns the display form of the
 * result, comparable with `DataFile.partitionValues`. Source values: numbers/bigints for ints,
 * dates (days), times and timestamps (epoch units); strings; Uint8Array for binary/fixed; decimals
 * as text (`14.20`) or unscaled bigint; UUIDs as text or 16 bytes. Unknown transforms return undefined.
 */
export function applyTransform(t: Transform, sourceType: string, v: unknown): DisplayValue | undefined {
  if (v === null || v === undefined) return null;
  switch (t.kind) {
    case 'identity':
      return displayValue(sourceType, v);
    case 'void':
      return null;
    case 'bucket': {
      const h = hashValue(sourceType, v);
      return h === undefined ? undefined : (h & 0x7fffffff) % t.n;
    }
    case 'truncate':
      return displayValue(sourceType, truncateValue(t.width, sourceType, v));
    case 'year':
    case 'month':
    case 'day':
    case 'hour': {
      const r = timeTransform(t.kind, sourceType, v);
      return r === undefined ? undefined : displayPartition(t, sourceType, r);
    }
    default:
      return undefined;
  }
}

/** The 32-bit hash of Appendix B, or undefined for types that cannot be bucketed. */
export function hashValue(type: string, v: unknown): number | undefined {
  if (type === 'int' || type === 'long' || type === 'date' || type === 'time' || type === 'timestamp' || type === 'timestamptz') {
    return typeof v === 'number' || typeof v === 'bigint' ? hashLong(v) : undefined;
  }
  if (NS_TYPES.has(type)) return typeof v === 'number' || typeof v === 'bigint' ? hashLong(floorDivBig(BigInt(v), 1000n)) : undefined;
  if (type === 'string') return typeof v === 'string' ? murmur3(utf8.encode(v)) : undefined;
  if (type === 'uuid') {
    const b = typeof v === 'string' ? uuidBytes(v) : v instanceof Uint8Array ? v : undefined;
    return b ? murmur3(b) : undefined;
  }
  if (type === 'binary' || type.startsWith('fixed')) return v instanceof Uint8Array ? murmur3(v) : undefined;
  const dec = decimalParams(type);
  if (dec) {
    const u = unscaledOf(v, dec[1]);
    return u === undefined ? undefined : murmur3(minBigEndian(u));
  }
  return undefined;
}

function unscaledOf(v: unknown, scale: number): bigint | undefined {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  if (typeof v === 'string') return parseDecimal(v, scale);
  return undefined;
}

function truncateValue(w: number, type: string, v: unknown): unknown {
  if ((type === 'int' || type === 'long') && typeof v === 'number') return v - (((v % w) + w) % w);
  if ((type === 'int' || type === 'long') && typeof v === 'bigint') {
    const W = BigInt(w);
    return v - (((v % W) + W) % W);
  }
  if (type === 'string' && typeof v === 'string') return [...v].slice(0, w).join(''); // code points, not UTF-16 units
  if (type === 'binary' && v instanceof Uint8Array) return v.slice(0, w);
  const dec = decimalParams(type);
  if (dec) {
    const u = unscaledOf(v, dec[1]);
    if (u === undefined) return undefined;
    const W = BigInt(w);
    return formatDecimal(u - (((u % W) + W) % W), dec[1]);
  }
  return undefined;
}

function timeTransform(kind: 'year' | 'month' | 'day' | 'hour', type: string, v: unknown): number | undefined {
  if (typeof v !== 'number' && typeof v !== 'bigint') return undefined;
  let days: number;
  if (type === 'date') {
    if (kind === 'hour') return undefined;
    days = Number(v);
  } else if (TS_TYPES.has(type)) {
    const perHour = NS_TYPES.has(type) ? 3_600_000_000_000n : 3_600_000_000n;
    const hours = floorDivBig(BigInt(v), perHour);
    if (kind === 'hour') return Number(hours);
    days = Number(floorDivBig(hours, 24n));
  } else return undefined;
  if (kind === 'day') return days;
  const [y, m] = civilFromDays(days);
  return kind === 'year' ? y - 1970 : (y - 1970) * 12 + (m - 1);
}
