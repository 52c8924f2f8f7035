/**
 * Partition specs and sort orders (spec "Partitioning", "Sorting", Appendix C "Partition Specs",
 * "Sort Orders"). v1 tables may carry only the deprecated `partition-spec` field list, whose field
 * ids the reference implementation assigned from 1000 upwards.
 */
import { LakeError } from '../errors';
import type { ColumnRef } from './schema';
import { type Transform, displayPartition, parseTransform, resultType } from './transforms';
import type { DisplayValue } from './values';

type Obj = Record<string, unknown>;

export interface PartitionField {
  sourceId: number;
  /** v3 multi-argument transforms */
  sourceIds?: number[];
  fieldId: number;
  name: string;
  transform: string;
}

export interface PartitionSpec {
  specId: number;
  fields: PartitionField[];
}

export interface SortField {
  sourceId: number;
  sourceIds?: number[];
  transform: string;
  direction: string;
  nullOrder: string;
}

export interface SortOrder {
  orderId: number;
  fields: SortField[];
}

/** Parses a spec object, or a bare field list (`partition-spec`, manifest headers) given its id. */
export function parsePartitionSpec(raw: unknown, file: string, specId?: number): PartitionSpec {
  const o = (Array.isArray(raw) ? { 'spec-id': specId ?? 0, fields: raw } : raw) as Obj | null;
  if (typeof o !== 'object' || o === null || !Array.isArray(o.fields)) throw new LakeError('corrupt', 'iceberg: invalid partition spec', file);
  const fields = o.fields.map((f, i): PartitionField => {
    const fo = (f ?? {}) as Obj;
    if (typeof fo.name !== 'string' || typeof fo.transform !== 'string') throw new LakeError('corrupt', 'iceberg: partition field without name or transform', file);
    const sourceIds = Array.isArray(fo['source-ids']) ? (fo['source-ids'] as unknown[]).filter((x): x is number => typeof x === 'number') : undefined;
    const sourceId = typeof fo['source-id'] === 'number' ? fo['source-id'] : sourceIds?.[0];
    if (sourceId === undefined) throw new LakeError('corrupt', `iceberg: partition field ${fo.name} has no source-id`, file);
    const pf: PartitionField = {
      sourceId,
      fieldId: typeof fo['field-id'] === 'number' ? fo['field-id'] : 1000 + i,
      name: fo.name,
      transform: fo.transform,
    };
    if (sourceIds && sourceIds.length > 1) pf.sourceIds = sourceIds;
    return pf;
  });
  const id = o['spec-id'];
  return { specId: typeof id === 'number' ? id : (specId ?? 0), fields };
}

export function parseSortOrder(raw: unknown, file: string): SortOrder {
  const o = (raw ?? {}) as Obj;
  if (!Array.isArray(o.fields)) throw new LakeError('corrupt', 'iceberg: invalid sort order', file);
  return {
    orderId: typeof o['order-id'] === 'number' ? o['order-id'] : 0,
    fields: o.fields.map((f): SortField => {
      const fo = (f ?? {}) as Obj;
      const sourceIds = Array.isArray(fo['source-ids']) ? (fo['source-ids'] as unknown[]).filter((x): x is number => typeof x === 'number') : undefined;
      const sf: SortField = {
        sourceId: typeof fo['source-id'] === 'number' ? fo['source-id'] : (sourceIds?.[0] ?? -1),
        transform: String(fo.transform ?? 'identity'),
        direction: String(fo.direction ?? 'asc'),
        nullOrder: String(fo['null-order'] ?? 'nulls-first'),
      };
      if (sourceIds && sourceIds.length > 1) sf.sourceIds = sourceIds;
      return sf;
    }),
  };
}

/** A partition field ready to show values: its parsed transform and source column type. */
export interface BoundPartitionField extends PartitionField {
  parsed: Transform;
  /** Source column type, or undefined when the source column is gone from every schema. */
  sourceType: string | undefined;
  /** Type of the values in the partition tuple. */
  resultType: string | undefined;
}

/** Binds a spec's fields to their source columns. */
export function bindSpec(spec: PartitionSpec, columns: Map<number, ColumnRef>): BoundPartitionField[] {
  return spec.fields.map((f) => {
    const parsed = parseTransform(f.transform);
    const src = columns.get(f.sourceId)?.type;
    const sourceType = typeof src === 'string' ? src : undefined;
    return { ...f, parsed, sourceType, resultType: sourceType === undefined ? undefined : resultType(parsed, sourceType) };
  });
}

/** Human form of one partition tuple value. */
export function partitionDisplay(f: BoundPartitionField, v: unknown): DisplayValue {
  return displayPartition(f.parsed, f.sourceType ?? '', v);
}
