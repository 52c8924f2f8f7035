/**
 * Delta schema serialization (PROTOCOL.md "Schema Serialization Format") into the shared model,
 * with column mapping (PROTOCOL.md "Column Mapping"): `delta.columnMapping.id` and
 * `delta.columnMapping.physicalName` in field metadata become `id` and `physicalName`.
 */
import { LakeError } from '../errors';
import { parseJson } from '../json';
import type { DataType, Field, StructType } from '../model';

type Obj = Record<string, unknown>;

const ID_KEY = 'delta.columnMapping.id';
const PHYSICAL_KEY = 'delta.columnMapping.physicalName';

export type ColumnMappingMode = 'none' | 'name' | 'id';

export function columnMappingMode(configuration: Record<string, string>): ColumnMappingMode {
  const m = configuration['delta.columnMapping.mode'];
  return m === 'name' || m === 'id' ? m : 'none';
}

/** Parses `metaData.schemaString`. */
export function parseDeltaSchema(schemaString: string, file: string): StructType {
  let raw: unknown;
  try {
    raw = parseJson(schemaString);
  } catch (err) {
    throw new LakeError('corrupt', `delta: schemaString is not valid JSON: ${(err as Error).message}`, file);
  }
  const t = toType(raw, file, 0);
  if (typeof t !== 'object' || t.type !== 'struct') throw new LakeError('corrupt', 'delta: schema is not a struct', file);
  return t;
}

const MAX_DEPTH = 200;

function toType(raw: unknown, file: string, depth: number): DataType {
  if (depth > MAX_DEPTH) throw new LakeError('too-large', 'delta: schema nested too deeply', file);
  if (typeof raw === 'string') return raw;
  if (typeof raw !== 'object' || raw === null) throw new LakeError('corrupt', `delta: invalid type in schema: ${JSON.stringify(raw)}`, file);
  const o = raw as Obj;
  switch (o.type) {
    case 'struct': {
      if (!Array.isArray(o.fields)) throw new LakeError('corrupt', 'delta: struct type without fields', file);
      return { type: 'struct', fields: o.fields.map((f) => toField(f, file, depth + 1)) };
    }
    case 'array':
      return { type: 'array', elementType: toType(o.elementType, file, depth + 1), containsNull: o.containsNull !== false };
    case 'map':
      return {
        type: 'map',
        keyType: toType(o.keyType, file, depth + 1),
        valueType: toType(o.valueType, file, depth + 1),
        valueContainsNull: o.valueContainsNull !== false,
      };
    default:
      throw new LakeError('corrupt', `delta: unknown complex type ${JSON.stringify(o.type)} in schema`, file);
  }
}

function toField(raw: unknown, file: string, depth: number): Field {
  if (typeof raw !== 'object' || raw === null) throw new LakeError('corrupt', 'delta: invalid struct field in schema', file);
  const o = raw as Obj;
  if (typeof o.name !== 'string') throw new LakeError('corrupt', 'delta: struct field without a name', file);
  const f: Field = { name: o.name, type: toType(o.type, file, depth), nullable: o.nullable !== false };
  const md = (typeof o.metadata === 'object' && o.metadata !== null ? o.metadata : {}) as Obj;
  const id = md[ID_KEY];
  if (typeof id === 'number' || typeof id === 'bigint') f.id = Number(id);
  const phys = md[PHYSICAL_KEY];
  if (typeof phys === 'string') f.physicalName = phys;
  if (typeof md.comment === 'string') f.doc = md.comment;
  if (Object.keys(md).length > 0) f.metadata = md;
  return f;
}

/** Logical name of each top-level column keyed by its physical name (identity when unmapped). */
export function physicalToLogical(schema: StructType): Map<string, string> {
  const m = new Map<string, string>();
  for (const f of schema.fields) m.set(f.physicalName ?? f.name, f.name);
  return m;
}
