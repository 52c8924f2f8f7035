/**
 * From a file's physical columns to the table's logical columns: find each table column in the
 * file (by name, physical name or field id, nested fields included), rename it, cast it to the
 * table's current type when the file holds a narrower one (type widening, schema evolution), and
 * fill in what the file predates: a per-file value (partition metadata), the field's initial
 * default (Iceberg v3) or NULL.
 *
 * Only lossless casts are allowed (integer and decimal widening, float → double, date →
 * timestamp, timestamp units); anything else is an error naming the column and file, because a
 * silently converted value is a wrong row.
 */
import type { DuckDBType } from '@duckdb/node-api';
import { LakeError } from '../core/errors';
import type { DataType, Field, TableFormat } from '../core/model';
import { defaultSql } from './defaults';
import { duckType } from './duckTypes';
import { DUCK_LIST, DUCK_MAP, DUCK_STRUCT, DUCK_VARIANT, type PhysColumn, type SchemaGroup } from './fileSchema';
import type { ColumnMatch } from './scanPlan';
import { ident, str } from './sql';

export interface ProjectOptions {
  format: TableFormat;
  match: ColumnMatch;
  /** Iceberg `schema.name-mapping.default`: names of each field id, for files without ids. */
  nameMapping?: Map<number, string[]>;
  /** Alias of the file's relation in the FROM clause. */
  alias: string;
  /**
   * SQL for a top-level column the file lacks (a per-file value), or undefined to fall back to
   * the field's initial default, then NULL.
   */
  missing?: (field: Field) => string | undefined;
}

interface Ctx extends ProjectOptions {
  /** Resolve by field id (else by name mapping when ids are absent). */
  byId: boolean;
  file: string;
}

interface Projected {
  sql: string;
  /** The file value is already exactly the table value (no rename, no cast). */
  identity: boolean;
}

/** SQL expressions (unaliased) of `fields` read from a group's files. */
export function projectGroup(fields: Field[], group: SchemaGroup, opts: ProjectOptions): string[] {
  const file = group.files[0]!.path;
  if (opts.match === 'id' && !group.hasFieldIds && opts.format === 'iceberg' && !opts.nameMapping) {
    throw new LakeError(
      'unsupported',
      'iceberg: data file has no Parquet field ids and the table has no schema.name-mapping.default to map its columns by name',
      file,
    );
  }
  const ctx: Ctx = { ...opts, byId: opts.match === 'id' && group.hasFieldIds, file };
  return fields.map((f) => {
    const phys = findColumn(f, group.columns, ctx);
    if (phys) return convert(f.type, phys, `${opts.alias}.${ident(phys.ref)}`, f.name, ctx, 0).sql;
    return opts.missing?.(f) ?? fillIn(f, ctx, f.name);
  });
}

/** Value of a field the file does not have: its initial default, else NULL. */
function fillIn(f: Field, ctx: Ctx, column: string): string {
  if (f.initialDefault !== undefined && f.initialDefault !== null) return defaultSql(f.initialDefault, f.type, column, ctx.format);
  return `CAST(NULL AS ${duckType(f.type, ctx.format, column)})`;
}

/** The file column holding a table field, or undefined when the file predates it. */
function findColumn(field: Field, columns: PhysColumn[], ctx: Ctx): PhysColumn | undefined {
  if (ctx.match === 'id') {
    if (field.id === undefined) throw new LakeError('corrupt', `${ctx.format}: column ${field.name} has no field id, which id-based column mapping needs`);
    if (ctx.byId) return columns.find((c) => c.fieldId === field.id);
    if (ctx.nameMapping) {
      const names = ctx.nameMapping.get(field.id) ?? [];
      return columns.find((c) => names.includes(c.name));
    }
    // Delta id mode on a file without ids: its columns carry the physical names
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
    // a Hudi uuid is text; one stored as plain bytes (Avro uuid on fixed[16]) is not UTF-8 text
    if (ctx.format === 'hudi' && t === 'uuid' && physSql === 'BLOB') return mismatch();
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
        parts.push(`${ident(f.name)} := ${fillIn(f, ctx, name)}`);
        return;
      }
      const p = convert(f.type, child, `struct_extract(${expr}, ${str(child.ref)})`, name, ctx, depth + 1);
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
  // micro- or coarser timestamps never widen to nanoseconds: DuckDB may already have truncated
  // a nanosecond file column it reads as TIMESTAMP WITH TIME ZONE
  if (TIMESTAMPS.has(from) && TIMESTAMPS.has(target)) return cast;
  // Parquet TIME adjusted to UTC reads as TIME WITH TIME ZONE (offset +00); Iceberg time has no zone
  if (from === 'TIME WITH TIME ZONE' && target === 'TIME') return cast;
  // Parquet strings written without the UTF8 annotation read as BLOB, and the reverse
  if (from === 'BLOB' && target === 'VARCHAR') return (e) => `decode(${e})`;
  if (from === 'VARCHAR' && target === 'BLOB') return (e) => `encode(${e})`;
  // Hudi uuid columns are strings (as Spark reads them); a file may store them annotated as UUID
  if (from === 'UUID' && target === 'VARCHAR') return cast;
  // a fixed[16] without the UUID annotation
  if (from === 'BLOB' && target === 'UUID') return (e) => `CAST(lower(hex(${e})) AS UUID)`;
  return undefined;
}
