/**
 * The JSON shapes of the CLI (`--json`), shared with anything else that exports the model.
 */
import { parseFileStats } from '../core/delta/stats';
import type { DataFile, Snapshot } from '../core/model';

function fileJson(f: DataFile, snap: Snapshot, withStats: boolean): Record<string, unknown> {
  const { statsJson, stats, ...rest } = f;
  const out: Record<string, unknown> = { ...rest };
  if (withStats) {
    const s = stats ?? (snap.format === 'delta' ? parseFileStats(statsJson, undefined, snap.schema, f.path) : undefined);
    out.stats = s ?? null;
  }
  return out;
}

/** Snapshot as printed by `lakelens snapshot --json`: summary first, then files and tombstones. */
export function snapshotJson(snap: Snapshot, withStats: boolean): Record<string, unknown> {
  const { files, tombstones, ...rest } = snap;
  return {
    ...rest,
    files: files.map((f) => fileJson(f, snap, withStats)),
    tombstones,
  };
}
