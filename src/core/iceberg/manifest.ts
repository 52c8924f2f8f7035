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
import { readAvroFile } from '../avro/container';
import { LakeError } from '../errors';
import { parseJson } from '../json';
import type { ColumnStats, DataFile, FileContent, Int64 } from '../model';
import type { Storage } from '../storage';
import { type AvroRecordType, FieldIds, get, recordOf } from './avroFields';
import type { LocationMapper } from './location';
import { type ManifestFile, readTableFile } from './manifestList';
import { type BoundPartitionField, bindSpec, parsePartitionSpec, partitionDisplay } from './partitionSpec';
import type { ColumnRef } from './schema';
import { decodeSingleValue } from './singleValue';
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
  entries: ManifestEntry[];
  /** Spec id from the header (v1 manifests named only by path learn theirs here). */
  specId: number | null;
  /** Entries whose data_file carries key_metadata. */
  withKeyMetadata: number;
}

/** Reads one manifest and resolves inheritance from its manifest-list entry. */
export async function readManifest(mf: ManifestFile, ctx: ManifestContext): Promise<ManifestContents> {
  const path = mf.path;
  const bytes = await readTableFile(ctx.storage, path, 'manifest');
  const avro = readAvroFile(bytes, path);
  const entryType = recordOf(avro.schema);
  const fileType = entryType && recordOf(new FieldIds(entryType).type(2, 'data_file'));
  if (!entryType || !fileType) throw new LakeError('corrupt', 'iceberg: manifest schema has no manifest_entry/data_file records', path);

  const headerSpec = avro.metadata.get('partition-spec-id');
  const specId = mf.specId >= 0 ? mf.specId : headerSpec !== undefined && /^\d+$/.test(headerSpec) ? Number(headerSpec) : 0;
  const bound = ctx.specs.get(specId) ?? specFromHeader(avro.metadata.get('partition-spec'), specId, ctx.columns, path);
  const decodeEntry = entryDecoder(entryType, fileType, bound, specId, ctx, path);

  const entries: ManifestEntry[] = [];
  let nextRowId: Int64 | null = mf.firstRowId;
  let withKeyMetadata = 0;
  const inheritSeq = mf.sequenceNumber;
  for (let i = 0; i < avro.records.length; i++) {
    const e = decodeEntry(avro.records[i] as Record<string, unknown>, i);
    const f = e.file;
    // inheritance (see module comment)
    if (f.snapshotId === null) f.snapshotId = mf.addedSnapshotId;
    const inherit = e.status === STATUS_ADDED || isZero(inheritSeq);
    if (f.sequenceNumber === null && inherit) f.sequenceNumber = inheritSeq;
    if (f.fileSequenceNumber === null && inherit) f.fileSequenceNumber = inheritSeq;
    if (f.content === 'data' && nextRowId !== null && (f.firstRowId === null || f.firstRowId === undefined)) {
      f.firstRowId = nextRowId;
      nextRowId = addInt64(nextRowId, f.numRecords ?? 0);
    }
    if (e.keyMetadata) withKeyMetadata++;
    entries.push({ status: e.status, file: f });
  }
  return { entries, specId, withKeyMetadata };
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

/** Compiles the field lookups of one manifest's schema into a converter from record to DataFile. */
function entryDecoder(entryType: AvroRecordType, fileType: AvroRecordType, bound: BoundPartitionField[], specId: number, ctx: ManifestContext, path: string) {
  const ef = new FieldIds(entryType);
  const ff = new FieldIds(fileType);
  const n = {
    status: ef.name(0, 'status'),
    snap: ef.name(1, 'snapshot_id'),
    seq: ef.name(3, 'sequence_number'),
    fileSeq: ef.name(4, 'file_sequence_number'),
    file: ef.name(2, 'data_file'),
    content: ff.name(134, 'content'),
    path: ff.name(100, 'file_path'),
    format: ff.name(101, 'file_format'),
    partition: ff.name(102, 'partition'),
    records: ff.name(103, 'record_count'),
    size: ff.name(104, 'file_size_in_bytes'),
    columnSizes: ff.name(108, 'column_sizes'),
    valueCounts: ff.name(109, 'value_counts'),
    nullCounts: ff.name(110, 'null_value_counts'),
    nanCounts: ff.name(137, 'nan_value_counts'),
    lower: ff.name(125, 'lower_bounds'),
    upper: ff.name(128, 'upper_bounds'),
    key: ff.name(131, 'key_metadata'),
    eqIds: ff.name(135, 'equality_ids'),
    sortOrder: ff.name(140, 'sort_order_id'),
    firstRowId: ff.name(142, 'first_row_id'),
    refFile: ff.name(143, 'referenced_data_file'),
    offset: ff.name(144, 'content_offset'),
    contentSize: ff.name(145, 'content_size_in_bytes'),
  };
  // partition tuple fields → spec fields: by partition field id, else by name, else by position
  const partRec = recordOf(ff.type(102, 'partition'));
  const partMap = (partRec?.fields ?? []).map((af, i) => ({
    avroName: af.name,
    field: bound.find((b) => af.fieldId !== undefined && b.fieldId === af.fieldId) ?? bound.find((b) => b.name === af.name) ?? bound[i],
    // a value written as float keeps float precision even after the column became a double
    isFloat: af.type.kind === 'float' || (af.type.kind === 'union' && af.type.branches.some((b) => b.kind === 'float')),
  }));
  const columns = ctx.columns;
  const colName = (id: number) => columns.get(id)?.name ?? `#${id}`;

  return (o: Record<string, unknown>, i: number): ManifestEntry & { keyMetadata: boolean } => {
    function fail(what: string): never {
      throw new LakeError('corrupt', `iceberg: manifest entry ${i}: ${what}`, path);
    }
    const status = get(o, n.status);
    if (status !== 0 && status !== 1 && status !== 2) fail(`invalid status ${String(status)}`);
    const d = get(o, n.file) as Record<string, unknown> | null;
    if (typeof d !== 'object' || d === null) fail('no data_file');
    const rawPath = get(d, n.path);
    if (typeof rawPath !== 'string') fail('data_file has no file_path');
    const contentCode = get(d, n.content) ?? 0;
    let content = CONTENT[contentCode as number];
    if (!content) return fail(`unknown content type ${String(contentCode)}`);
    const format = String(get(d, n.format) ?? '').toLowerCase();
    const offset = get(d, n.offset);
    const contentSize = get(d, n.contentSize);
    if (content === 'position-deletes' && format === 'puffin') content = 'deletion-vector';

    const partitionValues: DataFile['partitionValues'] = {};
    const tuple = get(d, n.partition) as Record<string, unknown> | null;
    if (tuple && typeof tuple === 'object') {
      for (const { avroName, field, isFloat } of partMap) {
        const v = isFloat && typeof tuple[avroName] === 'number' ? float32(tuple[avroName] as number) : tuple[avroName];
        partitionValues[field?.name ?? avroName] = field ? partitionDisplay(field, v) : decodeSingleValueless(v);
      }
    }
    const numRecords = count(get(d, n.records), 'record_count', fail);
    const file: DataFile = {
      path: ctx.mapper.tablePath(rawPath),
      size: count(get(d, n.size), 'file_size_in_bytes', fail),
      numRecords,
      partitionValues,
      content,
      fileFormat: format,
      sequenceNumber: long(get(o, n.seq)),
      fileSequenceNumber: long(get(o, n.fileSeq)),
      snapshotId: idOf(get(o, n.snap)),
      specId,
      firstRowId: content === 'data' ? long(get(d, n.firstRowId)) : null,
    };
    const stats = statsOf(d, n, colName, columns, numRecords);
    if (stats) file.stats = stats;
    const eq = get(d, n.eqIds);
    if (Array.isArray(eq)) file.equalityIds = eq.filter((x): x is number => typeof x === 'number');
    const ref = get(d, n.refFile);
    if (typeof ref === 'string') file.referencedDataFile = ctx.mapper.tablePath(ref);
    const sortOrder = get(d, n.sortOrder);
    if (typeof sortOrder === 'number') file.sortOrderId = sortOrder;
    if (content === 'deletion-vector') {
      if (typeof offset !== 'number' || typeof contentSize !== 'number') fail('deletion vector without content_offset/content_size_in_bytes');
      file.deletionVector = { storageType: 'puffin', path: file.path, offset, sizeInBytes: contentSize, cardinality: numRecords };
    }
    return { status: status as number, file, keyMetadata: get(d, n.key) instanceof Uint8Array };
  };
}

function decodeSingleValueless(v: unknown): DataFile['partitionValues'][string] {
  if (v === null || v === undefined) return null;
  if (v instanceof Uint8Array) return decodeSingleValue('binary', v);
  return typeof v === 'object' ? String(v) : (v as string | number | bigint | boolean);
}

function count(v: unknown, what: string, fail: (m: string) => never): number {
  if (typeof v !== 'number' || v < 0) return fail(`${what} ${String(v)} is not a valid count`);
  return v;
}

function long(v: unknown): Int64 | null {
  return typeof v === 'number' || typeof v === 'bigint' ? v : null;
}

function idOf(v: unknown): string | null {
  return typeof v === 'number' || typeof v === 'bigint' ? String(v) : null;
}

/** Pairs of an Iceberg int-keyed map: an array of {key, value} records (or an Avro map). */
function pairs(v: unknown): [number, unknown][] {
  if (Array.isArray(v)) {
    const out: [number, unknown][] = [];
    for (const kv of v) {
      const o = kv as Record<string, unknown>;
      if (typeof o?.key === 'number') out.push([o.key, o.value]);
    }
    return out;
  }
  if (v instanceof Map) return [...v.entries()].filter(([k]) => /^-?\d+$/.test(k)).map(([k, x]) => [Number(k), x]);
  return [];
}

function statsOf(
  d: Record<string, unknown>,
  n: Record<string, string | undefined>,
  colName: (id: number) => string,
  columns: Map<number, ColumnRef>,
  numRecords: number,
): ColumnStats | undefined {
  const counts = (key: string | undefined): Record<string, unknown> | undefined => {
    const v = get(d, key);
    if (v === null || v === undefined) return undefined;
    const out: Record<string, unknown> = {};
    for (const [id, x] of pairs(v)) out[colName(id)] = x;
    return out;
  };
  const bounds = (key: string | undefined): Record<string, unknown> | undefined => {
    const v = get(d, key);
    if (v === null || v === undefined) return undefined;
    const out: Record<string, unknown> = {};
    for (const [id, x] of pairs(v)) {
      if (!(x instanceof Uint8Array)) continue;
      const t = columns.get(id)?.type;
      out[colName(id)] = decodeSingleValue(typeof t === 'string' ? t : 'binary', x);
    }
    return out;
  };
  const s: ColumnStats = { numRecords };
  const valueCount = counts(n.valueCounts);
  const nullCount = counts(n.nullCounts);
  const nanCount = counts(n.nanCounts);
  const columnSize = counts(n.columnSizes);
  const minValues = bounds(n.lower);
  const maxValues = bounds(n.upper);
  if (valueCount) s.valueCount = valueCount;
  if (nullCount) s.nullCount = nullCount;
  if (nanCount) s.nanCount = nanCount;
  if (columnSize) s.columnSize = columnSize;
  if (minValues) s.minValues = minValues;
  if (maxValues) s.maxValues = maxValues;
  return s;
}
