/**
 * Table types (each format's own names, as the core's model keeps them) as DuckDB types.
 * The formats disagree on one name: Delta and Hudi `timestamp` are adjusted to UTC (TIMESTAMPTZ)
 * while Iceberg `timestamp` is not (Iceberg calls the UTC one `timestamptz`).
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

/**
 * Hudi's names for its Avro writer schema's types (core/hudi/schema.ts). Avro has no byte or
 * short: Spark writes those as `int`, and the files' narrower Parquet types widen losslessly.
 * Avro timestamp-millis/-micros are instants (UTC), local-timestamp-* are not.
 */
const HUDI_PRIMITIVES: Record<string, string> = {
  boolean: 'BOOLEAN',
  int: 'INTEGER',
  long: 'BIGINT',
  float: 'FLOAT',
  double: 'DOUBLE',
  string: 'VARCHAR',
  binary: 'BLOB',
  date: 'DATE',
  timestamp: 'TIMESTAMP WITH TIME ZONE',
  timestamp_ntz: 'TIMESTAMP',
  time: 'TIME',
  // Avro uuid annotates a string; Hudi's Spark reader shows it as one, so the text stays verbatim
  uuid: 'VARCHAR',
  void: '"NULL"',
};

const PRIMITIVES: Record<TableFormat, Record<string, string>> = { delta: DELTA_PRIMITIVES, iceberg: ICEBERG_PRIMITIVES, hudi: HUDI_PRIMITIVES };

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
    if (format !== 'delta' && /^fixed\[\d+\]$/.test(t)) return 'BLOB';
    // own keys only: a type named `constructor` must not find Object.prototype's
    const d = Object.hasOwn(PRIMITIVES[format], t) ? PRIMITIVES[format][t] : undefined;
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
