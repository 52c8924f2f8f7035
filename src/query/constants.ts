/**
 * Partition values (and other per-file constants) as typed SQL expressions. The core has already
 * typed and validated them (core/delta/partitionValues.ts); here they become DuckDB values.
 * Timestamps without a zone are read as UTC (the session zone is UTC), as delta-kernel-rs does and
 * the golden tables expect.
 */
import type { DataType, PartitionValue, TableFormat } from '../core/model';
import { duckType } from './duckTypes';
import { str } from './sql';

export function constantSql(value: PartitionValue | undefined, type: DataType, format: TableFormat, column: string): string {
  const target = duckType(type, format, column);
  if (value === null || value === undefined) return `CAST(NULL AS ${target})`;
  if (target === 'BLOB' && typeof value === 'string' && /^0x([0-9a-fA-F]{2})*$/.test(value)) return `unhex(${str(value.slice(2))})`;
  let text: string;
  if (typeof value === 'number') text = Object.is(value, -0) ? '-0.0' : Number.isNaN(value) ? 'NaN' : String(value);
  else text = String(value);
  return `CAST(${str(text)} AS ${target})`;
}
