/**
 * The query engine: rows of any snapshot through DuckDB. `engine.table(storage)` gives a
 * `TableQuery` whose `preview`, `sql`, `export` and `exportQuery` take a snapshot from the core;
 * in SQL the snapshot is the view `t`.
 *
 * Every result says whether its rows are the snapshot's full content: `readOptimized` (Hudi
 * merge-on-read read through base files only) and `notes` travel with pages, SQL results and
 * exports, so no view can show such rows unlabelled.
 *
 * DuckDB is loaded on the first call that needs it, never on construction.
 */
import type { DuckDBConnection, DuckDBResult } from '@duckdb/node-api';
import type { DeltaSnapshot } from '../core/delta/snapshot';
import { LakeError, checkAborted } from '../core/errors';
import type { Snapshot } from '../core/model';
import type { Storage } from '../core/storage/storage';
import type { HudiSnapshot } from '../core/hudi/snapshot';
import type { IcebergSnapshot } from '../core/iceberg/snapshot';
import { deltaScanPlan } from './deltaScan';
import { duckdbParquetActions } from './checkpointRows';
import type { ParquetActionSource } from '../core/options';
import { hudiScanPlan } from './hudiScan';
import { icebergScanPlan } from './icebergScan';
import { translateReadError } from './fileSchema';
import { type EngineOptions, InstancePool, type PoolEntry, withConnection } from './instances';
import { type Relation, buildPage, buildRelation, pageSlices } from './relation';
import { type ColumnInfo, type Row, chunkRows, columnsOf } from './rows';
import { firstLine, prepareReadOnly, sqlErrorText } from './sandbox';
import type { ScanPlan } from './scanPlan';
import { strList } from './sql';
import { exportRows, type ExportFormat } from './export';
import { verifyFiles } from './verify';
import { localFiles } from './staging';

export type { EngineOptions } from './instances';
export type { ColumnInfo, Row } from './rows';
export type { ExportFormat } from './export';
export { configureStaging, stagingCache } from './staging';

/** What a result says about its rows besides the rows themselves. */
export interface RowsLabel {
  /**
   * True when the rows are not the snapshot's full content: a Hudi merge-on-read snapshot read
   * through its base files only (the read-optimized view). Views must say so with the rows.
   */
  readOptimized: boolean;
  /** Notes to show with the rows (why they are read-optimized, …); empty when there are none. */
  notes: string[];
}

export interface PreviewPage extends RowsLabel {
  columns: ColumnInfo[];
  rows: Row[];
  offset: number;
  /** Rows in the snapshot (after deletes). */
  totalRows: number;
}

export interface ExportResult extends RowsLabel {
  rows: number;
}

export interface SqlResult extends AsyncIterable<Row[]>, RowsLabel {
  columns: ColumnInfo[];
  /** The next page of rows (up to 2,048), or null at the end. */
  next(): Promise<Row[] | null>;
  /** Stops the query and frees its connection (safe to call twice). */
  close(): void;
}

/** What a planner may use: the table's storage and read-only queries in its sandbox. */
export interface PlanContext {
  storage: Storage;
  signal?: AbortSignal | undefined;
  /** Runs a query in the table's DuckDB instance; rows as JS values (BIGINT as bigint). */
  query(sql: string): Promise<unknown[][]>;
  /** Append Iceberg v3 row lineage columns (`_row_id`, `_last_updated_sequence_number`). */
  rowLineage?: boolean;
}

export interface TableOptions {
  /** Iceberg v3 tables: add the row lineage columns `_row_id` and `_last_updated_sequence_number`. */
  rowLineage?: boolean;
}

/** Builds the scan plan of a snapshot for one format. */
export type PlanBuilder = (snap: Snapshot, ctx: PlanContext) => Promise<ScanPlan>;

const planners: Partial<Record<Snapshot['format'], PlanBuilder>> = {
  delta: (snap, ctx) => deltaScanPlan(snap as DeltaSnapshot, ctx.storage, ctx.signal),
  iceberg: (snap, ctx) => icebergScanPlan(snap as IcebergSnapshot, ctx),
  hudi: (snap, ctx) => hudiScanPlan(snap as HudiSnapshot, ctx),
};

const MAX_PAGE = 10_000;
const MAX_CACHED = 4;

interface CachedRelation {
  relation: Promise<Relation>;
  users: number;
  lastUsed: number;
}

export class QueryEngine {
  private readonly pool: InstancePool;

  constructor(opts: EngineOptions = {}) {
    this.pool = new InstancePool(opts);
  }

  /** Reads big Delta checkpoints for the core (`openTable(…, { parquetActions })`). */
  parquetActions(storage: Storage): ParquetActionSource {
    return duckdbParquetActions(this.pool, storage);
  }

  table(storage: Storage, opts: TableOptions = {}): TableQuery {
    return new TableQuery(this.pool, storage, opts);
  }

  dispose(): Promise<void> {
    return this.pool.dispose();
  }
}

export class TableQuery {
  private readonly plans = new Map<string, Promise<ScanPlan>>();
  readonly root: string;

  constructor(
    private readonly pool: InstancePool,
    readonly storage: Storage,
    private readonly opts: TableOptions = {},
  ) {
    this.root = localFiles(storage).root;
  }

  /** Cache key of a snapshot's plan and relation under this table's options. */
  private key(snap: Snapshot): string {
    return `${snapKey(snap)}${this.opts.rowLineage ? ':lineage' : ''}`;
  }

  /** The scan plan of a snapshot (cached: deletion vectors are read once). */
  plan(snap: Snapshot, signal?: AbortSignal): Promise<ScanPlan> {
    const key = this.key(snap);
    let p = this.plans.get(key);
    if (!p) {
      const planner = planners[snap.format];
      if (!planner) return Promise.reject(new LakeError('unsupported', `${snap.format}: reading rows is not supported yet`));
      const ctx: PlanContext = {
        storage: this.storage,
        signal,
        ...(this.opts.rowLineage ? { rowLineage: true } : {}),
        query: (sql) =>
          this.withEntry((entry) =>
            withConnection(entry.instance, signal, async (conn) => {
              try {
                return (await conn.runAndReadAll(sql)).getRowsJS() as unknown[][];
              } catch (err) {
                throw mapQueryError(err, { files: [] }, signal);
              }
            }),
          ),
      };
      p = planner(snap, ctx);
      this.plans.set(key, p);
      p.catch(() => this.plans.delete(key));
      while (this.plans.size > MAX_CACHED) this.plans.delete(this.plans.keys().next().value!);
    }
    return p;
  }

  /** Rows [offset, offset + limit) in table order (files as listed, rows by position), and the total. */
  async preview(snap: Snapshot, offset: number, limit: number, signal?: AbortSignal): Promise<PreviewPage> {
    if (!Number.isSafeInteger(offset) || offset < 0) throw new LakeError('invalid-argument', `offset must be a non-negative integer, got ${offset}`);
    if (!Number.isSafeInteger(limit) || limit < 0 || limit > MAX_PAGE) throw new LakeError('invalid-argument', `limit must be an integer between 0 and ${MAX_PAGE}, got ${limit}`);
    const plan = await this.plan(snap, signal);
    checkAborted(signal);
    if (!plan.equalityDeletes?.length && plan.files.some((f) => f.numRecords === null)) await this.fillRowCounts(plan, signal);
    const slices = pageSlices(plan, offset, limit);
    return this.withEntry(async (entry) =>
      withConnection(entry.instance, signal, async (conn) => {
        let sql: string;
        let countSql: string | undefined;
        let drop: string[] = [];
        if (slices) {
          await verifyFiles(this.storage, slices.map((s) => s.file), 'data file', signal);
          sql = await buildPage(conn, plan, slices);
        } else {
          // some file has no row count (or rows depend on equality deletes): scan in order
          await verifyFiles(this.storage, filesOf(plan), 'data file', signal);
          const rel = await buildRelation(conn, plan, `__lakelens_p${Date.now()}`, { ordered: true });
          sql = `${rel.sql}\n${rel.orderBy ?? ''}\nLIMIT ${limit} OFFSET ${offset}`;
          countSql = `SELECT count(*) FROM (${rel.sql})`;
          drop = rel.drop;
        }
        try {
          const result = await run(conn, sql, plan);
          const columns = columnsOf(result);
          const rows: Row[] = [];
          for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) rows.push(...chunkRows(entry.duck, chunk));
          let total = plan.numRows;
          if (total === null) {
            const counted = await run(conn, countSql ?? `SELECT count(*) FROM (${sql})`, plan);
            total = Number((await counted.getRowsJS())[0]![0]);
          }
          return { columns, rows: rows.slice(0, limit), offset, totalRows: total, ...labelOf(plan) };
        } catch (err) {
          throw mapQueryError(err, plan, signal);
        } finally {
          for (const d of drop) await conn.run(d).catch(() => undefined);
        }
      }),
    );
  }

  /**
   * Row counts from the Parquet footers for files whose metadata has none (Delta tables written
   * without stats), so pages can still be cut by counts instead of sorting the whole table.
   * Updates the cached plan once.
   */
  private async fillRowCounts(plan: ScanPlan, signal?: AbortSignal): Promise<void> {
    const unknown = plan.files.filter((f) => f.numRecords === null);
    await verifyFiles(this.storage, unknown, 'data file', signal);
    const rows = await this.withEntry((entry) =>
      withConnection(entry.instance, signal, async (conn) => {
        try {
          return (await conn.runAndReadAll(`SELECT file_name, num_rows FROM parquet_file_metadata(${strList(unknown.map((f) => f.absPath))})`)).getRowsJS();
        } catch (err) {
          throw mapQueryError(err, plan, signal);
        }
      }),
    );
    const counts = new Map(rows.map((r) => [String(r[0]), Number(r[1])]));
    for (const f of unknown) {
      const n = counts.get(f.absPath);
      if (n === undefined || !Number.isSafeInteger(n)) throw new LakeError('corrupt', 'data file has no row count in its Parquet footer', f.path);
      if (f.deleted && f.deleted.length > 0 && f.deleted[f.deleted.length - 1]! >= n) throw new LakeError('corrupt', `deletion vector deletes row ${f.deleted[f.deleted.length - 1]} but the file has ${n} rows`, f.path);
      f.numRecords = n;
    }
    plan.numRows = plan.files.reduce((sum, f) => sum + f.numRecords! - (f.deleted?.length ?? 0), 0);
  }

  /**
   * Runs one read-only statement over the snapshot, visible as the view `t`. Rows stream in pages;
   * `signal` (or `close()`) interrupts the query.
   */
  async sql(snap: Snapshot, text: string, signal?: AbortSignal): Promise<SqlResult> {
    const plan = await this.plan(snap, signal);
    checkAborted(signal);
    const entry = await this.pool.acquire(this.root);
    let conn: DuckDBConnection | undefined;
    let cached: CachedRelation | undefined;
    const onAbort = () => conn?.interrupt();
    let closed = false;
    const close = (failure?: unknown) => {
      if (closed) return;
      closed = true;
      signal?.removeEventListener('abort', onAbort);
      conn?.interrupt();
      conn?.closeSync();
      if (cached) cached.users--;
      this.pool.release(entry, failure);
    };
    // errors in the user's statement keep DuckDB's whole message (position and caret)
    let user = false;
    try {
      conn = await entry.instance.connect();
      signal?.addEventListener('abort', onAbort);
      cached = await this.cachedRelation(entry, snap, plan);
      const rel = await cached.relation;
      await conn.run(`CREATE TEMP VIEW t AS ${rel.sql}`);
      user = true;
      const prepared = await prepareReadOnly(conn, text);
      let result: DuckDBResult;
      try {
        result = await prepared.stream();
      } finally {
        prepared.destroySync();
      }
      const columns = columnsOf(result);
      const next = async (): Promise<Row[] | null> => {
        if (closed) return null;
        try {
          const chunk = await result.fetchChunk();
          if (!chunk || chunk.rowCount === 0) {
            close();
            return null;
          }
          return chunkRows(entry.duck, chunk);
        } catch (err) {
          close(err);
          throw mapQueryError(err, plan, signal, { userSql: true });
        }
      };
      return {
        columns,
        ...labelOf(plan),
        next,
        close: () => close(),
        async *[Symbol.asyncIterator]() {
          try {
            for (let rows = await next(); rows; rows = await next()) yield rows;
          } finally {
            close();
          }
        },
      };
    } catch (err) {
      close(err);
      throw mapQueryError(err, plan, signal, { userSql: user });
    }
  }

  /** Writes the snapshot to `dest` as Parquet, CSV (with header) or JSON Lines; returns the row count. */
  async export(snap: Snapshot, format: ExportFormat, dest: string, signal?: AbortSignal): Promise<ExportResult> {
    const plan = await this.plan(snap, signal);
    await verifyFiles(this.storage, filesOf(plan), 'data file', signal);
    const { rows } = await exportRows({ pool: this.pool, root: this.root, plan, format, dest, signal, rowsOf: () => this.sql(snap, 'SELECT * FROM t', signal) });
    return { rows, ...labelOf(plan) };
  }

  /**
   * Writes the result of one read-only statement over the snapshot (the view `t`, as in `sql`)
   * to `dest`. The statement passes the same checks as in `sql`; Parquet and CSV are then written
   * by DuckDB (`COPY (<statement>) TO dest`) in a one-off instance that may read the table and
   * write only `dest`, JSON Lines from the streamed result in the lossless encoding. Destinations
   * inside the table are refused.
   */
  async exportQuery(snap: Snapshot, text: string, format: ExportFormat, dest: string, signal?: AbortSignal): Promise<ExportResult> {
    const plan = await this.plan(snap, signal);
    await verifyFiles(this.storage, filesOf(plan), 'data file', signal);
    const { rows } = await exportRows({
      pool: this.pool,
      root: this.root,
      plan,
      format,
      dest,
      signal,
      query: text,
      mapError: (err) => mapQueryError(err, plan, signal, { userSql: true }),
      rowsOf: () => this.sql(snap, text, signal),
    });
    return { rows, ...labelOf(plan) };
  }

  private async withEntry<T>(fn: (entry: PoolEntry) => Promise<T>): Promise<T> {
    const entry = await this.pool.acquire(this.root);
    let failure: unknown;
    try {
      return await fn(entry);
    } catch (err) {
      failure = (err as { cause?: unknown }).cause ?? err;
      throw err;
    } finally {
      this.pool.release(entry, failure);
    }
  }

  /** The snapshot's relation in this instance (helper tables built once), marked in use. */
  private async cachedRelation(entry: PoolEntry, snap: Snapshot, plan: ScanPlan): Promise<CachedRelation> {
    const cache = relationsOf(entry);
    const key = this.key(snap);
    let c = cache.get(key);
    if (!c) {
      const seq = (entry.state.get('seq') as number | undefined) ?? 0;
      entry.state.set('seq', seq + 1);
      c = {
        relation: (async () => {
          await verifyFiles(this.storage, filesOf(plan));
          return withConnection(entry.instance, undefined, (conn) => buildRelation(conn, plan, `__lakelens_r${seq}`));
        })(),
        users: 1,
        lastUsed: Date.now(),
      };
      cache.set(key, c);
      c.relation.catch(() => cache.delete(key));
      // the new relation is in use already, so eviction never drops its tables
      await evictRelations(entry, cache);
      return c;
    }
    c.users++;
    c.lastUsed = Date.now();
    return c;
  }
}

function relationsOf(entry: PoolEntry): Map<string, CachedRelation> {
  let m = entry.state.get('relations') as Map<string, CachedRelation> | undefined;
  if (!m) entry.state.set('relations', (m = new Map()));
  return m;
}

async function evictRelations(entry: PoolEntry, cache: Map<string, CachedRelation>): Promise<void> {
  if (cache.size <= MAX_CACHED) return;
  const idle = [...cache.entries()].filter(([, c]) => c.users === 0).sort((a, b) => a[1].lastUsed - b[1].lastUsed);
  for (const [key, c] of idle.slice(0, cache.size - MAX_CACHED)) {
    cache.delete(key);
    const rel = await c.relation.catch(() => undefined);
    if (rel && rel.drop.length > 0) {
      await withConnection(entry.instance, undefined, async (conn) => {
        for (const d of rel.drop) await conn.run(d).catch(() => undefined);
      });
    }
  }
}

/** Identifies a snapshot's content (versions are immutable; size guards against a rewritten table). */
function snapKey(snap: Snapshot): string {
  return `${snap.format}:${String(snap.version)}:${snap.numFiles}:${snap.sizeBytes}`;
}

async function run(conn: DuckDBConnection, sql: string, plan: ScanPlan): Promise<DuckDBResult> {
  try {
    return await conn.stream(sql);
  } catch (err) {
    throw mapQueryError(err, plan);
  }
}

/** Every file a relation reads: data files and equality delete files. */
function filesOf(plan: ScanPlan): { path: string }[] {
  return [...plan.files, ...(plan.equalityDeletes ?? []).flatMap((e) => e.files)];
}

/** A plan's label for every result built from it. */
function labelOf(plan: ScanPlan): RowsLabel {
  return { readOptimized: plan.readOptimized === true, notes: [...(plan.notes ?? [])] };
}

/**
 * DuckDB errors as LakeErrors. For errors in the user's own statement (`userSql`) the message
 * keeps DuckDB's `LINE n:` context and caret (bounded, control characters removed) so the SQL
 * console can show where the error is; every other message keeps its first line.
 */
function mapQueryError(err: unknown, plan: Pick<ScanPlan, 'files'>, signal?: AbortSignal, opts: { userSql?: boolean } = {}): Error {
  if (err instanceof LakeError) return err;
  const msg = firstLine(err);
  if (signal?.aborted || /^INTERRUPT Error/i.test(msg)) return new LakeError('cancelled', 'query cancelled');
  const full = opts.userSql ? sqlErrorText(err) : msg;
  const rest = full.slice(firstLine(full).length);
  if (/Permission Error/.test(msg)) return new LakeError('out-of-root', `SQL: ${msg} (queries may read only the table's own folder)${rest}`);
  if (/IO Error|No files found|Cannot open file/i.test(msg)) return translateReadError(err, plan.files);
  if (/^Out of Memory Error/.test(msg)) return new LakeError('too-large', `the query needs more memory than the engine's limit allows (${msg})`, undefined, { cause: err });
  return new LakeError('invalid-argument', `SQL: ${full}`, undefined, { cause: err });
}
