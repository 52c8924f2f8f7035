/**
 * A large Iceberg v2 table, metadata only (no data files): 10,000 append snapshots of 100 files
 * each, 1M live data files at the end, partitioned by day(event_ts) and bucket[16](user_id).
 *
 * Layout, as Java's MergeAppend writes it with `commit.manifest.min-count-to-merge=10`: each
 * snapshot writes a small manifest of its 100 ADDED files; every tenth snapshot merges the nine
 * small manifests of its group and its own files into one manifest of 1,000 entries (900 EXISTING,
 * 100 ADDED). The current snapshot's manifest list therefore names 1,000 manifests of 1,000 files,
 * and every snapshot has its own manifest list (newest manifests first). Manifest entries carry
 * Spark-like column statistics for all 8 columns; Avro blocks are deflated (Iceberg's default).
 *
 * The table lives at `s3://lakelens-bench/warehouse/db/events` in its metadata, never the local
 * folder, as with real tables: readers map the location onto the folder (icebird gets a fetch
 * shim). Hadoop-style naming: `metadata/v10001.metadata.json` plus `version-hint.text`; older
 * metadata files named in the metadata-log are not written (several MB each, never read).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OcfWriter, Sink, compileEncoder, deflateBlock } from '../../scripts/lib/avroWriter';
import { MANIFEST_FILE_SCHEMA, type PartitionAvroField, dataFileSchema, manifestEntrySchema } from '../../scripts/lib/icebergManifestSchemas';
import { intIn, longId, rng, uuid } from './random';

export const ICEBERG_LOCATION = 's3://lakelens-bench/warehouse/db/events';

export interface IcebergParams {
  snapshots: number;
  filesPerSnapshot: number;
  mergeEvery: number;
}

export const ICEBERG_DEFAULTS: IcebergParams = { snapshots: 10_000, filesPerSnapshot: 100, mergeEvery: 10 };

/** What the generated table should read as (checked after generation). */
export interface IcebergExpect {
  liveFiles: number;
  totalRecords: number;
  currentSnapshotId: string;
  snapshots: number;
  currentManifests: number;
}

const T0 = Date.UTC(2023, 0, 1);
const HOUR = 3_600_000;
const DAY = 86_400_000;
const BUCKETS = 16;
/** Merged manifests per precompressed manifest-list block (shared by every later list). */
const LIST_CHUNK = 250;

const SCHEMA = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 1, name: 'event_id', required: true, type: 'long' },
    { id: 2, name: 'event_ts', required: true, type: 'timestamptz' },
    { id: 3, name: 'user_id', required: false, type: 'long' },
    { id: 4, name: 'country', required: false, type: 'string' },
    { id: 5, name: 'device', required: false, type: 'string' },
    { id: 6, name: 'amount', required: false, type: 'double' },
    { id: 7, name: 'status', required: false, type: 'string' },
    { id: 8, name: 'payload', required: false, type: 'string' },
  ],
};
const SPEC_FIELDS = [
  { name: 'event_ts_day', transform: 'day', 'source-id': 2, 'field-id': 1000 },
  { name: 'user_id_bucket', transform: `bucket[${BUCKETS}]`, 'source-id': 3, 'field-id': 1001 },
];

/** The partition record of manifest entries: day(event_ts) is a date, bucket an int. */
const PARTITION: PartitionAvroField[] = [
  { name: 'event_ts_day', fieldId: 1000, type: { type: 'int', logicalType: 'date' } },
  { name: 'user_id_bucket', fieldId: 1001, type: 'int' },
];
const DATA_FILE = dataFileSchema(PARTITION);
const MANIFEST_ENTRY = manifestEntrySchema(PARTITION);

const le32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32LE(n);
  return b;
};
const le64 = (n: number | bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigInt64LE(BigInt(n));
  return b;
};
const f64 = (n: number) => {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(n);
  return b;
};
const utf8 = (s: string) => Buffer.from(s, 'utf8');
const isoDay = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);

const COUNTRIES = ['AR', 'BR', 'CA', 'DE', 'FR', 'IN', 'JP', 'MX', 'NL', 'US', 'ZA'];
const DEVICES = ['android', 'desktop', 'ios', 'tablet', 'web'];
const STATUSES = ['cancelled', 'created', 'paid', 'refunded', 'shipped'];

interface FileInfo {
  /** data_file encoding, shared by the small and the merged manifest. */
  bytes: Buffer;
  records: number;
  size: number;
  day: number;
  bucket: number;
  snapshot: number;
}

interface ManifestInfo {
  path: string;
  length: number;
  seq: number;
  minSeq: number;
  snapshot: number;
  added: number;
  existing: number;
  addedRows: number;
  existingRows: number;
  minDay: number;
  maxDay: number;
  minBucket: number;
  maxBucket: number;
}

/** Writes the table into `dir` and returns what it should read as. */
export function generateIcebergTable(dir: string, p: IcebergParams = ICEBERG_DEFAULTS): IcebergExpect {
  const r = rng(20_240_501);
  const meta = path.join(dir, 'metadata');
  fs.mkdirSync(meta, { recursive: true });
  const rel = (name: string) => `${ICEBERG_LOCATION}/metadata/${name}`;
  const encodeFile = compileEncoder(DATA_FILE);
  const encodeListEntry = compileEncoder(MANIFEST_FILE_SCHEMA);
  const sink = new Sink();
  const syncMarker = () => Buffer.from(uuid(r).replace(/-/g, ''), 'hex');
  const ids = Array.from({ length: p.snapshots }, () => longId(r));
  const tableUuid = uuid(r);
  const appId = `local-${T0 + 12_345}`;
  const manifestMeta = {
    schema: JSON.stringify(SCHEMA),
    'schema-id': '0',
    'partition-spec': JSON.stringify(SPEC_FIELDS),
    'partition-spec-id': '0',
    'format-version': '2',
    content: 'data',
  };

  /** One data file's encoding; its bounds and sizes vary like a real writer's. */
  const makeFile = (k: number, j: number): FileInfo => {
    const ts = T0 + k * HOUR;
    const day = Math.floor(ts / DAY);
    const bucket = j % BUCKETS;
    const records = intIn(r, 20_000, 80_000);
    const size = records * intIn(r, 40, 80);
    const eventId = k * p.filesPerSnapshot * 100_000 + j * 100_000;
    const sizes = [8, 8, 6, 1.2, 1.5, 8, 1.4, 20].map((w) => Math.round(records * w * (0.3 + r() * 0.1)));
    const nulls = [0, 0, intIn(r, 0, 50), intIn(r, 0, 500), intIn(r, 0, 500), intIn(r, 0, 100), 0, intIn(r, 0, 5000)];
    const pick = <T>(a: T[]) => a[intIn(r, 0, a.length)]!;
    const lo = [le64(eventId), le64(ts * 1000), le64(intIn(r, 1, 1_000_000)), utf8(COUNTRIES[0]!), utf8(pick(DEVICES.slice(0, 2))), f64(Math.round(r() * 100) / 100), utf8(STATUSES[0]!), utf8(`{"k":"${uuid(r).slice(0, 9)}`)];
    const hi = [le64(eventId + records), le64((ts + HOUR) * 1000 - 1), le64(intIn(r, 1_000_000, 2_000_000)), utf8(pick(COUNTRIES.slice(8))), utf8(pick(DEVICES.slice(3))), f64(Math.round(r() * 1_000_000) / 100 + 100), utf8(STATUSES[4]!), utf8(`{"z":"${uuid(r).slice(0, 9)}`)];
    const map = (vals: (number | Buffer)[]) => vals.map((value, i) => ({ key: i + 1, value }));
    encodeFile(sink, {
      content: 0,
      file_path: `${ICEBERG_LOCATION}/data/event_ts_day=${isoDay(day)}/user_id_bucket=${bucket}/${String(j).padStart(5, '0')}-${k % 997}-${uuid(r)}-00001.parquet`,
      file_format: 'PARQUET',
      partition: { event_ts_day: day, user_id_bucket: bucket },
      record_count: records,
      file_size_in_bytes: size,
      column_sizes: map(sizes),
      value_counts: map(sizes.map(() => records)),
      null_value_counts: map(nulls),
      nan_value_counts: [{ key: 6, value: 0 }],
      lower_bounds: map(lo),
      upper_bounds: map(hi),
      key_metadata: null,
      split_offsets: [4],
      equality_ids: null,
      sort_order_id: 0,
    });
    return { bytes: sink.take(), records, size, day, bucket, snapshot: k };
  };

  /** Entry prefix: status, snapshot_id, sequence_number, file_sequence_number. */
  const prefix = (status: number, snapshot: number, seq: number | null): Buffer => {
    sink.long(status);
    sink.long(1);
    sink.long(ids[snapshot]!);
    for (let i = 0; i < 2; i++) {
      if (seq === null) sink.long(0);
      else {
        sink.long(1);
        sink.long(seq);
      }
    }
    return sink.take();
  };

  const writeManifest = (k: number, entries: { file: FileInfo; status: number }[]): ManifestInfo => {
    const name = `${uuid(r)}-m${entries.length > p.filesPerSnapshot ? 1 : 0}.avro`;
    const w = new OcfWriter(MANIFEST_ENTRY, manifestMeta, 'deflate', syncMarker());
    const m: ManifestInfo = { path: rel(name), length: 0, seq: k + 1, minSeq: k + 1, snapshot: k, added: 0, existing: 0, addedRows: 0, existingRows: 0, minDay: Infinity, maxDay: -Infinity, minBucket: Infinity, maxBucket: -Infinity };
    for (const { file, status } of entries) {
      // ADDED entries inherit their sequence numbers from the manifest list (null here), as Java writes them
      w.append(prefix(status, file.snapshot, status === 1 ? null : file.snapshot + 1), file.bytes);
      if (status === 1) {
        m.added++;
        m.addedRows += file.records;
      } else {
        m.existing++;
        m.existingRows += file.records;
      }
      m.minSeq = Math.min(m.minSeq, file.snapshot + 1);
      m.minDay = Math.min(m.minDay, file.day);
      m.maxDay = Math.max(m.maxDay, file.day);
      m.minBucket = Math.min(m.minBucket, file.bucket);
      m.maxBucket = Math.max(m.maxBucket, file.bucket);
    }
    const buf = w.finish();
    fs.writeFileSync(path.join(meta, name), buf);
    m.length = buf.length;
    return m;
  };

  const listEntry = (m: ManifestInfo): Buffer => {
    encodeListEntry(sink, {
      manifest_path: m.path,
      manifest_length: m.length,
      partition_spec_id: 0,
      content: 0,
      sequence_number: m.seq,
      min_sequence_number: m.minSeq,
      added_snapshot_id: ids[m.snapshot],
      added_files_count: m.added,
      existing_files_count: m.existing,
      deleted_files_count: 0,
      added_rows_count: m.addedRows,
      existing_rows_count: m.existingRows,
      deleted_rows_count: 0,
      partitions: [
        { contains_null: false, contains_nan: false, lower_bound: le32(m.minDay), upper_bound: le32(m.maxDay) },
        { contains_null: false, contains_nan: false, lower_bound: le32(m.minBucket), upper_bound: le32(m.maxBucket) },
      ],
      key_metadata: null,
    });
    return sink.take();
  };

  const merged: Buffer[] = []; // list entries of merged manifests, oldest first
  const chunks: { count: number; bytes: Buffer }[] = []; // precompressed blocks of LIST_CHUNK merged entries, newest first inside
  let group: FileInfo[] = [];
  let smalls: Buffer[] = []; // list entries of this group's small manifests, oldest first
  const snapshots: string[] = [];
  let totalRecords = 0;
  let totalSize = 0;
  let lastList = '';

  for (let k = 0; k < p.snapshots; k++) {
    const files = Array.from({ length: p.filesPerSnapshot }, (_, j) => makeFile(k, j));
    const addedRecords = files.reduce((n, f) => n + f.records, 0);
    const addedSize = files.reduce((n, f) => n + f.size, 0);
    totalRecords += addedRecords;
    totalSize += addedSize;
    const mergeNow = k % p.mergeEvery === p.mergeEvery - 1;
    if (mergeNow) {
      const m = writeManifest(k, [...files.map((file) => ({ file, status: 1 })), ...group.map((file) => ({ file, status: 0 }))]);
      merged.push(listEntry(m));
      group = [];
      smalls = [];
      if (merged.length % LIST_CHUNK === 0) {
        const run = merged.slice(-LIST_CHUNK).reverse();
        chunks.unshift({ count: run.length, bytes: deflateBlock(Buffer.concat(run)) });
      }
    } else {
      smalls.push(listEntry(writeManifest(k, files.map((file) => ({ file, status: 1 })))));
      group.push(...files);
    }

    // manifest list: this group's small manifests, then merged ones, newest first; full chunks
    // of merged entries are blocks compressed once and shared by every later list
    const listName = `snap-${ids[k]}-1-${uuid(r)}.avro`;
    const w = new OcfWriter(MANIFEST_FILE_SCHEMA, { 'snapshot-id': String(ids[k]), 'parent-snapshot-id': k === 0 ? 'null' : String(ids[k - 1]), 'sequence-number': String(k + 1), 'format-version': '2' }, 'deflate', syncMarker());
    const head = [...smalls].reverse();
    for (let g = merged.length - 1; g >= chunks.length * LIST_CHUNK; g--) head.push(merged[g]!);
    if (head.length > 0) w.appendBlock(head.length, w.compress(Buffer.concat(head)));
    for (const c of chunks) w.appendBlock(c.count, c.bytes);
    fs.writeFileSync(path.join(meta, listName), w.finish());
    lastList = rel(listName);

    snapshots.push(snapshotJson(k, ids, lastList, p.filesPerSnapshot, addedRecords, addedSize, totalRecords, totalSize, (k + 1) * p.filesPerSnapshot, appId));
  }

  const version = p.snapshots + 1;
  const last = T0 + (p.snapshots - 1) * HOUR;
  const metadataLog = Array.from({ length: Math.min(100, p.snapshots) }, (_, i) => {
    const v = version - Math.min(100, p.snapshots) + i;
    return `{"timestamp-ms":${T0 + (v - 2) * HOUR},"metadata-file":"${rel(`v${v}.metadata.json`)}"}`;
  });
  // written by hand: ids are 63-bit and must stay exact in the text
  const json =
    `{"format-version":2,"table-uuid":"${tableUuid}","location":"${ICEBERG_LOCATION}","last-sequence-number":${p.snapshots},` +
    `"last-updated-ms":${last},"last-column-id":8,"current-schema-id":0,"schemas":[${JSON.stringify(SCHEMA)}],` +
    `"default-spec-id":0,"partition-specs":[${JSON.stringify({ 'spec-id': 0, fields: SPEC_FIELDS })}],"last-partition-id":1001,` +
    `"default-sort-order-id":0,"sort-orders":[{"order-id":0,"fields":[]}],` +
    `"properties":{"owner":"bench","write.parquet.compression-codec":"zstd","commit.manifest.min-count-to-merge":"${p.mergeEvery}","write.metadata.previous-versions-max":"100"},` +
    `"current-snapshot-id":${ids[p.snapshots - 1]},"refs":{"main":{"snapshot-id":${ids[p.snapshots - 1]},"type":"branch"}},` +
    `"snapshots":[${snapshots.join(',')}],"statistics":[],"partition-statistics":[],` +
    `"snapshot-log":[${ids.map((id, k) => `{"timestamp-ms":${T0 + k * HOUR},"snapshot-id":${id}}`).join(',')}],` +
    `"metadata-log":[${metadataLog.join(',')}]}`;
  fs.writeFileSync(path.join(meta, `v${version}.metadata.json`), json);
  fs.writeFileSync(path.join(meta, 'version-hint.text'), String(version));
  return {
    liveFiles: p.snapshots * p.filesPerSnapshot,
    totalRecords,
    currentSnapshotId: String(ids[p.snapshots - 1]),
    snapshots: p.snapshots,
    currentManifests: merged.length + smalls.length,
  };
}

function snapshotJson(k: number, ids: bigint[], list: string, addedFiles: number, addedRecords: number, addedSize: number, totalRecords: number, totalSize: number, totalFiles: number, appId: string): string {
  const summary = {
    operation: 'append',
    'spark.app.id': appId,
    'added-data-files': String(addedFiles),
    'added-records': String(addedRecords),
    'added-files-size': String(addedSize),
    'changed-partition-count': String(BUCKETS),
    'total-records': String(totalRecords),
    'total-files-size': String(totalSize),
    'total-data-files': String(totalFiles),
    'total-delete-files': '0',
    'total-position-deletes': '0',
    'total-equality-deletes': '0',
    'engine-version': '3.5.1',
    'app-id': appId,
    'engine-name': 'spark',
    'iceberg-version': 'Apache Iceberg 1.5.2 (commit cbb853073e681b4075d7c8707610dceecbee3a82)',
  };
  const parent = k === 0 ? '' : `"parent-snapshot-id":${ids[k - 1]},`;
  return `{"sequence-number":${k + 1},"snapshot-id":${ids[k]},${parent}"timestamp-ms":${T0 + k * HOUR},"summary":${JSON.stringify(summary)},"manifest-list":"${list}","schema-id":0}`;
}
