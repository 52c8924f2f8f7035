/**
 * Gathers the format-specific facts the health analysis needs (log length, checkpoints,
 * snapshots, manifests) and runs it; also the one-line summary shown in the tree.
 */
import type { DeltaTable } from '../core/delta/table';
import { countOf } from '../core/format';
import { type HealthReport, analyzeHealth } from '../core/health';
import type { Snapshot } from '../core/model';
import { Yielder } from '../core/yielder';
import { HOST_SLICE_MS, settings } from './config';
import type { TableEntry } from './registry';

export async function healthReport(entry: TableEntry, snap: Snapshot, now = Date.now()): Promise<HealthReport> {
  const cfg = settings(entry.root);
  const table = await entry.table();
  const input: Parameters<typeof analyzeHealth>[0] = {
    snapshot: snap,
    smallFileThreshold: cfg.smallFileThresholdBytes,
    now,
    costPerGbMonth: cfg.storageCostPerGBMonth,
    tablePath: entry.location,
  };
  if (table.format === 'delta') {
    const log = await (table as DeltaTable).log();
    const version = Number(snap.version);
    const cp = log.checkpoints.filter((c) => c.version <= version).at(-1)?.version ?? null;
    input.log = { versions: log.versions.length, commitsSinceCheckpoint: cp === null ? version + 1 : version - cp, lastCheckpointVersion: cp };
    const ci = (snap as { commitInfo?: Record<string, unknown> }).commitInfo;
    input.engine = typeof ci?.engineInfo === 'string' ? ci.engineInfo : null;
  } else if (snap.format === 'iceberg') {
    const s = snap as Snapshot & { manifests?: unknown[]; summary?: Record<string, string> };
    const page = await table.history({ limit: 1 });
    input.iceberg = { snapshots: page.total, manifests: s.manifests?.length ?? 0, oldestSnapshotMs: null };
    input.engine = s.summary?.['engine-name'] ?? null;
  } else if (snap.format === 'hudi') {
    const s = snap as Snapshot & { pendingCompactions?: number };
    input.hudi = { pendingCompactions: s.pendingCompactions ?? 0, logFiles: snap.files.reduce((a, f) => a + (f.logFiles?.length ?? 0), 0) };
  }
  // a million files are a few hundred ms of work: the host keeps answering meanwhile
  return analyzeHealth(input, new Yielder(HOST_SLICE_MS));
}

export async function healthSummary(entry: TableEntry, snap: Snapshot): Promise<{ text: string; level: HealthReport['verdict']['level'] }> {
  const r = await healthReport(entry, snap);
  const parts: string[] = [];
  if (r.smallFiles > 0) parts.push(`${countOf(r.smallFiles, 'small file')} (${Math.round(r.smallShare * 100)}%)`);
  const first = r.verdict.actions[0];
  if (first) parts.push(`${first.title.replace(/ \(.*\)$/, '')} recommended`);
  return { text: `Health: ${parts.length ? parts.join(' · ') : 'good'}`, level: r.verdict.level };
}
