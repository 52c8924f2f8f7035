/**
 * An Iceberg snapshot as a scan plan (spec "Scan Planning", "Column Projection"): its live
 * Parquet data files read by field id, with the schema the snapshot was written with (the core
 * picks it), identity-partition values and v3 initial defaults for columns a file predates, the
 * table's name mapping for files without field ids, position deletes and deletion vectors as
 * row positions, and equality deletes as anti-joins.
 *
 * Data or delete files DuckDB cannot read here (ORC, Avro) make the rows unavailable with an
 * error naming the format and file; the metadata views do not depend on this.
 */
import { LakeError } from '../core/errors';
import { isTablePath } from '../core/iceberg/location';
import type { PartitionSpec } from '../core/iceberg/partitionSpec';
import type { IcebergSnapshot } from '../core/iceberg/snapshot';
import { parseTransform } from '../core/iceberg/transforms';
import { parseJson, stringifyJson } from '../core/json';
import type { DataFile, Field } from '../core/model';
import { constantSql } from './constants';
import { defaultSql } from './defaults';
import type { PlanContext } from './engine';
import { localFiles } from './staging';
import { type DeleteSource, type DeleteTarget, positionDeletes } from './icebergDeletes';
import type { EqualityDeletes, ScanFile, ScanPlan } from './scanPlan';

export async function icebergScanPlan(snap: IcebergSnapshot, ctx: PlanContext): Promise<ScanPlan> {
  const { storage } = ctx;
  const absPath = (f: DataFile): string => {
    if (!isTablePath(f.path)) throw new LakeError('out-of-root', 'iceberg: file is outside the table folder (its location could not be mapped onto it)', f.path);
    return localFiles(storage).pathOf(f.path);
  };
  const requireParquet = (f: DataFile, what: string) => {
    const fmt = (f.fileFormat ?? 'parquet').toLowerCase();
    if (fmt !== 'parquet') {
      throw new LakeError('unsupported', `iceberg: ${what} is ${fmt.toUpperCase()}; the query engine reads only Parquet (DuckDB cannot read ${fmt.toUpperCase()} here), so rows of this snapshot are unavailable; metadata views still work`, f.path);
    }
  };
  const specs = new Map<number, PartitionSpec>(snap.partitionSpecs.map((s) => [s.specId, s]));
  const specOf = (f: DataFile): PartitionSpec => {
    const s = specs.get(f.specId ?? snap.defaultSpecId);
    if (!s) throw new LakeError('corrupt', `iceberg: file uses partition spec ${String(f.specId)}, which the metadata does not define`, f.path);
    return s;
  };
  const partitionKey = (f: DataFile): string => {
    const spec = specOf(f);
    return `${spec.specId}:${stringifyJson(spec.fields.map((pf) => f.partitionValues[pf.name] ?? null))}`;
  };
  const unpartitioned = (spec: PartitionSpec) => spec.fields.every((pf) => parseTransform(pf.transform).kind === 'void');
  const seqOf = (f: DataFile): bigint => BigInt(f.sequenceNumber ?? 0);

  const data: DataFile[] = [];
  const dvs: DeleteSource[] = [];
  const posFiles: DeleteSource[] = [];
  const eqFiles: DataFile[] = [];
  for (const f of snap.files) {
    if (f.content === 'data' || f.content === undefined) data.push(f);
    else if (f.content === 'deletion-vector') dvs.push({ file: f, seq: seqOf(f), partitionKey: partitionKey(f) });
    else if (f.content === 'position-deletes') {
      requireParquet(f, 'a position delete file');
      posFiles.push({ file: f, seq: seqOf(f), partitionKey: partitionKey(f) });
    } else if (f.content === 'equality-deletes') {
      requireParquet(f, 'an equality delete file');
      eqFiles.push(f);
    }
  }
  for (const f of data) requireParquet(f, 'a data file');

  const targets = new Map<string, DeleteTarget>(data.map((f) => [f.path, { file: f, seq: seqOf(f), partitionKey: partitionKey(f) }]));
  if (targets.size !== data.length) throw new LakeError('corrupt', 'iceberg: a data file is listed twice in the snapshot (spec: results are undefined)');
  const deleted = await positionDeletes(storage, snap.location, targets, dvs, posFiles, absPath, ctx.query);

  const fallbackColumns = identityColumns(snap);
  const equalityDeletes = groupEqualityDeletes(snap, eqFiles, absPath, specOf, unpartitioned, partitionKey);
  const files: ScanFile[] = data.map((f) => {
    const sf: ScanFile = { path: f.path, absPath: absPath(f), numRecords: f.numRecords, constants: {} };
    const del = deleted.get(f.path);
    if (del && del.length > 0) {
      if (f.numRecords !== null && del[del.length - 1]! >= f.numRecords) throw new LakeError('corrupt', `iceberg: deletion vector deletes row ${del[del.length - 1]} but the file has ${f.numRecords} rows`, f.path);
      sf.deleted = del;
    }
    if (fallbackColumns.length > 0) sf.fallbacks = fallbacksOf(f, fallbackColumns, specOf(f));
    if (equalityDeletes.length > 0) {
      sf.sequenceNumber = String(seqOf(f));
      sf.partitionKey = partitionKey(f);
    }
    return sf;
  });
  let numRows: number | null = equalityDeletes.length > 0 ? null : 0;
  for (const f of files) {
    if (f.numRecords === null) numRows = null;
    else if (numRows !== null) numRows += f.numRecords - (f.deleted?.length ?? 0);
  }
  const plan: ScanPlan = {
    format: 'iceberg',
    version: snap.version,
    schema: snap.schema,
    match: 'id',
    constantColumns: [],
    fallbackColumns: fallbackColumns.map((c) => c.name),
    files,
    numRows,
  };
  const mapping = nameMapping(snap);
  if (mapping) plan.nameMapping = mapping;
  if (ctx.rowLineage && snap.formatVersion >= 3) addLineage(plan, data);
  if (equalityDeletes.length > 0) plan.equalityDeletes = equalityDeletes;
  return plan;
}

const ROW_ID = { name: '_row_id', id: 2147483540 };
const LAST_UPDATED = { name: '_last_updated_sequence_number', id: 2147483539 };

/** Appends the v3 row lineage columns (spec "Row Lineage"), inherited per file when not stored. */
function addLineage(plan: ScanPlan, data: DataFile[]): void {
  const field = (c: { name: string; id: number }): Field => ({ name: c.name, id: c.id, type: 'long', nullable: true, metaColumn: true });
  plan.schema = { type: 'struct', fields: [...plan.schema.fields, field(ROW_ID), field(LAST_UPDATED)] };
  plan.fallbackColumns = [...(plan.fallbackColumns ?? []), ROW_ID.name, LAST_UPDATED.name];
  plan.lineage = { rowId: ROW_ID.name, sequence: LAST_UPDATED.name };
  plan.files.forEach((sf, i) => {
    const f = data[i]!;
    const first = f.firstRowId === null || f.firstRowId === undefined ? 'NULL' : String(f.firstRowId);
    sf.fallbacks = { ...sf.fallbacks, [ROW_ID.name]: `CAST(${first} AS BIGINT)`, [LAST_UPDATED.name]: `CAST(${String(BigInt(f.sequenceNumber ?? 0))} AS BIGINT)` };
  });
}

/** Top-level columns that some partition spec takes as an identity partition. */
function identityColumns(snap: IcebergSnapshot): Field[] {
  const ids = new Set<number>();
  for (const spec of snap.partitionSpecs) for (const pf of spec.fields) if (parseTransform(pf.transform).kind === 'identity') ids.add(pf.sourceId);
  return snap.schema.fields.filter((f) => f.id !== undefined && ids.has(f.id));
}

/**
 * Per-file values of identity-partitioned columns for a file that lacks them (spec "Column
 * Projection": the partition value when the file's spec has it, else the initial default, else
 * NULL). A file that has the column is read from the file instead.
 */
function fallbacksOf(f: DataFile, columns: Field[], spec: PartitionSpec): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of columns) {
    const pf = spec.fields.find((x) => x.sourceId === c.id && parseTransform(x.transform).kind === 'identity');
    if (pf && pf.name in f.partitionValues) out[c.name] = constantSql(f.partitionValues[pf.name], c.type, 'iceberg', c.name);
    else out[c.name] = defaultSql(c.initialDefault, c.type, c.name, 'iceberg');
  }
  return out;
}

function groupEqualityDeletes(
  snap: IcebergSnapshot,
  eqFiles: DataFile[],
  absPath: (f: DataFile) => string,
  specOf: (f: DataFile) => PartitionSpec,
  unpartitioned: (s: PartitionSpec) => boolean,
  partitionKey: (f: DataFile) => string,
): EqualityDeletes[] {
  const groups = new Map<string, EqualityDeletes>();
  for (const f of eqFiles) {
    const ids = [...(f.equalityIds ?? [])].sort((a, b) => a - b);
    if (ids.length === 0) throw new LakeError('corrupt', 'iceberg: equality delete file without equality_ids', f.path);
    const columns = ids.map((id) => {
      const field = snap.schema.fields.find((x) => x.id === id);
      if (!field) {
        throw new LakeError('unsupported', `iceberg: equality delete on field id ${id}, which is not a top-level column of this snapshot's schema (nested or dropped); Lakelens cannot apply it`, f.path);
      }
      return field.name;
    });
    const key = ids.join(',');
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { columns, files: [] }));
    g.files.push({ path: f.path, absPath: absPath(f), sequenceNumber: String(BigInt(f.sequenceNumber ?? 0)), partitionKey: unpartitioned(specOf(f)) ? null : partitionKey(f) });
  }
  return [...groups.values()];
}

/** `schema.name-mapping.default` (spec "Name Mapping Serialization") flattened to id → names. */
export function nameMapping(snap: IcebergSnapshot): Map<number, string[]> | undefined {
  const raw = snap.properties['schema.name-mapping.default'];
  if (raw === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = parseJson(raw);
  } catch (err) {
    throw new LakeError('corrupt', `iceberg: schema.name-mapping.default is not valid JSON: ${(err as Error).message}`, snap.metadataFile);
  }
  const out = new Map<number, string[]>();
  const visit = (list: unknown, depth: number): void => {
    if (!Array.isArray(list) || depth > 100) return;
    for (const m of list) {
      if (typeof m !== 'object' || m === null) continue;
      const o = m as Record<string, unknown>;
      const id = o['field-id'];
      const names = Array.isArray(o.names) ? o.names.filter((n): n is string => typeof n === 'string') : [];
      if (typeof id === 'number') out.set(id, names);
      visit(o.fields, depth + 1);
    }
  };
  visit(parsed, 0);
  return out;
}
