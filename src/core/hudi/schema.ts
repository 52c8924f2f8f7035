/**
 * The table schema: the Avro writer schema a commit records in `extraMetadata.schema` (falling back
 * to `hoodie.table.create.schema`), turned into the model's struct, with Hudi's meta columns in
 * front and marked `metaColumn`.
 *
 * Avro → model type names (the names Spark reads these types as, so Hudi tables line up with
 * Delta ones in schema diffs):
 *   boolean → boolean, int → int, long → long, float → float, double → double, string → string,
 *   bytes → binary, fixed(n) → fixed[n], enum → string,
 *   decimal(p,s) on bytes or fixed → decimal(p,s), date → date,
 *   timestamp-millis / timestamp-micros → timestamp, local-timestamp-millis / -micros → timestamp_ntz,
 *   time-millis / time-micros → time, uuid → uuid,
 *   record → struct, array → array, map → map (keys are strings);
 *   a union with null is the other branch, nullable; other unions → union<a, b, …>.
 * Fields not wrapped in a union with null are not nullable.
 */
import type { AvroType } from '../avro/schema';
import { AvroSchemaError, parseAvroSchema } from '../avro/schema';
import { LakeError } from '../errors';
import { parseJson } from '../json';
import type { DataType, Field, StructType } from '../model';

/** Hudi's meta columns, in the order writers put them first in every base file. */
export const META_COLUMNS = ['_hoodie_commit_time', '_hoodie_commit_seqno', '_hoodie_record_key', '_hoodie_partition_path', '_hoodie_file_name'];
const META = new Set(META_COLUMNS);

/** Parses Avro schema JSON text into the model; a bad schema is `corrupt`, naming `path`. */
export function avroSchemaToStruct(text: string, path: string, what: string): StructType {
  let t: AvroType;
  try {
    t = parseAvroSchema(parseJson(text));
  } catch (err) {
    if (err instanceof AvroSchemaError || err instanceof SyntaxError) throw new LakeError('corrupt', `hudi: invalid Avro schema in ${what}: ${err.message}`, path, { cause: err });
    throw err;
  }
  const { type } = convert(t);
  if (typeof type !== 'object' || type.type !== 'struct') throw new LakeError('corrupt', `hudi: the schema in ${what} is not a record`, path);
  return type;
}

/** Puts the meta columns first (adding those a writer schema leaves out) and marks them. */
export function withMetaColumns(s: StructType): StructType {
  const own = new Map(s.fields.filter((f) => META.has(f.name)).map((f) => [f.name, f]));
  const meta: Field[] = META_COLUMNS.map((name) => ({ ...(own.get(name) ?? { name, type: 'string', nullable: true }), metaColumn: true }));
  return { type: 'struct', fields: [...meta, ...s.fields.filter((f) => !META.has(f.name))] };
}

function convert(t: AvroType): { type: DataType; nullable: boolean } {
  if (t.kind === 'union') {
    const rest = t.branches.filter((b) => b.kind !== 'null');
    const nullable = rest.length < t.branches.length;
    if (rest.length === 1) return { type: convert(rest[0]!).type, nullable };
    if (rest.length === 0) return { type: 'void', nullable: true };
    return { type: `union<${rest.map((b) => typeName(convert(b).type)).join(', ')}>`, nullable };
  }
  return { type: convertNonUnion(t), nullable: t.kind === 'null' };
}

function typeName(t: DataType): string {
  return typeof t === 'string' ? t : t.type;
}

function convertNonUnion(t: Exclude<AvroType, { kind: 'union' }>): DataType {
  const logical = typeof t.attrs.logicalType === 'string' ? t.attrs.logicalType : undefined;
  if (logical === 'decimal' && (t.kind === 'bytes' || t.kind === 'fixed')) {
    const p = Number(t.attrs.precision);
    const s = t.attrs.scale === undefined ? 0 : Number(t.attrs.scale);
    if (Number.isInteger(p) && p > 0 && Number.isInteger(s) && s >= 0 && s <= p) return `decimal(${p},${s})`;
  }
  if (logical === 'date' && t.kind === 'int') return 'date';
  if ((logical === 'timestamp-millis' || logical === 'timestamp-micros' || logical === 'timestamp-nanos') && t.kind === 'long') return 'timestamp';
  if ((logical === 'local-timestamp-millis' || logical === 'local-timestamp-micros' || logical === 'local-timestamp-nanos') && t.kind === 'long') return 'timestamp_ntz';
  if ((logical === 'time-millis' && t.kind === 'int') || (logical === 'time-micros' && t.kind === 'long')) return 'time';
  if (logical === 'uuid' && (t.kind === 'string' || t.kind === 'fixed')) return 'uuid';
  switch (t.kind) {
    case 'null':
      return 'void';
    case 'bytes':
      return 'binary';
    case 'fixed':
      return `fixed[${t.size}]`;
    case 'enum':
      return 'string';
    case 'record':
      return {
        type: 'struct',
        fields: t.fields.map((f): Field => {
          const c = convert(f.type);
          return { name: f.name, type: c.type, nullable: c.nullable };
        }),
      };
    case 'array': {
      const c = convert(t.items);
      return { type: 'array', elementType: c.type, containsNull: c.nullable };
    }
    case 'map': {
      const c = convert(t.values);
      return { type: 'map', keyType: 'string', valueType: c.type, valueContainsNull: c.nullable };
    }
    default:
      return t.kind; // boolean, int, long, float, double, string
  }
}
