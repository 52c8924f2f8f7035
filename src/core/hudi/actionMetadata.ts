/**
 * What the table-service instants did, from their Avro metadata (`HoodieCleanMetadata`,
 * `HoodieRollbackMetadata`, `HoodieSavepointMetadata`, `HoodieRestoreMetadata`) and what pending
 * ones plan (`HoodieCompactionPlan`, `HoodieRequestedReplaceMetadata`, `HoodieCleanerPlan`).
 * Field names follow the Avro schemas in hudi-common; missing fields read as absent, not errors,
 * since these schemas grew over versions.
 */
import type { Plain } from './commitMetadata';

export interface ActionSummary {
  parameters: Record<string, unknown>;
  metrics: Record<string, unknown>;
  /** Files the action deleted (clean, rollback), as table paths. */
  deletedFiles: string[];
  /** Clean: the earliest instant whose files the cleaner kept. */
  earliestCommitToRetain?: string;
}

const isObj = (v: unknown): v is Plain => v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const strs = (v: unknown): string[] => list(v).filter((x): x is string => typeof x === 'string');
const numOr = (v: unknown): number | undefined => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined);

/** A deleted-file entry as a table path: entries are names or full URIs of files in `partition`. */
function deletedPath(entry: string, partition: string): string {
  const name = entry.slice(entry.lastIndexOf('/') + 1);
  return partition === '' ? name : `${partition}/${name}`;
}

function defined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null && v !== ''));
}

function partitionDeletes(md: Plain): { files: string[]; partitions: number } {
  const files: string[] = [];
  let partitions = 0;
  if (!isObj(md.partitionMetadata)) return { files, partitions };
  for (const [key, pm] of Object.entries(md.partitionMetadata)) {
    if (!isObj(pm)) continue;
    partitions++;
    const partition = typeof pm.partitionPath === 'string' ? pm.partitionPath : key;
    for (const f of strs(pm.successDeleteFiles)) files.push(deletedPath(f, partition));
  }
  return { files, partitions };
}

export function summarizeClean(md: Plain): ActionSummary {
  const { files, partitions } = partitionDeletes(md);
  const policies = new Set<string>();
  if (isObj(md.partitionMetadata)) for (const pm of Object.values(md.partitionMetadata)) if (isObj(pm) && typeof pm.policy === 'string') policies.add(pm.policy);
  const ectr = typeof md.earliestCommitToRetain === 'string' && md.earliestCommitToRetain !== '' ? md.earliestCommitToRetain : undefined;
  const out: ActionSummary = {
    parameters: defined({ policy: [...policies].join(', ') || undefined, earliestCommitToRetain: ectr, lastCompletedCommitTimestamp: md.lastCompletedCommitTimestamp }),
    metrics: defined({ totalFilesDeleted: numOr(md.totalFilesDeleted) ?? files.length, partitions, timeTakenInMillis: numOr(md.timeTakenInMillis) }),
    deletedFiles: files,
  };
  if (ectr) out.earliestCommitToRetain = ectr;
  return out;
}

export function summarizeRollback(md: Plain): ActionSummary {
  const { files, partitions } = partitionDeletes(md);
  return {
    parameters: defined({ commitsRollback: strs(md.commitsRollback) }),
    metrics: defined({ totalFilesDeleted: numOr(md.totalFilesDeleted) ?? files.length, partitions, timeTakenInMillis: numOr(md.timeTakenInMillis) }),
    deletedFiles: files,
  };
}

export function summarizeSavepoint(md: Plain): ActionSummary {
  const partitions = isObj(md.partitionMetadata) ? Object.keys(md.partitionMetadata).length : 0;
  return { parameters: defined({ savepointedBy: md.savepointedBy, comments: md.comments }), metrics: defined({ partitions }), deletedFiles: [] };
}

export function summarizeRestore(md: Plain): ActionSummary {
  const rolledBack = list(md.instantsToRollback).map((i) => (isObj(i) ? i.commitTime : i)).filter((x): x is string => typeof x === 'string');
  const files: string[] = [];
  if (isObj(md.hoodieRestoreMetadata)) {
    for (const l of Object.values(md.hoodieRestoreMetadata)) for (const rb of list(l)) if (isObj(rb)) files.push(...partitionDeletes(rb).files);
  }
  return { parameters: defined({ instantsToRollback: rolledBack }), metrics: defined({ totalFilesDeleted: files.length, timeTakenInMillis: numOr(md.timeTakenInMillis) }), deletedFiles: files };
}

/** A compaction plan: the file slices it will merge. */
export function summarizeCompactionPlan(md: Plain): ActionSummary {
  const ops = list(md.operations).filter(isObj);
  const logFiles = ops.reduce((n, o) => n + strs(o.deltaFilePaths).length, 0);
  const partitions = new Set(ops.map((o) => o.partitionPath));
  return { parameters: {}, metrics: { fileGroups: ops.length, logFiles, partitions: partitions.size }, deletedFiles: [] };
}

/** A clustering plan: the file groups it will rewrite. */
export function summarizeClusteringPlan(md: Plain): ActionSummary {
  const plan = isObj(md.clusteringPlan) ? md.clusteringPlan : {};
  const groups = list(plan.inputGroups).filter(isObj);
  const slices = groups.reduce((n, g) => n + list(g.slices).length, 0);
  const strategy = isObj(plan.strategy) && typeof plan.strategy.strategyClassName === 'string' ? plan.strategy.strategyClassName : undefined;
  return { parameters: defined({ operationType: md.operationType, strategy }), metrics: { inputGroups: groups.length, fileSlices: slices }, deletedFiles: [] };
}

/** A cleaner plan: what a pending clean will delete. */
export function summarizeCleanerPlan(md: Plain): ActionSummary {
  const ectr = isObj(md.earliestInstantToRetain) && typeof md.earliestInstantToRetain.timestamp === 'string' ? md.earliestInstantToRetain.timestamp : undefined;
  let files = 0;
  for (const key of ['filePathsToBeDeletedPerPartition', 'filesToBeDeletedPerPartition']) {
    if (!isObj(md[key])) continue;
    for (const l of Object.values(md[key] as Plain)) files += list(l).length;
    break;
  }
  return { parameters: defined({ policy: md.policy, earliestInstantToRetain: ectr }), metrics: { filesToDelete: files }, deletedFiles: [] };
}
