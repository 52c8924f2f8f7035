/**
 * Host side of the time-travel preview: resolves the user's version selection to a snapshot,
 * pages rows from the engine, diffs with the previous version, exports.
 */
import * as vscode from 'vscode';
import { countOf, formatCount } from '../../core/format';
import type { Snapshot, VersionId, VersionSelector } from '../../core/model';
import type { VersionItem } from '../../protocol/ipc';
import type { Row } from '../../protocol/rows';
import { Cancel, Copy, DidChange, Diff, DiffRows, Export, type Init, MoreVersions, Open, Page, Ready, type Selection } from '../../protocol/timeTravel';
import { settings } from '../config';
import { tableQuery } from '../engine';
import type { TableEntry } from '../registry';
import type { TablesProvider } from '../tree/provider';
import { exportWithDialog } from './exportFile';
import { type HostedPanel, type PanelContext, showPanel, tableRef } from './panelHost';
import { type RowDiffResult, diffChangedFiles, diffRows } from '../../query/rowDiff';
import { versionId, versionItem } from './versions';

/** A snapshot's version as the views list it (from the loaded history when there). */
export function itemFor(entry: TableEntry, tree: TablesProvider, snap: Snapshot): VersionItem {
  const known = tree.historyState(entry)?.versions.find((v) => String(v.version) === String(snap.version));
  if (known) return versionItem(entry, known);
  const label = entry.format === 'delta' ? `v${snap.version}` : String(snap.version);
  return { version: String(snap.version), label, timestamp: snap.timestamp, operation: null };
}

export function selector(entry: TableEntry, s: Selection): VersionSelector {
  if (s.snapshotId) return { snapshotId: s.snapshotId };
  if (s.ref) return { ref: s.ref };
  if (s.timestamp !== undefined) return { timestamp: s.timestamp };
  if (s.version !== undefined && s.version !== '') return { version: versionId(entry, s.version) };
  return {};
}

/** Notes every row view must show with a snapshot (read-optimized Hudi views, …). */
export function rowNotes(snap: Snapshot): string[] {
  const notes: string[] = [];
  const s = snap as Snapshot & { readOptimized?: boolean };
  if (s.readOptimized) notes.push('Read-optimized view: base files only. Changes still in log files (merge-on-read) are not shown.');
  return notes;
}

export function openTimeTravel(pc: PanelContext, tree: TablesProvider, entry: TableEntry, version?: VersionId): void {
  const init = async (): Promise<Init> => {
    const history = await tree.history(entry);
    const latest = await entry.snapshot();
    const refs = Object.keys((latest as Snapshot & { refs?: Record<string, unknown> }).refs ?? {});
    return {
      table: tableRef(entry),
      versions: history.map((v) => versionItem(entry, v)),
      more: tree.historyState(entry)?.next !== undefined,
      refs,
      selection: version !== undefined ? { version: String(version) } : {},
      pageSize: settings(entry.root).previewRowLimit,
    };
  };
  const setup = (h: HostedPanel) => {
    const snaps = new Map<number, Snapshot>();
    const diffs = new Map<number, Promise<RowDiffResult & { method: 'files' | 'rows' }>>();
    let seq = 0;
    let ac = new AbortController();
    const fresh = () => {
      ac.abort();
      ac = new AbortController();
      return ac.signal;
    };
    const snapOf = (token: number) => {
      const s = snaps.get(token);
      if (!s) throw new Error('this version is no longer loaded; pick it again');
      return s;
    };
    h.endpoint.on(Ready, init);
    h.endpoint.on(Open, async (sel) => {
      const signal = fresh();
      const snap = await entry.snapshot(selector(entry, sel), signal);
      const q = await tableQuery(entry);
      const page = await q.preview(snap, 0, 0, signal);
      const token = ++seq;
      snaps.set(token, snap);
      if (snaps.size > 4) snaps.delete(snaps.keys().next().value!);
      const notes = [...snap.notes];
      for (const n of [...rowNotes(snap), ...((page as { notes?: string[] }).notes ?? [])]) if (!notes.some((x) => x.includes('ead-optimized') && n.includes('ead-optimized')) && !notes.includes(n)) notes.push(n);
      return { token, version: itemFor(entry, tree, snap), columns: page.columns, totalRows: page.totalRows, notes };
    });
    h.endpoint.on(Page, async ({ token, offset, limit }) => {
      const q = await tableQuery(entry);
      const page = await q.preview(snapOf(token), offset, Math.min(limit, 1000), ac.signal);
      return { rows: page.rows as Row[], offset };
    });
    const diffFor = (token: number): Promise<RowDiffResult & { method: 'files' | 'rows' }> => {
      let d = diffs.get(token);
      if (!d) {
        d = (async () => {
          const snap = snapOf(token);
          const prev = await previousVersion(entry, tree, snap);
          const q = await tableQuery(entry);
          const older = prev === undefined ? undefined : await entry.snapshot({ version: prev }, ac.signal);
          const table = await entry.table();
          if (older && entry.format === 'delta' && table.changes && Number(prev) === Number(snap.version) - 1) {
            const byFiles = await diffChangedFiles(q, older, snap, await table.changes(snap.version, ac.signal), ac.signal);
            if (byFiles) return { ...byFiles, method: 'files' as const };
          }
          return { ...(await diffRows(q, older, snap, ac.signal)), method: 'rows' as const };
        })();
        d.catch(() => diffs.delete(token));
        diffs.set(token, d);
      }
      return d;
    };
    h.endpoint.on(Diff, async ({ token }) => {
      const snap = snapOf(token);
      const prev = await previousVersion(entry, tree, snap);
      const d = await diffFor(token);
      const against = prev === undefined ? null : itemFor(entry, tree, await entry.snapshot({ version: prev }));
      const how = d.method === 'files' ? 'rows of the files this commit added and removed' : 'all rows of both versions';
      const method = `${how}, compared as multisets on ${countOf(d.columns.length, 'shared column')}${d.skipped.length ? ` (not compared: ${d.skipped.join(', ')})` : ''}`;
      return { against, added: d.added.length, removed: d.removed.length, method };
    });
    h.endpoint.on(DiffRows, async ({ token, kind, offset, limit }) => {
      const d = await diffFor(token);
      const rows = kind === 'added' ? d.added : d.removed;
      return { columns: d.columns, rows: rows.slice(offset, offset + limit), total: rows.length };
    });
    h.endpoint.on(Export, async ({ token, format }) => {
      const snap = snapOf(token);
      const q = await tableQuery(entry);
      await exportWithDialog(pc.log, entry, format, `${entry.name}-${entry.format === 'delta' ? 'v' : ''}${snap.version}`, (fmt, dest, signal) => q.export(snap, fmt, dest, signal));
    });
    h.endpoint.on(Copy, async ({ text }) => {
      await vscode.env.clipboard.writeText(text);
      void vscode.window.setStatusBarMessage(`Lakelens: copied ${formatCount(text.length)} characters`, 2000);
    });
    h.endpoint.on(Cancel, async () => {
      fresh();
    });
    h.endpoint.on(MoreVersions, async () => {
      await tree.loadMore(entry);
      const st = tree.historyState(entry);
      return { versions: (st?.versions ?? []).map((v) => versionItem(entry, v)), more: st?.next !== undefined };
    });
    h.disposables.push(
      { dispose: () => ac.abort() },
      pc.registry.onDidChange((e) => {
        if (e === entry) void init().then((i) => h.endpoint.notify(DidChange, i), (err) => pc.log.error('row preview refresh', err));
      }),
    );
  };
  showPanel(pc, 'timeTravel', entry, setup, undefined, version !== undefined ? String(version) : 'latest');
}

/** The version before a snapshot's, from the history (undefined for the first one). */
async function previousVersion(entry: TableEntry, tree: TablesProvider, snap: Snapshot): Promise<VersionId | undefined> {
  let versions = await tree.history(entry);
  let i = versions.findIndex((v) => String(v.version) === String(snap.version));
  while ((i < 0 || i === versions.length - 1) && tree.historyState(entry)?.next !== undefined) {
    await tree.loadMore(entry);
    versions = tree.historyState(entry)?.versions ?? versions;
    i = versions.findIndex((v) => String(v.version) === String(snap.version));
  }
  return i >= 0 && i + 1 < versions.length ? versions[i + 1]!.version : undefined;
}
