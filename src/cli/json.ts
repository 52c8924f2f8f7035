/**
 * The JSON shapes of the CLI (`--json`). Snapshots are written a file per line: a million files
 * are streamed, not built into one giant string, and a file's JSON costs one JSON.stringify.
 */
import { parseFileStats } from '../core/delta/stats';
import { stringifyJson } from '../core/json';
import type { DataFile, Snapshot } from '../core/model';

/** A file's JSON object; `stats` is only read (Iceberg decodes it lazily) when asked for. */
function fileJson(f: DataFile, snap: Snapshot, withStats: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(f)) {
    if (k === 'stats' || k === 'statsJson') continue;
    out[k] = (f as unknown as Record<string, unknown>)[k];
  }
  if (withStats) {
    const s = f.stats ?? (snap.format === 'delta' ? parseFileStats(f.statsJson, undefined, snap.schema, f.path) : undefined);
    out.stats = s ?? null;
  }
  return out;
}

/** JSON.stringify, falling back to the BigInt-aware writer when a value is a bigint. */
function compact(v: unknown): string {
  try {
    return JSON.stringify(v);
  } catch {
    return stringifyJson(v);
  }
}

/** Writes `lakelens snapshot --json`: summary fields first, then files and tombstones, one per line. */
export function writeSnapshotJson(write: (chunk: string) => void, snap: Snapshot, withStats: boolean): void {
  const { files, tombstones, ...rest } = snap;
  const head = stringifyJson(rest, 2);
  write(head.slice(0, -2)); // drop the closing "\n}"
  const list = (name: string, items: unknown[]) => {
    write(`,\n  ${JSON.stringify(name)}: [`);
    let chunk = '';
    for (let i = 0; i < items.length; i++) {
      chunk += `${i ? ',' : ''}\n    ${compact(items[i])}`;
      if (chunk.length > 1 << 16) {
        write(chunk);
        chunk = '';
      }
    }
    write(`${chunk}${items.length ? '\n  ' : ''}]`);
  };
  list('files', files.map((f) => fileJson(f, snap, withStats)));
  list('tombstones', tombstones);
  write('\n}\n');
}

/** The same document as one value (for callers that want the object, not the text). */
export function snapshotJson(snap: Snapshot, withStats: boolean): Record<string, unknown> {
  const { files, tombstones, ...rest } = snap;
  return { ...rest, files: files.map((f) => fileJson(f, snap, withStats)), tombstones };
}
