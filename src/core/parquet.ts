/**
 * Parquet reading for metadata (Delta checkpoints and sidecars, footers for the file inspector),
 * on hyparquet through Storage. Row values users see come from DuckDB, not from here.
 */
import { type AsyncBuffer, type FileMetaData, parquetMetadataAsync, parquetReadObjects, parquetSchema } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { LakeError } from './errors';
import type { Storage } from './storage/storage';

/** An AsyncBuffer over a file already in memory. */
export function bufferOf(bytes: Uint8Array): AsyncBuffer {
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return { byteLength: ab.byteLength, slice: (s: number, e?: number) => ab.slice(s, e) };
}

/** An AsyncBuffer reading byte ranges through Storage (footer-only reads stay small). */
export async function rangedBuffer(storage: Storage, path: string): Promise<AsyncBuffer> {
  const st = await storage.stat(path);
  if (!st) throw new LakeError('missing', 'parquet: file not found', path);
  return {
    byteLength: st.size,
    slice: async (s: number, e?: number) => {
      const b = await storage.readRange(path, s, e ?? st.size);
      return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
    },
  };
}

/** Footer metadata; a bad footer is a `corrupt` error naming the file. */
export async function readParquetMetadata(file: AsyncBuffer, path: string): Promise<FileMetaData> {
  if (file.byteLength < 12) throw new LakeError('corrupt', `parquet: file too short (${file.byteLength} bytes)`, path);
  try {
    return await parquetMetadataAsync(file, { initialFetchSize: 1 << 16 });
  } catch (err) {
    throw new LakeError('corrupt', `parquet: ${(err as Error).message}`, path, { cause: err });
  }
}

/** All rows (selected top-level columns) as objects: int64 → bigint, maps → objects. */
export async function readParquetRows(
  file: AsyncBuffer,
  path: string,
  columns?: string[],
  metadata?: FileMetaData,
  rows?: { start: number; end: number },
): Promise<Record<string, unknown>[]> {
  const md = metadata ?? (await readParquetMetadata(file, path));
  checkChunkPaths(md, path);
  const present = new Set(md.schema.slice(1).map((s) => s.name));
  const cols = columns?.filter((c) => present.has(c));
  if (cols && cols.length === 0) return new Array(Number(md.num_rows)).fill({});
  try {
    return await parquetReadObjects({ file, metadata: md, columns: cols, compressors, rowFormat: 'object', ...(rows ? { rowStart: rows.start, rowEnd: rows.end } : {}) });
  } catch (err) {
    throw new LakeError('corrupt', `parquet: ${(err as Error).message}`, path, { cause: err });
  }
}

/**
 * Every column chunk of the footer must name a path of its schema. hyparquet starts reading a row
 * group's chunks one by one and resolves each one's schema path as it goes: a chunk the schema
 * does not describe (a damaged footer) aborts it halfway, and the reads already started fail later
 * with nobody listening — an unhandled rejection instead of an error about this file.
 */
function checkChunkPaths(md: FileMetaData, path: string): void {
  const known = new Set<string>();
  let tree;
  try {
    tree = parquetSchema(md);
  } catch (err) {
    throw new LakeError('corrupt', `parquet: invalid schema: ${(err as Error).message}`, path, { cause: err });
  }
  const walk = (node: typeof tree, prefix: string) => {
    for (const c of node.children) {
      const p = prefix === '' ? c.element.name : `${prefix}\u0000${c.element.name}`;
      known.add(p);
      walk(c, p);
    }
  };
  walk(tree, '');
  for (const rg of md.row_groups) {
    for (const c of rg.columns) {
      const p = c.meta_data?.path_in_schema;
      if (p && !known.has(p.join('\u0000'))) throw new LakeError('corrupt', `parquet: column chunk ${JSON.stringify(p.join('.'))} is not in the file's schema`, path);
    }
  }
}

