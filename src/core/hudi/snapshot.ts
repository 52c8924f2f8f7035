/**
 * A Hudi table at one instant, in the format-neutral model: one `DataFile` per live file slice
 * (its base file, with the slice's log files in `logFiles`), the schema, and the table config.
 *
 * Merge-on-read: the model lists every slice's log files, but `files` as data files are base files.
 * When any live slice has log files, reading the base files alone gives the read-optimized view
 * (rows as of each file group's last compaction), not the snapshot: `readOptimized` is then true
 * and a note says so, so every view can label the rows. Without live log files (copy-on-write, or
 * merge-on-read right after compaction) the base files are the full snapshot.
 */
import type { DataFile, PartitionValue, Snapshot, StructType } from '../model';
import type { WriteStat } from './commitMetadata';
import type { FileSlice, SliceView } from './fileGroup';
import { partitionValuesOf } from './partitionPath';
import type { HudiTableConfig, HudiTableType } from './properties';

export interface HudiSnapshot extends Snapshot {
  format: 'hudi';
  /** Requested time of the selected write instant ('' for a table never written). */
  version: string;
  /** Action and operation of the selected instant (`commit` / `UPSERT`, `replacecommit` / `CLUSTER`, …). */
  action: string | null;
  operation: string | null;
  /** 1.x: when the instant completed. */
  completionTime: string | null;
  tableType: HudiTableType;
  tableVersion: number;
  timelineLayoutVersion: number;
  recordKeyFields: string[];
  partitionFields: string[];
  baseFileFormat: string;
  populateMetaFields: boolean;
  /** True when `files` read alone give merge-on-read's read-optimized view, not the snapshot. */
  readOptimized: boolean;
  /** Compactions requested or inflight on the timeline. */
  pendingCompactions: number;
  /** Earliest write instant whose snapshot can still be read (older ones archived or cleaned). */
  earliestInstant: string | null;
  /** UTC offset instant times were read with (`+00:00`, `-05:00`); see instantTime.ts. */
  instantTimeZone: string;
  /** Log files of the live slices and their bytes (not in `numFiles` / `sizeBytes`). */
  numLogFiles: number;
  logBytes: number;
  /** Merge-on-read file groups with log files but no base file yet: rows only a log merge shows. */
  logOnlySlices: { fileId: string; partitionPath: string; baseInstant: string; logFiles: { path: string; size: number }[] }[];
}

export interface SnapshotInput {
  config: HudiTableConfig;
  version: string;
  action: string | null;
  operation: string | null;
  completionTime: string | null;
  timestamp: number | null;
  schema: StructType;
  view: SliceView | null;
  /** Write stats by table path, for record counts. */
  statsByPath: Map<string, WriteStat>;
  /** Size (and mtime, when stat'ed) of live files by table path. */
  sizes: Map<string, { size: number; mtime?: number }>;
  pendingCompactions: number;
  earliestInstant: string | null;
  notes: string[];
}

const pathOf = (partition: string, name: string) => (partition === '' ? name : `${partition}/${name}`);

export function buildSnapshot(inp: SnapshotInput): HudiSnapshot {
  const { config, view, sizes } = inp;
  const files: DataFile[] = [];
  const logOnly: HudiSnapshot['logOnlySlices'] = [];
  let numLogFiles = 0;
  let logBytes = 0;
  const logsOf = (s: FileSlice) =>
    s.logs.map((l) => {
      const path = pathOf(s.partitionPath, l.name);
      const size = sizes.get(path)?.size ?? 0;
      numLogFiles++;
      logBytes += size;
      return { path, size };
    });
  const partitionValues = new Map<string, Record<string, PartitionValue>>();
  for (const s of view?.slices ?? []) {
    if (!s.base) {
      logOnly.push({ fileId: s.fileId, partitionPath: s.partitionPath, baseInstant: s.baseInstant, logFiles: logsOf(s) });
      continue;
    }
    const path = pathOf(s.partitionPath, s.base.name);
    const st = sizes.get(path);
    const stat = inp.statsByPath.get(path);
    const f: DataFile = {
      path,
      size: st?.size ?? stat?.fileSizeInBytes ?? 0,
      numRecords: stat ? stat.numWrites : null,
      partitionValues: partitionValues.get(s.partitionPath) ?? partitionValues.set(s.partitionPath, partitionValuesOf(s.partitionPath, config)).get(s.partitionPath)!,
      content: 'data',
      fileFormat: s.base.ext,
      fileId: s.fileId,
      partitionPath: s.partitionPath,
      baseInstant: s.baseInstant,
    };
    if (st?.mtime !== undefined) f.modificationTime = st.mtime;
    if (config.tableType === 'MERGE_ON_READ') f.logFiles = logsOf(s);
    files.push(f);
  }
  const readOptimized = numLogFiles > 0;
  const notes = [...inp.notes];
  if (readOptimized) {
    notes.push(
      `merge-on-read: ${numLogFiles} log file(s) in ${files.filter((f) => f.logFiles?.length).length + logOnly.length} file slice(s) hold changes not yet compacted; the base files alone give the read-optimized view (rows as of each file group's last compaction), not the full snapshot`,
    );
  }
  if (logOnly.length > 0) notes.push(`merge-on-read: ${logOnly.length} file group(s) have log files but no base file yet; their rows appear only when logs are merged`);
  const merged = view?.slices.filter((s) => s.mergedPending).length ?? 0;
  if (merged > 0) notes.push(`${merged} file group(s) have a compaction pending: their newest logs are listed with the previous base file`);
  if (view && view.logsWithLaterBlocks > 0) notes.push(`${view.logsWithLaterBlocks} log file(s) also hold blocks appended after this instant: only blocks whose instant time is at or before ${inp.version} belong to it`);
  if (view && view.cdcLogs > 0) notes.push(`${view.cdcLogs} change-data-capture log file(s) are not part of the rows and are not listed`);
  if (view && view.uncommittedFiles > 0) notes.push(`${view.uncommittedFiles} data file(s) of failed, rolled-back or unfinished writes are ignored`);
  if (!config.populateMetaFields) notes.push('hoodie.populate.meta.fields=false: the _hoodie_* columns exist in the files but are not filled in (record keys are computed from the key fields)');
  if (files.some((f) => f.fileFormat !== 'parquet')) notes.push(`base files in ${config.baseFileFormat} format: only Parquet base files can be read for rows`);

  const known = files.every((f) => f.numRecords !== null);
  return {
    format: 'hudi',
    version: inp.version,
    timestamp: inp.timestamp,
    ...(config.name ? { name: config.name } : {}),
    schema: inp.schema,
    partitionColumns: config.partitionFields,
    properties: config.properties,
    files,
    tombstones: [],
    numFiles: files.length,
    sizeBytes: files.reduce((a, f) => a + f.size, 0),
    numRecords: known ? files.reduce((a, f) => a + (f.numRecords ?? 0), 0) : null,
    numDeletedRecords: null,
    notes,
    action: inp.action,
    operation: inp.operation,
    completionTime: inp.completionTime,
    tableType: config.tableType,
    tableVersion: config.tableVersion,
    timelineLayoutVersion: config.timelineLayoutVersion,
    recordKeyFields: config.recordKeyFields,
    partitionFields: config.partitionFields,
    baseFileFormat: config.baseFileFormat,
    populateMetaFields: config.populateMetaFields,
    readOptimized,
    pendingCompactions: inp.pendingCompactions,
    earliestInstant: inp.earliestInstant,
    instantTimeZone: config.timeZone.label,
    numLogFiles,
    logBytes,
    logOnlySlices: logOnly,
  };
}
