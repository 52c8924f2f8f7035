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
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const n = b.length;
  switch (type) {
    case 'boolean':
      return n === 1 ? b[0] !== 0 : raw(b);
    case 'int':
      return n === 4 ? v.getInt32(0, true) : raw(b);
    case 'long':
      if (n === 4) return v.getInt32(0, true);
      return n === 8 ? int64(v) : raw(b);
    case 'float':
      return n === 4 ? float32(v.getFloat32(0, true)) : raw(b);
    case 'double':
      if (n === 4) return float32(v.getFloat32(0, true));
      return n === 8 ? v.getFloat64(0, true) : raw(b);
    case 'date':
      return n === 4 ? formatDate(v.getInt32(0, true)) : raw(b);
    case 'time':
      return n === 8 ? displayValue('time', int64(v)) : raw(b);
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns': {
      const ns = type.endsWith('_ns');
      const zoned = type.startsWith('timestamptz');
      // written as a date before the column was promoted: midnight of that day
      if (n === 4) return formatTimestamp(BigInt(v.getInt32(0, true)) * 86_400_000_000n * (ns ? 1000n : 1n), ns ? 'ns' : 'us', zoned);
      return n === 8 ? formatTimestamp(v.getBigInt64(0, true), ns ? 'ns' : 'us', zoned) : raw(b);
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

function int64(v: DataView): number | bigint {
  const x = v.getBigInt64(0, true);
  return x >= -9007199254740991n && x <= 9007199254740991n ? Number(x) : x;
}

function raw(b: Uint8Array): string {
  return `0x${hex(b)}`;
}
