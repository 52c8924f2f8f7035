/**
 * Exports a snapshot, or the result of a read-only statement over it (the view `t`), to a file
 * the user chose. Parquet and CSV are written by DuckDB in a one-off instance allowed to read the
 * table and write that single file; JSON Lines are written here from the same lossless JSON
 * encoding as previews and `lakelens sql --json` (int64 and decimals as strings), one object per
 * row.
 *
 * A statement is checked exactly as `sql` checks it (one read-only SELECT-like statement, bound
 * against `t`) before it is put inside `COPY (…) TO`; the COPY text is then checked to be one
 * COPY statement, so no statement text can turn the export into anything else. The one-off
 * instance could not read or write anywhere else even if it did.
 */
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import { LakeError } from '../core/errors';
import { stringifyJson } from '../core/json';
import type { DuckDBConnection, DuckDBPreparedStatement } from '@duckdb/node-api';
import { type InstancePool, withConnection } from './instances';
import { buildRelation } from './relation';
import type { Row } from './rows';
import { firstLine, prepareReadOnly } from './sandbox';
import type { ScanPlan } from './scanPlan';
import { str } from './sql';

export type ExportFormat = 'parquet' | 'csv' | 'jsonl';

export const EXPORT_FORMATS: readonly ExportFormat[] = ['parquet', 'csv', 'jsonl'];

interface RowSource {
  columns: { name: string }[];
  next(): Promise<Row[] | null>;
  close(): void;
}

export interface ExportJob {
  pool: InstancePool;
  root: string;
  plan: ScanPlan;
  format: ExportFormat;
  dest: string;
  signal?: AbortSignal | undefined;
  /** A statement over the view `t` whose result is exported instead of the whole snapshot. */
  query?: string;
  /** How DuckDB errors become LakeErrors (default: `export failed: <first line>`). */
  mapError?: (err: unknown) => Error;
  /** The rows to export (the snapshot or the query's result), for JSON Lines. */
  rowsOf: () => Promise<RowSource>;
}

export async function exportRows(job: ExportJob): Promise<{ rows: number }> {
  const dest = checkDestination(job.dest, job.root);
  try {
    return job.format === 'jsonl' ? await writeJsonLines(await job.rowsOf(), dest, job.signal) : await copyWithDuckDB(job, dest);
  } catch (err) {
    fs.rmSync(dest, { force: true });
    if (err instanceof LakeError) throw err;
    if (job.signal?.aborted || /^INTERRUPT/.test(firstLine(err))) throw new LakeError('cancelled', 'export cancelled');
    if (job.mapError) throw job.mapError(err);
    throw new LakeError('corrupt', `export failed: ${firstLine(err)}`, dest, { cause: err });
  }
}

/** The destination as an absolute path, refusing folders and anything inside the table. */
function checkDestination(raw: string, root: string): string {
  const dest = nodePath.resolve(raw);
  const parent = nodePath.dirname(dest);
  if (!fs.existsSync(parent) || !fs.statSync(parent).isDirectory()) throw new LakeError('invalid-argument', `export folder does not exist: ${parent}`);
  if (fs.existsSync(dest) && fs.statSync(dest).isDirectory()) throw new LakeError('invalid-argument', `export destination is a folder: ${dest}`);
  const realRoot = fs.realpathSync(root);
  const realDest = nodePath.join(fs.realpathSync(parent), nodePath.basename(dest));
  if (realDest === realRoot || realDest.startsWith(realRoot + nodePath.sep)) {
    throw new LakeError('invalid-argument', `refusing to write inside the table folder: ${dest}`);
  }
  return dest;
}

async function copyWithDuckDB(job: ExportJob, dest: string): Promise<{ rows: number }> {
  const oneOff = await job.pool.oneOff([job.root], [dest]);
  try {
    return await withConnection(oneOff.instance, job.signal, async (conn) => {
      const rel = await buildRelation(conn, job.plan, '__lakelens_export');
      // DuckDB overwrites an existing file through a `tmp_<name>` beside it, which the sandbox (one
      // writable path) refuses: write in place; a failed export removes the file anyway
      const options = `${job.format === 'parquet' ? 'FORMAT parquet' : 'FORMAT csv, HEADER true'}, USE_TMP_FILE false`;
      let copies = [`COPY (${rel.sql}) TO ${str(dest)} (${options})`];
      if (job.query !== undefined) {
        await conn.run(`CREATE TEMP VIEW t AS ${rel.sql}`);
        const q = await checkedQuery(conn, job.query);
        // DESCRIBE, SUMMARIZE and SHOW parse only as a subquery inside COPY
        copies = [`COPY (${q}\n) TO ${str(dest)} (${options})`, `COPY (FROM (${q}\n)) TO ${str(dest)} (${options})`];
      }
      const prepared = await prepareCopy(conn, copies);
      try {
        const result = await prepared.run();
        return { rows: Number((await result.getRowsJS())[0]?.[0] ?? 0) };
      } finally {
        prepared.destroySync();
      }
    });
  } finally {
    job.pool.closeOneOff(oneOff);
  }
}

const STATEMENT_COPY = 11;

/**
 * The user's statement, checked as `sql` checks it (one read-only statement, bound against `t`),
 * ready to go inside `COPY (…)`: trailing semicolons dropped, and a line break before the closing
 * parenthesis (see the caller) ends any trailing `--` comment.
 */
async function checkedQuery(conn: DuckDBConnection, text: string): Promise<string> {
  (await prepareReadOnly(conn, text)).destroySync();
  return text.replace(/[\s;]+$/, '');
}

/** The first text that parses as exactly one COPY statement, prepared (bound, not run). */
async function prepareCopy(conn: DuckDBConnection, texts: string[]): Promise<DuckDBPreparedStatement> {
  for (const text of texts) {
    const extracted = await conn.extractStatements(text).catch(() => undefined);
    if (!extracted || extracted.count !== 1) continue;
    const prepared = await extracted.prepare(0);
    if (prepared.statementType === STATEMENT_COPY) return prepared;
    prepared.destroySync();
  }
  throw new LakeError('invalid-argument', 'SQL: this statement cannot be exported as written (a comment after its final semicolon?); export a plain SELECT');
}

async function writeJsonLines(source: RowSource, dest: string, signal?: AbortSignal): Promise<{ rows: number }> {
  const out = fs.createWriteStream(dest);
  const done = new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('error', reject);
  });
  const names = source.columns.map((c) => c.name);
  let count = 0;
  try {
    for (let rows = await source.next(); rows; rows = await source.next()) {
      if (signal?.aborted) throw new LakeError('cancelled', 'export cancelled');
      const text = rows.map((r) => stringifyJson(Object.fromEntries(names.map((n, i) => [n, r[i] ?? null])))).join('\n') + '\n';
      count += rows.length;
      if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', resolve));
    }
  } finally {
    source.close();
    out.end();
  }
  await done;
  return { rows: count };
}
