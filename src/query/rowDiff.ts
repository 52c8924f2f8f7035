/**
 * Rows added and removed between two versions, as multisets (a row updated in place is one
 * removed and one added). Both versions are read through the engine and compared on the columns
 * they share; bounded so a huge table is refused rather than exhausting memory.
 */
import { LakeError, checkAborted } from '../core/errors';
import type { DataFile, Snapshot, VersionChanges } from '../core/model';
import type { TableQuery } from './engine';
import type { Column, Row } from '../protocol/rows';

export const MAX_DIFF_ROWS = 500_000;

export interface RowDiffResult {
  columns: Column[];
  added: Row[];
  removed: Row[];
  /** Columns present in only one version (not compared). */
  skipped: string[];
}

async function readAll(q: TableQuery, snap: Snapshot, signal: AbortSignal): Promise<{ columns: Column[]; rows: Row[] }> {
  const res = await q.sql(snap, 'SELECT * FROM t', signal);
  const rows: Row[] = [];
  try {
    for (let page = await res.next(); page; page = await res.next()) {
      checkAborted(signal);
      rows.push(...(page as Row[]));
      if (rows.length > MAX_DIFF_ROWS) {
        throw new LakeError('too-large', `diff is limited to ${MAX_DIFF_ROWS.toLocaleString('en-US')} rows per version; use SQL with EXCEPT ALL on a filtered subset instead`);
      }
    }
  } finally {
    res.close();
  }
  return { columns: res.columns as Column[], rows };
}

/** `older` undefined: the first version, every row is added. */
export async function diffRows(q: TableQuery, older: Snapshot | undefined, newer: Snapshot, signal: AbortSignal): Promise<RowDiffResult> {
  const b = await readAll(q, newer, signal);
  const a = older ? await readAll(q, older, signal) : { columns: b.columns, rows: [] };
  const shared = b.columns.filter((c) => a.columns.some((x) => x.name === c.name));
  const ia = shared.map((c) => a.columns.findIndex((x) => x.name === c.name));
  const ib = shared.map((c) => b.columns.findIndex((x) => x.name === c.name));
  const skipped = [...a.columns, ...b.columns].map((c) => c.name).filter((n) => !shared.some((c) => c.name === n));
  const counts = new Map<string, number>();
  const key = (r: Row, idx: number[]) => JSON.stringify(idx.map((i) => r[i] ?? null));
  for (const r of a.rows) {
    const k = key(r, ia);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const added: Row[] = [];
  for (const r of b.rows) {
    const k = key(r, ib);
    const n = counts.get(k) ?? 0;
    if (n > 0) counts.set(k, n - 1);
    else added.push(ib.map((i) => r[i] ?? null));
  }
  const removed: Row[] = [];
  for (const r of a.rows) {
    const k = key(r, ia);
    const n = counts.get(k) ?? 0;
    if (n > 0) {
      counts.set(k, n - 1);
      removed.push(ia.map((i) => r[i] ?? null));
    }
  }
  return { columns: shared, added, removed, skipped: [...new Set(skipped)] };
}

/**
 * Delta: the rows of the logical files a commit added against those it removed (each with the
 * deletion vector it carried), so a one-file append to a billion-row table reads one file. Returns
 * undefined when the commit's removes lack what is needed (partition values on a partitioned table).
 */
export async function diffChangedFiles(q: TableQuery, older: Snapshot, newer: Snapshot, ch: VersionChanges, signal: AbortSignal): Promise<RowDiffResult | undefined> {
  if (newer.partitionColumns.length > 0 && ch.removed.some((t) => !t.partitionValues)) return undefined;
  const part = (snap: Snapshot, tag: string, files: DataFile[]): Snapshot => ({
    ...snap,
    version: `${String(newer.version)}:${tag}` as unknown as Snapshot['version'],
    files,
    numFiles: files.length,
    sizeBytes: files.reduce((a, f) => a + f.size, 0),
    numRecords: null,
    tombstones: [],
  });
  const removed: DataFile[] = ch.removed.map((t) => ({ path: t.path, size: t.size ?? 0, numRecords: null, partitionValues: t.partitionValues ?? {}, deletionVector: t.deletionVector ?? null }));
  if (ch.added.length === 0 && removed.length === 0) return { columns: [], added: [], removed: [], skipped: [] };
  return diffRows(q, part(older, 'removed', removed), part(newer, 'added', ch.added), signal);
}
