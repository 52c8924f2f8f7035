/**
 * What one write changed, for the tree and row diffs: the files its write stats say it wrote, and
 * the files that stopped being live with it (found by comparing the live slices just before and at
 * the instant: superseded base files, compacted logs, replaced file groups).
 */
import type { DataFile, Tombstone } from '../model';
import type { WriteStat } from './commitMetadata';
import type { FileSlice } from './fileGroup';
import { parseDataFileName } from './fileName';
import { partitionValuesOf } from './partitionPath';
import type { HudiTableConfig } from './properties';

/** Operations that rewrite rows without changing them. */
const REWRITES = new Set(['COMPACT', 'LOG_COMPACT', 'CLUSTER']);

/** A file a write stat records, as a data file of the model (log files get `fileFormat: 'hudi-log'`). */
export function writtenFile(s: WriteStat, config: HudiTableConfig): DataFile {
  const path = s.path!;
  const f = parseDataFileName(path.slice(path.lastIndexOf('/') + 1));
  const out: DataFile = {
    path,
    size: s.fileSizeInBytes,
    numRecords: f?.kind === 'base' ? s.numWrites : null,
    partitionValues: partitionValuesOf(s.partitionPath, config),
    content: 'data',
    fileFormat: f?.kind === 'base' ? f.ext : 'hudi-log',
    fileId: s.fileId,
    partitionPath: s.partitionPath,
  };
  // a log file belongs to the slice of the base file the stat names (0.x: also its name's instant)
  const slice = s.baseFile ? parseDataFileName(s.baseFile) : undefined;
  const baseInstant = f?.kind === 'base' ? f.instant : slice?.kind === 'base' ? slice.instant : f?.instant;
  if (baseInstant) out.baseInstant = baseInstant;
  return out;
}

/** Paths of every file of the given slices, with their partition. */
export function livePaths(slices: FileSlice[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of slices) {
    const dir = s.partitionPath === '' ? '' : `${s.partitionPath}/`;
    if (s.base) out.set(dir + s.base.name, s.partitionPath);
    for (const l of s.logs) out.set(dir + l.name, s.partitionPath);
  }
  return out;
}

/** Files no longer live after a write; compaction and clustering change no data. */
export function tombstones(gone: [string, string][], sizes: Map<string, number>, timestamp: number | null, operation: string | null, config: HudiTableConfig): Tombstone[] {
  const dataChange = !REWRITES.has(operation ?? '');
  return gone.map(([path, partition]) => ({ path, deletionTimestamp: timestamp, size: sizes.get(path) ?? null, dataChange, partitionValues: partitionValuesOf(partition, config) }));
}
