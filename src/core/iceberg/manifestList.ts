/**
 * Manifest lists (spec "Manifest Lists"): one Avro file per snapshot naming its manifests with
 * their partition spec, content (data or deletes), sequence numbers, file and row counts and
 * per-partition-field summaries. v1 lists lack content and sequence numbers (read as data and 0,
 * Appendix E) and name the counts `added_data_files_count` etc.; v1 snapshots may even have no
 * list but a `manifests` array in the metadata, which `manifestsFromPaths` stands in for.
 */
import { readAvroFile } from '../avro/container';
import { LakeError } from '../errors';
import type { Int64 } from '../model';
import type { Storage } from '../storage/storage';
import { FieldIds, get, recordOf } from './avroFields';
import { type LocationMapper, isTablePath } from './location';
import { type BoundPartitionField, partitionDisplay } from './partitionSpec';
import { decodeSingleValue } from './singleValue';
import type { DisplayValue } from './values';

export interface PartitionFieldSummary {
  containsNull: boolean;
  containsNan: boolean | null;
  lowerBound: DisplayValue;
  upperBound: DisplayValue;
}

export interface ManifestFile {
  /** Table path (relative to the table folder when it maps into it, else the raw URI). */
  path: string;
  length: number | null;
  specId: number;
  content: 'data' | 'deletes';
  sequenceNumber: Int64;
  minSequenceNumber: Int64;
  addedSnapshotId: string | null;
  addedFilesCount: number | null;
  existingFilesCount: number | null;
  deletedFilesCount: number | null;
  addedRowsCount: Int64 | null;
  existingRowsCount: Int64 | null;
  deletedRowsCount: Int64 | null;
  /** v3: first row id assigned to the manifest's ADDED data files without one. */
  firstRowId: Int64 | null;
  /** Summaries per partition field of the manifest's spec (raw bounds decoded when the spec is known). */
  partitions: PartitionFieldSummary[] | null;
  /** The manifest is encrypted (key metadata present). */
  encrypted?: boolean;
}

/**
 * Reads a file named in table metadata (manifest list, manifest), turning a missing file or a path
 * outside the table into errors that say what the file is for.
 */
export async function readTableFile(storage: Storage, path: string, what: string): Promise<Uint8Array> {
  if (!isTablePath(path)) {
    throw new LakeError('out-of-root', `iceberg: ${what} is outside the table folder; it cannot be mapped onto it`, path);
  }
  try {
    return await storage.read(path);
  } catch (err) {
    if (err instanceof LakeError && err.kind === 'missing') throw new LakeError('missing', `iceberg: ${what} not found`, path, { cause: err });
    throw err;
  }
}

export interface ManifestList {
  manifests: ManifestFile[];
  /** Snapshot id the writer put in the file header (`snapshot-id`), when present. */
  headerSnapshotId: string | null;
}

/** Reads a manifest list. `specs` binds partition summaries to their spec fields by spec id. */
export async function readManifestList(
  storage: Storage,
  path: string,
  snapshotId: string,
  mapper: LocationMapper,
  specs: Map<number, BoundPartitionField[]>,
): Promise<ManifestList> {
  const bytes = await readTableFile(storage, path, `manifest list of snapshot ${snapshotId}`);
  const avro = readAvroFile(bytes, path);
  const header = avro.metadata.get('snapshot-id');
  const headerSnapshotId = header !== undefined && /^-?\d+$/.test(header) ? BigInt(header).toString() : null;
  const rec = recordOf(avro.schema);
  if (!rec) throw new LakeError('corrupt', 'iceberg: manifest list schema is not a record', path);
  const f = new FieldIds(rec);
  const n = {
    path: f.name(500, 'manifest_path'),
    length: f.name(501, 'manifest_length'),
    spec: f.name(502, 'partition_spec_id'),
    content: f.name(517, 'content'),
    seq: f.name(515, 'sequence_number'),
    minSeq: f.name(516, 'min_sequence_number'),
    snap: f.name(503, 'added_snapshot_id'),
    addedFiles: f.name(504, 'added_files_count', 'added_data_files_count'),
    existingFiles: f.name(505, 'existing_files_count', 'existing_data_files_count'),
    deletedFiles: f.name(506, 'deleted_files_count', 'deleted_data_files_count'),
    addedRows: f.name(512, 'added_rows_count'),
    existingRows: f.name(513, 'existing_rows_count'),
    deletedRows: f.name(514, 'deleted_rows_count'),
    partitions: f.name(507, 'partitions'),
    key: f.name(519, 'key_metadata'),
    firstRowId: f.name(520, 'first_row_id'),
  };
  if (!n.path) throw new LakeError('corrupt', 'iceberg: manifest list has no manifest_path field', path);
  const manifests = avro.records.map((r, i) => {
    const o = r as Record<string, unknown>;
    const at = `manifest list entry ${i}`;
    const raw = get(o, n.path);
    if (typeof raw !== 'string') throw new LakeError('corrupt', `iceberg: ${at} has no manifest_path`, path);
    const specId = intOr(get(o, n.spec), 0);
    const bound = specs.get(specId);
    // 0 data, 1 deletes (absent in v1 lists); anything else is a kind of manifest we cannot read
    const content = get(o, n.content) ?? 0;
    if (content !== 0 && content !== 1) throw new LakeError('corrupt', `iceberg: ${at} has unknown manifest content type ${String(content)}`, path);
    const mf: ManifestFile = {
      path: mapper.tablePath(raw),
      length: countOrNull(get(o, n.length)),
      specId,
      content: content === 1 ? 'deletes' : 'data',
      sequenceNumber: longOr(get(o, n.seq), 0),
      minSequenceNumber: longOr(get(o, n.minSeq), 0),
      addedSnapshotId: idOrNull(get(o, n.snap)),
      addedFilesCount: countOrNull(get(o, n.addedFiles)),
      existingFilesCount: countOrNull(get(o, n.existingFiles)),
      deletedFilesCount: countOrNull(get(o, n.deletedFiles)),
      addedRowsCount: longOr(get(o, n.addedRows), null),
      existingRowsCount: longOr(get(o, n.existingRows), null),
      deletedRowsCount: longOr(get(o, n.deletedRows), null),
      firstRowId: longOr(get(o, n.firstRowId), null),
      partitions: summaries(get(o, n.partitions), bound),
    };
    if (get(o, n.key) instanceof Uint8Array) mf.encrypted = true;
    return mf;
  });
  return { manifests, headerSnapshotId };
}

/** v1 snapshots without a manifest list: only paths are known; the rest comes from each manifest's header. */
export function manifestsFromPaths(raws: string[], mapper: LocationMapper): ManifestFile[] {
  return raws.map((raw) => ({
    path: mapper.tablePath(raw),
    length: null,
    specId: -1, // from the manifest header
    content: 'data',
    sequenceNumber: 0,
    minSequenceNumber: 0,
    addedSnapshotId: null,
    addedFilesCount: null,
    existingFilesCount: null,
    deletedFilesCount: null,
    addedRowsCount: null,
    existingRowsCount: null,
    deletedRowsCount: null,
    firstRowId: null,
    partitions: null,
  }));
}

function summaries(v: unknown, bound: BoundPartitionField[] | undefined): PartitionFieldSummary[] | null {
  if (!Array.isArray(v)) return null;
  return v.map((s, i) => {
    const o = (s ?? {}) as Record<string, unknown>;
    const f = bound?.[i];
    const decode = (b: unknown): DisplayValue => {
      if (!(b instanceof Uint8Array)) return null;
      if (!f?.resultType) return decodeSingleValue('binary', b);
      return partitionDisplay(f, decodeSingleValue(f.resultType, b));
    };
    return {
      containsNull: o.contains_null === true,
      containsNan: typeof o.contains_nan === 'boolean' ? o.contains_nan : null,
      lowerBound: decode(o.lower_bound),
      upperBound: decode(o.upper_bound),
    };
  });
}

function intOr(v: unknown, d: number): number {
  return typeof v === 'number' ? v : d;
}

function countOrNull(v: unknown): number | null {
  return typeof v === 'number' ? v : null;
}

function longOr<T>(v: unknown, d: T): Int64 | T {
  return typeof v === 'number' || typeof v === 'bigint' ? v : d;
}

function idOrNull(v: unknown): string | null {
  return typeof v === 'number' || typeof v === 'bigint' ? String(v) : null;
}
