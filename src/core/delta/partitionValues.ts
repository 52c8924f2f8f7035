/**
 * Partition values are strings in the log (PROTOCOL.md "Partition Value Serialization"); here they
 * become typed by the column's schema type. An empty string or null is NULL for every type, as in
 * Spark and delta-kernel-rs.
 */
import { LakeError } from '../errors';
import type { DataType, PartitionValue, StructType } from '../model';

/** Typed value of one serialized partition value. */
export function typePartitionValue(raw: string | null | undefined, type: DataType, column: string, file: string): PartitionValue {
  if (raw === null || raw === undefined || raw === '') return null;
  if (typeof type !== 'string') throw new LakeError('corrupt', `delta: partition column ${column} has a non-primitive type`, file);
  const bad = (): never => {
    throw new LakeError('corrupt', `delta: partition value ${JSON.stringify(raw)} is not a valid ${type} for column ${column}`, file);
  };
  switch (type) {
    case 'string':
      return raw;
    case 'boolean': {
      const l = raw.toLowerCase();
      return l === 'true' ? true : l === 'false' ? false : bad();
    }
    case 'byte':
    case 'short':
    case 'integer': {
      if (!/^[+-]?\d+$/.test(raw.trim())) return bad();
      return Number(raw);
    }
    case 'long': {
      if (!/^[+-]?\d+$/.test(raw.trim())) return bad();
      const b = BigInt(raw.trim());
      return Number.isSafeInteger(Number(b)) ? Number(b) : b;
    }
    case 'float':
    case 'double': {
      const n = Number(raw);
      if (Number.isNaN(n) && raw !== 'NaN') return bad();
      return n;
    }
    case 'date':
      return /^-?\d{4,}-\d{2}-\d{2}$/.test(raw) ? raw : bad();
    case 'timestamp':
    case 'timestamp_ntz':
      return /^-?\d{4,}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/.test(raw) ? raw : bad();
    case 'binary':
      // Spark writes the bytes as a UTF-8 string ("\u0001\u0002"; "😈" for F0 9F 98 88) and reads
      // them back as that string's UTF-8 bytes, as delta-kernel-rs does; shown as hex
      return '0x' + Array.from(new TextEncoder().encode(raw), (b) => b.toString(16).padStart(2, '0')).join('');
    default:
      if (type.startsWith('decimal')) return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw) ? raw : bad();
      return raw;
  }
}

/**
 * Typed partition values keyed by logical column name. `values` is keyed by physical name when
 * column mapping is on; `physToLogical` maps them back.
 */
export function typePartitionValues(
  values: Record<string, string | null>,
  partitionColumns: string[],
  schema: StructType,
  physToLogical: Map<string, string>,
  file: string,
): Record<string, PartitionValue> {
  const out: Record<string, PartitionValue> = {};
  for (const [k, raw] of Object.entries(values)) {
    const logical = physToLogical.get(k) ?? k;
    const field = schema.fields.find((f) => f.name === logical);
    out[logical] = field ? typePartitionValue(raw, field.type, logical, file) : raw;
  }
  for (const c of partitionColumns) if (!(c in out)) out[c] = null;
  return out;
}
