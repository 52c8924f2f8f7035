/**
 * Iceberg row-level deletes that name row positions (spec "Position Delete Files", "Deletion
 * Vectors", puffin-spec.md "deletion-vector-v1"), resolved to the sorted deleted positions of
 * each data file under the scope rules of spec "Scan Planning":
 *
 * - a deletion vector applies to its `referenced_data_file` when the data file's data sequence
 *   number is ≤ the vector's and their partitions are equal;
 * - a position delete file applies under the same rules (and only to its `referenced_data_file`
 *   when set), unless a deletion vector applies to that data file.
 *
 * Position-delete `file_path` values go through the reader's location mapping, so a delete
 * written as `hdfs://nn:8020/wh/t/data/a.parquet` matches the data file `/wh/t/data/a.parquet`.
 */
import { LakeError } from '../core/errors';
import { tablePath } from '../core/iceberg/location';
import type { DataFile } from '../core/model';
import type { Storage } from '../core/storage/storage';
import { crc32 } from './crc32';
import { RoaringError, decodeRoaring64 } from './roaring';
import { strList } from './sql';
import { verifyFiles } from './verify';

const DV_MAGIC = [0xd1, 0xd3, 0x39, 0x64];

/** A data file of the scan with what the rules compare. */
export interface DeleteTarget {
  file: DataFile;
  seq: bigint;
  partitionKey: string;
}

/** A delete file with its data sequence number and partition key. */
export interface DeleteSource {
  file: DataFile;
  seq: bigint;
  partitionKey: string;
}

/** Positions deleted by one deletion-vector-v1 blob (spec: length, magic, Roaring64, CRC-32). */
export function decodeDvBlob(blob: Uint8Array, where: string): number[] {
  if (blob.length < 12) throw new LakeError('corrupt', `iceberg: deletion vector blob of ${blob.length} bytes is too short`, where);
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const length = view.getUint32(0, false);
  if (length !== blob.length - 8) throw new LakeError('corrupt', `iceberg: deletion vector blob says ${length} bytes of vector, the manifest gives ${blob.length - 8}`, where);
  if (DV_MAGIC.some((b, i) => blob[4 + i] !== b)) throw new LakeError('corrupt', 'iceberg: deletion vector blob has the wrong magic bytes', where);
  const body = blob.subarray(4, 4 + length);
  const stored = view.getUint32(4 + length, false);
  if (crc32(body) !== stored) throw new LakeError('corrupt', 'iceberg: deletion vector blob fails its CRC-32 check', where);
  try {
    return decodeRoaring64(body.subarray(4));
  } catch (err) {
    if (err instanceof RoaringError) throw new LakeError('corrupt', `iceberg: deletion vector: ${err.message}`, where);
    throw err;
  }
}

/**
 * Deleted positions per data file path. `query` runs SQL in the table's sandbox (position delete
 * files are Parquet read by DuckDB).
 */
export async function positionDeletes(
  storage: Storage,
  location: string,
  targets: Map<string, DeleteTarget>,
  dvs: DeleteSource[],
  posFiles: DeleteSource[],
  absPath: (f: DataFile) => string,
  query: (sql: string) => Promise<unknown[][]>,
): Promise<Map<string, number[]>> {
  const out = new Map<string, number[][]>();
  const add = (path: string, positions: number[]) => {
    const list = out.get(path);
    if (list) list.push(positions);
    else out.set(path, [positions]);
  };
  const applies = (t: DeleteTarget | undefined, d: DeleteSource): t is DeleteTarget => t !== undefined && t.seq <= d.seq && t.partitionKey === d.partitionKey;

  const withDv = new Set<string>();
  for (const d of dvs) {
    const dv = d.file.deletionVector;
    const ref = d.file.referencedDataFile;
    if (!dv || dv.offset === undefined || !ref) throw new LakeError('corrupt', 'iceberg: deletion vector entry without referenced_data_file or content offset', d.file.path);
    const t = targets.get(ref);
    if (!applies(t, d)) continue;
    const where = `${d.file.path} @${dv.offset}`;
    const blob = await storage.readRange(d.file.path, dv.offset, dv.offset + dv.sizeInBytes);
    if (blob.length !== dv.sizeInBytes) throw new LakeError('corrupt', `iceberg: deletion vector blob ends early (${blob.length} of ${dv.sizeInBytes} bytes)`, where);
    const positions = decodeDvBlob(blob, where);
    if (positions.length !== dv.cardinality) throw new LakeError('corrupt', `iceberg: deletion vector holds ${positions.length} positions, the manifest says ${dv.cardinality}`, where);
    withDv.add(ref);
    add(ref, positions);
  }

  const relevant = posFiles.filter((d) => {
    const ref = d.file.referencedDataFile;
    if (ref === undefined) return true;
    return !withDv.has(ref) && applies(targets.get(ref), d);
  });
  if (relevant.length > 0) {
    const byAbs = new Map(relevant.map((d) => [absPath(d.file), d]));
    await verifyFiles(storage, relevant.map((d) => d.file), 'position delete file');
    const rows = await query(
      `SELECT filename, file_path, list(pos ORDER BY pos) FROM read_parquet(${strList([...byAbs.keys()])}, filename = true, hive_partitioning = false) GROUP BY ALL`,
    );
    // the same raw path repeats in every delete file; map each once
    const mapped = new Map<string, string>();
    for (const [filename, rawPath, posList] of rows) {
      const d = byAbs.get(String(filename));
      if (!d) throw new LakeError('corrupt', `iceberg: position deletes from an unexpected file ${String(filename)}`);
      const raw = String(rawPath);
      let path = mapped.get(raw);
      if (path === undefined) mapped.set(raw, (path = tablePath(raw, location)));
      if (d.file.referencedDataFile !== undefined && d.file.referencedDataFile !== path) {
        throw new LakeError('corrupt', `iceberg: position delete file names ${raw} but its referenced_data_file is ${d.file.referencedDataFile}`, d.file.path);
      }
      const t = targets.get(path);
      if (withDv.has(path) || !applies(t, d)) continue;
      const n = t.file.numRecords;
      const positions: number[] = [];
      for (const p of posList as unknown[]) {
        const v = Number(p);
        if (!Number.isSafeInteger(v) || v < 0) throw new LakeError('corrupt', `iceberg: invalid position ${String(p)} in position delete file`, d.file.path);
        // a position past the end deletes nothing; keeping it would skew row counts
        if (n === null || v < n) positions.push(v);
      }
      add(path, positions);
    }
  }

  const merged = new Map<string, number[]>();
  for (const [path, lists] of out) merged.set(path, mergeSorted(lists));
  return merged;
}

/** Union of ascending lists, ascending, without duplicates. */
export function mergeSorted(lists: number[][]): number[] {
  if (lists.length === 1) return dedupe(lists[0]!);
  const all = lists.flat().sort((a, b) => a - b);
  return dedupe(all);
}

function dedupe(xs: number[]): number[] {
  const out: number[] = [];
  for (const x of xs) if (out.length === 0 || out[out.length - 1] !== x) out.push(x);
  return out;
}
