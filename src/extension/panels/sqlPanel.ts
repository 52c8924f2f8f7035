/**
 * Host side of the SQL console: runs read-only queries over a chosen version (the view `t`),
 * keeps up to `lakelens.maxResultRows` rows of the last result for the grid's pages, remembers
 * the query history per table, and exports results (the engine runs the query again and writes
 * the file: Parquet and CSV by DuckDB, JSON Lines in the grid's encoding).
 */
import * as vscode from 'vscode';
import type { VersionId } from '../../core/model';
import type { Row } from '../../protocol/rows';
import { Cancel, Columns, Copy, DidChange, ExportResult, type Init, Ready, Rows, Run } from '../../protocol/sql';
import { settings } from '../config';
import { tableQuery } from '../engine';
import type { TableEntry } from '../registry';
import type { TablesProvider } from '../tree/provider';
import { exportWithDialog } from './exportFile';
import { type HostedPanel, type PanelContext, showPanel, tableRef } from './panelHost';
import { versionId, versionItem } from './versions';

const HISTORY = 50;

export function openSql(pc: PanelContext & { state: vscode.Memento }, tree: TablesProvider, entry: TableEntry, version?: VersionId): void {
  const historyKey = `lakelens.sqlHistory:${entry.id}`;
  const init = async (): Promise<Init> => {
    const history = await tree.history(entry);
    const latest = await entry.snapshot();
    return {
      table: tableRef(entry),
      versions: history.map((v) => versionItem(entry, v)),
      version: String(version ?? latest.version),
      columns: latest.schema.fields.map((f) => f.name),
      history: pc.state.get<string[]>(historyKey, []),
      initialQuery: 'SELECT * FROM t LIMIT 100',
      maxRows: settings(entry.root).maxResultRows,
    };
  };
  const setup = (h: HostedPanel) => {
    const results = new Map<number, Row[]>();
    let seq = 0;
    let ac = new AbortController();
    h.endpoint.on(Ready, init);
    h.endpoint.on(Run, async ({ query, version: v }) => {
      ac.abort();
      ac = new AbortController();
      const signal = ac.signal;
      const t0 = Date.now();
      const snap = await entry.snapshot({ version: versionId(entry, v) }, signal);
      const q = await tableQuery(entry);
      const max = settings(entry.root).maxResultRows;
      const res = await q.sql(snap, query, signal);
      const rows: Row[] = [];
      let truncated = false;
      try {
        for (let page = await res.next(); page; page = await res.next()) {
          rows.push(...(page as Row[]));
          if (rows.length > max) {
            truncated = true;
            rows.length = max;
            break;
          }
        }
      } finally {
        res.close();
      }
      const runId = ++seq;
      results.clear();
      results.set(runId, rows);
      const trimmed = query.trim();
      const hist = [trimmed, ...pc.state.get<string[]>(historyKey, []).filter((x) => x !== trimmed)].slice(0, HISTORY);
      await pc.state.update(historyKey, hist);
      pc.log.info(`${entry.relPath}: query over version ${v} returned ${rows.length}${truncated ? '+' : ''} rows in ${Date.now() - t0} ms`);
      return { runId, columns: res.columns, rows: rows.slice(0, 200), rowCount: rows.length, truncated, elapsedMs: Date.now() - t0, notes: res.notes };
    });
    h.endpoint.on(Rows, async ({ runId, offset, limit }) => {
      const rows = results.get(runId);
      if (!rows) throw new Error('this result is no longer held; run the query again');
      return { rows: rows.slice(offset, offset + Math.min(limit, 1000)), offset };
    });
    h.endpoint.on(Cancel, async () => {
      ac.abort();
    });
    h.endpoint.on(Columns, async ({ version: v }) => (await entry.snapshot({ version: versionId(entry, v) })).schema.fields.map((f) => f.name));
    h.endpoint.on(Copy, async ({ text }) => {
      await vscode.env.clipboard.writeText(text);
    });
    h.endpoint.on(ExportResult, async ({ query, version: v, format }) => {
      const snap = await entry.snapshot({ version: versionId(entry, v) });
      const q = await tableQuery(entry);
      await exportWithDialog(pc.log, entry, format, `${entry.name}-query`, (fmt, dest, signal) => q.exportQuery(snap, query, fmt, dest, signal));
    });
    h.disposables.push(
      { dispose: () => ac.abort() },
      pc.registry.onDidChange((e) => {
        if (e === entry) void init().then((i) => h.endpoint.notify(DidChange, i), (err) => pc.log.error('SQL view refresh', err));
      }),
    );
  };
  showPanel(pc, 'sql', entry, setup);
}
