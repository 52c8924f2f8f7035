/**
 * Manifests (spec "Manifests", "Entries in Manifests", "Sequence Number Inheritance", "First Row
 * ID Inheritance"): Avro files of entries (status, snapshot id, sequence numbers, data_file). An
 * entry's null snapshot id is inherited from the manifest; null data/file sequence numbers are
 * inherited from the manifest's sequence number when the entry is ADDED, or always when that is 0
 * (v1 metadata, Appendix E), following Java's reader. v3 data files without `first_row_id` get
 * the manifest's `first_row_id` plus the record counts of the preceding such files.
 * Each data_file becomes a model `DataFile` with a typed, human-readable partition tuple and
 * decoded column statistics keyed by dotted column name.
 */
import { forEachAvroRecord, readAvroHeader } from '../avro/container';
import { LakeError } from '../errors';
import { parseJson } from '../json';
import type { DataFile, FileContent, Int64 } from '../model';
import type { Storage } from '../storage/storage';
import { tupleSlot } from '../avro/decoder';
import { type AvroRecordType, FieldIds, recordOf } from './avroFields';
import type { LocationMapper } from './location';
import { type ManifestFile, readTableFile } from './manifestList';
import { type BoundPartitionField, bindSpec, parsePartitionSpec, partitionDisplay } from './partitionSpec';
import type { ColumnRef } from './schema';
import { decodeSingleValue } from './singleValue';
import { IcebergDataFile, StatsLayout, type StatsSource } from './fileStats';
import { float32 } from './values';

export const STATUS_EXISTING = 0;
export const STATUS_ADDED = 1;
export const STATUS_DELETED = 2;

export interface ManifestContext {
  storage: Storage;
  mapper: LocationMapper;
  /** Columns by field id, to name statistics and type bounds. */
  columns: Map<number, ColumnRef>;
  /** Partition fields of each spec id, bound to their source columns. */
  specs: Map<number, BoundPartitionField[]>;
}

export interface ManifestEntry {
  status: number;
  file: DataFile;
}

export interface ManifestContents {
  /** Files in entry order and each entry's status (STATUS_*), side by side: no object per entry. */
  files: DataFile[];
  statuses: number[];
  /** The same as pairs (made when read). */
  readonly entries: ManifestEntry[];
  /** Spec id from the header (v1 manifests named only by path learn theirs here). */
  specId: number | null;
  /** Entries whose data_file carries key_metadata. */
  withKeyMetadata: number;
}

/** Reads one manifest and resolves inheritance from its manifest-list entry. */
export async function readManifest(mf: ManifestFile, ctx: ManifestContext): Promise<ManifestContents> {
  return decodeManifest(mf, ctx, await readManifestBytes(mf, ctx));
}

/** A manifest's bytes, read as `readManifest` reads them (a caller may read ahead of decoding). */
export function readManifestBytes(mf: ManifestFile, ctx: ManifestContext): Promise<Uint8Array> {
  return readTableFile(ctx.storage, mf.path, 'manifest');
}

/** The entries of a manifest read already. */
export function decodeManifest(mf: ManifestFile, ctx: ManifestContext, bytes: Uint8Array): ManifestContents {
  const path = mf.path;
  const header = readAvroHeader(bytes, path);
  const entryType = recordOf(header.schema);
  const fileType = entryType && recordOf(new FieldIds(entryType).type(2, 'data_file'));
  if (!entryType || !fileType) throw new LakeError('corrupt', 'iceberg: manifest schema has no manifest_entry/data_file records', path);

  const headerSpec = header.metadata.get('partition-spec-id');
  const specId = mf.specId >= 0 ? mf.specId : headerSpec !== undefined && /^\d+$/.test(headerSpec) ? Number(headerSpec) : 0;
  const bound = ctx.specs.get(specId) ?? specFromHeader(header.metadata.get('partition-spec'), specId, ctx.columns, path);
  // file_path is decoded as the bytes it is encoded as (an Avro string is UTF-8 bytes), so the
  // location mapper can make the table path without a string of the full URI (see tablePathOfBytes)
  const pathField = fileType.fields.find((f) => (f.fieldId !== undefined ? f.fieldId === 100 : f.name === 'file_path'));
  if (pathField?.type.kind === 'string') pathField.type = { kind: 'bytes', attrs: pathField.type.attrs };
  const { convert: decodeEntry, rawSpan } = entryDecoder(entryType, fileType, bound, specId, ctx, path);

  const files: DataFile[] = [];
  const statuses: number[] = [];
  let nextRowId: Int64 | null = mf.firstRowId;
  let withKeyMetadata = 0;
  const inheritSeq = mf.sequenceNumber;
  const inheritAlways = isZero(inheritSeq);
  const got: EntryExtras = { status: 0, keyMetadata: false };
  let block: StatsSource | undefined;
  // records are converted as they are decoded (bytes are windows into the block), so only the
  // converted DataFiles outlive a block; their stats stay encoded in it (fileStats.ts)
  forEachAvroRecord(
    bytes,
    path,
    (rec, i) => {
      const f = decodeEntry(rec as Tuple, i, block, got);
      // inheritance (see module comment)
      if (f.snapshotId === null) f.snapshotId = mf.addedSnapshotId;
      const inherit = inheritAlways || got.status === STATUS_ADDED;
      if (f.sequenceNumber === null && inherit) f.sequenceNumber = inheritSeq;
      if (f.fileSequenceNumber === null && inherit) f.fileSequenceNumber = inheritSeq;
      if (f.content === 'data' && nextRowId !== null && (f.firstRowId === null || f.firstRowId === undefined)) {
        f.firstRowId = nextRowId;
        nextRowId = addInt64(nextRowId, f.numRecords ?? 0);
      }
      if (got.keyMetadata) withKeyMetadata++;
      files.push(f);
      statuses.push(got.status);
    },
    // files keep a way to get their block again, never the inflated block itself (see fileStats.ts)
    { byteViews: true, tuples: true, reuseTuples: true, ...(rawSpan ? { rawSpan } : {}), onBlock: (b) => void (block = { again: b.again }) },
    header,
  );
  return {
    files,
    statuses,
    get entries() {
      return files.map((file, i) => ({ status: statuses[i]!, file }));
    },
    specId,
    withKeyMetadata,
  };
}

/** What converting an entry yields besides its file (written into one object, not allocated per entry). */
interface EntryExtras {
  status: number;
  keyMetadata: boolean;
}

function specFromHeader(json: string | undefined, specId: number, columns: Map<number, ColumnRef>, path: string): BoundPartitionField[] {
  if (json === undefined) return [];
  try {
    return bindSpec(parsePartitionSpec(parseJson(json), path, specId), columns);
  } catch {
    throw new LakeError('corrupt', 'iceberg: manifest header partition-spec is invalid', path);
  }
}

function isZero(v: Int64): boolean {
  return v === 0 || v === 0n;
}

function addInt64(a: Int64, b: number): Int64 {
  const s = typeof a === 'bigint' ? a + BigInt(b) : a + b;
  return typeof s === 'number' && !Number.isSafeInteger(s) ? BigInt(a) + BigInt(b) : s;
}

const CONTENT: Record<number, FileContent> = { 0: 'data', 1: 'position-deletes', 2: 'equality-deletes' };

type Tuple = unknown[];

/**
 * Compiles the field lookups of one manifest's schema into a converter from a decoded entry (a
 * tuple: fields by index, see DecodeOptions.tuples) to a DataFile.
 */
function entryDecoder(entryType: AvroRecordType, fileType: AvroRecordType, bound: BoundPartitionField[], specId: number, ctx: ManifestContext, path: string) {
  // statistics stay encoded until someone reads them (see fileStats.ts)
  const stats = new StatsLayout(fileType, ctx.columns, '');
  const span = stats.span;
  const ef = new FieldIds(entryType);
  const ff = new FieldIds(fileType);
  const at = (i: number) => (i < 0 ? -1 : tupleSlot(i, span)); // data_file slots shift past the stats span
  const n = {
    status: ef.index(0, 'status'),
    snap: ef.index(1, 'snapshot_id'),
    seq: ef.index(3, 'sequence_number'),
    fileSeq: ef.index(4, 'file_sequence_number'),
    file: ef.index(2, 'data_file'),
    content: at(ff.index(134, 'content')),
    path: at(ff.index(100, 'file_path')),
    format: at(ff.index(101, 'file_format')),
    partition: at(ff.index(102, 'partition')),
    records: at(ff.index(103, 'record_count')),
    size: at(ff.index(104, 'file_size_in_bytes')),
    key: at(ff.index(131, 'key_metadata')),
    eqIds: at(ff.index(135, 'equality_ids')),
    sortOrder: at(ff.index(140, 'sort_order_id')),
    firstRowId: at(ff.index(142, 'first_row_id')),
    refFile: at(ff.index(143, 'referenced_data_file')),
    offset: at(ff.index(144, 'content_offset')),
    contentSize: at(ff.index(145, 'content_size_in_bytes')),
    stats: span ? span.first : -1,
  };
  if (n.status < 0 || n.file < 0 || n.path < 0) throw new LakeError('corrupt', 'iceberg: manifest entries lack status, data_file or file_path', path);
  // partition tuple fields → spec fields: by partition field id, else by name, else by position
  const partRec = recordOf(ff.type(102, 'partition'));
  const partMap = (partRec?.fields ?? []).map((af, i) => ({
    name: af.name,
    field: bound.find((b) => af.fieldId !== undefined && b.fieldId === af.fieldId) ?? bound.find((b) => b.name === af.name) ?? bound[i],
    // a value written as float keeps float precision even after the column became a double
    isFloat: af.type.kind === 'float' || (af.type.kind === 'union' && af.type.branches.some((b) => b.kind === 'float')),
  }));
  const opt = (t: Tuple, i: number): unknown => (i < 0 ? undefined : t[i]);
  const partitions = new PartitionCache(partMap);
  const ids = new IdCache();
  const formats = new FormatCache();

  const convert = (o: Tuple, i: number, block: StatsSource | undefined, got: EntryExtras): DataFile => {
    const status = o[n.status];
    if (status !== 0 && status !== 1 && status !== 2) failEntry(path, i, `invalid status ${String(status)}`);
    const d = o[n.file] as Tuple | null;
    if (!Array.isArray(d)) return failEntry(path, i, 'no data_file');
    const rawPath = d[n.path];
    if (typeof rawPath !== 'string' && !(rawPath instanceof Uint8Array)) failEntry(path, i, 'data_file has no file_path');
    const contentCode = opt(d, n.content) ?? 0;
    let content = CONTENT[contentCode as number];
    if (!content) return failEntry(path, i, `unknown content type ${String(contentCode)}`);
    const format = formats.lower(opt(d, n.format));
    const offset = opt(d, n.offset);
    const contentSize = opt(d, n.contentSize);
    if (content === 'position-deletes' && format === 'puffin') content = 'deletion-vector';

    const tuple = opt(d, n.partition) as Tuple | null | undefined;
    const partitionValues = partitions.values(tuple);
    const numRecords = count(opt(d, n.records), 'record_count', path, i);
    const statsAt = opt(d, n.stats) as number | undefined;
    const file: DataFile = new IcebergDataFile(
      typeof rawPath === 'string' ? ctx.mapper.tablePath(rawPath) : ctx.mapper.tablePathOfBytes(rawPath),
      count(opt(d, n.size), 'file_size_in_bytes', path, i),
      numRecords,
      partitionValues,
      content,
      format,
      long(opt(o, n.seq)),
      long(opt(o, n.fileSeq)),
      ids.of(opt(o, n.snap)),
      specId,
      content === 'data' ? long(opt(d, n.firstRowId)) : null,
      statsAt === undefined ? undefined : block,
      statsAt ?? 0,
      stats,
    );
    const eq = opt(d, n.eqIds);
    if (Array.isArray(eq)) file.equalityIds = eq.filter((x): x is number => typeof x === 'number');
    const ref = opt(d, n.refFile);
    if (typeof ref === 'string') file.referencedDataFile = ctx.mapper.tablePath(ref);
    const sortOrder = opt(d, n.sortOrder);
    if (typeof sortOrder === 'number') file.sortOrderId = sortOrder;
    if (content === 'deletion-vector') {
      if (typeof offset !== 'number' || typeof contentSize !== 'number') failEntry(path, i, 'deletion vector without content_offset/content_size_in_bytes');
      file.deletionVector = { storageType: 'puffin', path: file.path, offset, sizeInBytes: contentSize, cardinality: numRecords };
    }
    got.status = status as number;
    got.keyMetadata = opt(d, n.key) instanceof Uint8Array;
    return file;
  };
  return { convert, rawSpan: span };
}

type PartMap = { name: string; field: BoundPartitionField | undefined; isFloat: boolean }[];

/** Largest number of distinct partition tuples whose display objects are shared (bounds memory). */
const MAX_SHARED_PARTITIONS = 100_000;

/**
 * Partition tuples in display form. Files of one partition share one object (a manifest of 1,000
 * files often spans a handful of partitions), built once; tuples of values other than numbers,
 * strings and nulls are built per file. Shared objects must not be modified, as with Delta's.
 */
class PartitionCache {
  private readonly shared = new Map<string, DataFile['partitionValues']>();

  constructor(private readonly parts: PartMap) {}

  values(tuple: Tuple | null | undefined): DataFile['partitionValues'] {
    if (!Array.isArray(tuple)) return {};
    let key = '';
    for (let k = 0; k < this.parts.length; k++) {
      const v = tuple[k];
      if (typeof v === 'number') key += Object.is(v, -0) ? '-0,' : `${v},`;
      else if (typeof v === 'string') key += `${JSON.stringify(v)},`;
      else if (v === null || v === undefined) key += `${v},`;
      else return this.build(tuple); // bytes, bigint, boolean: rare in partitions, built per file
    }
    let out = this.shared.get(key);
    if (!out) {
      out = this.build(tuple);
      if (this.shared.size < MAX_SHARED_PARTITIONS) this.shared.set(key, out);
    }
    return out;
  }

  private build(tuple: Tuple): DataFile['partitionValues'] {
    const out: DataFile['partitionValues'] = {};
    for (let k = 0; k < this.parts.length; k++) {
      const { name, field, isFloat } = this.parts[k]!;
      const v = isFloat && typeof tuple[k] === 'number' ? float32(tuple[k] as number) : tuple[k];
      out[field?.name ?? name] = field ? partitionDisplay(field, v) : decodeSingleValueless(v);
    }
    return out;
  }
}

/** File formats in lower case (`PARQUET` → `parquet`), the last conversion kept. */
class FormatCache {
  private last: unknown = undefined;
  private text = '';

  lower(v: unknown): string {
    if (v !== this.last) {
      this.last = v;
      this.text = String(v ?? '').toLowerCase();
    }
    return this.text;
  }
}

/** Snapshot ids as strings; consecutive entries mostly share one, so the last conversion is kept. */
class IdCache {
  private last: unknown = undefined;
  private text: string | null = null;

  of(v: unknown): string | null {
    if (v !== this.last) {
      this.last = v;
      this.text = idOf(v);
    }
    return this.text;
  }
}

function failEntry(path: string, i: number, what: string): never {
  throw new LakeError('corrupt', `iceberg: manifest entry ${i}: ${what}`, path);
}

function decodeSingleValueless(v: unknown): DataFile['partitionValues'][string] {
  if (v === null || v === undefined) return null;
  if (v instanceof Uint8Array) return decodeSingleValue('binary', v);
  return typeof v === 'object' ? String(v) : (v as string | number | bigint | boolean);
}

function count(v: unknown, what: string, path: string, i: number): number {
  if (typeof v !== 'number' || v < 0) return failEntry(path, i, `${what} ${String(v)} is not a valid count`);
  return v;
}

function long(v: unknown): Int64 | null {
  return typeof v === 'number' || typeof v === 'bigint' ? v : null;
}

function idOf(v: unknown): string | null {
  return typeof v === 'number' || typeof v === 'bigint' ? String(v) : null;
}
