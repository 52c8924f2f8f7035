/**
 * `lakelens rows | sql | export`: the commands that read rows. They are the only ones that load
 * DuckDB (through the query engine, on first use).
 *
 * JSON output: `{ version, readOptimized, notes, columns: [{ name, type }], rows: [[…], …] }` with
 * rows as arrays in column order and values in the engine's lossless encoding (src/query/rows.ts:
 * int64, decimals and timestamps as strings). `rows` adds `offset` and `totalRows`. `sql --json`
 * streams: the rows array is written as the query produces pages.
 *
 * `readOptimized: true` marks rows that are not the version's full content (Hudi merge-on-read
 * read through its base files only); human output then starts with a line saying so, and every
 * note the engine attaches to the rows is printed before them.
 */
import * as nodePath from 'node:path';
import { countOf } from '../core/format';
import { stringifyJson } from '../core/json';
import type { TableFormat, VersionSelector } from '../core/model';
import { openTable } from '../core/table';
import { readerOptions } from './bigCheckpoints';
import { EXPORT_FORMATS, type ExportFormat } from '../query/export';
import { QueryEngine } from '../query/engine';
import type { ColumnInfo, Row } from '../query/rows';
import type { RowsLabel } from '../query/engine';
import { UsageError } from './args';
import { table, visible } from './format';
import { resolveTarget } from './storageArgs';

export const ROWS_COMMANDS = new Set(['rows', 'sql', 'export']);

export interface RowsOptions {
  selector: VersionSelector;
  format: TableFormat | undefined;
  limit: number | undefined;
  offset: number | undefined;
  out: string | undefined;
  json: boolean;
  /** All flags, for the storage options (--profile, --endpoint…). */
  flags: Map<string, string | true>;
}

const MAX_CELL = 60;

/** Runs one of ROWS_COMMANDS; `args` are the positionals after the command name. */
export async function runRowsCommand(cmd: string, args: string[], opts: RowsOptions): Promise<number> {
  const [target, query, ...rest] = args;
  if (!target) throw new UsageError(`${cmd} needs a table path`);
  if (cmd === 'sql' ? rest.length > 0 || query === undefined : query !== undefined) {
    throw new UsageError(cmd === 'sql' ? 'sql needs exactly one query: lakelens sql <table> "SELECT … FROM t"' : `unexpected argument ${JSON.stringify(query)}`);
  }
  const { storage, format, options } = await resolveTarget(target, opts.flags);
  // one engine for the process (it also reads big checkpoints); closed before exit so its temp folder goes too
  const engine = new QueryEngine();
  try {
    const lake = await openTable(storage, opts.format ?? format, { ...readerOptions(storage, engine), ...options });
    const snap = await lake.snapshot(opts.selector);
    const q = engine.table(storage);
    if (cmd === 'rows') {
      const page = await q.preview(snap, opts.offset ?? 0, opts.limit ?? 20);
      if (opts.json) write(stringifyJson({ version: snap.version, ...label(page), offset: page.offset, totalRows: page.totalRows, columns: page.columns, rows: page.rows }, 2) + '\n');
      else {
        write(banner(page));
        write(render(page.columns, page.rows) + '\n');
        const shown = page.rows.length === 0 ? 'no rows' : `rows ${page.offset + 1}–${page.offset + page.rows.length}`;
        write(`${shown} of ${page.totalRows} (version ${String(snap.version)}${viewOf(page)})\n`);
      }
      return 0;
    }
    if (cmd === 'sql') {
      const abort = new AbortController();
      const onSigint = () => abort.abort();
      process.once('SIGINT', onSigint);
      try {
        const res = await q.sql(snap, query!, abort.signal);
        const limit = opts.limit ?? Infinity;
        let n = 0;
        if (opts.json) {
          write(`{"version":${stringifyJson(snap.version)},"readOptimized":${String(res.readOptimized)},"notes":${stringifyJson(res.notes)},"columns":${stringifyJson(res.columns)},"rows":[`);
          for await (const rows of res) {
            for (const r of rows) {
              if (n >= limit) break;
              write(`${n++ === 0 ? '\n' : ',\n'}${stringifyJson(r)}`);
            }
            if (n >= limit) break;
          }
          write(']}\n');
        } else {
          const all: Row[] = [];
          for await (const rows of res) {
            all.push(...rows.slice(0, Math.max(0, limit - all.length)));
            if (all.length >= limit) break;
          }
          write(banner(res) + render(res.columns, all) + `\n(${countOf(all.length, 'row')}${viewOf(res)})\n`);
        }
        res.close();
      } finally {
        process.removeListener('SIGINT', onSigint);
      }
      return 0;
    }
    const out = opts.out;
    if (!out) throw new UsageError('export needs --out FILE.parquet|.csv|.jsonl');
    const ext = nodePath.extname(out).slice(1).toLowerCase();
    if (!(EXPORT_FORMATS as readonly string[]).includes(ext)) throw new UsageError(`--out must end in .parquet, .csv or .jsonl, got ${JSON.stringify(out)}`);
    const result = await q.export(snap, ext as ExportFormat, out);
    const summary = { path: nodePath.resolve(out), format: ext, version: snap.version, rows: result.rows, ...label(result) };
    write(opts.json ? stringifyJson(summary, 2) + '\n' : `${banner(result)}wrote ${result.rows} rows of version ${String(snap.version)}${result.readOptimized ? ' (read-optimized view)' : ''} to ${summary.path}\n`);
    return 0;
  } finally {
    await engine.dispose();
  }
}

function label(r: RowsLabel): RowsLabel {
  return { readOptimized: r.readOptimized, notes: r.notes };
}

/** Lines printed before the rows: the read-optimized warning first, then every note. */
function banner(r: RowsLabel): string {
  const lines: string[] = [];
  if (r.readOptimized) lines.push('READ-OPTIMIZED VIEW: merge-on-read base files only; changes in log files are not merged, so these are not all the rows of this version');
  for (const n of r.notes) lines.push(`note: ${visible(n)}`);
  return lines.map((l) => `${l}\n`).join('');
}

function viewOf(r: RowsLabel): string {
  return r.readOptimized ? ', read-optimized view' : '';
}

function write(s: string): void {
  process.stdout.write(s);
}

function cell(v: unknown): string {
  const s = v === null || v === undefined ? 'NULL' : typeof v === 'string' ? v : stringifyJson(v);
  const flat = s.replace(/\s*\n\s*/g, ' ');
  return flat.length > MAX_CELL ? flat.slice(0, MAX_CELL - 1) + '…' : flat;
}

function render(columns: ColumnInfo[], rows: Row[]): string {
  return table(
    columns.map((c) => c.name),
    rows.map((r) => r.map(cell)),
  );
}
