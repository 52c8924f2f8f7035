/**
 * Partitions of a snapshot: live data files grouped by their partition values, with file count,
 * bytes and rows per partition.
 */
import type { DataFile, PartitionValue, Snapshot } from './model';
import { type Yielder, eachYielding } from './yielder';

export interface PartitionSummary {
  /** `col=value/col2=value2`, in partition column order; '' for an unpartitioned table. */
  key: string;
  values: Record<string, PartitionValue>;
  files: number;
  bytes: number;
  /** Sum of row counts; null when some file lacks one. */
  rows: number | null;
  /** Delete files (Iceberg) or files with deletion vectors (Delta) in the partition. */
  filesWithDeletes: number;
}

export function isDataFile(f: DataFile): boolean {
  return f.content === undefined || f.content === 'data';
}

export function partitionValueText(v: PartitionValue): string {
  if (v === null) return 'null';
  return typeof v === 'bigint' ? v.toString() : String(v);
}

/** Groups files by partition; largest partitions (by bytes) first. */
export function summarizePartitions(snap: Snapshot): PartitionSummary[] {
  const t = new PartitionTally(snap.partitionColumns);
  for (const f of snap.files) t.add(f);
  return t.summaries();
}

/** The same, pausing for the event loop (a million files take ~60 ms). */
export async function summarizePartitionsYielding(snap: Snapshot, y: Yielder): Promise<PartitionSummary[]> {
  const t = new PartitionTally(snap.partitionColumns);
  await eachYielding(snap.files, y, (f) => t.add(f));
  return t.summaries();
}

/** Files folded into their partitions one at a time. */
export class PartitionTally {
  private readonly map = new Map<string, PartitionSummary>();
  // readers share one values object per distinct partition, so a million files cost a million
  // identity lookups, not a million key strings
  private readonly byObject = new Map<object, PartitionSummary>();

  constructor(private readonly cols: string[]) {}

  // the previous file's values object and partition: readers list a partition's files together
  private lastValues: object | undefined;
  private last: PartitionSummary | undefined;

  add(f: DataFile): void {
    let p = f.partitionValues === this.lastValues ? this.last : this.byObject.get(f.partitionValues);
    if (!p) {
      const names = this.cols.length ? this.cols : Object.keys(f.partitionValues);
      const key = names.map((c) => `${c}=${partitionValueText(f.partitionValues[c] ?? null)}`).join('/');
      p = this.map.get(key);
      if (!p) {
        const values: Record<string, PartitionValue> = {};
        for (const c of names) values[c] = f.partitionValues[c] ?? null;
        p = { key, values, files: 0, bytes: 0, rows: 0, filesWithDeletes: 0 };
        this.map.set(key, p);
      }
      this.byObject.set(f.partitionValues, p);
    }
    this.lastValues = f.partitionValues;
    this.last = p;
    if (!isDataFile(f)) {
      p.filesWithDeletes++;
      return;
    }
    p.files++;
    p.bytes += f.size;
    if (f.deletionVector) p.filesWithDeletes++;
    if (f.numRecords === null) p.rows = null;
    else if (p.rows !== null) p.rows += f.numRecords;
  }

  summaries(): PartitionSummary[] {
    return [...this.map.values()].sort((a, b) => b.bytes - a.bytes || (a.key < b.key ? -1 : 1));
  }
}
