/**
 * A scan plan as SQL over `read_parquet`: one read per group of files sharing a Parquet schema,
 * projected to the table's columns and joined with a per-file table (constants, fallbacks,
 * sequence numbers); deleted (file, row position) pairs are removed by an anti-join on
 * `filename` and `file_row_number`, equality deletes by an anti-join on their columns.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { LakeError } from '../core/errors';
import type { Field } from '../core/model';
import { duckType } from './duckTypes';
import { type FileRef, type SchemaGroup, groupBySchema } from './fileSchema';
import { type ProjectOptions, projectGroup } from './projection';
import type { EqualityDeletes, ScanFile, ScanPlan } from './scanPlan';
import { ident, str, strList } from './sql';

/** Hidden columns; the prefix keeps them clear of real column names. */
const FILE_COL = ident('__lakelens_file');
const ROW_COL = ident('__lakelens_row');
const IDX_COL = ident('__lakelens_idx');
const SEQ_COL = ident('__lakelens_seq');
const PKEY_COL = ident('__lakelens_pkey');
const INSERT_BATCH = 1000;

export interface Relation {
  /** A SELECT over the table's columns, in schema order. */
  sql: string;
  /** Statements that drop the helper tables the SQL reads. */
  drop: string[];
  /** `ORDER BY …` giving table order (files as listed, rows by position), when asked for. */
  orderBy?: string;
}

function readParquet(paths: string[], withFile: boolean): string {
  return `read_parquet(${strList(paths)}, hive_partitioning = false, file_row_number = true${withFile ? `, filename = ${str('__lakelens_file')}` : ''})`;
}

/** Alias of the i-th table column inside the relation (names may differ only in case). */
function colAlias(i: number): string {
  return ident(`__lakelens_c${i}`);
}

/**
 * Result column names: the table's, except that DuckDB identifiers are case-insensitive, so a
 * name equal to an earlier one but for case gets a suffix (`uSeR_Id` → `uSeR_Id_2`) instead of
 * shadowing it.
 */
export function displayNames(plan: ScanPlan): string[] {
  const seen = new Set<string>();
  return plan.schema.fields.map((f) => {
    let name = f.name;
    for (let k = 2; seen.has(name.toLowerCase()); k++) name = `${f.name}_${k}`;
    seen.add(name.toLowerCase());
    return name;
  });
}

function outerSelect(plan: ScanPlan, alias: string): string {
  return selectList(displayNames(plan).map((n, i) => `${alias}.${colAlias(i)} AS ${ident(n)}`));
}

function emptySelect(plan: ScanPlan): string {
  const names = displayNames(plan);
  const cols = plan.schema.fields.map((f, i) => `CAST(NULL AS ${duckType(f.type, plan.format, f.name)}) AS ${ident(names[i]!)}`);
  return `SELECT ${selectList(cols)} WHERE false`;
}

function selectList(cols: string[]): string {
  return cols.length > 0 ? cols.join(', ') : '1 AS __lakelens_none';
}

/**
 * Projection of every schema column for files of `group`: constants and fallbacks come from
 * `valueOf` (a files-table column or a per-file literal), the rest from the file.
 */
function projectAll(plan: ScanPlan, group: SchemaGroup, valueOf: (column: string, kind: 'constant' | 'fallback') => string): string[] {
  const constants = new Set(plan.constantColumns);
  const fallbacks = new Set(plan.fallbackColumns ?? []);
  const lineage = plan.lineage;
  const opts: ProjectOptions = {
    format: plan.format,
    match: plan.match,
    alias: 'd',
    missing: (f: Field) => {
      const why = plan.requiredColumns && Object.hasOwn(plan.requiredColumns, f.name) ? plan.requiredColumns[f.name] : undefined;
      if (why !== undefined) throw new LakeError('unsupported', `${plan.format}: data file lacks column ${f.name}, and ${why}`, group.files[0]!.path);
      return fallbacks.has(f.name) ? valueOf(f.name, 'fallback') : undefined;
    },
    ...(plan.nameMapping ? { nameMapping: plan.nameMapping } : {}),
  };
  const isLineage = (f: Field) => lineage !== undefined && (f.name === lineage.rowId || f.name === lineage.sequence);
  const dataFields = plan.schema.fields.filter((f) => !constants.has(f.name) && !isLineage(f));
  const projected = new Map(projectGroup(dataFields, group, opts).map((sql, i) => [dataFields[i]!, sql]));
  return plan.schema.fields.map((f, i) => {
    if (constants.has(f.name)) return `${valueOf(f.name, 'constant')} AS ${colAlias(i)}`;
    if (isLineage(f)) {
      // spec "Row Lineage": a value the file holds wins; NULL or absent is inherited
      const stored = projectGroup([f], group, { ...opts, missing: () => 'NULL' })[0]!;
      const inherited = f.name === lineage!.rowId ? `${valueOf(f.name, 'fallback')} + d.file_row_number` : valueOf(f.name, 'fallback');
      return `CAST(COALESCE(${stored}, ${inherited}) AS BIGINT) AS ${colAlias(i)}`;
    }
    return `${projected.get(f)!} AS ${colAlias(i)}`;
  });
}

/** Beyond this many separate reads, per-file values come from a joined table instead. */
const MAX_INLINE_READS = 64;

/**
 * The whole table at the plan's version. Creates helper tables `<prefix>_files`, `<prefix>_del`
 * and `<prefix>_eq<k>` on `conn` as the plan needs them; `drop` removes them.
 *
 * Two shapes, same result. Usually the files split into few reads that agree on schema and on
 * every per-file value (partition values, sequence numbers), and each file with deletes is read
 * on its own: values are then inlined as literals and deletes matched on an integer file index.
 * Otherwise (thousands of partitions, table order wanted) one read per schema joins a files
 * table on `filename`, which costs a string join per row.
 */
export async function buildRelation(conn: DuckDBConnection, plan: ScanPlan, prefix: string, opts: { ordered?: boolean } = {}): Promise<Relation> {
  if (plan.files.length === 0) return { sql: emptySelect(plan), drop: [] };
  const groups = await groupBySchema(conn, plan.files);
  const eqs = plan.equalityDeletes ?? [];
  const hasDeletes = plan.files.some((f) => f.deleted && f.deleted.length > 0);
  const index = new Map(plan.files.map((f, i) => [f, i]));
  const reads = opts.ordered ? undefined : inlineReads(plan, groups, index, eqs.length > 0);
  const filesTable = ident(`${prefix}_files`);
  const delTable = ident(`${prefix}_del`);
  const drop: string[] = [];
  try {
    if (!reads) {
      drop.push(`DROP TABLE IF EXISTS ${filesTable}`);
      await createFilesTable(conn, plan, filesTable);
    }
    if (hasDeletes) {
      drop.push(`DROP TABLE IF EXISTS ${delTable}`);
      await createDeleteTable(conn, plan.files, delTable);
    }
    for (const [k, eq] of eqs.entries()) {
      const t = ident(`${prefix}_eq${k}`);
      drop.push(`DROP TABLE IF EXISTS ${t}`);
      await createEqualityTable(conn, plan, eq, t);
    }
  } catch (err) {
    for (const d of drop) await conn.run(d).catch(() => undefined);
    throw err;
  }
  let union: string;
  if (reads) {
    union = reads
      .map((r) => {
        const f = r.files[0]!;
        const cols = projectAll(plan, r.group, (c, kind) => (kind === 'constant' ? f.constants[c] : f.fallbacks?.[c]) ?? 'NULL');
        cols.push(
          `${r.index === undefined ? 'CAST(NULL AS INTEGER)' : String(r.index)} AS ${IDX_COL}`,
          `d.file_row_number AS ${ROW_COL}`,
          `CAST(${f.sequenceNumber ?? 'NULL'} AS BIGINT) AS ${SEQ_COL}`,
          `CAST(${f.partitionKey === undefined ? 'NULL' : str(f.partitionKey)} AS VARCHAR) AS ${PKEY_COL}`,
        );
        return `SELECT ${cols.join(', ')} FROM ${readParquet(r.files.map((x) => x.absPath), false)} d`;
      })
      .join('\nUNION ALL\n');
  } else {
    union = groups
      .map((g) => {
        const cols = [...projectAll(plan, g, (c) => `f.${colAlias(indexOf(plan, c))}`), `f.${IDX_COL}`, `d.file_row_number AS ${ROW_COL}`, `f.${SEQ_COL}`, `f.${PKEY_COL}`];
        return `SELECT ${cols.join(', ')} FROM ${readParquet(g.files.map((f) => f.absPath), true)} d JOIN ${filesTable} f ON f.path = d.${FILE_COL}`;
      })
      .join('\nUNION ALL\n');
  }
  let sql = `SELECT ${outerSelect(plan, 'u')} FROM (\n${union}\n) u`;
  if (hasDeletes) sql += `\nANTI JOIN ${delTable} x ON x.${IDX_COL} = u.${IDX_COL} AND x.pos = u.${ROW_COL}`;
  for (const [k, eq] of eqs.entries()) {
    // spec "Scan Planning": applies to older data files (data sequence number strictly less) of
    // the same partition, or of every partition when the delete's spec is unpartitioned; a NULL
    // in a delete row matches NULL
    const on = eq.columns.map((c) => `u.${colAlias(indexOf(plan, c))} IS NOT DISTINCT FROM e.${colAlias(indexOf(plan, c))}`);
    on.push(`u.${SEQ_COL} < e.${SEQ_COL}`, `(e.${PKEY_COL} IS NULL OR e.${PKEY_COL} = u.${PKEY_COL})`);
    sql += `\nANTI JOIN ${ident(`${prefix}_eq${k}`)} e ON ${on.join(' AND ')}`;
  }
  if (!opts.ordered) return { sql, drop };
  // ORDER BY may name columns of the FROM clause that the SELECT list does not show
  return { sql, drop, orderBy: `ORDER BY u.${IDX_COL}, u.${ROW_COL}` };
}

interface InlineRead {
  group: SchemaGroup;
  files: ScanFile[];
  /** The file's index when the read is one file with deletes. */
  index?: number;
}

/** Reads with per-file values inlined, or undefined when there would be too many. */
function inlineReads(plan: ScanPlan, groups: SchemaGroup[], index: Map<ScanFile, number>, withSeq: boolean): InlineRead[] | undefined {
  const byAbs = new Map(plan.files.map((f) => [f.absPath, f]));
  const reads = new Map<string, InlineRead>();
  for (const [gi, g] of groups.entries()) {
    for (const ref of g.files) {
      const f = byAbs.get(ref.absPath)!;
      const del = f.deleted !== undefined && f.deleted.length > 0;
      const key = JSON.stringify([gi, f.constants, f.fallbacks ?? null, withSeq ? [f.sequenceNumber, f.partitionKey] : null, del ? index.get(f) : null]);
      let r = reads.get(key);
      if (!r) {
        if (reads.size >= MAX_INLINE_READS) return undefined;
        reads.set(key, (r = { group: g, files: [], ...(del ? { index: index.get(f)! } : {}) }));
      }
      r.files.push(f);
    }
  }
  return [...reads.values()];
}

function indexOf(plan: ScanPlan, column: string): number {
  const i = plan.schema.fields.findIndex((f) => f.name === column);
  if (i < 0) throw new LakeError('corrupt', `${plan.format}: column ${column} is not in the schema`);
  return i;
}

async function createFilesTable(conn: DuckDBConnection, plan: ScanPlan, table: string): Promise<void> {
  const columns = [...plan.constantColumns.map((c) => ({ c, kind: 'constant' as const })), ...(plan.fallbackColumns ?? []).map((c) => ({ c, kind: 'fallback' as const }))];
  const cols = columns.map(({ c, kind }) => {
    const field = plan.schema.fields.find((f) => f.name === c);
    if (!field) throw new LakeError('corrupt', `${plan.format}: column ${c} of the file metadata is not in the schema`);
    return { name: c, kind, type: duckType(field.type, plan.format, c) };
  });
  const defs = [`path VARCHAR PRIMARY KEY`, `${IDX_COL} INTEGER`, `${SEQ_COL} BIGINT`, `${PKEY_COL} VARCHAR`, ...cols.map((c) => `${colAlias(indexOf(plan, c.name))} ${c.type}`)];
  await conn.run(`CREATE TABLE ${table} (${defs.join(', ')})`);
  for (let i = 0; i < plan.files.length; i += INSERT_BATCH) {
    const rows = plan.files.slice(i, i + INSERT_BATCH).map((f, j) => {
      const values = [str(f.absPath), String(i + j), f.sequenceNumber ?? 'NULL', f.partitionKey === undefined ? 'NULL' : str(f.partitionKey)];
      for (const c of cols) values.push((c.kind === 'constant' ? f.constants[c.name] : f.fallbacks?.[c.name]) ?? 'NULL');
      return `(${values.join(', ')})`;
    });
    await conn.run(`INSERT INTO ${table} VALUES ${rows.join(', ')}`);
  }
}

/** Deleted positions keyed by the file's index in the plan. */
async function createDeleteTable(conn: DuckDBConnection, files: ScanFile[], table: string): Promise<void> {
  await conn.run(`CREATE TABLE ${table} (${IDX_COL} INTEGER, pos BIGINT)`);
  const appender = await conn.createAppender(table.slice(1, -1).replace(/""/g, '"'));
  try {
    for (const [i, f] of files.entries()) {
      if (!f.deleted) continue;
      for (const p of f.deleted) {
        appender.appendInteger(i);
        appender.appendBigInt(BigInt(p));
        appender.endRow();
      }
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

/** The rows of one set of equality delete files, projected to the table's types. */
async function createEqualityTable(conn: DuckDBConnection, plan: ScanPlan, eq: EqualityDeletes, table: string): Promise<void> {
  const fields = eq.columns.map((c) => plan.schema.fields.find((f) => f.name === c)!);
  const refs: FileRef[] = eq.files;
  const groups = await groupBySchema(conn, refs);
  const groupOf = new Map<string, SchemaGroup>();
  for (const g of groups) for (const f of g.files) groupOf.set(f.absPath, g);
  const opts: ProjectOptions = { format: plan.format, match: 'id', alias: 'd', ...(plan.nameMapping ? { nameMapping: plan.nameMapping } : {}) };
  const parts = eq.files.map((f) => {
    const cols = projectGroup(fields, groupOf.get(f.absPath)!, opts).map((sql, i) => `${sql} AS ${colAlias(indexOf(plan, eq.columns[i]!))}`);
    const pkey = f.partitionKey === null ? 'NULL' : str(f.partitionKey);
    return `SELECT ${cols.join(', ')}, CAST(${f.sequenceNumber} AS BIGINT) AS ${SEQ_COL}, CAST(${pkey} AS VARCHAR) AS ${PKEY_COL} FROM read_parquet(${str(f.absPath)}, hive_partitioning = false) d`;
  });
  await conn.run(`CREATE TABLE ${table} AS ${parts.join('\nUNION ALL\n')}`);
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
 * file's row count is unknown or rows depend on equality deletes (then the page needs a scan).
 */
export function pageSlices(plan: ScanPlan, offset: number, limit: number): PageSlice[] | undefined {
  if (plan.equalityDeletes?.length) return undefined;
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
  const groups = await groupBySchema(conn, slices.map((s) => s.file));
  const groupOf = new Map<string, SchemaGroup>();
  for (const g of groups) for (const f of g.files) groupOf.set(f.absPath, g);
  const parts = slices.map((s) => {
    const f = s.file;
    const cols = projectAll(plan, groupOf.get(f.absPath)!, (c, kind) => (kind === 'constant' ? f.constants[c] : f.fallbacks?.[c]) ?? 'NULL');
    const positions = livePositions(f.deleted, s.from, s.to);
    const first = positions[0]!;
    const last = positions[positions.length - 1]!;
    // a contiguous run is a range; otherwise list the live positions (at most `limit` of them)
    let where = `file_row_number BETWEEN ${first} AND ${last}`;
    if (last - first + 1 !== positions.length) where += ` AND file_row_number IN (${positions.join(', ')})`;
    cols.push(`${s.index} AS ${IDX_COL}`, `file_row_number AS ${ROW_COL}`);
    return `SELECT ${cols.join(', ')} FROM ${readParquet([f.absPath], false)} d WHERE ${where}`;
  });
  return `SELECT ${outerSelect(plan, 'p')} FROM (\n${parts.join('\nUNION ALL\n')}\n) p\nORDER BY p.${IDX_COL}, p.${ROW_COL}`;
}
