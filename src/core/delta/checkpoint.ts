/**
 * Checkpoints (PROTOCOL.md "Checkpoints", "V2 Spec", "Sidecar Files"): classic single-file,
 * multi-part, and UUID-named v2 checkpoints in JSON or Parquet whose file actions may live in
 * `_delta_log/_sidecars/*.parquet`. Reading one yields the same Action list a replay of commits
 * would, so replay treats a checkpoint as the oldest batch.
 */
import { LakeError } from '../errors';
import { bufferOf, readParquetRows } from '../parquet';
import { type Storage, baseName } from '../storage';
import { type Action, toAction } from './actions';
import { parseJsonActions } from './commit';
import { LOG_DIR } from './logPath';

/** The non-null key field that tells which action a checkpoint row holds. */
const ROW_KEYS: [keyof Action, string][] = [
  ['add', 'path'],
  ['remove', 'path'],
  ['metaData', 'id'],
  ['protocol', 'minReaderVersion'],
  ['txn', 'appId'],
  ['domainMetadata', 'domain'],
  ['sidecar', 'path'],
  ['checkpointMetadata', 'version'],
];
const COLUMNS = ROW_KEYS.map(([k]) => k as string);

/** Actions of one checkpoint Parquet file (a classic checkpoint, one part, or a sidecar). */
export async function readParquetActions(storage: Storage, path: string): Promise<Action[]> {
  const bytes = await storage.read(path);
  const rows = await readParquetRows(bufferOf(bytes), path, COLUMNS);
  const out: Action[] = [];
  for (const row of rows) {
    for (const [key, field] of ROW_KEYS) {
      const v = row[key] as Record<string, unknown> | null | undefined;
      if (v && v[field] !== null && v[field] !== undefined) {
        const a = toAction({ [key]: normalizeParquetValue(v) }, path);
        if (a) out.push(a);
        break;
      }
    }
  }
  return out;
}

/** hyparquet gives Dates for timestamps (stats_parsed); our model keeps ISO strings. */
function normalizeParquetValue(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
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
 * All actions of a checkpoint, sidecars included. Errors name the checkpoint file and say whether
 * the checkpoint itself or a sidecar it references is at fault.
 */
export async function readCheckpoint(storage: Storage, cp: CheckpointRef): Promise<Action[]> {
  const out: Action[] = [];
  for (const path of cp.paths) {
    const actions = path.endsWith('.json') ? parseJsonActions(await storage.read(path), path) : await readParquetActions(storage, path);
    for (const a of actions) {
      if (a.sidecar) {
        // sidecars must live in _delta_log/_sidecars; only the file name is meaningful
        const name = baseName(safeDecode(a.sidecar.path));
        const sidecarPath = `${LOG_DIR}/_sidecars/${name}`;
        let sidecar: Action[];
        try {
          sidecar = await readParquetActions(storage, sidecarPath);
        } catch (err) {
          if (err instanceof LakeError && err.kind === 'missing') {
            throw new LakeError('missing', `delta: sidecar ${name} referenced by checkpoint ${baseName(path)} is missing`, sidecarPath);
          }
          throw err;
        }
        for (const s of sidecar) if (s.add || s.remove) out.push(s);
      } else out.push(a);
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
