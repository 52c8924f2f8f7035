/**
 * The format-neutral model every reader fills (Delta, Iceberg, Hudi) and every view consumes
 * (CLI, tree, schema diff, health, preview). Plain JSON-able data: 64-bit values are `number`
 * when exact, `bigint` beyond 2^53 (the CLI prints those as strings).
 */

export type TableFormat = 'delta' | 'iceberg' | 'hudi';
export type Int64 = number | bigint;

/** Delta: the commit version; Iceberg: the snapshot id (string); Hudi: the instant time (string). */
export type VersionId = number | string;

// ---------------------------------------------------------------------------------------------
// Schema (shaped like Delta's JSON schema, generalised with Iceberg field ids and defaults)

/** Primitive type names stay the format's own ('long', 'timestamp_ntz', 'timestamptz', 'decimal(10,2)', …).
 *  Hudi (Avro schemas): int, long, float, double, boolean, string, binary, fixed[n], decimal(p,s),
 *  date, timestamp (UTC-adjusted, as Delta's), timestamp_ntz, time, uuid; see core/hudi/schema.ts. */
export type DataType = string | StructType | ArrayType | MapType;

export interface StructType {
  type: 'struct';
  fields: Field[];
}

export interface ArrayType {
  type: 'array';
  elementType: DataType;
  containsNull: boolean;
  /** Iceberg element field id. */
  elementId?: number;
}

export interface MapType {
  type: 'map';
  keyType: DataType;
  valueType: DataType;
  valueContainsNull: boolean;
  keyId?: number;
  valueId?: number;
}

export interface Field {
  name: string;
  type: DataType;
  nullable: boolean;
  /** Iceberg field id, or Delta column-mapping id. */
  id?: number;
  /** Delta column-mapping physical name (name and id modes). */
  physicalName?: string;
  doc?: string;
  /** Delta field metadata as written (comments, generation expressions, type-widening history …). */
  metadata?: Record<string, unknown>;
  /** Iceberg v3 defaults. */
  initialDefault?: unknown;
  writeDefault?: unknown;
  /** Hudi meta column (`_hoodie_commit_time`, …). */
  metaColumn?: boolean;
}

export function isStruct(t: DataType): t is StructType {
  return typeof t === 'object' && t.type === 'struct';
}
export function isArray(t: DataType): t is ArrayType {
  return typeof t === 'object' && t.type === 'array';
}
export function isMap(t: DataType): t is MapType {
  return typeof t === 'object' && t.type === 'map';
}

/** Short display form of a type: `struct<…>`, `array<long>`, `map<string,int>`. */
export function typeToString(t: DataType): string {
  if (typeof t === 'string') return t;
  if (t.type === 'struct') return `struct<${t.fields.map((f) => `${f.name}: ${typeToString(f.type)}`).join(', ')}>`;
  if (t.type === 'array') return `array<${typeToString(t.elementType)}>`;
  return `map<${typeToString(t.keyType)}, ${typeToString(t.valueType)}>`;
}

// ---------------------------------------------------------------------------------------------
// Versions

export interface VersionInfo {
  version: VersionId;
  /** Commit time, ms since epoch (in-commit timestamp when the table has them). */
  timestamp: number | null;
  operation: string | null;
  operationParameters: Record<string, unknown>;
  operationMetrics: Record<string, unknown>;
  engineInfo: string | null;
  /** Data files added / removed by this version, and their bytes (when the log records sizes). */
  addedFiles: number;
  removedFiles: number;
  addedBytes: number;
  removedBytes: number;
  /** Iceberg */
  snapshotId?: string;
  parentId?: string | null;
  sequenceNumber?: Int64;
  schemaId?: number;
  summary?: Record<string, string>;
  /** Hudi: action (commit, deltacommit, replacecommit, clean, …) and state. */
  action?: string;
  state?: 'completed' | 'pending';
  /** Anything else worth showing in a tooltip (Delta: isolationLevel, userName, …). */
  extra?: Record<string, unknown>;
}

export interface HistoryPage {
  versions: VersionInfo[];
  /** Pass as `before` to get the next (older) page; undefined when this page reaches the oldest. */
  next?: VersionId;
  /** Number of versions the log lists in total (known without parsing them). */
  total: number;
  /** Oldest version whose commit is still readable (older ones were cleaned up). */
  oldest?: VersionId;
}

export interface VersionSelector {
  version?: VersionId;
  /** ms since epoch: the latest version committed at or before it. */
  timestamp?: number;
  snapshotId?: string;
  ref?: string;
}

// ---------------------------------------------------------------------------------------------
// Files

/** Typed partition value: numbers/booleans as such; dates `YYYY-MM-DD`; timestamps ISO-8601;
 *  decimals and int64 beyond 2^53 as exact strings/bigint; binary as hex `0x…`. */
export type PartitionValue = string | number | bigint | boolean | null;

export type FileContent = 'data' | 'position-deletes' | 'equality-deletes' | 'deletion-vector';

export interface DeletionVector {
  /** Delta: 'u' (relative, z85 uuid), 'i' (inline), 'p' (absolute path). Iceberg: 'puffin'. */
  storageType: string;
  pathOrInlineDv?: string;
  offset?: number;
  sizeInBytes: number;
  cardinality: number;
  /** Delta DV unique id (storageType + pathOrInlineDv [+ '@' + offset]). */
  uniqueId?: string;
  /** Resolved file path of the DV relative to the table root (absent for inline DVs). */
  path?: string;
}

export interface ColumnStats {
  numRecords?: number | null;
  minValues?: Record<string, unknown>;
  maxValues?: Record<string, unknown>;
  nullCount?: Record<string, unknown>;
  tightBounds?: boolean;
  /** Iceberg: values (incl. nulls and NaNs), NaNs, and bytes on disk per column. Keys are dotted
   *  column names (`a.b`, `m.key`, `l.element`); ids no schema knows appear as `#<id>`. */
  valueCount?: Record<string, unknown>;
  nanCount?: Record<string, unknown>;
  columnSize?: Record<string, unknown>;
}

export interface DataFile {
  /** Path as the table sees it: relative to the table root when inside it (decoded), else the URI. */
  path: string;
  size: number;
  /** Rows physically in the file, when the metadata records it. */
  numRecords: number | null;
  partitionValues: Record<string, PartitionValue>;
  modificationTime?: number;
  content?: FileContent;
  fileFormat?: string;
  deletionVector?: DeletionVector | null;
  tags?: Record<string, string>;
  /** Delta: stats JSON as written (parsed on demand with `fileStats`); Iceberg: bounds already decoded. */
  statsJson?: string;
  stats?: ColumnStats;
  /** Delta row tracking */
  baseRowId?: Int64;
  defaultRowCommitVersion?: Int64;
  /** Iceberg manifest entry details */
  sequenceNumber?: Int64 | null;
  fileSequenceNumber?: Int64 | null;
  snapshotId?: string | null;
  specId?: number;
  equalityIds?: number[];
  referencedDataFile?: string;
  firstRowId?: Int64 | null;
  sortOrderId?: number | null;
  /** Hudi file slice */
  fileId?: string;
  partitionPath?: string;
  baseInstant?: string;
  logFiles?: { path: string; size: number }[];
}

export interface Tombstone {
  path: string;
  deletionTimestamp: number | null;
  size: number | null;
  dataChange: boolean;
  partitionValues?: Record<string, PartitionValue>;
  deletionVector?: DeletionVector | null;
  /** Iceberg: what the removed file held (data, or one of the delete kinds). */
  content?: FileContent;
}

// ---------------------------------------------------------------------------------------------
// Snapshots

/** A table at one version: what every view shows. Format readers extend it with their details. */
export interface Snapshot {
  format: TableFormat;
  version: VersionId;
  timestamp: number | null;
  name?: string;
  description?: string;
  schema: StructType;
  /** Partition columns by name (Iceberg: partition field names of the spec in force). */
  partitionColumns: string[];
  properties: Record<string, string>;
  /** Live data files (and, for Iceberg, live delete files with `content` set). */
  files: DataFile[];
  /** Files no longer live but still on storage until a VACUUM / expire (Delta remove tombstones). */
  tombstones: Tombstone[];
  numFiles: number;
  sizeBytes: number;
  /** Rows physically in the live data files; null when some file has no row count. */
  numRecords: number | null;
  /** Rows deleted by deletion vectors / delete files, when known. */
  numDeletedRecords: number | null;
  /** Non-fatal findings worth showing (stale _last_checkpoint, unpublished staged commits, …). */
  notes: string[];
}

/** What one version changed: files added and removed (for the tree and row diffs). */
export interface VersionChanges {
  version: VersionId;
  timestamp: number | null;
  added: DataFile[];
  removed: Tombstone[];
  metadataChanged: boolean;
  protocolChanged: boolean;
}

/** A schema in force from `version` on (entries only where it changed), oldest first. */
export interface SchemaVersion {
  version: VersionId;
  timestamp: number | null;
  schema: StructType;
  partitionColumns: string[];
  properties: Record<string, string>;
}
