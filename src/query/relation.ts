/**
 * A scan plan as SQL over `read_parquet`: one read per group of files sharing a Parquet schema,
 * projected to the table's columns, joined with per-file constants (partition values) and with
 * the deleted (file, row position) pairs removed by an anti-join on `filename` and
 * `file_row_number`.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { LakeError } from '../core/errors';
import type { Field } from '../core/model';
import { duckType } from './duckTypes';
import { type SchemaGroup, groupBySchema } from './fileSchema';
import { projectGroup } from './projection';
import type { ScanFile, ScanPlan } from './scanPlan';
import { ident, str, strList } from './sql';

/** Hidden columns; the prefix keeps them clear of real column names. */
const FILE_COL = '__lakelens_file';
const ROW_COL = '__lakelens_row';
const IDX_COL = '__lakelens_idx';
const INSERT_BATCH = 1000;

export interface Relation {
  /** A SELECT over the table's columns, in schema order. */
  sql: string;
  /** Statements that drop the helper tables the SQL reads. */
  drop: string[];
  /** `ORDER BY …` giving table order (files as listed, rows by position), when asked for. */
  orderBy?: string;
}

/** Data columns (read from files) and constant columns, keeping schema order for the result. */
function splitColumns(plan: ScanPlan): { dataFields: Field[]; isConstant: (name: string) => boolean } {
  const constants = new Set(plan.constantColumns);
  return { dataFields: plan.schema.fields.filter((f) => !constants.has(f.name)), isConstant: (n) => constants.has(n) };
}

function readParquet(paths: string[], withFile: boolean): string {
  return `read_parquet(${strList(paths)}, hive_partitioning = false, file_row_number = true${withFile ? `, filename = ${str(FILE_COL)}` : ''})`;
}

function groupSelect(plan: ScanPlan, group: SchemaGroup, dataFields: Field[], extra: string[], from: string, where?: string): string {
  const cols = [...projectGroup(dataFields, group, plan.format, plan.match), ...extra];
  if (cols.length === 0) cols.push('1 AS __lakelens_none');
  return `SELECT ${cols.join(', ')} FROM ${from}${where ? ` WHERE ${where}` : ''}`;
}

function emptySelect(plan: ScanPlan): string {
  const cols = plan.schema.fields.map((f) => `CAST(NULL AS ${duckType(f.type, plan.format, f.name)}) AS ${ident(f.name)}`);
  return `SELECT ${cols.join(', ') || '1 AS __lakelens_none'} WHERE false`;
}

/**
 * The whole table at the plan's version. Creates helper tables `<prefix>_files` / `<prefix>_del`
 * on `conn` when the plan has constants or deletes.
 */
export async function buildRelation(conn: DuckDBConnection, plan: ScanPlan, prefix: string, opts: { ordered?: boolean } = {}): Promise<Relation> {
  if (plan.files.length === 0) return { sql: emptySelect(plan), drop: [] };
  const { dataFields, isConstant } = splitColumns(plan);
  const groups = await groupBySchema(conn, plan.files);
  // the files table carries constants and each file's index (for a stable row order)
  const hasConstants = plan.constantColumns.length > 0 || opts.ordered === true;
  const hasDeletes = plan.files.some((f) => f.deleted && f.deleted.length > 0);
  const needFile = hasConstants || hasDeletes || (plan.rowFilters?.length ?? 0) > 0;
  const drop: string[] = [];
  const filesTable = ident(`${prefix}_files`);
  const delTable = ident(`${prefix}_del`);
  try {
    if (hasConstants) {
      drop.push(`DROP TABLE IF EXISTS ${filesTable}`);
      await createFilesTable(conn, plan, filesTable);
    }
    if (hasDeletes) {
      drop.push(`DROP TABLE IF EXISTS ${delTable}`);
      await createDeleteTable(conn, plan.files, delTable);
    }
  } catch (err) {
    for (const d of drop) await conn.run(d).catch(() => undefined);
    throw err;
  }
  const extra = needFile ? [ident(FILE_COL), `file_row_number AS ${ident(ROW_COL)}`] : [];
  const union = groups.map((g) => groupSelect(plan, g, dataFields, extra, readParquet(g.files.map((f) => f.absPath), needFile))).join('\nUNION ALL\n');
  const cols = plan.schema.fields.map((f) => (isConstant(f.name) ? `f.${ident(f.name)}` : `d.${ident(f.name)}`));
  let sql = `SELECT ${cols.join(', ') || '1 AS __lakelens_none'} FROM (\n${union}\n) d`;
  if (hasConstants) sql += `\nJOIN ${filesTable} f ON f.path = d.${ident(FILE_COL)}`;
  if (hasDeletes) sql += `\nANTI JOIN ${delTable} x ON x.path = d.${ident(FILE_COL)} AND x.pos = d.${ident(ROW_COL)}`;
  if (plan.rowFilters?.length) sql += `\nWHERE ${plan.rowFilters.map((r) => `(${r})`).join(' AND ')}`;
  if (!opts.ordered) return { sql, drop };
  // ORDER BY may name columns of the FROM clause that the SELECT list does not show
  return { sql, drop, orderBy: `ORDER BY f.${ident(IDX_COL)}, d.${ident(ROW_COL)}` };
}

async function createFilesTable(conn: DuckDBConnection, plan: ScanPlan, table: string): Promise<void> {
  const cols = plan.constantColumns.map((c) => {
    const field = plan.schema.fields.find((f) => f.name === c);
    if (!field) throw new LakeError('corrupt', `${plan.format}: partition column ${c} is not in the schema`);
    return { name: c, type: duckType(field.type, plan.format, c) };
  });
  const defs = [`path VARCHAR PRIMARY KEY`, `${ident(IDX_COL)} INTEGER`, ...cols.map((c) => `${ident(c.name)} ${c.type}`)];
  await conn.run(`CREATE TABLE ${table} (${defs.join(', ')})`);
  for (let i = 0; i < plan.files.length; i += INSERT_BATCH) {
    const rows = plan.files
      .slice(i, i + INSERT_BATCH)
      .map((f, j) => `(${[str(f.absPath), String(i + j), ...cols.map((c) => f.constants[c.name] ?? 'NULL')].join(', ')})`);
    await conn.run(`INSERT INTO ${table} VALUES ${rows.join(', ')}`);
  }
}

async function createDeleteTable(conn: DuckDBConnection, files: ScanFile[], table: string): Promise<void> {
  await conn.run(`CREATE TABLE ${table} (path VARCHAR, pos BIGINT)`);
  const appender = await conn.createAppender(table.slice(1, -1).replace(/""/g, '"'));
  try {
    for (const f of files) {
      if (!f.deleted) continue;
      for (const p of f.deleted) {
        appender.appendVarchar(f.absPath);
        appender.appendBigInt(BigInt(p));
        appender.endRow();
      }
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

// ---------------------------------------------------------------------------------------------
// preview pages

export interface PageSlice {
  file: ScanFile;
  /** Index of the file in the plan, for ordering. */
  index: number;
  /** Live rows [from, to) of the file (row numbers after deletes). */
  from: number;
  to: number;
}

/**
 * Which files hold live rows [offset, offset + limit), from row counts alone. Undefined when a
 * file's row count is unknown (then the page needs a full scan).
 */
export function pageSlices(plan: ScanPlan, offset: number, limit: number): PageSlice[] | undefined {
  const out: PageSlice[] = [];
  let start = 0;
  const end = offset + limit;
  for (let i = 0; i < plan.files.length && start < end; i++) {
    const f = plan.files[i]!;
    if (f.numRecords === null) return undefined;
    const live = f.numRecords - (f.deleted?.length ?? 0);
    const lo = Math.max(offset, start);
    const hi = Math.min(end, start + live);
    if (hi > lo) out.push({ file: f, index: i, from: lo - start, to: hi - start });
    start += live;
  }
  return out;
}

/** Row positions in the file of its live rows [from, to): deleted positions are skipped. */
export function livePositions(deleted: readonly number[] | undefined, from: number, to: number): number[] {
  const out: number[] = [];
  let j = 0;
  let pos = from;
  // the from-th live row sits after every deleted position at or before it
  const dels = deleted ?? [];
  while (j < dels.length && dels[j]! <= pos) {
    pos++;
    j++;
  }
  for (let live = from; live < to; live++) {
    while (j < dels.length && dels[j] === pos) {
      pos++;
      j++;
    }
    out.push(pos);
    pos++;
  }
  return out;
}

/** SQL for one page of rows, reading only the files the page touches, in table order. */
export async function buildPage(conn: DuckDBConnection, plan: ScanPlan, slices: PageSlice[]): Promise<string> {
  if (slices.length === 0) return emptySelect(plan);
  const { dataFields } = splitColumns(plan);
  const groups = await groupBySchema(conn, slices.map((s) => s.file));
  const groupOf = new Map<string, SchemaGroup>();
  for (const g of groups) for (const f of g.files) groupOf.set(f.absPath, g);
  const parts = slices.map((s) => {
    const g = groupOf.get(s.file.absPath)!;
    const consts = plan.constantColumns.map((c) => `${s.file.constants[c] ?? 'NULL'} AS ${ident(c)}`);
    const positions = livePositions(s.file.deleted, s.from, s.to);
    const first = positions[0]!;
    const last = positions[positions.length - 1]!;
    // a contiguous run is a range; otherwise list the live positions (at most `limit` of them)
    let where = `file_row_number BETWEEN ${first} AND ${last}`;
    if (last - first + 1 !== positions.length) where += ` AND file_row_number IN (${positions.join(', ')})`;
    const extra = [...consts, `${s.index} AS ${ident(IDX_COL)}`, `file_row_number AS ${ident(ROW_COL)}`];
    return groupSelect(plan, g, dataFields, extra, readParquet([s.file.absPath], false), where);
  });
  const cols = plan.schema.fields.map((f) => ident(f.name));
  let sql = `SELECT ${cols.join(', ') || '1 AS __lakelens_none'} FROM (\n${parts.join('\nUNION ALL\n')}\n) p`;
  if (plan.rowFilters?.length) sql += `\nWHERE ${plan.rowFilters.map((r) => `(${r})`).join(' AND ')}`;
  return `${sql}\nORDER BY ${ident(IDX_COL)}, ${ident(ROW_COL)}`;
}
