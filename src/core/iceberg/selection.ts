/**
 * Choosing a snapshot (spec "Snapshot References", Appendix F "Point in Time Reads") and listing
 * snapshots as versions. Everything here reads table metadata only, never a manifest.
 * - by id (`snapshotId`, or `version` which for Iceberg is a snapshot id);
 * - by ref: a branch or tag in `refs` (`main` is the current snapshot even without `refs`);
 * - as of a time: the snapshot that was current then, per `snapshot-log` (the latest entry at or
 *   before the time); tables without a log fall back to the current snapshot's ancestry;
 * - by default the current snapshot, or none for a table that was never written.
 * Versions are snapshots in commit order: sequence number, then timestamp, then metadata order.
 */
import { LakeError } from '../errors';
import type { VersionInfo, VersionSelector } from '../model';
import type { SnapshotMeta, TableMetadata } from './tableMetadata';
import { isoTime } from '../format';

export interface Selection {
  snapshot: SnapshotMeta | null;
  /** The table's current snapshot was asked for (directly or through `main`): use the current schema. */
  current: boolean;
  /** How the snapshot was found, for notes. */
  how: string;
  notes: string[];
}

const ordered = new WeakMap<TableMetadata, SnapshotMeta[]>();

/** Snapshots oldest first (sorted once per metadata: every history page of a big table uses it). The result is shared: do not modify. */
export function commitOrder(md: TableMetadata): SnapshotMeta[] {
  let out = ordered.get(md);
  if (!out) {
    // sort is stable: ties keep metadata order
    out = [...md.snapshots].sort((a, b) => {
      // numbers, or bigints beyond 2^53: < and > compare mixed pairs exactly, without BigInt()
      if (a.sequenceNumber < b.sequenceNumber) return -1;
      if (a.sequenceNumber > b.sequenceNumber) return 1;
      return a.timestampMs - b.timestampMs;
    });
    ordered.set(md, out);
  }
  return out;
}

export function selectSnapshot(md: TableMetadata, sel: VersionSelector, metadataFile: string): Selection {
  const byId = new Map(md.snapshots.map((s) => [s.snapshotId, s]));
  const find = (id: string, how: string): Selection => {
    const s = byId.get(id);
    if (!s) {
      const known = md.snapshots.length ? `; known snapshots: ${md.snapshots.slice(-5).map((x) => x.snapshotId).join(', ')}${md.snapshots.length > 5 ? ', …' : ''}` : '; the table has no snapshots';
      const why = how.startsWith('snapshot id') ? '' : ` (${how})`;
      throw new LakeError('unknown-version', `iceberg: snapshot ${id}${why} is not in the table metadata${known}`, metadataFile);
    }
    return { snapshot: s, current: id === md.currentSnapshotId && how === 'current', how, notes: [] };
  };
  const asked = [sel.snapshotId, sel.version, sel.ref, sel.timestamp].filter((x) => x !== undefined).length;
  if (asked > 1) throw new LakeError('invalid-argument', 'iceberg: choose one of snapshot id, version, ref or timestamp');

  if (sel.snapshotId !== undefined || sel.version !== undefined) {
    const raw = sel.snapshotId ?? sel.version!;
    if (typeof raw === 'number' && !Number.isSafeInteger(raw)) throw new LakeError('invalid-argument', `iceberg: snapshot id ${raw} is not exact; pass it as a string`);
    const id = String(raw).trim();
    if (!/^-?\d+$/.test(id)) throw new LakeError('invalid-argument', `iceberg: snapshot id must be an integer, got ${JSON.stringify(String(raw))}`);
    return find(BigInt(id).toString(), `snapshot id ${id}`);
  }
  if (sel.ref !== undefined) {
    const ref = md.refs[sel.ref];
    if (!ref) {
      const names = Object.keys(md.refs);
      throw new LakeError('unknown-version', `iceberg: no branch or tag named ${JSON.stringify(sel.ref)}${names.length ? ` (refs: ${names.join(', ')})` : ''}`, metadataFile);
    }
    const s = find(ref.snapshotId, `${ref.type} ${sel.ref}`);
    return { ...s, current: ref.snapshotId === md.currentSnapshotId && sel.ref === 'main' };
  }
  if (sel.timestamp !== undefined) return asOf(md, sel.timestamp, find);
  if (md.currentSnapshotId === null) return { snapshot: null, current: true, how: 'current (none)', notes: [] };
  return find(md.currentSnapshotId, 'current');
}

function asOf(md: TableMetadata, t: number, find: (id: string, how: string) => Selection): Selection {
  const iso = isoTime;
  if (md.snapshotLog.length > 0) {
    let hit: { timestampMs: number; snapshotId: string } | undefined;
    for (const e of md.snapshotLog) if (e.timestampMs <= t && (!hit || e.timestampMs >= hit.timestampMs)) hit = e;
    if (!hit) {
      const first = Math.min(...md.snapshotLog.map((e) => e.timestampMs));
      throw new LakeError('unknown-version', `iceberg: ${iso(t)} is before the first snapshot in the snapshot log (${iso(first)})`);
    }
    return find(hit.snapshotId, `current as of ${iso(t)} per snapshot-log`);
  }
  // no snapshot-log: walk the current snapshot's ancestry
  const byId = new Map(md.snapshots.map((s) => [s.snapshotId, s]));
  let s = md.currentSnapshotId === null ? undefined : byId.get(md.currentSnapshotId);
  while (s && s.timestampMs > t) s = s.parentId === null ? undefined : byId.get(s.parentId);
  if (!s) throw new LakeError('unknown-version', `iceberg: no snapshot at or before ${iso(t)} (the table has no snapshot-log; searched the current snapshot's ancestors)`);
  const sel = find(s.snapshotId, `as of ${iso(t)} via the current snapshot's ancestry`);
  sel.notes.push('the table metadata has no snapshot-log; the snapshot was chosen from the current snapshot\'s ancestry');
  return sel;
}

function num(v: string | undefined): number {
  const n = v === undefined ? NaN : Number(v);
  return Number.isFinite(n) ? n : 0;
}

/** One snapshot as a version entry (history lists). */
export function versionInfo(md: TableMetadata, s: SnapshotMeta): VersionInfo {
  const sum = s.summary;
  const engine = sum['engine-name'] ? `${sum['engine-name']}${sum['engine-version'] ? ` ${sum['engine-version']}` : ''}` : (sum['iceberg-version'] ?? null);
  // numeric summary fields are metrics (spec Appendix F); ids and the rest are parameters
  const metrics: Record<string, unknown> = {};
  const params: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(sum)) {
    if (k === 'operation') continue;
    if (/^-?\d+$/.test(v) && !/(^|[.-])id$/.test(k)) metrics[k] = v;
    else params[k] = v;
  }
  const info: VersionInfo = {
    version: s.snapshotId,
    timestamp: s.timestampMs,
    operation: s.operation,
    operationParameters: params,
    operationMetrics: metrics,
    engineInfo: engine,
    addedFiles: num(sum['added-data-files']),
    removedFiles: num(sum['deleted-data-files']),
    addedBytes: num(sum['added-files-size']),
    removedBytes: num(sum['removed-files-size']),
    snapshotId: s.snapshotId,
    parentId: s.parentId,
    sequenceNumber: s.sequenceNumber,
    summary: sum,
  };
  if (s.schemaId !== null) info.schemaId = s.schemaId;
  const extra: Record<string, unknown> = {};
  const refs = Object.entries(md.refs).filter(([, r]) => r.snapshotId === s.snapshotId).map(([name]) => name);
  if (refs.length) extra.refs = refs;
  if (s.snapshotId === md.currentSnapshotId) extra.current = true;
  if (s.firstRowId !== null) extra.firstRowId = s.firstRowId;
  if (s.addedRows !== null) extra.addedRows = s.addedRows;
  if (Object.keys(extra).length) info.extra = extra;
  return info;
}
