/**
 * The physical schema of each data file, as DuckDB reads it, with the Parquet field ids that
 * column mapping (Delta id mode) and Iceberg resolve columns by.
 *
 * Files are grouped by identical Parquet schema: one `read_parquet` per group then reads files
 * that agree exactly, and the projection for the group can rename, cast or fill in columns
 * knowing precisely what the files hold (tables evolve: old files lack new columns, keep old
 * names and narrower types).
 */
import type { DuckDBConnection, DuckDBType } from '@duckdb/node-api';
import { LakeError } from '../core/errors';
import { str, strList } from './sql';

/** A column (or nested field) of a data file. `type` is DuckDB's reading of it. */
export interface PhysColumn {
  /** Name in the Parquet schema (what column mapping and name mappings match). */
  name: string;
  /**
   * Name DuckDB binds the column as. DuckDB identifiers are case-insensitive, so a file with
   * columns `user_id` and `uSeR_Id` reads the second as `uSeR_Id_1`: SQL must use this one.
   */
  ref: string;
  fieldId?: number;
  type: DuckDBType;
  /** Struct fields, list element, map key and value, aligned with `type`. */
  children?: PhysColumn[];
  element?: PhysColumn;
  key?: PhysColumn;
  value?: PhysColumn;
}

export interface SchemaGroup {
  /** The files sharing this schema, in table order. */
  files: FileRef[];
  columns: PhysColumn[];
  /** True when any column of these files carries a Parquet field id. */
  hasFieldIds: boolean;
}

interface SchemaRow {
  name: string;
  repetition: string | null;
  numChildren: number;
  converted: string | null;
  logical: string | null;
  fieldId: number | null;
}

interface ParquetNode extends SchemaRow {
  children: ParquetNode[];
}

const SCHEMA_COLUMNS = 'file_name, name, type, type_length, repetition_type, num_children, converted_type, scale, precision, field_id, logical_type';

/** A data file: its path in the table (for messages) and the absolute path DuckDB opens. */
export interface FileRef {
  path: string;
  absPath: string;
}

/** Groups files by Parquet schema (one `parquet_schema` scan over all of them). */
export async function groupBySchema(conn: DuckDBConnection, files: readonly FileRef[]): Promise<SchemaGroup[]> {
  if (files.length === 0) return [];
  const paths = files.map((f) => f.absPath);
  const reader = await conn.runAndReadAll(`SELECT ${SCHEMA_COLUMNS} FROM parquet_schema(${strList(paths)})`).catch((err: unknown) => {
    throw translateReadError(err, files);
  });
  const rows = reader.getRowsJS();
  const byFile = new Map<string, { sig: string[]; rows: SchemaRow[] }>();
  for (const r of rows) {
    const file = String(r[0]);
    let entry = byFile.get(file);
    if (!entry) byFile.set(file, (entry = { sig: [], rows: [] }));
    entry.sig.push(JSON.stringify(r.slice(1), (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
    entry.rows.push({
      name: String(r[1]),
      repetition: r[4] === null ? null : String(r[4]),
      numChildren: r[5] === null ? 0 : Number(r[5]),
      converted: r[6] === null ? null : String(r[6]),
      logical: r[10] === null ? null : String(r[10]),
      fieldId: r[9] === null ? null : Number(r[9]),
    });
  }
  const groups = new Map<string, { files: FileRef[]; rows: SchemaRow[] }>();
  for (const f of files) {
    const entry = byFile.get(f.absPath);
    if (!entry) throw new LakeError('corrupt', 'data file has no readable Parquet schema', f.path);
    const sig = entry.sig.join('\n');
    let g = groups.get(sig);
    if (!g) groups.set(sig, (g = { files: [], rows: entry.rows }));
    g.files.push(f);
  }
  const out: SchemaGroup[] = [];
  for (const g of groups.values()) {
    const first = g.files[0]!;
    const root = buildTree(g.rows, first.path);
    const prepared = await conn.prepare(`SELECT * FROM read_parquet(${str(first.absPath)}, hive_partitioning = false)`).catch((err: unknown) => {
      throw translateReadError(err, [first]);
    });
    const columns: PhysColumn[] = [];
    if (prepared.columnCount !== root.children.length) {
      throw new LakeError('unsupported', `DuckDB reads ${prepared.columnCount} columns where the Parquet schema has ${root.children.length}`, first.path);
    }
    for (let i = 0; i < prepared.columnCount; i++) {
      columns.push(align(prepared.columnType(i), root.children[i]!, prepared.columnName(i), first.path));
    }
    prepared.destroySync();
    out.push({ files: g.files, columns, hasFieldIds: g.rows.some((r) => r.fieldId !== null) });
  }
  return out;
}

/** Rebuilds the nested Parquet schema from its flattened depth-first rows. */
function buildTree(rows: SchemaRow[], file: string): ParquetNode {
  let i = 0;
  const take = (depth: number): ParquetNode => {
    if (depth > 200) throw new LakeError('too-large', 'Parquet schema nested too deeply', file);
    const row = rows[i++];
    if (!row) throw new LakeError('corrupt', 'Parquet schema ends early', file);
    const node: ParquetNode = { ...row, children: [] };
    for (let c = 0; c < row.numChildren; c++) node.children.push(take(depth + 1));
    return node;
  };
  const root = take(0);
  if (i !== rows.length) throw new LakeError('corrupt', 'Parquet schema has trailing elements', file);
  return root;
}

const isList = (n: ParquetNode) => n.converted === 'LIST' || (n.logical ?? '').startsWith('ListType');
const isMap = (n: ParquetNode) => n.converted === 'MAP' || n.converted === 'MAP_KEY_VALUE' || (n.logical ?? '').startsWith('MapType');

/**
 * Pairs DuckDB's type of a column with its Parquet node, following the Parquet rules for lists
 * and maps (LogicalTypes.md "Nested Types", including the 2-level backward-compatible forms).
 * `repeatedAsElement` marks a repeated field standing for its own list element.
 */
function align(type: DuckDBType, node: ParquetNode, ref: string, file: string, repeatedAsElement = false): PhysColumn {
  const col: PhysColumn = { name: node.name, ref, type };
  if (node.fieldId !== null) col.fieldId = node.fieldId;
  const fail = (): never => {
    throw new LakeError('unsupported', `cannot match DuckDB's reading of column ${ref} (${type.toString()}) with its Parquet schema`, file);
  };
  if (type.typeId === DUCK_LIST) {
    const elemType = (type as unknown as { valueType: DuckDBType }).valueType;
    if (node.repetition === 'REPEATED' && !repeatedAsElement) {
      // an unannotated repeated field is a required list of itself
      col.element = align(elemType, node, 'element', file, true);
      return col;
    }
    if (!isList(node) || node.children.length !== 1) return fail();
    const rep = node.children[0]!;
    const legacy = rep.children.length !== 1 || rep.numChildren === 0 || rep.name === 'array' || rep.name === `${node.name}_tuple`;
    col.element = legacy ? align(elemType, rep, 'element', file, true) : align(elemType, rep.children[0]!, 'element', file);
    return col;
  }
  if (type.typeId === DUCK_MAP) {
    const mt = type as unknown as { keyType: DuckDBType; valueType: DuckDBType };
    const kv = node.children[0];
    if (!isMap(node) || !kv || kv.children.length !== 2) return fail();
    col.key = align(mt.keyType, kv.children[0]!, 'key', file);
    col.value = align(mt.valueType, kv.children[1]!, 'value', file);
    return col;
  }
  if (type.typeId === DUCK_STRUCT) {
    const st = type as unknown as { entryNames: readonly string[]; entryTypes: readonly DuckDBType[] };
    if (st.entryNames.length !== node.children.length) {
      // Parquet VARIANT groups (value, metadata, typed_value) surface as VARIANT, not STRUCT
      return fail();
    }
    col.children = st.entryNames.map((n, i) => align(st.entryTypes[i]!, node.children[i]!, n, file));
    // DuckDB refuses structs whose field names differ only in case, so names are exact here
    return col;
  }
  return col;
}

// DuckDBTypeId values (kept here so this module does not load DuckDB just for constants)
export const DUCK_STRUCT = 25;
export const DUCK_MAP = 26;
export const DUCK_LIST = 24;
export const DUCK_VARIANT = 41;

/**
 * Turns DuckDB's "file not found" and read errors into errors naming the table file. A missing
 * data file (a vacuumed version) must fail loudly, never shrink the result.
 */
export function translateReadError(err: unknown, files: readonly FileRef[]): Error {
  if (err instanceof LakeError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  const named = files.find((f) => msg.includes(f.absPath))?.path;
  if (/No files found|does not exist|No such file|Cannot open file/i.test(msg)) {
    return new LakeError('missing', `data file is missing: ${firstLine(msg)}`, named, { cause: err });
  }
  return new LakeError('corrupt', `cannot read data file: ${firstLine(msg)}`, named, { cause: err });
}

function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return i < 0 ? s : s.slice(0, i);
}
