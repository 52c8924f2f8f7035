/**
 * Table metadata JSON (spec "Table Metadata", "Snapshots", "Snapshot References", "Table
 * Statistics", "Partition Statistics", Appendix C "Table Metadata and Snapshots") for format
 * versions 1 to 3, with the v1 fallbacks of Appendix E (single `schema` and `partition-spec`,
 * `manifests` instead of `manifest-list`, sequence numbers defaulting to 0). 64-bit ids come from
 * `parseJson` exact and are kept as decimal strings. A version above 3 or table encryption is a
 * clear `unsupported` error.
 */
import { LakeError } from '../errors';
import { gunzip, isGzip } from '../inflate';
import { crc32 } from '../crc32';
import type { Int64 } from '../model';
import { parseJsonFast } from './exactJson';
import { snapshotsFromScan } from './lazySnapshot';
import { type Span, scanMetadata } from './metadataScan';
import { type PartitionSpec, type SortOrder, parsePartitionSpec, parseSortOrder } from './partitionSpec';
import { type IcebergSchema, parseIcebergSchema } from './schema';

type Obj = Record<string, unknown>;

export const MAX_SUPPORTED_FORMAT = 3;
const MAX_METADATA_BYTES = 1 << 30;

export interface SnapshotMeta {
  snapshotId: string;
  parentId: string | null;
  /** 0 for v1 tables (Appendix E). */
  sequenceNumber: Int64;
  timestampMs: number;
  /** Raw URI of the manifest list (v2+, and most v1 tables). */
  manifestList: string | null;
  /** v1 only: raw URIs of the manifests when there is no manifest list. */
  manifests: string[] | null;
  summary: Record<string, string>;
  operation: string | null;
  schemaId: number | null;
  /** v3 row lineage */
  firstRowId: Int64 | null;
  addedRows: Int64 | null;
  /** v3: the manifest list's key metadata is encrypted with this key. */
  keyId: string | null;
}

export interface SnapshotRef {
  snapshotId: string;
  type: 'branch' | 'tag';
  minSnapshotsToKeep?: number;
  maxSnapshotAgeMs?: number;
  maxRefAgeMs?: number;
}

export interface StatisticsFile {
  snapshotId: string;
  path: string;
  fileSizeInBytes: number | null;
  fileFooterSizeInBytes: number | null;
  blobMetadata: { type: string; snapshotId: string; sequenceNumber: Int64 | null; fields: number[]; properties?: Record<string, string> }[];
}

export interface PartitionStatisticsFile {
  snapshotId: string;
  path: string;
  fileSizeInBytes: number | null;
}

export interface TableMetadata {
  formatVersion: number;
  tableUuid: string | null;
  location: string;
  lastSequenceNumber: Int64;
  lastUpdatedMs: number | null;
  lastColumnId: number | null;
  schemas: IcebergSchema[];
  currentSchemaId: number;
  specs: PartitionSpec[];
  defaultSpecId: number;
  lastPartitionId: number | null;
  sortOrders: SortOrder[];
  defaultSortOrderId: number;
  properties: Record<string, string>;
  currentSnapshotId: string | null;
  snapshots: SnapshotMeta[];
  snapshotLog: { timestampMs: number; snapshotId: string }[];
  metadataLog: { timestampMs: number; file: string }[];
  refs: Record<string, SnapshotRef>;
  statistics: StatisticsFile[];
  partitionStatistics: PartitionStatisticsFile[];
  /** v3 row lineage */
  nextRowId: Int64 | null;
}

/**
 * Reads and parses a metadata file (gzip detected by its magic bytes, whatever the name). The
 * snapshots and the snapshot log are parsed as far as listing needs and the rest on first use
 * (metadataScan.ts); everything else is parsed and validated now.
 */
export function decodeMetadataFile(bytes: Uint8Array, file: string): TableMetadata {
  const raw = isGzip(bytes) ? gunzip(bytes, MAX_METADATA_BYTES, crc32, file) : bytes;
  const text = new TextDecoder('utf-8').decode(raw);
  let scanned;
  try {
    scanned = scanMetadata(text);
  } catch {
    // not an object, or broken: the full parse gives the error (or the non-object value) parseTableMetadata expects
    return parseTableMetadata(parseText(text, file), file);
  }
  const json: Obj = {};
  for (const [k, span] of scanned.members) define(json, k, parseSpan(text, span, file));
  const lazy: LazyParts = {};
  if (scanned.snapshots) {
    const elements = scanned.snapshots;
    lazy.snapshots = () => snapshotsFromScan(text, elements, (t) => parseSnapshot(parseText(t, file), file));
  }
  if (scanned.snapshotLog) {
    const span = scanned.snapshotLog;
    lazy.snapshotLog = () => parseSnapshotLog(parseSpan(text, span, file), file);
  }
  return parseTableMetadata(json, file, lazy);
}

function parseText(text: string, file: string): unknown {
  try {
    return parseJsonFast(text);
  } catch (err) {
    throw new LakeError('corrupt', `iceberg: metadata is not valid JSON: ${(err as Error).message}`, file);
  }
}

const parseSpan = (text: string, span: Span, file: string) => parseText(text.slice(span.start, span.end), file);

/** Sets a member as JSON.parse would: `__proto__` as a plain own property. */
function define(o: Obj, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

/** Members decodeMetadataFile leaves to parseTableMetadata unparsed. */
interface LazyParts {
  snapshots?: () => SnapshotMeta[];
  /** Parsed when first read (only time travel by timestamp reads it). */
  snapshotLog?: () => TableMetadata['snapshotLog'];
}

function parseSnapshotLog(v: unknown, file: string): TableMetadata['snapshotLog'] {
  return listOf(v, (e, i) => {
    const er = new FieldReader(e, file, `snapshot-log[${i}]`);
    return { timestampMs: er.int('timestamp-ms'), snapshotId: er.id('snapshot-id') };
  });
}

/** Validates and normalises parsed metadata JSON (`lazy`: members decodeMetadataFile did not parse). */
export function parseTableMetadata(json: unknown, file: string, lazy: LazyParts = {}): TableMetadata {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new LakeError('corrupt', 'iceberg: metadata is not a JSON object', file);
  const o = json as Obj;
  const r = new FieldReader(o, file);
  const formatVersion = r.int('format-version');
  if (formatVersion > MAX_SUPPORTED_FORMAT) {
    throw new LakeError('unsupported', `iceberg: format version ${formatVersion} is not supported (versions 1 to ${MAX_SUPPORTED_FORMAT} are)`, file);
  }
  if (formatVersion < 1) throw new LakeError('corrupt', `iceberg: invalid format version ${formatVersion}`, file);
  const keys = o['encryption-keys'];
  if (Array.isArray(keys) && keys.length > 0) throw new LakeError('unsupported', 'iceberg: encrypted tables (encryption-keys) are not supported', file);

  // schemas: v2+ list, v1 single `schema`
  let schemas: IcebergSchema[];
  let currentSchemaId: number;
  if (Array.isArray(o.schemas) && o.schemas.length > 0) {
    schemas = o.schemas.map((s) => parseIcebergSchema(s, file));
    currentSchemaId = r.optInt('current-schema-id') ?? schemas[schemas.length - 1]!.schemaId;
  } else if (o.schema !== undefined) {
    const s = parseIcebergSchema(o.schema, file);
    schemas = [s];
    currentSchemaId = s.schemaId;
  } else throw new LakeError('corrupt', 'iceberg: metadata has neither schemas nor schema', file);
  if (!schemas.some((s) => s.schemaId === currentSchemaId)) throw new LakeError('corrupt', `iceberg: current-schema-id ${currentSchemaId} is not among the schemas`, file);

  let specs: PartitionSpec[];
  let defaultSpecId: number;
  if (Array.isArray(o['partition-specs']) && o['partition-specs'].length > 0) {
    specs = o['partition-specs'].map((s) => parsePartitionSpec(s, file));
    defaultSpecId = r.optInt('default-spec-id') ?? specs[specs.length - 1]!.specId;
  } else if (Array.isArray(o['partition-spec'])) {
    specs = [parsePartitionSpec(o['partition-spec'], file, 0)];
    defaultSpecId = 0;
  } else {
    specs = [{ specId: 0, fields: [] }];
    defaultSpecId = 0;
  }

  const sortOrders = Array.isArray(o['sort-orders']) ? o['sort-orders'].map((s) => parseSortOrder(s, file)) : [];
  const snapshots = lazy.snapshots ? lazy.snapshots() : Array.isArray(o.snapshots) ? o.snapshots.map((s) => parseSnapshot(s, file)) : [];
  let currentSnapshotId = r.optId('current-snapshot-id');
  // Java wrote -1 for "no current snapshot" in v1/v2 (spec Appendix F)
  if (currentSnapshotId === '-1') currentSnapshotId = null;

  const refs: Record<string, SnapshotRef> = {};
  if (typeof o.refs === 'object' && o.refs !== null) {
    for (const [name, v] of Object.entries(o.refs as Obj)) {
      const ro = new FieldReader((v ?? {}) as Obj, file, `refs.${name}`);
      const ref: SnapshotRef = { snapshotId: ro.id('snapshot-id'), type: (v as Obj)?.type === 'tag' ? 'tag' : 'branch' };
      const a = ro.optInt('min-snapshots-to-keep');
      const b = ro.optInt('max-snapshot-age-ms');
      const c = ro.optInt('max-ref-age-ms');
      if (a !== undefined) ref.minSnapshotsToKeep = a;
      if (b !== undefined) ref.maxSnapshotAgeMs = b;
      if (c !== undefined) ref.maxRefAgeMs = c;
      refs[name] = ref;
    }
  }
  // "Always a main branch reference, even if refs is null"
  if (!refs.main && currentSnapshotId !== null) refs.main = { snapshotId: currentSnapshotId, type: 'branch' };

  const md: TableMetadata = {
    formatVersion,
    tableUuid: typeof o['table-uuid'] === 'string' ? o['table-uuid'] : null,
    location: r.str('location'),
    lastSequenceNumber: r.optLong('last-sequence-number') ?? 0,
    lastUpdatedMs: r.optInt('last-updated-ms') ?? null,
    lastColumnId: r.optInt('last-column-id') ?? null,
    schemas,
    currentSchemaId,
    specs,
    defaultSpecId,
    lastPartitionId: r.optInt('last-partition-id') ?? null,
    sortOrders,
    defaultSortOrderId: r.optInt('default-sort-order-id') ?? 0,
    properties: stringMap(o.properties),
    currentSnapshotId,
    snapshots,
    snapshotLog: lazy.snapshotLog ? [] : parseSnapshotLog(o['snapshot-log'], file),
    metadataLog: listOf(o['metadata-log'], (e, i) => {
      const er = new FieldReader(e, file, `metadata-log[${i}]`);
      return { timestampMs: er.int('timestamp-ms'), file: er.str('metadata-file') };
    }),
    refs,
    statistics: listOf(o.statistics, (e, i) => {
      const er = new FieldReader(e, file, `statistics[${i}]`);
      return {
        snapshotId: er.id('snapshot-id'),
        path: er.str('statistics-path'),
        fileSizeInBytes: er.optInt('file-size-in-bytes') ?? null,
        fileFooterSizeInBytes: er.optInt('file-footer-size-in-bytes') ?? null,
        blobMetadata: listOf(e['blob-metadata'], (b, j) => {
          const br = new FieldReader(b, file, `statistics[${i}].blob-metadata[${j}]`);
          const blob: StatisticsFile['blobMetadata'][number] = {
            type: br.str('type'),
            snapshotId: br.id('snapshot-id'),
            sequenceNumber: br.optLong('sequence-number') ?? null,
            fields: Array.isArray(b.fields) ? (b.fields as unknown[]).filter((x): x is number => typeof x === 'number') : [],
          };
          if (b.properties !== undefined) blob.properties = stringMap(b.properties);
          return blob;
        }),
      };
    }),
    partitionStatistics: listOf(o['partition-statistics'], (e, i) => {
      const er = new FieldReader(e, file, `partition-statistics[${i}]`);
      return { snapshotId: er.id('snapshot-id'), path: er.str('statistics-path'), fileSizeInBytes: er.optInt('file-size-in-bytes') ?? null };
    }),
    nextRowId: r.optLong('next-row-id') ?? null,
  };
  if (lazy.snapshotLog) {
    const read = lazy.snapshotLog;
    let log: TableMetadata['snapshotLog'] | undefined;
    Object.defineProperty(md, 'snapshotLog', { get: () => (log ??= read()), enumerable: true, configurable: true });
  }
  return md;
}

export function parseSnapshot(raw: unknown, file: string): SnapshotMeta {
  if (typeof raw !== 'object' || raw === null) throw new LakeError('corrupt', 'iceberg: snapshot entry is not an object', file);
  const o = raw as Obj;
  const r = new FieldReader(o, file, 'snapshot');
  const id = r.id('snapshot-id');
  const summary = stringMap(o.summary);
  const ml = o['manifest-list'];
  return {
    snapshotId: id,
    parentId: r.optId('parent-snapshot-id'),
    sequenceNumber: r.optLong('sequence-number') ?? 0,
    timestampMs: r.int('timestamp-ms'),
    manifestList: typeof ml === 'string' ? ml : null,
    manifests: Array.isArray(o.manifests) ? o.manifests.filter((m): m is string => typeof m === 'string') : null,
    summary,
    operation: summary.operation ?? null,
    schemaId: r.optInt('schema-id') ?? null,
    firstRowId: r.optLong('first-row-id') ?? null,
    addedRows: r.optLong('added-rows') ?? null,
    keyId: typeof o['key-id'] === 'string' ? o['key-id'] : null,
  };
}

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof v !== 'object' || v === null) return out;
  for (const [k, x] of Object.entries(v as Obj)) if (x !== null && x !== undefined) out[k] = typeof x === 'string' ? x : String(x);
  return out;
}

function listOf<T>(v: unknown, f: (e: Obj, i: number) => T): T[] {
  return Array.isArray(v) ? v.filter((e): e is Obj => typeof e === 'object' && e !== null).map(f) : [];
}

/** Typed access to metadata fields with errors that name the field and the file. */
class FieldReader {
  constructor(
    private readonly o: Obj,
    private readonly file: string,
    private readonly where = '',
  ) {}

  private bad(key: string, what: string): never {
    const at = this.where ? `${this.where}.${key}` : key;
    throw new LakeError('corrupt', `iceberg: ${at} ${what}`, this.file);
  }

  str(key: string): string {
    const v = this.o[key];
    if (typeof v !== 'string') this.bad(key, v === undefined ? 'is missing' : 'is not a string');
    return v;
  }

  optInt(key: string): number | undefined {
    const v = this.o[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v)) this.bad(key, `is not an integer: ${String(v)}`);
    return v;
  }

  int(key: string): number {
    const v = this.optInt(key);
    if (v === undefined) this.bad(key, 'is missing');
    return v;
  }

  optLong(key: string): Int64 | undefined {
    const v = this.o[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'bigint') return v;
    if (typeof v !== 'number' || !Number.isInteger(v)) this.bad(key, `is not an integer: ${String(v)}`);
    return v;
  }

  /** A 64-bit id as its exact decimal string. */
  optId(key: string): string | null {
    const v = this.optLong(key);
    return v === undefined ? null : String(v);
  }

  id(key: string): string {
    const v = this.optId(key);
    if (v === null) this.bad(key, 'is missing');
    return v;
  }
}
