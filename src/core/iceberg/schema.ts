/**
 * Iceberg schemas (spec "Schemas and Data Types", Appendix C "Schemas") into the shared model:
 * struct fields keep their ids, `required` becomes `nullable: false`, lists and maps keep their
 * element/key/value ids, and v3 `initial-default` / `write-default` are carried as written (JSON
 * single-value form). Also an index from field id to dotted column name and type, which manifest
 * statistics and partition specs refer to.
 */
import { LakeError } from '../errors';
import type { DataType, Field, StructType } from '../model';

type Obj = Record<string, unknown>;

export interface IcebergSchema {
  schemaId: number;
  schema: StructType;
  identifierFieldIds: number[];
}

/** A column reachable by field id: its dotted name (`a.b`, `m.key`, `l.element`) and type. */
export interface ColumnRef {
  name: string;
  type: DataType;
}

const MAX_DEPTH = 200;

/** Parses one schema object (`{"type": "struct", "schema-id": 0, "fields": [...]}`). */
export function parseIcebergSchema(raw: unknown, file: string): IcebergSchema {
  if (typeof raw !== 'object' || raw === null) throw new LakeError('corrupt', 'iceberg: schema is not an object', file);
  const o = raw as Obj;
  const t = toType(o, file, 0);
  if (typeof t !== 'object' || t.type !== 'struct') throw new LakeError('corrupt', 'iceberg: schema is not a struct', file);
  const id = o['schema-id'];
  const ids = Array.isArray(o['identifier-field-ids']) ? (o['identifier-field-ids'] as unknown[]).filter((x): x is number => typeof x === 'number') : [];
  return { schemaId: typeof id === 'number' ? id : 0, schema: t, identifierFieldIds: ids };
}

function toType(raw: unknown, file: string, depth: number): DataType {
  if (depth > MAX_DEPTH) throw new LakeError('too-large', 'iceberg: schema nested too deeply', file);
  if (typeof raw === 'string') return normalizePrimitive(raw);
  if (typeof raw !== 'object' || raw === null) throw new LakeError('corrupt', `iceberg: invalid type in schema: ${JSON.stringify(raw)}`, file);
  const o = raw as Obj;
  switch (o.type) {
    case 'struct':
      if (!Array.isArray(o.fields)) throw new LakeError('corrupt', 'iceberg: struct type without fields', file);
      return { type: 'struct', fields: o.fields.map((f) => toField(f, file, depth + 1)) };
    case 'list':
      return { type: 'array', elementType: toType(o.element, file, depth + 1), containsNull: o['element-required'] !== true, ...idOf(o['element-id'], 'elementId') };
    case 'map':
      return {
        type: 'map',
        keyType: toType(o.key, file, depth + 1),
        valueType: toType(o.value, file, depth + 1),
        valueContainsNull: o['value-required'] !== true,
        ...idOf(o['key-id'], 'keyId'),
        ...idOf(o['value-id'], 'valueId'),
      };
    default:
      throw new LakeError('corrupt', `iceberg: unknown nested type ${JSON.stringify(o.type)} in schema`, file);
  }
}

function idOf<K extends string>(v: unknown, key: K): Partial<Record<K, number>> {
  return typeof v === 'number' ? ({ [key]: v } as Record<K, number>) : {};
}

/** `decimal(9, 2)` → `decimal(9,2)`; other names as written. */
export function normalizePrimitive(t: string): string {
  return t.replace(/\s+/g, '');
}

function toField(raw: unknown, file: string, depth: number): Field {
  if (typeof raw !== 'object' || raw === null) throw new LakeError('corrupt', 'iceberg: invalid struct field in schema', file);
  const o = raw as Obj;
  if (typeof o.name !== 'string') throw new LakeError('corrupt', 'iceberg: struct field without a name', file);
  if (typeof o.id !== 'number') throw new LakeError('corrupt', `iceberg: field ${o.name} has no id`, file);
  const f: Field = { name: o.name, type: toType(o.type, file, depth), nullable: o.required !== true, id: o.id };
  if (typeof o.doc === 'string') f.doc = o.doc;
  if ('initial-default' in o) f.initialDefault = o['initial-default'];
  if ('write-default' in o) f.writeDefault = o['write-default'];
  return f;
}

/** Every field id of a schema with its dotted name and type (list elements and map keys/values too). */
export function columnIndex(schema: StructType, into = new Map<number, ColumnRef>()): Map<number, ColumnRef> {
  const visit = (t: DataType, prefix: string): void => {
    if (typeof t === 'string') return;
    if (t.type === 'struct') {
      for (const f of t.fields) {
        const name = prefix ? `${prefix}.${f.name}` : f.name;
        if (f.id !== undefined && !into.has(f.id)) into.set(f.id, { name, type: f.type });
        visit(f.type, name);
      }
    } else if (t.type === 'array') {
      const name = `${prefix}.element`;
      if (t.elementId !== undefined && !into.has(t.elementId)) into.set(t.elementId, { name, type: t.elementType });
      visit(t.elementType, name);
    } else {
      const k = `${prefix}.key`;
      const v = `${prefix}.value`;
      if (t.keyId !== undefined && !into.has(t.keyId)) into.set(t.keyId, { name: k, type: t.keyType });
      if (t.valueId !== undefined && !into.has(t.valueId)) into.set(t.valueId, { name: v, type: t.valueType });
      visit(t.keyType, k);
      visit(t.valueType, v);
    }
  };
  visit(schema, '');
  return into;
}

/**
 * Column index for resolving ids in a snapshot: the given schema first, then older and newer
 * schemas for ids it no longer has (dropped columns still have bounds in old manifests).
 */
export function columnIndexFor(primary: StructType, all: IcebergSchema[]): Map<number, ColumnRef> {
  const idx = columnIndex(primary);
  for (const s of [...all].sort((a, b) => b.schemaId - a.schemaId)) columnIndex(s.schema, idx);
  return idx;
}
