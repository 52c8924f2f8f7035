/**
 * Finding fields of Iceberg's Avro metadata records by field id, with the spec name as fallback.
 * Writers agree on ids but not always on names (v1 manifest lists say `added_data_files_count`
 * where v2 says `added_files_count`), so ids are what the reader relies on, as in Java.
 */
import type { AvroType } from '../avro/schema';

export type AvroRecordType = Extract<AvroType, { kind: 'record' }>;

/** The record type inside a schema that may be wrapped in an optional union. */
export function recordOf(t: AvroType | undefined): AvroRecordType | undefined {
  if (!t) return undefined;
  if (t.kind === 'record') return t;
  if (t.kind === 'union') for (const b of t.branches) if (b.kind === 'record') return b;
  return undefined;
}

/** Field names of a record by Iceberg field id. */
export class FieldIds {
  private readonly byId = new Map<number, { name: string; type: AvroType }>();
  private readonly byName = new Map<string, AvroType>();

  constructor(readonly record: AvroRecordType) {
    for (const f of record.fields) {
      if (f.fieldId !== undefined) this.byId.set(f.fieldId, { name: f.name, type: f.type });
      this.byName.set(f.name, f.type);
    }
  }

  /** Name under which the field with `id` (or, without ids, one of `names`) was written; undefined if absent. */
  name(id: number, ...names: string[]): string | undefined {
    const f = this.byId.get(id);
    if (f) return f.name;
    return names.find((n) => this.byName.has(n));
  }

  /** Index of the field with `id` (or, without ids, one of `names`); -1 if absent. */
  index(id: number, ...names: string[]): number {
    const name = this.name(id, ...names);
    return name === undefined ? -1 : this.record.fields.findIndex((f) => f.name === name);
  }

  /** Avro type of the field with `id` (or `names`). */
  type(id: number, ...names: string[]): AvroType | undefined {
    const f = this.byId.get(id);
    if (f) return f.type;
    for (const n of names) {
      const t = this.byName.get(n);
      if (t) return t;
    }
    return undefined;
  }
}

/** Reads a field by its resolved name; absent fields read as undefined. */
export function get(rec: Record<string, unknown>, name: string | undefined): unknown {
  return name === undefined ? undefined : rec[name];
}
