/**
 * Iceberg v3 `initial-default` values (JSON single-value serialization, spec Appendix D) as typed
 * SQL. A column added with a default reads that default from files written before it existed
 * (spec "Default values"); a struct default is `{}` or per-field values keyed by field id, with
 * each missing field taking its own initial default.
 */
import { LakeError } from '../core/errors';
import type { DataType, TableFormat } from '../core/model';
import { duckType } from './duckTypes';
import { ident, str } from './sql';

export function defaultSql(value: unknown, type: DataType, column: string, format: TableFormat): string {
  const target = duckType(type, format, column);
  if (value === null || value === undefined) return `CAST(NULL AS ${target})`;
  const bad = (): never => {
    throw new LakeError('corrupt', `${format}: initial-default ${JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? String(v) : v))} of column ${column} does not fit its type`);
  };
  if (typeof type === 'string') {
    if (target === 'BLOB') return typeof value === 'string' && /^([0-9a-fA-F]{2})*$/.test(value) ? `unhex(${str(value)})` : bad();
    if (typeof value === 'object') return bad();
    return `CAST(${str(String(value))} AS ${target})`;
  }
  if (type.type === 'struct') {
    if (typeof value !== 'object' || Array.isArray(value)) return bad();
    const obj = value as Record<string, unknown>;
    const parts = type.fields.map((f) => {
      const v = f.id !== undefined && String(f.id) in obj ? obj[String(f.id)] : f.initialDefault;
      return `${ident(f.name)} := ${defaultSql(v, f.type, `${column}.${f.name}`, format)}`;
    });
    return `struct_pack(${parts.join(', ')})`;
  }
  if (type.type === 'array') {
    if (!Array.isArray(value)) return bad();
    return `CAST([${value.map((v) => defaultSql(v, type.elementType, `${column}.element`, format)).join(', ')}] AS ${target})`;
  }
  const m = value as { keys?: unknown; values?: unknown };
  if (!Array.isArray(m.keys) || !Array.isArray(m.values) || m.keys.length !== m.values.length) return bad();
  const keys = m.keys.map((k) => defaultSql(k, type.keyType, `${column}.key`, format));
  const values = m.values.map((v) => defaultSql(v, type.valueType, `${column}.value`, format));
  return `CAST(MAP([${keys.join(', ')}], [${values.join(', ')}]) AS ${target})`;
}
