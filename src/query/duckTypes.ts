/**
 * Table types (Delta's and Iceberg's names, as the core's model keeps them) as DuckDB types.
 * The formats disagree on one name: Delta `timestamp` is adjusted to UTC (TIMESTAMPTZ) while
 * Iceberg `timestamp` is not (Iceberg calls the UTC one `timestamptz`).
 */
import { LakeError } from '../core/errors';
import type { DataType, TableFormat } from '../core/model';
import { ident } from './sql';

const DELTA_PRIMITIVES: Record<string, string> = {
  string: 'VARCHAR',
  long: 'BIGINT',
  integer: 'INTEGER',
  short: 'SMALLINT',
  byte: 'TINYINT',
  float: 'FLOAT',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  binary: 'BLOB',
  date: 'DATE',
  timestamp: 'TIMESTAMP WITH TIME ZONE',
  timestamp_ntz: 'TIMESTAMP',
  variant: 'VARIANT',
  void: '"NULL"',
};

const ICEBERG_PRIMITIVES: Record<string, string> = {
  boolean: 'BOOLEAN',
  int: 'INTEGER',
  long: 'BIGINT',
  float: 'FLOAT',
  double: 'DOUBLE',
  date: 'DATE',
  time: 'TIME',
  timestamp: 'TIMESTAMP',
  timestamptz: 'TIMESTAMP WITH TIME ZONE',
  timestamp_ns: 'TIMESTAMP_NS',
  // DuckDB has no nanosecond TIMESTAMPTZ: shown as TIMESTAMP_NS, which in the UTC session is the
  // same instant at full precision
  timestamptz_ns: 'TIMESTAMP_NS',
  string: 'VARCHAR',
  uuid: 'UUID',
  binary: 'BLOB',
  variant: 'VARIANT',
  unknown: '"NULL"',
};

/** DuckDB type of a table type, e.g. `STRUCT("a" BIGINT, "b" VARCHAR[])`. */
export function duckType(t: DataType, format: TableFormat, column: string): string {
  if (typeof t === 'string') {
    const decimal = /^decimal\((\d+),\s*(-?\d+)\)$/.exec(t);
    if (decimal) {
      const p = Number(decimal[1]);
      const s = Number(decimal[2]);
      if (p < 1 || p > 38 || s < 0 || s > p) throw new LakeError('unsupported', `${format}: column ${column} has type ${t}; DuckDB supports decimals up to precision 38 with 0 ≤ scale ≤ precision`);
      return `DECIMAL(${p},${s})`;
    }
    if (format === 'iceberg' && /^fixed\[\d+\]$/.test(t)) return 'BLOB';
    const table = format === 'iceberg' ? ICEBERG_PRIMITIVES : DELTA_PRIMITIVES;
    const d = table[t];
    if (d === undefined) throw new LakeError('unsupported', `${format}: column ${column} has type ${t}, which Lakelens cannot read`);
    return d;
  }
  if (t.type === 'struct') {
    if (t.fields.length === 0) throw new LakeError('unsupported', `${format}: column ${column} is an empty struct, which DuckDB cannot represent`);
    return `STRUCT(${t.fields.map((f) => `${ident(f.name)} ${duckType(f.type, format, `${column}.${f.name}`)}`).join(', ')})`;
  }
  if (t.type === 'array') return `${duckType(t.elementType, format, `${column}.element`)}[]`;
  return `MAP(${duckType(t.keyType, format, `${column}.key`)}, ${duckType(t.valueType, format, `${column}.value`)})`;
}
