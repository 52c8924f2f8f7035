/**
 * Checkpoints (PROTOCOL.md "Checkpoints", "V2 Spec", "Sidecar Files"): classic single-file,
 * multi-part, and UUID-named v2 checkpoints in JSON or Parquet whose file actions may live in
 * `_delta_log/_sidecars/*.parquet`. Reading one yields the same Action list a replay of commits
 * would, so replay treats a checkpoint as the oldest batch.
 */
import { LakeError } from '../errors';
import { bufferOf, readParquetRows } from '../parquet';
import { type Storage, baseName } from '../storage';
import { isObj } from './actions';
import { parseRawActions } from './commit';
import { LOG_DIR } from './logPath';

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

/**
 * All raw actions of a checkpoint, sidecars included (replay validates them). Errors name the
 * checkpoint file and say whether the checkpoint itself or a sidecar it references is at fault.
 */
export async function readCheckpoint(storage: Storage, cp: CheckpointRef): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const path of cp.paths) {
    const actions = path.endsWith('.json') ? parseRawActions(await storage.read(path), path) : await readParquetActions(storage, path);
    for (const raw of actions) {
      const sc = isObj(raw) ? raw.sidecar : undefined;
      if (isObj(sc)) {
        if (typeof sc.path !== 'string') throw new LakeError('corrupt', 'delta: sidecar.path is missing or not a string', path);
        // sidecars must live in _delta_log/_sidecars; only the file name is meaningful
        const name = baseName(safeDecode(sc.path));
        const sidecarPath = `${LOG_DIR}/_sidecars/${name}`;
        let sidecar: Record<string, unknown>[];
        try {
          sidecar = await readParquetActions(storage, sidecarPath);
        } catch (err) {
          if (err instanceof LakeError && err.kind === 'missing') {
            throw new LakeError('missing', `delta: sidecar ${name} referenced by checkpoint ${baseName(path)} is missing`, sidecarPath);
          }
          throw err;
        }
        for (const s of sidecar) if (s.add || s.remove) out.push(s);
      } else out.push(raw);
    }
  }
  return out;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
