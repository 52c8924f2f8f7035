/**
 * An independent reading of an Iceberg snapshot's surviving rows, for the query engine's
 * conformance test. It shares with the engine only the core's metadata (files, sequence numbers,
 * partitions) and location mapping; the rows come from plain, unsandboxed DuckDB with
 * `read_parquet(…, schema = MAP{field_id: {name, type, default_value}})` mapping columns by field
 * id, and the spec's delete rules ("Scan Planning") are written here again, in SQL:
 *
 * - position deletes: (file_path mapped through the table location, pos), applied to data files
 *   with data sequence number ≤ the delete's, same partition, unless a DV applies;
 * - deletion vectors: their positions (cardinality checked against the manifest);
 * - equality deletes: rows whose columns match a delete row (NULL matches NULL), applied to data
 *   files with data sequence number < the delete's, same partition or unpartitioned delete spec.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from './duck';
import { tablePath } from '../../src/core/iceberg/location';
import type { IcebergSnapshot } from '../../src/core/iceberg/snapshot';
import { stringifyJson } from '../../src/core/json';
import type { DataFile, Field } from '../../src/core/model';
import { duckType } from '../../src/query/duckTypes';
import { decodeDvBlob } from '../../src/query/icebergDeletes';

const q = sqlString;
const id = (s: string) => `"${s.replace(/"/g, '""')}"`;

export interface Oracle {
  /** SQL over the oracle's tables giving the surviving rows. */
  sql: string;
  /** The same columns in the engine's result, as positional references (`#3`). */
  columns: string[];
  /** Deleted rows by kind, for the report. */
  positionDeleted: number;
}

/** Top-level primitive columns: what DuckDB's schema parameter maps by field id here. */
export function comparableColumns(snap: IcebergSnapshot): Field[] {
  return snap.schema.fields.filter((f) => typeof f.type === 'string' && f.id !== undefined && f.type !== 'unknown' && f.type !== 'variant');
}

/**
 * A primitive value (partition display value or initial default) as VARCHAR text: DuckDB's
 * schema parameter needs one value type across columns and casts the text to each column's type.
 */
function literal(v: unknown, f: Field): string {
  if (v === null || v === undefined) return 'NULL::VARCHAR';
  if (duckType(f.type, 'iceberg', f.name) === 'BLOB') {
    const hex = String(v).replace(/^0x/, '');
    return q(hex.replace(/(..)/g, '\\x$1'));
  }
  return q(String(v));
}

/** Column names in the oracle: by position, since table names may differ only in case. */
const alias = (i: number) => `c${i}`;

function schemaParam(fields: Field[], defaults: Map<Field, string>): string {
  return `MAP {${fields.map((f, i) => `${f.id}: {name: ${q(alias(i))}, type: ${q(duckType(f.type, 'iceberg', f.name))}, default_value: ${defaults.get(f) ?? 'NULL'}}`).join(', ')}}`;
}

/** Per-file values of columns the file lacks: identity partition value, else initial default. */
function fileDefaults(snap: IcebergSnapshot, f: DataFile, cols: Field[]): Map<Field, string> {
  const spec = snap.partitionSpecs.find((s) => s.specId === f.specId)!;
  const out = new Map<Field, string>();
  for (const c of cols) {
    const pf = spec.fields.find((x) => x.sourceId === c.id && x.transform === 'identity');
    out.set(c, pf && pf.name in f.partitionValues ? literal(f.partitionValues[pf.name], c) : literal(c.initialDefault, c));

  }
  return out;
}

/** `schema.name-mapping.default` as field id → names. */
function nameMapping(snap: IcebergSnapshot): Map<number, string[]> {
  const out = new Map<number, string[]>();
  const visit = (xs: unknown): void => {
    for (const m of Array.isArray(xs) ? xs : []) {
      const o = m as { 'field-id'?: number; names?: string[]; fields?: unknown };
      if (typeof o['field-id'] === 'number') out.set(o['field-id'], o.names ?? []);
      visit(o.fields);
    }
  };
  const raw = snap.properties['schema.name-mapping.default'];
  if (raw) visit(JSON.parse(raw));
  return out;
}

function partitionKey(snap: IcebergSnapshot, f: DataFile): string {
  const spec = snap.partitionSpecs.find((s) => s.specId === f.specId)!;
  return `${spec.specId}:${stringifyJson(spec.fields.map((pf) => f.partitionValues[pf.name] ?? null))}`;
}

export async function buildOracle(conn: DuckDBConnection, snap: IcebergSnapshot, root: string, readBytes: (p: string, start: number, end: number) => Uint8Array, prefix: string): Promise<Oracle> {
  const cols = comparableColumns(snap);
  const names = cols.map((_c, i) => alias(i));
  const data = snap.files.filter((f) => f.content === 'data');
  const abs = (p: string) => `${root}/${p}`;
  const seq = (f: DataFile) => BigInt(f.sequenceNumber ?? 0);
  const tbl = (s: string) => id(`${prefix}_${s}`);
  await conn.run(`CREATE OR REPLACE TABLE ${tbl('files')} (fidx INTEGER, path VARCHAR, seq BIGINT, pkey VARCHAR)`);
  if (data.length > 0) {
    await conn.run(`INSERT INTO ${tbl('files')} VALUES ${data.map((f, i) => `(${i}, ${q(f.path)}, ${seq(f)}, ${q(partitionKey(snap, f))})`).join(', ')}`);
  }
  const mapping = nameMapping(snap);
  const reads: string[] = [];
  for (const [i, f] of data.entries()) {
    const file = q(abs(f.path));
    const defaults = fileDefaults(snap, f, cols);
    const fileCols = (await conn.runAndReadAll(`SELECT name, field_id FROM parquet_schema(${file})`)).getRowsJS();
    const hasIds = fileCols.some((r) => r[1] !== null);
    if (cols.length === 0) reads.push(`SELECT ${i} AS fidx, file_row_number AS pos FROM read_parquet(${file}, file_row_number = true)`);
    else if (hasIds) reads.push(`SELECT ${i} AS fidx, file_row_number AS pos, ${names.join(', ')} FROM read_parquet(${file}, file_row_number = true, schema = ${schemaParam(cols, defaults)})`);
    else {
      // no field ids: the table's name mapping says which file column is which field
      const present = new Set(fileCols.map((r) => String(r[0])));
      const exprs = cols.map((c) => {
        const name = (mapping.get(c.id!) ?? []).find((n) => present.has(n));
        const missing = `CAST(${defaults.get(c)!} AS ${duckType(c.type, 'iceberg', c.name)})`;
        return `${name === undefined ? missing : `CAST(${id(name)} AS ${duckType(c.type, 'iceberg', c.name)})`} AS ${alias(cols.indexOf(c))}`;
      });
      reads.push(`SELECT ${i} AS fidx, file_row_number AS pos, ${exprs.join(', ')} FROM read_parquet(${file}, file_row_number = true)`);
    }
  }
  const empty = `SELECT 0 AS fidx, 0::BIGINT AS pos${cols.map((c, i) => `, CAST(NULL AS ${duckType(c.type, 'iceberg', c.name)}) AS ${alias(i)}`).join('')} WHERE false`;
  await conn.run(`CREATE OR REPLACE TABLE ${tbl('rows')} AS ${reads.length ? reads.join(' UNION ALL ') : empty}`);

  // positions: deletion vectors first (they take precedence), then position delete files
  const byPath = new Map(data.map((f, i) => [f.path, i]));
  const deleted: [number, number][] = [];
  const withDv = new Set<number>();
  for (const d of snap.files.filter((f) => f.content === 'deletion-vector')) {
    const i = byPath.get(d.referencedDataFile!);
    if (i === undefined) continue;
    const target = data[i]!;
    if (!(seq(target) <= seq(d) && partitionKey(snap, target) === partitionKey(snap, d))) continue;
    const dv = d.deletionVector!;
    const positions = decodeDvBlob(readBytes(d.path, dv.offset!, dv.offset! + dv.sizeInBytes), d.path);
    if (positions.length !== d.numRecords) throw new Error(`DV cardinality ${positions.length} ≠ record_count ${d.numRecords}`);
    withDv.add(i);
    for (const p of positions) deleted.push([i, p]);
  }
  for (const d of snap.files.filter((f) => f.content === 'position-deletes')) {
    const rows = (await conn.runAndReadAll(`SELECT file_path, pos FROM read_parquet(${q(abs(d.path))})`)).getRowsJS();
    for (const [raw, pos] of rows) {
      const i = byPath.get(tablePath(String(raw), snap.location));
      if (i === undefined || withDv.has(i)) continue;
      const target = data[i]!;
      if (d.referencedDataFile !== undefined && d.referencedDataFile !== target.path) continue;
      if (seq(target) <= seq(d) && partitionKey(snap, target) === partitionKey(snap, d)) deleted.push([i, Number(pos)]);
    }
  }
  await conn.run(`CREATE OR REPLACE TABLE ${tbl('pos')} (fidx INTEGER, pos BIGINT)`);
  for (let k = 0; k < deleted.length; k += 1000) {
    await conn.run(`INSERT INTO ${tbl('pos')} VALUES ${deleted.slice(k, k + 1000).map(([i, p]) => `(${i}, ${p})`).join(', ')}`);
  }

  const conditions = [`NOT EXISTS (SELECT 1 FROM ${tbl('pos')} x WHERE x.fidx = r.fidx AND x.pos = r.pos)`];
  const eqFiles = snap.files.filter((f) => f.content === 'equality-deletes');
  for (const [k, e] of eqFiles.entries()) {
    const eqCols = e.equalityIds!.map((fid) => cols.find((c) => c.id === fid)!);
    const spec = snap.partitionSpecs.find((s) => s.specId === e.specId)!;
    const global = spec.fields.every((pf) => pf.transform === 'void');
    await conn.run(`CREATE OR REPLACE TABLE ${tbl(`eq${k}`)} AS SELECT * FROM read_parquet(${q(abs(e.path))}, schema = ${schemaParam(eqCols, new Map())})`);
    const match = eqCols.map((c, j) => `r.${alias(cols.indexOf(c))} IS NOT DISTINCT FROM e.${alias(j)}`).join(' AND ');
    const scope = `f.seq < ${seq(e)}${global ? '' : ` AND f.pkey = ${q(partitionKey(snap, e))}`}`;
    conditions.push(`NOT (${scope} AND EXISTS (SELECT 1 FROM ${tbl(`eq${k}`)} e WHERE ${match}))`);
  }
  const sql = `SELECT ${names.length ? names.map((n) => `r.${n}`).join(', ') : '1 AS one'} FROM ${tbl('rows')} r JOIN ${tbl('files')} f ON f.fidx = r.fidx WHERE ${conditions.join(' AND ')}`;
  // positions (1-based) of the compared columns in the table's column order
  const positions = cols.map((c) => snap.schema.fields.indexOf(c) + 1);
  return { sql, columns: positions.map((p) => `#${p}`), positionDeleted: deleted.length };
}
