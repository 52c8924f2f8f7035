/**
 * Instant metadata (Hudi tech spec, "Timeline" / `HoodieCommitMetadata`). Completed commits,
 * deltacommits and replacecommits are JSON in the 0.x layout and Avro object container files in
 * 1.x; plans and the metadata of cleans, rollbacks and compactions are Avro in both. Either way
 * the content is turned into plain values (Avro maps → objects) and then read into typed write
 * stats: which file of which file group each write produced, with record and byte counts, plus
 * the file groups a replacecommit replaced and the writer schema in `extraMetadata.schema`.
 */
import { isAvroContainer, readAvroFile } from '../avro/container';
import { LakeError } from '../errors';
import type { Storage } from '../storage/storage';

export type Plain = Record<string, unknown>;

export interface WriteStat {
  fileId: string;
  /** Path written, relative to the table root (`partition/name`); null in inflight plans. */
  path: string | null;
  partitionPath: string;
  /** Instant of the slice this write updated (`null` for new file groups). */
  prevCommit: string | null;
  numWrites: number;
  numInserts: number;
  numUpdateWrites: number;
  numDeletes: number;
  totalWriteBytes: number;
  fileSizeInBytes: number;
  /** MOR: the base file of the slice a log file was appended to, and the slice's log files. */
  baseFile: string | null;
  logFiles: string[];
}

export interface CommitMetadata {
  operationType: string | null;
  compacted: boolean;
  stats: WriteStat[];
  /** Partition → file ids a replacecommit replaced. */
  replaced: { partitionPath: string; fileId: string }[];
  extraMetadata: Record<string, string>;
}

/** Avro values → JSON-like values: maps become objects, bytes stay Uint8Array. */
export function toPlain(v: unknown, depth = 0): unknown {
  if (depth > 64) return null;
  if (v instanceof Map) {
    const o: Plain = {};
    for (const [k, x] of v) setOwn(o, String(k), toPlain(x, depth + 1));
    return o;
  }
  if (Array.isArray(v)) return v.map((x) => toPlain(x, depth + 1));
  if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array)) {
    const o: Plain = {};
    for (const [k, x] of Object.entries(v)) setOwn(o, k, toPlain(x, depth + 1));
    return o;
  }
  return v;
}

function setOwn(o: Plain, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

/**
 * Decodes an instant file of either serialization. An empty file is empty metadata (writers
 * leave requested/inflight files empty, and Hudi reads an empty completed file as no stats).
 */
export function decodeInstantBytes(bytes: Uint8Array, path: string): Plain {
  if (bytes.length === 0) return {};
  let v: unknown;
  if (isAvroContainer(bytes)) {
    try {
      const f = readAvroFile(bytes, path, { maxTotalBytes: 1 << 28 });
      if (f.records.length !== 1) throw new LakeError('corrupt', `hudi: instant file holds ${f.records.length} records, expected 1`, path);
      v = toPlain(f.records[0]);
    } catch (err) {
      if (err instanceof LakeError && err.path === path && !err.detail.startsWith('hudi:')) {
        throw new LakeError(err.kind, `hudi: unreadable instant file: ${err.detail}`, path, { cause: err });
      }
      throw err;
    }
  } else {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new LakeError('corrupt', 'hudi: instant file is neither Avro nor UTF-8 JSON', path);
    }
    if (text.trim() === '') return {};
    try {
      // Hudi's JSON holds counts, sizes and ms times, all far below 2^53; the 17-digit runs are
      // instant times inside strings. JSON.parse is exact here and several times faster than the
      // BigInt-safe parser those digit runs would select.
      v = JSON.parse(text);
    } catch (err) {
      throw new LakeError('corrupt', `hudi: instant file is not valid JSON: ${(err as Error).message}`, path, { cause: err });
    }
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new LakeError('corrupt', 'hudi: instant metadata is not an object', path);
  return v as Plain;
}

/** Reads and decodes one instant file. */
export async function readInstantFile(storage: Storage, path: string): Promise<Plain> {
  return decodeInstantBytes(await storage.read(path), path);
}

// ---------------------------------------------------------------------------------------------
// typed access

function num(v: unknown): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
  return 0;
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

function obj(v: unknown, what: string, path: string): Plain | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'object' || Array.isArray(v) || v instanceof Uint8Array) throw new LakeError('corrupt', `hudi: ${what} is not an object`, path);
  return v as Plain;
}

function arr(v: unknown, what: string, path: string): unknown[] {
  if (v === null || v === undefined) return [];
  if (!Array.isArray(v)) throw new LakeError('corrupt', `hudi: ${what} is not a list`, path);
  return v;
}

/** A write stat's path as a table path: writers record it relative to the table root. */
function statPath(raw: string | null, partition: string): string | null {
  if (raw === null || raw === '') return null;
  const p = raw.replace(/^\/+/, '');
  // very old writers recorded bare file names
  return p.includes('/') || partition === '' ? p : `${partition}/${p}`;
}

/** Typed view of commit / deltacommit / replacecommit metadata. */
export function commitMetadataOf(md: Plain, path: string): CommitMetadata {
  const stats: WriteStat[] = [];
  const byPartition = obj(md.partitionToWriteStats, 'partitionToWriteStats', path) ?? {};
  for (const [partition, list] of Object.entries(byPartition)) {
    for (const s of arr(list, `partitionToWriteStats[${JSON.stringify(partition)}]`, path)) {
      const o = obj(s, 'a write stat', path);
      if (!o) continue;
      const partitionPath = str(o.partitionPath) ?? partition;
      const prev = str(o.prevCommit);
      stats.push({
        fileId: str(o.fileId) ?? '',
        path: statPath(str(o.path), partitionPath),
        partitionPath,
        prevCommit: prev === null || prev === 'null' || prev === '' ? null : prev,
        numWrites: num(o.numWrites),
        numInserts: num(o.numInserts),
        numUpdateWrites: num(o.numUpdateWrites),
        numDeletes: num(o.numDeletes),
        totalWriteBytes: num(o.totalWriteBytes),
        fileSizeInBytes: num(o.fileSizeInBytes),
        baseFile: str(o.baseFile) || null,
        logFiles: arr(o.logFiles, 'logFiles', path).filter((x): x is string => typeof x === 'string'),
      });
    }
  }
  const replaced: CommitMetadata['replaced'] = [];
  const rep = obj(md.partitionToReplaceFileIds, 'partitionToReplaceFileIds', path) ?? {};
  for (const [partitionPath, ids] of Object.entries(rep)) {
    for (const id of arr(ids, `partitionToReplaceFileIds[${JSON.stringify(partitionPath)}]`, path)) {
      if (typeof id === 'string') replaced.push({ partitionPath, fileId: id });
    }
  }
  const extra: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(md.extraMetadata, 'extraMetadata', path) ?? {})) if (typeof v === 'string') extra[k] = v;
  return { operationType: str(md.operationType), compacted: md.compacted === true, stats, replaced, extraMetadata: extra };
}

export interface PartitionTotals {
  files: number;
  inserts: number;
  updates: number;
  deletes: number;
  bytes: number;
}

/** Per-partition totals of a commit's write stats, for history entries. */
export function partitionTotals(c: CommitMetadata): Record<string, PartitionTotals> {
  const out = new Map<string, PartitionTotals>();
  for (const s of c.stats) {
    let t = out.get(s.partitionPath);
    if (!t) out.set(s.partitionPath, (t = { files: 0, inserts: 0, updates: 0, deletes: 0, bytes: 0 }));
    if (s.path) t.files++;
    t.inserts += s.numInserts;
    t.updates += s.numUpdateWrites;
    t.deletes += s.numDeletes;
    t.bytes += s.totalWriteBytes;
  }
  return Object.fromEntries(out);
}
