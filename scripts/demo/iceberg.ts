/**
 * Writes an Iceberg v2 table by hand: Parquet data/delete files with field ids (DuckDB), manifests
 * and manifest lists as Avro object container files (scripts/lib) with the spec's field ids, and
 * metadata/vN.metadata.json + version-hint.text. Spec: https://iceberg.apache.org/spec/
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { encodeAvroFile } from '../lib/avroWriter';
import { MANIFEST_FILE_SCHEMA, manifestEntrySchema } from '../lib/icebergManifestSchemas';
import type { Duck, FileStats } from './duck';

export type IcebergType = 'int' | 'long' | 'double' | 'string' | 'date' | 'timestamptz' | 'boolean';
export interface IcebergField {
  id: number;
  name: string;
  type: IcebergType;
  required: boolean;
}
export interface IcebergSchema {
  schemaId: number;
  fields: IcebergField[];
}
export interface PartitionField {
  name: string;
  transform: string;
  sourceId: number;
  fieldId: number;
}

export interface DataFile {
  content: 0 | 1 | 2; // data, position deletes, equality deletes
  filePath: string;
  partition: Record<string, number | null>;
  recordCount: number;
  fileSize: number;
  valueCounts: Map<number, number>;
  nullValueCounts: Map<number, number>;
  lowerBounds: Map<number, Buffer>;
  upperBounds: Map<number, Buffer>;
}

export interface ManifestEntry {
  status: 0 | 1 | 2; // existing, added, deleted
  snapshotId: bigint;
  sequenceNumber: number;
  fileSequenceNumber: number;
  file: DataFile;
}

export interface ManifestFile {
  path: string;
  length: number;
  content: 0 | 1;
  sequenceNumber: number;
  minSequenceNumber: number;
  addedSnapshotId: bigint;
  entries: ManifestEntry[];
}

export interface Snapshot {
  snapshotId: bigint;
  parentId: bigint | null;
  sequenceNumber: number;
  timestampMs: number;
  manifestList: string;
  schemaId: number;
  summary: Record<string, string>;
}

// ---------------------------------------------------------------- single-value serialization

/** Binary bound of a value as Iceberg serializes it (little-endian numbers, UTF-8 strings). */
export function bound(type: IcebergType, v: string): Buffer {
  switch (type) {
    case 'int': {
      const b = Buffer.alloc(4);
      b.writeInt32LE(Number(v));
      return b;
    }
    case 'date': {
      const b = Buffer.alloc(4);
      b.writeInt32LE(Math.round(Date.parse(`${v}T00:00:00Z`) / 86_400_000));
      return b;
    }
    case 'long': {
      const b = Buffer.alloc(8);
      b.writeBigInt64LE(BigInt(v));
      return b;
    }
    case 'timestamptz': {
      const b = Buffer.alloc(8);
      b.writeBigInt64LE(BigInt(Date.parse(v)) * 1000n);
      return b;
    }
    case 'double': {
      const b = Buffer.alloc(8);
      b.writeDoubleLE(Number(v));
      return b;
    }
    case 'boolean':
      return Buffer.from([v === 'true' ? 1 : 0]);
    case 'string':
      return Buffer.from(v, 'utf8');
  }
}

function intBytes(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32LE(n);
  return b;
}

// ---------------------------------------------------------------- JSON with int64

/** JSON.stringify that writes bigints as bare integers (snapshot ids exceed 2^53). */
export function jsonWithBigints(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `__int64__${x}__` : x), 2).replace(/"__int64__(-?\d+)__"/g, '$1');
}

function schemaJson(s: IcebergSchema): Record<string, unknown> {
  return { type: 'struct', 'schema-id': s.schemaId, fields: s.fields.map((f) => ({ id: f.id, name: f.name, required: f.required, type: f.type })) };
}

const MONTH_NAMES = (m: number) => `${1970 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;

// ---------------------------------------------------------------- the writer

export class IcebergWriter {
  readonly schemas: IcebergSchema[] = [];
  readonly snapshots: Snapshot[] = [];
  private manifests: ManifestFile[] = [];
  private metadataLog: Array<{ 'timestamp-ms': number; 'metadata-file': string }> = [];
  private metadataVersion = 0;
  private lastSeq = 0;
  private readonly tableUuid: string;

  constructor(
    readonly root: string,
    private readonly duck: Duck,
    private readonly uuid: () => string,
    private readonly snapshotId: () => bigint,
    readonly spec: PartitionField[],
    schema: IcebergSchema,
    readonly properties: Record<string, string> = {},
  ) {
    this.schemas.push(schema);
    this.tableUuid = uuid();
    fs.mkdirSync(path.join(root, 'metadata'), { recursive: true });
    fs.mkdirSync(path.join(root, 'data'), { recursive: true });
  }

  get schema(): IcebergSchema {
    return this.schemas[this.schemas.length - 1]!;
  }

  /** Adds a schema (e.g. with a new column); later data files and snapshots use it. */
  evolveSchema(fields: IcebergField[]): void {
    this.schemas.push({ schemaId: this.schema.schemaId + 1, fields });
  }

  /** Live data files (status added/existing in the current data manifests). */
  liveFiles(content: 0 | 1 | 2 = 0): DataFile[] {
    return this.manifests.flatMap((m) => m.entries).filter((e) => e.status !== 2 && e.file.content === content).map((e) => e.file);
  }

  private partitionPath(partition: Record<string, number | null>): string {
    return this.spec.map((p) => `${p.name}=${p.transform === 'month' && partition[p.name] != null ? MONTH_NAMES(partition[p.name]!) : String(partition[p.name])}`).join('/');
  }

  /** Writes a data file with the current schema's field ids. */
  async dataFile(select: string, partition: Record<string, number | null>): Promise<DataFile> {
    const rel = path.join('data', this.partitionPath(partition), `00000-0-${this.uuid()}-00001.parquet`);
    const abs = path.join(this.root, rel);
    const ids = Object.fromEntries(this.schema.fields.map((f) => [f.name, f.id]));
    const s = await this.duck.writeParquet(select, abs, ids);
    return this.fileFromStats(0, abs, partition, s, this.schema.fields);
  }

  /** Writes a position delete file for `dataFilePath` deleting the given row positions. */
  async positionDeleteFile(dataFile: DataFile, positions: number[]): Promise<DataFile> {
    const rel = path.join('data', this.partitionPath(dataFile.partition), `00000-1-${this.uuid()}-00001-deletes.parquet`);
    const abs = path.join(this.root, rel);
    const select = `SELECT ${sqlString(dataFile.filePath)} AS file_path, pos::BIGINT AS pos FROM (VALUES ${positions.map((p) => `(${p})`).join(', ')}) t(pos) ORDER BY pos`;
    const s = await this.duck.writeParquet(select, abs, { file_path: 2147483546, pos: 2147483545 });
    const fields: IcebergField[] = [
      { id: 2147483546, name: 'file_path', type: 'string', required: true },
      { id: 2147483545, name: 'pos', type: 'long', required: true },
    ];
    return this.fileFromStats(1, abs, dataFile.partition, s, fields);
  }

  private fileFromStats(content: 0 | 1, abs: string, partition: Record<string, number | null>, s: FileStats, fields: IcebergField[]): DataFile {
    const f: DataFile = {
      content, filePath: abs, partition, recordCount: s.rows, fileSize: s.size,
      valueCounts: new Map(), nullValueCounts: new Map(), lowerBounds: new Map(), upperBounds: new Map(),
    };
    for (const field of fields) {
      const c = s.columns[field.name];
      if (!c) continue;
      f.valueCounts.set(field.id, s.rows);
      f.nullValueCounts.set(field.id, c.nulls);
      if (c.min !== null) f.lowerBounds.set(field.id, bound(field.type, c.min));
      if (c.max !== null) f.upperBounds.set(field.id, bound(field.type, c.max));
    }
    return f;
  }

  private writeManifest(content: 0 | 1, entries: ManifestEntry[], snapshotId: bigint, seq: number): ManifestFile {
    const file = path.join(this.root, 'metadata', `${this.uuid()}-m0.avro`);
    const toMap = (m: Map<number, number | Buffer>) => [...m].map(([key, value]) => ({ key, value }));
    const records = entries.map((e) => ({
      status: e.status,
      snapshot_id: e.snapshotId,
      sequence_number: e.sequenceNumber,
      file_sequence_number: e.fileSequenceNumber,
      data_file: {
        content: e.file.content,
        file_path: e.file.filePath,
        file_format: 'PARQUET',
        partition: e.file.partition,
        record_count: e.file.recordCount,
        file_size_in_bytes: e.file.fileSize,
        column_sizes: null,
        value_counts: toMap(e.file.valueCounts),
        null_value_counts: toMap(e.file.nullValueCounts),
        nan_value_counts: null,
        lower_bounds: toMap(e.file.lowerBounds),
        upper_bounds: toMap(e.file.upperBounds),
        key_metadata: null,
        split_offsets: null,
        equality_ids: null,
        sort_order_id: content === 0 ? 0 : null,
      },
    }));
    // the demo's transforms (month) give ints
    const partition = this.spec.map((p) => ({ name: p.name, fieldId: p.fieldId, type: 'int' as const }));
    const buf = encodeAvroFile(manifestEntrySchema(partition), records, {
      schema: JSON.stringify(schemaJson(this.schema)),
      'schema-id': String(this.schema.schemaId),
      'partition-spec': JSON.stringify(this.spec.map((p) => ({ name: p.name, transform: p.transform, 'source-id': p.sourceId, 'field-id': p.fieldId }))),
      'partition-spec-id': '0',
      'format-version': '2',
      content: content === 0 ? 'data' : 'deletes',
    });
    fs.writeFileSync(file, buf);
    return {
      path: file, length: buf.length, content, sequenceNumber: seq,
      minSequenceNumber: Math.min(...entries.map((e) => e.sequenceNumber)), addedSnapshotId: snapshotId, entries,
    };
  }

  private writeManifestList(snapshotId: bigint, parentId: bigint | null, seq: number, manifests: ManifestFile[]): string {
    const file = path.join(this.root, 'metadata', `snap-${snapshotId}-1-${this.uuid()}.avro`);
    const records = manifests.map((m) => {
      const count = (st: number) => m.entries.filter((e) => e.status === st).length;
      const rows = (st: number) => m.entries.filter((e) => e.status === st).reduce((n, e) => n + e.file.recordCount, 0);
      return {
        manifest_path: m.path,
        manifest_length: m.length,
        partition_spec_id: 0,
        content: m.content,
        sequence_number: m.sequenceNumber,
        min_sequence_number: m.minSequenceNumber,
        added_snapshot_id: m.addedSnapshotId,
        added_files_count: count(1),
        existing_files_count: count(0),
        deleted_files_count: count(2),
        added_rows_count: rows(1),
        existing_rows_count: rows(0),
        deleted_rows_count: rows(2),
        partitions: this.spec.map((p) => {
          const vals = m.entries.map((e) => e.file.partition[p.name]).filter((v): v is number => v !== null && v !== undefined);
          return {
            contains_null: vals.length < m.entries.length,
            contains_nan: null,
            lower_bound: vals.length ? intBytes(Math.min(...vals)) : null,
            upper_bound: vals.length ? intBytes(Math.max(...vals)) : null,
          };
        }),
        key_metadata: null,
      };
    });
    fs.writeFileSync(file, encodeAvroFile(MANIFEST_FILE_SCHEMA, records, {
      'snapshot-id': String(snapshotId),
      'parent-snapshot-id': parentId === null ? 'null' : String(parentId),
      'sequence-number': String(seq),
      'format-version': '2',
    }));
    return file;
  }

  /**
   * Commits a snapshot: `add` new data files, `addDeletes` new delete files, `remove` data files
   * (marked DELETED in a rewritten manifest). Writes manifests, the manifest list and the next
   * metadata JSON.
   */
  commit(opts: { time: number; operation: 'append' | 'overwrite' | 'delete' | 'replace'; add?: DataFile[]; addDeletes?: DataFile[]; remove?: DataFile[] }): Snapshot {
    const seq = ++this.lastSeq;
    const id = this.snapshotId();
    const parent = this.snapshots.at(-1)?.snapshotId ?? null;
    const removed = new Set((opts.remove ?? []).map((f) => f.filePath));
    const next: ManifestFile[] = [];
    for (const m of this.manifests) {
      const touched = m.entries.some((e) => e.status !== 2 && removed.has(e.file.filePath));
      if (!touched) {
        // carried over as is (DELETED entries only live in the snapshot that deleted them)
        if (m.entries.every((e) => e.status === 2)) continue;
        next.push(m);
        continue;
      }
      const entries: ManifestEntry[] = m.entries
        .filter((e) => e.status !== 2)
        .map((e) => removed.has(e.file.filePath)
          ? { ...e, status: 2 as const, snapshotId: id }
          : { ...e, status: 0 as const });
      next.push(this.writeManifest(m.content, entries, id, seq));
    }
    const added = (files: DataFile[]) => files.map((file): ManifestEntry => ({ status: 1, snapshotId: id, sequenceNumber: seq, fileSequenceNumber: seq, file }));
    if (opts.add?.length) next.unshift(this.writeManifest(0, added(opts.add), id, seq));
    if (opts.addDeletes?.length) next.push(this.writeManifest(1, added(opts.addDeletes), id, seq));
    this.manifests = next;

    const manifestList = this.writeManifestList(id, parent, seq, next);
    const live = this.liveFiles(0);
    const liveDeletes = this.liveFiles(1);
    const sum = (fs: DataFile[], k: 'recordCount' | 'fileSize') => fs.reduce((n, f) => n + f[k], 0);
    const summary: Record<string, string> = { operation: opts.operation };
    if (opts.add?.length) {
      summary['added-data-files'] = String(opts.add.length);
      summary['added-records'] = String(sum(opts.add, 'recordCount'));
      summary['added-files-size'] = String(sum(opts.add, 'fileSize'));
    }
    if (opts.remove?.length) {
      summary['deleted-data-files'] = String(opts.remove.length);
      summary['deleted-records'] = String(sum(opts.remove, 'recordCount'));
      summary['removed-files-size'] = String(sum(opts.remove, 'fileSize'));
    }
    if (opts.addDeletes?.length) {
      summary['added-delete-files'] = String(opts.addDeletes.length);
      summary['added-position-delete-files'] = String(opts.addDeletes.length);
      summary['added-position-deletes'] = String(sum(opts.addDeletes, 'recordCount'));
    }
    const changed = new Set([...(opts.add ?? []), ...(opts.remove ?? []), ...(opts.addDeletes ?? [])].map((f) => JSON.stringify(f.partition)));
    summary['changed-partition-count'] = String(changed.size);
    summary['total-records'] = String(sum(live, 'recordCount'));
    summary['total-files-size'] = String(sum(live, 'fileSize') + sum(liveDeletes, 'fileSize'));
    summary['total-data-files'] = String(live.length);
    summary['total-delete-files'] = String(liveDeletes.length);
    summary['total-position-deletes'] = String(sum(liveDeletes, 'recordCount'));
    summary['total-equality-deletes'] = '0';
    const snap: Snapshot = { snapshotId: id, parentId: parent, sequenceNumber: seq, timestampMs: opts.time, manifestList, schemaId: this.schema.schemaId, summary };
    this.snapshots.push(snap);
    this.writeMetadata(opts.time);
    return snap;
  }

  /** Writes metadata/v<N>.metadata.json for the current state and points version-hint.text at it. */
  writeMetadata(time: number): string {
    const v = ++this.metadataVersion;
    const file = path.join(this.root, 'metadata', `v${v}.metadata.json`);
    const cur = this.snapshots.at(-1);
    const lastColumnId = Math.max(...this.schemas.flatMap((s) => s.fields.map((f) => f.id)));
    const meta = {
      'format-version': 2,
      'table-uuid': this.tableUuid,
      location: this.root,
      'last-sequence-number': this.lastSeq,
      'last-updated-ms': time,
      'last-column-id': lastColumnId,
      'current-schema-id': this.schema.schemaId,
      schemas: this.schemas.map(schemaJson),
      'default-spec-id': 0,
      'partition-specs': [{ 'spec-id': 0, fields: this.spec.map((p) => ({ name: p.name, transform: p.transform, 'source-id': p.sourceId, 'field-id': p.fieldId })) }],
      'last-partition-id': Math.max(999, ...this.spec.map((p) => p.fieldId)),
      'default-sort-order-id': 0,
      'sort-orders': [{ 'order-id': 0, fields: [] }],
      properties: { 'write.format.default': 'parquet', ...this.properties },
      'current-snapshot-id': cur ? cur.snapshotId : -1,
      refs: cur ? { main: { 'snapshot-id': cur.snapshotId, type: 'branch' } } : {},
      snapshots: this.snapshots.map((s) => ({
        'sequence-number': s.sequenceNumber,
        'snapshot-id': s.snapshotId,
        ...(s.parentId !== null ? { 'parent-snapshot-id': s.parentId } : {}),
        'timestamp-ms': s.timestampMs,
        summary: s.summary,
        'manifest-list': s.manifestList,
        'schema-id': s.schemaId,
      })),
      statistics: [],
      'snapshot-log': this.snapshots.map((s) => ({ 'timestamp-ms': s.timestampMs, 'snapshot-id': s.snapshotId })),
      'metadata-log': [...this.metadataLog],
    };
    fs.writeFileSync(file, jsonWithBigints(meta) + '\n');
    fs.utimesSync(file, time / 1000, time / 1000);
    this.metadataLog.push({ 'timestamp-ms': time, 'metadata-file': file });
    fs.writeFileSync(path.join(this.root, 'metadata', 'version-hint.text'), String(v));
    return file;
  }
}

function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}
