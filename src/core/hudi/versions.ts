/**
 * Timeline instants as history entries (`VersionInfo`): writes with their operation type and
 * per-partition write stats, table services (clean, rollback, savepoint, restore, compaction,
 * clustering) with what they did or plan to do, and pending instants marked `state: 'pending'`.
 * `timestamp` is the completion time where the timeline records it (1.x), else the requested time.
 */
import type { VersionInfo } from '../model';
import {
  type ActionSummary,
  summarizeClean,
  summarizeCleanerPlan,
  summarizeClusteringPlan,
  summarizeCompactionPlan,
  summarizeRestore,
  summarizeRollback,
  summarizeSavepoint,
} from './actionMetadata';
import { type CommitMetadata, type Plain, partitionTotals } from './commitMetadata';
import { parseDataFileName } from './fileName';
import { type InstantTimeZone, instantToMs } from './instantTime';
import { WRITE_ACTIONS } from './instant';
import type { HudiInstant } from './timeline';

/** ms of the moment an instant took effect (completion when known). */
export function instantMs(i: HudiInstant, tz: InstantTimeZone): number | null {
  return instantToMs(i.completionTime ?? i.time, tz);
}

function base(i: HudiInstant, tz: InstantTimeZone): VersionInfo {
  const extra: Record<string, unknown> = { requestedTime: i.time };
  if (i.completionTime) extra.completionTime = i.completionTime;
  if (i.plannedAs) extra.plannedAs = i.plannedAs;
  if (i.state !== 'completed') extra.instantState = i.state;
  return {
    version: i.time,
    timestamp: i.state === 'completed' ? instantMs(i, tz) : instantToMs(i.time, tz),
    operation: null,
    operationParameters: {},
    operationMetrics: {},
    engineInfo: null,
    addedFiles: 0,
    removedFiles: 0,
    addedBytes: 0,
    removedBytes: 0,
    action: i.action,
    state: i.state === 'completed' ? 'completed' : 'pending',
    extra,
  };
}

/** A completed write: operation, totals and per-partition stats from its commit metadata. */
export function writeVersion(i: HudiInstant, c: CommitMetadata, tz: InstantTimeZone): VersionInfo {
  const v = base(i, tz);
  v.operation = c.operationType;
  let added = 0;
  let addedBytes = 0;
  let superseded = 0;
  const sum = { numWrites: 0, numInserts: 0, numUpdateWrites: 0, numDeletes: 0, totalWriteBytes: 0 };
  for (const s of c.stats) {
    sum.numWrites += s.numWrites;
    sum.numInserts += s.numInserts;
    sum.numUpdateWrites += s.numUpdateWrites;
    sum.numDeletes += s.numDeletes;
    sum.totalWriteBytes += s.totalWriteBytes;
    if (!s.path) continue;
    added++;
    addedBytes += s.totalWriteBytes;
    // a new base file of an existing file group supersedes the group's previous base file
    const f = parseDataFileName(s.path.slice(s.path.lastIndexOf('/') + 1));
    if (f?.kind === 'base' && s.prevCommit !== null) superseded++;
  }
  v.addedFiles = added;
  v.addedBytes = addedBytes;
  v.removedFiles = superseded + c.replaced.length;
  const partitions = partitionTotals(c);
  v.operationMetrics = { ...sum, files: added, partitions: Object.keys(partitions).length };
  if (c.replaced.length) v.operationMetrics.replacedFileGroups = c.replaced.length;
  if (c.compacted) v.operationParameters.compacted = true;
  v.extra = { ...v.extra, partitionStats: partitions };
  return v;
}

/** A completed table service, or a pending instant with its plan when it has one. */
export function serviceVersion(i: HudiInstant, md: Plain | null, tz: InstantTimeZone): VersionInfo {
  const v = base(i, tz);
  const s = md ? summaryOf(i, md) : null;
  if (s) {
    v.operationParameters = s.parameters;
    v.operationMetrics = s.metrics;
    v.removedFiles = s.deletedFiles.length;
  }
  return v;
}

/** What an instant's metadata (completed) or plan (pending) says it did. */
export function summaryOf(i: HudiInstant, md: Plain): ActionSummary | null {
  if (i.state === 'completed') {
    if (i.action === 'clean') return summarizeClean(md);
    if (i.action === 'rollback') return summarizeRollback(md);
    if (i.action === 'savepoint') return summarizeSavepoint(md);
    if (i.action === 'restore') return summarizeRestore(md);
    return null;
  }
  if (i.action === 'compaction' || i.action === 'logcompaction') return summarizeCompactionPlan(md);
  if (i.action === 'clustering' || (i.action === 'replacecommit' && md.clusteringPlan)) return summarizeClusteringPlan(md);
  if (i.action === 'clean') return summarizeCleanerPlan(md);
  return null;
}

export function isWrite(i: HudiInstant): boolean {
  return i.state === 'completed' && WRITE_ACTIONS.has(i.action);
}
