/**
 * From a file's physical columns to the table's logical columns: find each table column in the
 * file (by name, physical name or field id, nested fields included), rename it, cast it to the
 * table's current type when the file holds a narrower one (type widening, schema evolution), and
 * fill NULL where the file predates the column.
 *
 * Only lossless casts are allowed (integer and decimal widening, float → double, date →
 * timestamp, timestamp units); anything else is an error naming the column and file, because a
 * silently converted value is a wrong row.
 */
import type { DuckDBType } from '@duckdb/node-api';
import { LakeError } from '../core/errors';
import type { DataType, Field, TableFormat } from '../core/model';
import { duckType } from './duckTypes';
import { DUCK_LIST, DUCK_MAP, DUCK_STRUCT, DUCK_VARIANT, type PhysColumn, type SchemaGroup } from './fileSchema';
import type { ColumnMatch } from './scanPlan';
import { ident, str } from './sql';

interface Ctx {
  format: TableFormat;
  match: ColumnMatch;
  /** The group's files carry field ids (else id matching falls back to physical names). */
  byId: boolean;
  file: string;
}

interface Projected {
  sql: string;
  /** The file value is already exactly the table value (no rename, no cast). */
  identity: boolean;
}

/** SELECT-list expressions (`<expr> AS "col"`) for the table columns read from a group's files. */
export function projectGroup(fields: Field[], group: SchemaGroup, format: TableFormat, match: ColumnMatch): string[] {
  const ctx: Ctx = { format, match, byId: match === 'id' && group.hasFieldIds, file: group.files[0]!.path };
  return fields.map((f) => {
    const phys = findColumn(f, group.columns, ctx);
    const target = duckType(f.type, format, f.name);
    const sql = phys ? convert(f.type, phys, ident(phys.name), f.name, ctx, 0).sql : `CAST(NULL AS ${target})`;
    return `${sql} AS ${ident(f.name)}`;
  });
}

/** The file column holding a table field, or undefined when the file predates it. */
function findColumn(field: Field, columns: PhysColumn[], ctx: Ctx): PhysColumn | undefined {
  if (ctx.byId) {
    if (field.id === undefined) throw new LakeError('corrupt', `${ctx.format}: column ${field.name} has no field id, which id-based column mapping needs`);
    return columns.find((c) => c.fieldId === field.id);
  }
  const name = ctx.match === 'name' ? field.name : (field.physicalName ?? field.name);
  const exact = columns.find((c) => c.name === name);
  if (exact) return exact;
  // Spark resolves Parquet columns case-insensitively; accept that only when unambiguous
  const lower = name.toLowerCase();
  const ci = columns.filter((c) => c.name.toLowerCase() === lower);
  if (ci.length > 1) throw new LakeError('corrupt', `${ctx.format}: column ${name} matches ${ci.length} file columns differing only in case`, ctx.file);
  return ci[0];
}

function convert(t: DataType, phys: PhysColumn, expr: string, column: string, ctx: Ctx, depth: number): Projected {
  if (depth > 100) throw new LakeError('too-large', `${ctx.format}: column ${column} nested too deeply`, ctx.file);
  const target = duckType(t, ctx.format, column);
  const mismatch = (): never => {
    throw new LakeError('unsupported', `${ctx.format}: column ${column} is ${describe(t)} in the table but the file stores ${phys.type.toString()}`, ctx.file);
  };
  if (typeof t === 'string') {
    if (t === 'variant') {
      if (phys.type.typeId === DUCK_VARIANT) return { sql: expr, identity: true };
      throw new LakeError(
        'unsupported',
        `${ctx.format}: column ${column} has type variant, stored in this file without the Parquet VARIANT annotation (as ${phys.type.toString()}); DuckDB 1.5 can only decode annotated variants, so Lakelens cannot show this column`,
        ctx.file,
      );
    }
    if (t === 'void' || (ctx.format === 'iceberg' && t === 'unknown')) return { sql: 'NULL', identity: false };
    const physSql = phys.type.toString();
    if (physSql === target && !phys.type.alias) return { sql: expr, identity: true };
    const how = castKind(phys.type, target);
    if (how === undefined) return mismatch();
    return { sql: how(expr), identity: false };
  }
  if (t.type === 'struct') {
    if (phys.type.typeId !== DUCK_STRUCT || !phys.children) return mismatch();
    const parts: string[] = [];
    let identity = phys.children.length === t.fields.length;
    t.fields.forEach((f, i) => {
      const child = findColumn(f, phys.children!, ctx);
      const name = `${column}.${f.name}`;
      if (!child) {
        identity = false;
        parts.push(`${ident(f.name)} := CAST(NULL AS ${duckType(f.type, ctx.format, name)})`);
        return;
      }
      const p = convert(f.type, child, `struct_extract(${expr}, ${str(child.name)})`, name, ctx, depth + 1);
      if (!p.identity || child.name !== f.name || phys.children![i] !== child) identity = false;
      parts.push(`${ident(f.name)} := ${p.sql}`);
    });
    if (identity) return { sql: expr, identity: true };
    // struct_pack of a NULL struct's fields would give a struct of NULLs; keep the NULL
    return { sql: `CASE WHEN ${expr} IS NULL THEN NULL ELSE struct_pack(${parts.join(', ')}) END`, identity: false };
  }
  if (t.type === 'array') {
    if (phys.type.typeId !== DUCK_LIST || !phys.element) return mismatch();
    const x = `x${depth}`;
    const e = convert(t.elementType, phys.element, x, `${column}.element`, ctx, depth + 1);
    if (e.identity) return { sql: expr, identity: true };
    return { sql: `list_transform(${expr}, lambda ${x}: ${e.sql})`, identity: false };
  }
  if (phys.type.typeId !== DUCK_MAP || !phys.key || !phys.value) return mismatch();
  const e = `e${depth}`;
  const k = convert(t.keyType, phys.key, `${e}.key`, `${column}.key`, ctx, depth + 1);
  const v = convert(t.valueType, phys.value, `${e}.value`, `${column}.value`, ctx, depth + 1);
  if (k.identity && v.identity) return { sql: expr, identity: true };
  return {
    sql: `map_from_entries(list_transform(map_entries(${expr}), lambda ${e}: struct_pack(key := ${k.sql}, value := ${v.sql})))`,
    identity: false,
  };
}

function describe(t: DataType): string {
  return typeof t === 'string' ? t : t.type;
}

const INTS = new Set(['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT', 'HUGEINT']);
const TIMESTAMPS = new Set(['TIMESTAMP', 'TIMESTAMP WITH TIME ZONE', 'TIMESTAMP_S', 'TIMESTAMP_MS']);

/**
 * How a file type becomes the table type without losing anything; undefined when it cannot.
 * DuckDB's integer and decimal casts raise on overflow instead of wrapping, so widening casts are
 * safe even when the metadata is wrong. Timestamps cast between zones as UTC (the session zone).
 */
function castKind(phys: DuckDBType, target: string): ((e: string) => string) | undefined {
  const from = phys.alias ? (phys.alias === 'JSON' ? 'VARCHAR' : undefined) : phys.toString();
  if (from === undefined) return undefined;
  const cast = (e: string) => `CAST(${e} AS ${target})`;
  if (from === target) return cast;
  if (INTS.has(from) && (INTS.has(target) || target === 'DOUBLE' || target.startsWith('DECIMAL('))) return cast;
  if (from === 'FLOAT' && target === 'DOUBLE') return cast;
  const fd = /^DECIMAL\((\d+),(\d+)\)$/.exec(from);
  const td = /^DECIMAL\((\d+),(\d+)\)$/.exec(target);
  if (fd && td && Number(td[2]) >= Number(fd[2])) return cast;
  if (from === 'DATE' && (target === 'TIMESTAMP' || target === 'TIMESTAMP_NS')) return cast;
  if (TIMESTAMPS.has(from) && (TIMESTAMPS.has(target) || target === 'TIMESTAMP_NS')) return cast;
  if (from === 'TIMESTAMP_NS' && target === 'TIMESTAMP_NS') return cast;
  // Parquet strings written without the UTF8 annotation read as BLOB, and the reverse
  if (from === 'BLOB' && target === 'VARCHAR') return (e) => `decode(${e})`;
  if (from === 'VARCHAR' && target === 'BLOB') return (e) => `encode(${e})`;
  if (from === 'BLOB' && target === 'UUID') return (e) => `CAST(lower(hex(${e})) AS UUID)`;
  return undefined;
}
