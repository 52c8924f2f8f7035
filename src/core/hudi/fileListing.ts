/**
 * Finding the data files of a table by listing storage, as Hudi's file-system view does without
 * the metadata table: partitions are the folders holding a `.hoodie_partition_metadata` marker
 * (the root itself for non-partitioned tables), plus any partition a commit on the active timeline
 * wrote to. The walk skips `.hoodie` and other dot-folders, stops at partition folders (their
 * subfolders are not partitions), and is bounded in depth and folder count.
 */
import { checkAborted } from '../errors';
import { type Storage, joinPath } from '../storage/storage';
import { type BaseFileName, type LogFileName, parseDataFileName } from './fileName';

export const PARTITION_MARKER = '.hoodie_partition_metadata';
const MAX_DEPTH = 12;
const MAX_FOLDERS = 200_000;

export interface PartitionFiles {
  /** Partition path relative to the table root ('' when not partitioned). */
  partitionPath: string;
  base: BaseFileName[];
  logs: LogFileName[];
}

export interface FileListing {
  partitions: Map<string, PartitionFiles>;
  /** Folders walked, for notes on very large tables. */
  folders: number;
  truncated: boolean;
}

function collect(partitionPath: string, names: string[]): PartitionFiles {
  const out: PartitionFiles = { partitionPath, base: [], logs: [] };
  for (const name of names) {
    const f = parseDataFileName(name);
    if (f?.kind === 'base') out.base.push(f);
    else if (f?.kind === 'log') out.logs.push(f);
  }
  return out;
}

/** Lists every partition's base and log files. `known` partitions are listed even without a marker. */
export async function listDataFiles(storage: Storage, known: Iterable<string>, signal?: AbortSignal): Promise<FileListing> {
  const partitions = new Map<string, PartitionFiles>();
  let folders = 0;
  let truncated = false;
  let level = [''];
  for (let depth = 0; depth <= MAX_DEPTH && level.length > 0; depth++) {
    const next: string[] = [];
    for (let i = 0; i < level.length; i += 32) {
      checkAborted(signal);
      const batch = level.slice(i, i + 32);
      const listed = await Promise.all(batch.map((d) => storage.list(d)));
      batch.forEach((dir, j) => {
        folders++;
        const entries = listed[j]!;
        const files = entries.filter((e) => !e.isDir).map((e) => e.name);
        if (files.includes(PARTITION_MARKER)) {
          partitions.set(dir, collect(dir, files));
          return; // a partition's subfolders are not partitions
        }
        if (dir === '' && files.some((n) => parseDataFileName(n))) partitions.set('', collect('', files));
        for (const e of entries) if (e.isDir && !e.name.startsWith('.')) next.push(joinPath(dir, e.name));
      });
    }
    if (folders + next.length > MAX_FOLDERS) {
      truncated = true;
      break;
    }
    level = next;
  }
  for (const p of known) {
    if (partitions.has(p)) continue;
    checkAborted(signal);
    const entries = await storage.list(p).catch(() => []);
    if (entries.length) partitions.set(p, collect(p, entries.filter((e) => !e.isDir).map((e) => e.name)));
  }
  return { partitions, folders, truncated };
}
