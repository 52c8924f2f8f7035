/**
 * Typed Delta actions (PROTOCOL.md "Actions") and their normalisation from whatever the log holds:
 * a JSON line of a commit, or a row of a checkpoint read by hyparquet (bigint longs, Dates, maps
 * as objects). Unknown fields are ignored, as the protocol requires; a missing required field is a
 * `corrupt` error naming the file.
 */
import { LakeError } from '../errors';
import type { Int64 } from '../model';

export interface DvDescriptor {
  storageType: string;
  pathOrInlineDv: string;
  offset?: number;
  sizeInBytes: number;
  cardinality: number;
}

export interface AddAction {
  path: string;
  partitionValues: Record<string, string | null>;
  size: number;
  modificationTime: number;
  dataChange: boolean;
  stats?: string;
  /** Checkpoint `add.stats_parsed` (already typed). */
  statsParsed?: Record<string, unknown>;
  tags?: Record<string, string>;
  deletionVector?: DvDescriptor;
  baseRowId?: Int64;
  defaultRowCommitVersion?: Int64;
  clusteringProvider?: string;
}

export interface RemoveAction {
  path: string;
  deletionTimestamp?: number;
  dataChange: boolean;
  extendedFileMetadata?: boolean;
  partitionValues?: Record<string, string | null>;
  size?: number;
  tags?: Record<string, string>;
  deletionVector?: DvDescriptor;
}

export interface MetadataAction {
  id: string;
  name?: string;
  description?: string;
  format: { provider: string; options: Record<string, string> };
  schemaString: string;
  partitionColumns: string[];
  configuration: Record<string, string>;
  createdTime?: number;
}

export interface ProtocolAction {
  minReaderVersion: number;
  minWriterVersion: number;
  readerFeatures?: string[];
  writerFeatures?: string[];
}

export interface TxnAction {
  appId: string;
  version: Int64;
  lastUpdated?: number;
}

export interface DomainMetadataAction {
  domain: string;
  configuration: string;
  removed: boolean;
}

export interface SidecarAction {
  path: string;
  sizeInBytes: number;
  modificationTime: number;
  tags?: Record<string, string>;
}

export type CommitInfo = Record<string, unknown>;

/**
 * Marks a raw action whose `add` already has the AddAction shape, checked by its producer (the
 * DuckDB checkpoint reader): replay uses it as is. A registered symbol, so it crosses bundles, and
 * a symbol, so no JSON in a log can claim it.
 */
export const NORMALIZED = Symbol.for('lakelens.delta.normalizedAdd');

/** One action of the log; exactly one member is set. */
export interface Action {
  add?: AddAction;
  remove?: RemoveAction;
  metaData?: MetadataAction;
  protocol?: ProtocolAction;
  txn?: TxnAction;
  domainMetadata?: DomainMetadataAction;
  commitInfo?: CommitInfo;
  sidecar?: SidecarAction;
  checkpointMetadata?: { version: number; tags?: Record<string, string> };
  cdc?: { path: string; size: number; partitionValues: Record<string, string | null> };
}

// ---------------------------------------------------------------------------------------------
// normalisation helpers

type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/** A count or size that must be a non-negative safe integer (bigint within range accepted). */
function safeInt(v: unknown, what: string, file: string): number {
  const n = typeof v === 'bigint' ? Number(v) : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new LakeError('corrupt', `delta: ${what} is not a number: ${String(v)}`, file);
  if (!Number.isSafeInteger(n)) throw new LakeError('corrupt', `delta: ${what} ${String(v)} is beyond 2^53 and cannot be represented exactly`, file);
  return n;
}

function optInt(v: unknown, what: string, file: string): number | undefined {
  return v === undefined || v === null ? undefined : safeInt(v, what, file);
}

/** An int64 kept exact (bigint beyond 2^53). */
function optInt64(v: unknown): Int64 | undefined {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return optInt64(BigInt(v));
  return undefined;
}

function str(v: unknown, what: string, file: string): string {
  if (typeof v !== 'string') throw new LakeError('corrupt', `delta: ${what} is missing or not a string`, file);
  return v;
}

function optStr(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function bool(v: unknown, dflt: boolean): boolean {
  return typeof v === 'boolean' ? v : dflt;
}

/** Map<String,String> from JSON object or hyparquet map; values null stay null. */
export function strMap(v: unknown, what: string, file: string): Record<string, string | null> {
  if (v === undefined || v === null) return {};
  if (v instanceof Map) v = Object.fromEntries(v);
  if (Array.isArray(v)) v = Object.fromEntries(v.map((e: Obj) => [e.key, e.value]));
  if (!isObj(v)) throw new LakeError('corrupt', `delta: ${what} is not a map`, file);
  const out: Record<string, string | null> = {};
  for (const [k, val] of Object.entries(v)) {
    out[k] = val === null || val === undefined ? null : typeof val === 'string' ? val : String(val);
  }
  return out;
}

function optStrMapNonNull(v: unknown, what: string, file: string): Record<string, string> | undefined {
  if (v === undefined || v === null) return undefined;
  const m = strMap(v, what, file);
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(m)) if (val !== null) out[k] = val;
  return out;
}

export function dv(v: unknown, file: string): DvDescriptor | undefined {
  if (!isObj(v)) return undefined;
  // checkpoints store a null DV as a struct of nulls
  if (v.storageType === null || v.storageType === undefined) return undefined;
  return {
    storageType: str(v.storageType, 'deletionVector.storageType', file),
    pathOrInlineDv: str(v.pathOrInlineDv, 'deletionVector.pathOrInlineDv', file),
    offset: optInt(v.offset, 'deletionVector.offset', file),
    sizeInBytes: safeInt(v.sizeInBytes, 'deletionVector.sizeInBytes', file),
    cardinality: safeInt(v.cardinality, 'deletionVector.cardinality', file),
  };
}

/** DV unique id per PROTOCOL.md "Deletion Vector Descriptor": storageType + pathOrInlineDv [+ '@' + offset]. */
export function dvUniqueId(d: DvDescriptor | undefined): string {
  if (!d) return '';
  return d.offset === undefined ? `${d.storageType}${d.pathOrInlineDv}` : `${d.storageType}${d.pathOrInlineDv}@${d.offset}`;
}

// ---------------------------------------------------------------------------------------------

/** `partitionValues`: the already normalised map, when the caller has it (replay shares them). */
export function toAdd(v: Obj, file: string, partitionValues?: Record<string, string | null>): AddAction {
  const a: AddAction = {
    path: str(v.path, 'add.path', file),
    partitionValues: partitionValues ?? strMap(v.partitionValues, 'add.partitionValues', file),
    size: safeInt(v.size, 'add.size', file),
    modificationTime: optInt(v.modificationTime, 'add.modificationTime', file) ?? 0,
    dataChange: bool(v.dataChange, true),
  };
  if (typeof v.stats === 'string') a.stats = v.stats;
  if (isObj(v.stats_parsed)) a.statsParsed = v.stats_parsed;
  const tags = optStrMapNonNull(v.tags, 'add.tags', file);
  if (tags) a.tags = tags;
  const d = dv(v.deletionVector, file);
  if (d) a.deletionVector = d;
  const baseRowId = optInt64(v.baseRowId);
  if (baseRowId !== undefined) a.baseRowId = baseRowId;
  const drcv = optInt64(v.defaultRowCommitVersion);
  if (drcv !== undefined) a.defaultRowCommitVersion = drcv;
  const cp = optStr(v.clusteringProvider);
  if (cp) a.clusteringProvider = cp;
  return a;
}

export function toRemove(v: Obj, file: string): RemoveAction {
  const r: RemoveAction = { path: str(v.path, 'remove.path', file), dataChange: bool(v.dataChange, true) };
  const ts = optInt(v.deletionTimestamp, 'remove.deletionTimestamp', file);
  if (ts !== undefined) r.deletionTimestamp = ts;
  if (typeof v.extendedFileMetadata === 'boolean') r.extendedFileMetadata = v.extendedFileMetadata;
  if (v.partitionValues !== undefined && v.partitionValues !== null) r.partitionValues = strMap(v.partitionValues, 'remove.partitionValues', file);
  const size = optInt(v.size, 'remove.size', file);
  if (size !== undefined) r.size = size;
  const tags = optStrMapNonNull(v.tags, 'remove.tags', file);
  if (tags) r.tags = tags;
  const d = dv(v.deletionVector, file);
  if (d) r.deletionVector = d;
  return r;
}

export function toMetadata(v: Obj, file: string): MetadataAction {
  const fmt = isObj(v.format) ? v.format : {};
  const pc = v.partitionColumns;
  if (pc !== undefined && pc !== null && !Array.isArray(pc)) throw new LakeError('corrupt', 'delta: metaData.partitionColumns is not an array', file);
  const m: MetadataAction = {
    id: str(v.id, 'metaData.id', file),
    format: { provider: optStr(fmt.provider) ?? 'parquet', options: optStrMapNonNull(fmt.options, 'metaData.format.options', file) ?? {} },
    schemaString: str(v.schemaString, 'metaData.schemaString', file),
    partitionColumns: ((pc as unknown[] | null | undefined) ?? []).map((c) => String(c)),
    configuration: optStrMapNonNull(v.configuration, 'metaData.configuration', file) ?? {},
  };
  const name = optStr(v.name);
  if (name !== undefined) m.name = name;
  const desc = optStr(v.description);
  if (desc !== undefined) m.description = desc;
  const ct = optInt(v.createdTime, 'metaData.createdTime', file);
  if (ct !== undefined) m.createdTime = ct;
  return m;
}

export function toProtocol(v: Obj, file: string): ProtocolAction {
  const p: ProtocolAction = {
    minReaderVersion: safeInt(v.minReaderVersion ?? v.readerVersion, 'protocol.minReaderVersion', file),
    minWriterVersion: safeInt(v.minWriterVersion ?? v.writerVersion, 'protocol.minWriterVersion', file),
  };
  if (Array.isArray(v.readerFeatures)) p.readerFeatures = v.readerFeatures.map(String);
  if (Array.isArray(v.writerFeatures)) p.writerFeatures = v.writerFeatures.map(String);
  return p;
}

export function toTxn(v: Obj, file: string): TxnAction {
  const t: TxnAction = { appId: str(v.appId, 'txn.appId', file), version: optInt64(v.version) ?? 0 };
  const lu = optInt(v.lastUpdated, 'txn.lastUpdated', file);
  if (lu !== undefined) t.lastUpdated = lu;
  return t;
}

export function toDomainMetadata(v: Obj, file: string): DomainMetadataAction {
  return {
    domain: str(v.domain, 'domainMetadata.domain', file),
    configuration: optStr(v.configuration) ?? '',
    removed: bool(v.removed, false),
  };
}

function toSidecar(v: Obj, file: string): SidecarAction {
  const s: SidecarAction = {
    path: str(v.path, 'sidecar.path', file),
    sizeInBytes: optInt(v.sizeInBytes, 'sidecar.sizeInBytes', file) ?? 0,
    modificationTime: optInt(v.modificationTime, 'sidecar.modificationTime', file) ?? 0,
  };
  const tags = optStrMapNonNull(v.tags, 'sidecar.tags', file);
  if (tags) s.tags = tags;
  return s;
}

/**
 * Turns one raw record (a parsed JSON line, or a checkpoint row) into an Action. Returns undefined
 * for records carrying no action we know (allowed by the protocol).
 */
export function toAction(raw: unknown, file: string): Action | undefined {
  if (!isObj(raw)) throw new LakeError('corrupt', 'delta: log line is not a JSON object', file);
  if (isObj(raw.add)) return { add: toAdd(raw.add, file) };
  if (isObj(raw.remove)) return { remove: toRemove(raw.remove, file) };
  if (isObj(raw.metaData)) return { metaData: toMetadata(raw.metaData, file) };
  if (isObj(raw.protocol)) return { protocol: toProtocol(raw.protocol, file) };
  if (isObj(raw.commitInfo)) return { commitInfo: raw.commitInfo };
  if (isObj(raw.txn)) return { txn: toTxn(raw.txn, file) };
  if (isObj(raw.domainMetadata)) return { domainMetadata: toDomainMetadata(raw.domainMetadata, file) };
  if (isObj(raw.sidecar)) return { sidecar: toSidecar(raw.sidecar, file) };
  if (isObj(raw.checkpointMetadata)) {
    return { checkpointMetadata: { version: safeInt(raw.checkpointMetadata.version, 'checkpointMetadata.version', file) } };
  }
  if (isObj(raw.cdc)) {
    const c = raw.cdc;
    return { cdc: { path: str(c.path, 'cdc.path', file), size: optInt(c.size, 'cdc.size', file) ?? 0, partitionValues: strMap(c.partitionValues, 'cdc.partitionValues', file) } };
  }
  return undefined;
}
