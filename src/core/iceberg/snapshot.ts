/**
 * An Iceberg snapshot in the shared model: the live data and delete files of one snapshot (every
 * non-DELETED entry of every manifest in its manifest list, spec "Scan Planning"), with the table
 * metadata that frames it. `version` is the snapshot id as a string ('' for a table that has no
 * snapshot yet, which is an empty snapshot rather than an error).
 *
 * Iceberg has no tombstones: files leave a snapshot without a remove record, and stay on storage
 * until snapshots are expired. `tombstones` is therefore always empty; the files this snapshot
 * itself removed (its DELETED entries) are in `removedFiles`.
 */
import type { DataFile, Int64, Snapshot, StructType } from '../model';
import type { ManifestFile } from './manifestList';
import type { PartitionSpec, SortOrder } from './partitionSpec';
import type { IcebergSchema } from './schema';
import type { PartitionStatisticsFile, SnapshotMeta, SnapshotRef, StatisticsFile, TableMetadata } from './tableMetadata';
import { parseTransform } from './transforms';

export interface IcebergSnapshot extends Snapshot {
  format: 'iceberg';
  /** Snapshot id as a string; '' when the table has no snapshot. */
  version: string;
  snapshotId: string | null;
  parentId: string | null;
  sequenceNumber: Int64;
  operation: string | null;
  summary: Record<string, string>;
  formatVersion: number;
  tableUuid: string | null;
  /** Location recorded in the metadata. */
  location: string;
  /** How recorded paths were mapped onto the folder we read (null when they already point at it). */
  locationMapping: { from: string; to: string } | null;
  /** Current metadata file (table path) and how it was chosen. */
  metadataFile: string;
  metadataChosenBy: string;
  /** Every metadata JSON file in metadata/, oldest first (the metadata log as files). */
  metadataFiles: { path: string; version: number | null }[];
  /** `metadata-log` entries of the current metadata, mapped to table paths. */
  metadataLog: { timestampMs: number; file: string }[];
  lastUpdatedMs: number | null;
  lastSequenceNumber: Int64;
  currentSchemaId: number;
  /** Schema id the snapshot is shown with (the snapshot's own, or the current one for the current snapshot). */
  schemaId: number;
  schemas: IcebergSchema[];
  defaultSpecId: number;
  partitionSpec: PartitionSpec;
  partitionSpecs: PartitionSpec[];
  sortOrder: SortOrder | null;
  sortOrders: SortOrder[];
  refs: Record<string, SnapshotRef>;
  /** Statistics / partition statistics files registered for this snapshot. */
  statistics: StatisticsFile[];
  partitionStatistics: PartitionStatisticsFile[];
  /** v3 row lineage */
  nextRowId: Int64 | null;
  firstRowId: Int64 | null;
  addedRows: Int64 | null;
  /** Manifest list (table path), null for v1 snapshots that list manifests inline or for no snapshot. */
  manifestList: string | null;
  manifests: ManifestFile[];
  /** Files this snapshot removed (its DELETED manifest entries). */
  removedFiles: DataFile[];
  numDeleteFiles: number;
  numPositionDeletes: number;
  numEqualityDeletes: number;
  numDeletionVectors: number;
}

export interface BuildInput {
  md: TableMetadata;
  snap: SnapshotMeta | null;
  schema: { schemaId: number; schema: StructType };
  metadataFile: string;
  metadataChosenBy: string;
  metadataFiles: { path: string; version: number | null }[];
  locationMapping: { from: string; to: string } | null;
  manifestList: string | null;
  manifests: ManifestFile[];
  live: DataFile[];
  removed: DataFile[];
  tablePath: (raw: string) => string;
  notes: string[];
}

export function buildSnapshot(inp: BuildInput): IcebergSnapshot {
  const { md, snap } = inp;
  let sizeBytes = 0;
  let numRecords: number | null = 0;
  let numFiles = 0;
  let deleteFiles = 0;
  let positionDeletes = 0;
  let equalityDeletes = 0;
  let equalityDeleteFiles = 0;
  let dvs = 0;
  for (const f of inp.live) {
    if (f.content === 'data' || f.content === undefined) {
      numFiles++;
      sizeBytes += f.size;
      if (f.numRecords === null) numRecords = null;
      else if (numRecords !== null) numRecords += f.numRecords;
      continue;
    }
    deleteFiles++;
    const n = f.numRecords ?? 0;
    if (f.content === 'equality-deletes') {
      equalityDeletes += n;
      equalityDeleteFiles++;
    } else {
      positionDeletes += n;
      if (f.content === 'deletion-vector') dvs++;
    }
  }
  const notes = [...inp.notes];
  if (equalityDeleteFiles > 0) {
    notes.push(`${equalityDeletes} equality-delete record(s) in ${equalityDeleteFiles} file(s) delete rows by value; how many rows they remove is only known by reading the data, so they are not counted in numDeletedRecords`);
  }
  const spec = md.specs.find((s) => s.specId === md.defaultSpecId) ?? md.specs[md.specs.length - 1]!;
  const forSnapshot = <T extends { snapshotId: string }>(xs: T[]) => (snap ? xs.filter((x) => x.snapshotId === snap.snapshotId) : []);
  return {
    format: 'iceberg',
    version: snap?.snapshotId ?? '',
    timestamp: snap?.timestampMs ?? md.lastUpdatedMs,
    schema: inp.schema.schema,
    partitionColumns: spec.fields.filter((f) => parseTransform(f.transform).kind !== 'void').map((f) => f.name),
    properties: md.properties,
    files: inp.live,
    tombstones: [],
    numFiles,
    sizeBytes,
    numRecords,
    // position deletes and DV cardinalities; equality deletes are explained in notes
    numDeletedRecords: positionDeletes,
    notes,
    snapshotId: snap?.snapshotId ?? null,
    parentId: snap?.parentId ?? null,
    sequenceNumber: snap?.sequenceNumber ?? 0,
    operation: snap?.operation ?? null,
    summary: snap?.summary ?? {},
    formatVersion: md.formatVersion,
    tableUuid: md.tableUuid,
    location: md.location,
    locationMapping: inp.locationMapping,
    metadataFile: inp.metadataFile,
    metadataChosenBy: inp.metadataChosenBy,
    metadataFiles: inp.metadataFiles,
    metadataLog: md.metadataLog.map((e) => ({ timestampMs: e.timestampMs, file: inp.tablePath(e.file) })),
    lastUpdatedMs: md.lastUpdatedMs,
    lastSequenceNumber: md.lastSequenceNumber,
    currentSchemaId: md.currentSchemaId,
    schemaId: inp.schema.schemaId,
    schemas: md.schemas,
    defaultSpecId: md.defaultSpecId,
    partitionSpec: spec,
    partitionSpecs: md.specs,
    sortOrder: md.sortOrders.find((o) => o.orderId === md.defaultSortOrderId) ?? null,
    sortOrders: md.sortOrders,
    refs: md.refs,
    statistics: forSnapshot(md.statistics),
    partitionStatistics: forSnapshot(md.partitionStatistics),
    nextRowId: md.nextRowId,
    firstRowId: snap?.firstRowId ?? null,
    addedRows: snap?.addedRows ?? null,
    manifestList: inp.manifestList,
    manifests: inp.manifests,
    removedFiles: inp.removed,
    numDeleteFiles: deleteFiles,
    numPositionDeletes: positionDeletes,
    numEqualityDeletes: equalityDeletes,
    numDeletionVectors: dvs,
  };
}

/** Notes where the snapshot summary's totals disagree with what the manifests hold. */
export function checkSummary(s: IcebergSnapshot): string[] {
  const sum = s.summary;
  const checks: [string, number | null][] = [
    ['total-records', s.numRecords],
    ['total-data-files', s.numFiles],
    ['total-delete-files', s.numDeleteFiles],
    ['total-position-deletes', s.numPositionDeletes],
    ['total-equality-deletes', s.numEqualityDeletes],
  ];
  const out: string[] = [];
  for (const [key, got] of checks) {
    const want = sum[key];
    if (want === undefined || got === null) continue;
    if (Number(want) !== got) out.push(`snapshot summary says ${key}=${want} but the manifests give ${got}`);
  }
  return out;
}
