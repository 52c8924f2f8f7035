/**
 * A Delta snapshot: the replayed state at one version in the shared model, plus Delta's own
 * protocol, metadata, app transactions and domain metadata.
 */
import { LakeError } from '../errors';
import type { DataFile, Int64, PartitionValue, Snapshot, StructType, Tombstone } from '../model';
import type { DomainMetadataAction, MetadataAction, ProtocolAction, TxnAction } from './actions';
import { toModelDv } from './deletionVector';
import { checkReaderProtocol } from './features';
import { LOG_DIR } from './logPath';
import { typePartitionValues } from './partitionValues';
import { type Replay, logicalFileKey } from './replay';
import { type ColumnMappingMode, columnMappingMode, parseDeltaSchema, physicalToLogical } from './schema';
import { numRecordsOf } from './stats';
import { isInRoot } from '../storage/storage';
import { NEVER, type Yielder, eachYielding } from '../yielder';

/** Cheap pre-test for paths that may leave the table; only those pay for `isInRoot`. */
const MAYBE_OUTSIDE = /^\/|\.\.|[:\\\0]/;

export interface DeltaSnapshot extends Snapshot {
  format: 'delta';
  version: number;
  protocol: ProtocolAction;
  metadata: Omit<MetadataAction, 'schemaString'>;
  columnMapping: ColumnMappingMode;
  appTransactions: TxnAction[];
  domainMetadata: DomainMetadataAction[];
  /** Checkpoint the snapshot was rebuilt from, if any. */
  checkpoint?: { version: number; variant: string; path: string };
  /** Counts from the version's `.crc` file when present. */
  crc?: { numFiles: number; tableSizeBytes: number };
  /** The commitInfo of this version (absent when only a checkpoint remains). */
  commitInfo?: Record<string, unknown>;
  /** The version of the snapshot this one extended with the commits since (see DeltaTable). */
  extendedFrom?: number;
}

export interface BuildInput {
  version: number;
  timestamp: number | null;
  replay: Replay;
  rootAbs: string;
  checkpoint?: { version: number; variant: string; path: string };
  commitInfo?: Record<string, unknown>;
  notes: string[];
  /** Pauses the build of a large file list for the event loop. */
  yielder?: Yielder;
  /**
   * An older snapshot of the same log that `replay` (its newer commits only) extends: its files,
   * tombstones, app transactions and domains stand unless a newer action decided them.
   */
  base?: DeltaSnapshot;
}

export async function buildSnapshot(inp: BuildInput): Promise<DeltaSnapshot> {
  const { replay, rootAbs } = inp;
  if (!replay.protocol) {
    throw new LakeError('corrupt', `delta: no protocol action found while rebuilding version ${inp.version}`, inp.checkpoint ? inp.checkpoint.path : LOG_DIR);
  }
  if (!replay.metadata) {
    throw new LakeError(
      'corrupt',
      `delta: no metaData action found while rebuilding version ${inp.version}${inp.checkpoint ? ` (the checkpoint at version ${inp.checkpoint.version} lacks one)` : ''}`,
      inp.checkpoint ? inp.checkpoint.path : LOG_DIR,
    );
  }
  checkReaderProtocol(replay.protocol.action, replay.protocol.source);
  const md = replay.metadata.action;
  const schema: StructType = parseDeltaSchema(md.schemaString, replay.metadata.source);
  const physToLogical = physicalToLogical(schema);
  const partitionColumns = md.partitionColumns;

  // files of one partition share one frozen partition-values object: 1M files in 1,000
  // partitions cost 1,000 typed objects, not 1M
  // replay already shares one raw map per distinct partition, so the typed one is found by identity
  const pvCache = new Map<Record<string, string | null>, Readonly<Record<string, PartitionValue>>>();
  const typedValues = (values: Record<string, string | null>, source: string) => {
    let v = pvCache.get(values);
    if (!v) {
      v = Object.freeze(typePartitionValues(values, partitionColumns, schema, physToLogical, source));
      pvCache.set(values, v);
    }
    return v as Record<string, PartitionValue>;
  };
  let sizeBytes = 0;
  let numRecords: number | null = 0;
  let numDeleted = 0;
  // files the storage refuses to read (absolute, URI, climbing out): shown, but never read
  const outside: string[] = [];
  /** Adds a live file to the totals (and to `outside` when it or its DV lies outside the table). */
  const tally = (f: DataFile) => {
    if (MAYBE_OUTSIDE.test(f.path) && !isInRoot(f.path)) outside.push(f.path);
    if (f.deletionVector?.path !== undefined && !isInRoot(f.deletionVector.path)) outside.push(f.deletionVector.path);
    sizeBytes += f.size;
    if (f.numRecords === null) numRecords = null;
    else if (numRecords !== null) numRecords += f.numRecords;
    if (f.deletionVector) numDeleted += f.deletionVector.cardinality;
  };
  const count = replay.addActions.length;
  const files: DataFile[] = new Array(count);
  const y = inp.yielder ?? NEVER;
  for (let i = 0; i < count; i++) {
    if ((i & 1023) === 0 && y.due()) await y.pause();
    const add = replay.addActions[i]!;
    const path = replay.addPaths[i]!;
    const source = replay.addSources[i]!;
    const n = numRecordsOf(add.stats, add.statsParsed, source);
    const f: DataFile = {
      path,
      size: add.size,
      numRecords: n,
      partitionValues: typedValues(add.partitionValues, source),
      modificationTime: add.modificationTime,
      deletionVector: add.deletionVector ? toModelDv(add.deletionVector, rootAbs, source) : null,
    };
    if (add.stats !== undefined) f.statsJson = add.stats;
    if (add.tags) f.tags = add.tags;
    if (add.baseRowId !== undefined) f.baseRowId = add.baseRowId;
    if (add.defaultRowCommitVersion !== undefined) f.defaultRowCommitVersion = add.defaultRowCommitVersion as Int64;
    files[i] = f;
    tally(f);
  }
  // the base's files a newer commit did not decide, after the newer commits' own (replay order)
  const base = inp.base;
  if (base) {
    await eachYielding(base.files, y, (f) => {
      if (replay.decided(logicalFileKey(f.path, f.deletionVector?.uniqueId))) return;
      files.push(f);
      tally(f);
    });
  }
  if (!Number.isSafeInteger(sizeBytes)) throw new LakeError('too-large', 'delta: total table size exceeds 2^53 bytes', LOG_DIR);
  if (outside.length > 0) {
    inp.notes.push(`${outside.length} file(s) named by the log lie outside the table folder (first: ${JSON.stringify(outside[0])}); Lakelens reads only files inside the table, so rows of this version cannot be shown`);
  }

  const tombstones: Tombstone[] = replay.removes.map(({ remove, path, source }) => {
    const t: Tombstone = {
      path,
      deletionTimestamp: remove.deletionTimestamp ?? null,
      size: remove.size ?? null,
      dataChange: remove.dataChange,
    };
    if (remove.partitionValues) t.partitionValues = typedValues(remove.partitionValues, source);
    if (remove.deletionVector) t.deletionVector = toModelDv(remove.deletionVector, rootAbs, source);
    return t;
  });
  const txns = new Map(replay.txns);
  const domains = new Map(replay.domains);
  if (base) {
    for (const t of base.tombstones) if (!replay.decided(logicalFileKey(t.path, t.deletionVector?.uniqueId))) tombstones.push(t);
    for (const t of base.appTransactions) if (!txns.has(t.appId)) txns.set(t.appId, t);
    // the base lists live domains only: one removed before it stays absent, as in a full replay
    for (const d of base.domainMetadata) if (!domains.has(d.domain)) domains.set(d.domain, d);
  }

  const { schemaString: _omit, ...metadata } = md;
  const snap: DeltaSnapshot = {
    format: 'delta',
    version: inp.version,
    timestamp: inp.timestamp,
    schema,
    partitionColumns,
    properties: md.configuration,
    files,
    tombstones,
    numFiles: files.length,
    sizeBytes,
    numRecords,
    numDeletedRecords: numDeleted,
    notes: inp.notes,
    protocol: replay.protocol.action,
    metadata,
    columnMapping: columnMappingMode(md.configuration),
    appTransactions: [...txns.values()],
    domainMetadata: [...domains.values()].filter((d) => !d.removed),
  };
  if (md.name !== undefined) snap.name = md.name;
  if (md.description !== undefined) snap.description = md.description;
  if (inp.checkpoint) snap.checkpoint = inp.checkpoint;
  if (inp.commitInfo) snap.commitInfo = inp.commitInfo;
  return snap;
}
