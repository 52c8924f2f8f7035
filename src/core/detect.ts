/**
 * Finding tables under a folder: Delta (`_delta_log/` with commits or checkpoints), Iceberg
 * (`metadata/` with `*.metadata.json[.gz]` or a version hint), Hudi (`.hoodie/hoodie.properties`).
 * The walk stops at a table root (never wanders through data folders), skips `node_modules`,
 * `.git` and other dot-folders, does not follow symlinks, and is bounded in depth.
 */
import { isLakeError } from './errors';
import type { TableFormat } from './model';
import { type DirEntry, type Storage, hasEntry, joinPath } from './storage/storage';

export interface DetectedTable {
  /** Path relative to the scanned folder ('' = the folder itself). */
  path: string;
  format: TableFormat;
}

export interface DetectOptions {
  maxDepth?: number;
  /** Folder names or relative paths to skip, in addition to node_modules and dot-folders. */
  exclude?: (relPath: string, name: string) => boolean;
  signal?: AbortSignal;
  /** Called for each table as soon as it is found. */
  onTable?: (t: DetectedTable) => void;
}

/** Folder listings in flight at once while walking (local folders and buckets alike). */
const LISTINGS_AT_ONCE = 8;
const SKIP = new Set(['node_modules', '__pycache__', 'target', '.git']);
const DELTA_LOG_FILE = /^\d{20}\.(json|checkpoint\..*parquet|checkpoint\..*json)$/;
const ICEBERG_METADATA_FILE = /\.metadata\.json(\.gz)?$|^version-hint\.te?xt$/;

/** Formats of the table rooted at `dir` (several for UniForm tables), empty when not a table. */
export async function detectFormats(storage: Storage, dir: string, listed?: DirEntry[]): Promise<TableFormat[]> {
  const entries = listed ?? (await storage.list(dir));
  const names = new Map(entries.map((e) => [e.name, e]));
  const out: TableFormat[] = [];
  if (names.get('_delta_log')?.isDir) {
    if (await hasEntry(storage, joinPath(dir, '_delta_log'), (n) => DELTA_LOG_FILE.test(n))) out.push('delta');
  }
  if (names.get('metadata')?.isDir) {
    if (await hasEntry(storage, joinPath(dir, 'metadata'), (n) => ICEBERG_METADATA_FILE.test(n))) out.push('iceberg');
  }
  if (names.get('.hoodie')?.isDir) {
    if (await storage.stat(joinPath(dir, '.hoodie', 'hoodie.properties'))) out.push('hudi');
  }
  return out;
}

/** Every table under the storage root, breadth-first, sorted by path. */
export async function detectTables(storage: Storage, opts: DetectOptions = {}): Promise<DetectedTable[]> {
  const maxDepth = opts.maxDepth ?? 10;
  const found: DetectedTable[] = [];
  let level: string[] = [''];
  for (let depth = 0; depth <= maxDepth && level.length > 0; depth++) {
    const next: string[] = [];
    // a level's folders are listed a few at a time: on an object store each listing is a round trip
    let i = 0;
    const worker = async () => {
      while (i < level.length) {
        const dir = level[i++]!;
        if (opts.signal?.aborted) return;
        const entries = await storage.list(dir).catch((err: unknown) => {
          // an unreadable subfolder is skipped, but wrong credentials or a dead server are not "no tables"
          if (depth === 0 || (isLakeError(err) && (err.kind === 'denied' || err.kind === 'unavailable'))) throw err;
          return [] as DirEntry[];
        });
        const formats = await detectFormats(storage, dir, entries).catch(() => [] as TableFormat[]);
        if (formats.length > 0) {
          for (const format of formats) {
            const t = { path: dir, format };
            found.push(t);
            opts.onTable?.(t);
          }
          continue; // a table root: its subfolders are data, not more tables
        }
        for (const e of entries) {
          if (!e.isDir || e.name.startsWith('.') || SKIP.has(e.name)) continue;
          if (opts.exclude?.(e.path, e.name)) continue;
          next.push(e.path);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(LISTINGS_AT_ONCE, level.length) }, worker));
    if (opts.signal?.aborted) break;
    level = next.sort();
  }
  return found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.format < b.format ? -1 : 1));
}
