/**
 * Binary single-value serialization (spec Appendix D), used for manifest lower/upper bounds and
 * manifest-list partition summaries. Bounds are not rewritten when a column's type is promoted, so
 * the byte length decides the written type (spec "Schema Evolution": a 4-byte `long` bound is an
 * `int`, a 4-byte `double` a `float`, a 4-byte timestamp a `date`). Values that do not fit their
 * type (wrong length) are shown as hex rather than refused: bounds are informational.
 */
import { formatDate, formatTimestamp } from './temporal';
import { type DisplayValue, bigEndianSigned, decimalParams, displayValue, float32, formatDecimal, formatUuid, hex } from './values';

const utf8 = new TextDecoder('utf-8');

/** Decodes a serialized single value of Iceberg primitive `type` into its display form. */
export function decodeSingleValue(type: string, b: Uint8Array): DisplayValue {
  const n = b.length;
  switch (type) {
    case 'boolean':
      return n === 1 ? b[0] !== 0 : raw(b);
    case 'int':
      return n === 4 ? int32(b) : raw(b);
    case 'long':
      if (n === 4) return int32(b);
      return n === 8 ? int64(b) : raw(b);
    case 'float':
      return n === 4 ? float32(view(b).getFloat32(0, true)) : raw(b);
    case 'double':
      if (n === 4) return float32(view(b).getFloat32(0, true));
      return n === 8 ? view(b).getFloat64(0, true) : raw(b);
    case 'date':
      return n === 4 ? formatDate(int32(b)) : raw(b);
    case 'time':
      return n === 8 ? displayValue('time', int64(b)) : raw(b);
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns': {
      const ns = type.endsWith('_ns');
      const zoned = type.startsWith('timestamptz');
      // written as a date before the column was promoted: midnight of that day
      if (n === 4) return formatTimestamp(BigInt(int32(b)) * 86_400_000_000n * (ns ? 1000n : 1n), ns ? 'ns' : 'us', zoned);
      return n === 8 ? formatTimestamp(int64(b), ns ? 'ns' : 'us', zoned) : raw(b);
    }
    case 'string':
      return utf8.decode(b);
    case 'uuid':
      return n === 16 ? formatUuid(b) : raw(b);
  }
  const dec = decimalParams(type);
  if (dec) return n > 0 ? formatDecimal(bigEndianSigned(b), dec[1]) : raw(b);
  // binary, fixed[L], and types without a defined serialization (variant, geometry, …)
  return raw(b);
}

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

function int32(b: Uint8Array): number {
  return b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24);
}

/** 8 little-endian bytes: a number while exact, else a bigint. */
function int64(b: Uint8Array): number | bigint {
  const lo = (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
  const hi = b[4]! | (b[5]! << 8) | (b[6]! << 16) | (b[7]! << 24);
  // |hi| < 2^21 keeps hi * 2^32 + lo within ±2^53
  if (hi > -0x200000 && hi < 0x200000) return hi * 4294967296 + lo;
  return view(b).getBigInt64(0, true);
}

function raw(b: Uint8Array): string {
  return `0x${hex(b)}`;
}
