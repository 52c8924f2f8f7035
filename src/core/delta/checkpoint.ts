/**
 * Checkpoints (PROTOCOL.md "Checkpoints", "V2 Spec", "Sidecar Files"): classic single-file,
 * multi-part, and UUID-named v2 checkpoints in JSON or Parquet whose file actions may live in
 * `_delta_log/_sidecars/*.parquet`. Reading one yields the same Action list a replay of commits
 * would, so replay treats a checkpoint as the oldest batch.
 */
import { LakeError } from '../errors';
import { bufferOf, rangedBuffer, readParquetMetadata, readParquetRows } from '../parquet';
import { type Storage, baseName } from '../storage/storage';
import { isObj } from './actions';
import { parseRawActions } from './commit';
import { LOG_DIR } from './logPath';
import type { TableOptions } from '../options';

/** The non-null key field that tells which action a checkpoint row holds. */
const ROW_KEYS: [string, string][] = [
  ['add', 'path'],
  ['remove', 'path'],
  ['metaData', 'id'],
  ['protocol', 'minReaderVersion'],
  ['txn', 'appId'],
  ['domainMetadata', 'domain'],
  ['sidecar', 'path'],
  ['checkpointMetadata', 'version'],
];
const COLUMNS = ROW_KEYS.map(([k]) => k);

/** Raw actions of one checkpoint Parquet file (a classic checkpoint, one part, or a sidecar). */
export async function readParquetActions(storage: Storage, path: string): Promise<Record<string, unknown>[]> {
  const bytes = await storage.read(path);
  const rows = await readParquetRows(bufferOf(bytes), path, COLUMNS);
  const out: Record<string, unknown>[] = [];
  for (const row of rows) {
    for (const [key, field] of ROW_KEYS) {
      const v = row[key] as Record<string, unknown> | null | undefined;
      if (v && v[field] !== null && v[field] !== undefined) {
        out.push({ [key]: normalizeParquetValue(v) });
        break;
      }
    }
  }
  return out;
}

/** hyparquet gives Dates for timestamps (stats_parsed); our model keeps ISO strings. */
function normalizeParquetValue(v: unknown): unknown {
  // a timestamp beyond the calendar (damaged or hostile stats) is no value rather than a crash
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (Array.isArray(v)) return v.map(normalizeParquetValue);
  if (v && typeof v === 'object' && !(v instanceof Uint8Array)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = normalizeParquetValue(x);
    return out;
  }
  return v;
}

/** The files that make up one checkpoint (one file, or every part of a multi-part checkpoint). */
export interface CheckpointRef {
  version: number;
  variant: 'classic' | 'multipart' | 'v2';
  paths: string[];
}

const BIG_PARQUET_BYTES = 4 << 20;

/** Raw actions of one Parquet checkpoint file or sidecar, in batches, by the fastest reader allowed. */
async function* parquetBatches(storage: Storage, path: string, opts: TableOptions, signal?: AbortSignal): AsyncIterable<unknown[]> {
  const source = opts.parquetActions;
  if (source) {
    const st = await storage.stat(path);
    if (!st) throw new LakeError('missing', 'delta: checkpoint file is missing', path);
    if (st.size > (opts.bigParquetBytes ?? BIG_PARQUET_BYTES)) {
      yield* source(path, signal);
      return;
    }
  }
  yield await readParquetActions(storage, path);
}

/**
 * The raw actions of a checkpoint, sidecars included, in batches (replay validates them). Errors
 * name the checkpoint file and say whether the checkpoint itself or a sidecar it references is
 * at fault.
 */
export async function* checkpointBatches(storage: Storage, cp: CheckpointRef, opts: TableOptions = {}, signal?: AbortSignal): AsyncIterable<unknown[]> {
  for (const path of cp.paths) {
    const batches = path.endsWith('.json') ? [parseRawActions(await storage.read(path), path)] : parquetBatches(storage, path, opts, signal);
    for await (const actions of batches) {
      const plain: unknown[] = [];
      for (const raw of actions) {
        const sc = isObj(raw) ? raw.sidecar : undefined;
        if (!isObj(sc)) {
          plain.push(raw);
          continue;
        }
        if (typeof sc.path !== 'string') throw new LakeError('corrupt', 'delta: sidecar.path is missing or not a string', path);
        // sidecars must live in _delta_log/_sidecars; only the file name is meaningful
        const name = baseName(safeDecode(sc.path));
        const sidecarPath = `${LOG_DIR}/_sidecars/${name}`;
        if (!(await storage.stat(sidecarPath))) {
          throw new LakeError('missing', `delta: sidecar ${name} referenced by checkpoint ${baseName(path)} is missing`, sidecarPath);
        }
        for await (const side of parquetBatches(storage, sidecarPath, opts, signal)) {
          yield side.filter((s) => isObj(s) && (s.add || s.remove));
        }
      }
      yield plain;
    }
  }
}

const METADATA_SLICE = 8192;

/**
 * The raw metaData action of a checkpoint, reading as little as the format allows: for Parquet,
 * only the metaData column, and only in row groups whose statistics do not say it is all null
 * (a million-file checkpoint keeps it in one row of its first row group). V2 checkpoints keep it
 * in the top-level file, never in sidecars. Undefined when the checkpoint has none (corrupt).
 */
export async function checkpointMetadata(storage: Storage, cp: CheckpointRef): Promise<Record<string, unknown> | undefined> {
  for (const path of cp.paths) {
    if (path.endsWith('.json')) {
      for (const raw of parseRawActions(await storage.read(path), path)) if (isObj(raw) && isObj(raw.metaData)) return raw.metaData;
      continue;
    }
    const file = await rangedBuffer(storage, path);
    const md = await readParquetMetadata(file, path);
    let start = 0;
    for (const rg of md.row_groups) {
      const rows = Number(rg.num_rows);
      const id = rg.columns.find((c) => c.meta_data?.path_in_schema.join('.') === 'metaData.id')?.meta_data;
      const nulls = id?.statistics?.null_count;
      // in slices: the row is usually near a row group's start, and objects for the rest are waste
      for (let at = start; at < start + rows && (!id || nulls === undefined || Number(nulls) < rows); at += METADATA_SLICE) {
        const found = await readParquetRows(file, path, ['metaData'], md, { start: at, end: Math.min(at + METADATA_SLICE, start + rows) });
        for (const row of found) {
          const m = row.metaData as Record<string, unknown> | null | undefined;
          if (m && m.id !== null && m.id !== undefined) return normalizeParquetValue(m) as Record<string, unknown>;
        }
      }
      start += rows;
    }
  }
  return undefined;
}

/** All raw actions of a checkpoint at once (small checkpoints; tests). */
export async function readCheckpoint(storage: Storage, cp: CheckpointRef, opts: TableOptions = {}): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const batch of checkpointBatches(storage, cp, opts)) for (const a of batch) out.push(a);
  return out;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
