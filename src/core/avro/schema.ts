/**
 * Avro schemas (Avro 1.11 spec, "Schema Declaration") parsed from the JSON in an object container
 * header into a small tree the decoder compiles. Named types may be referenced after their
 * definition; recursive types are refused (Iceberg never writes them, and they would let a hostile
 * file describe unbounded nesting). Attributes such as Iceberg's `field-id`, `element-id` and
 * `logicalType` are kept in `attrs`.
 */

export type AvroPrimitive = 'null' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'bytes' | 'string';

export type AvroType =
  | { kind: AvroPrimitive; attrs: Attrs }
  | { kind: 'record'; name: string; fields: AvroField[]; attrs: Attrs }
  | { kind: 'enum'; name: string; symbols: string[]; attrs: Attrs }
  | { kind: 'array'; items: AvroType; attrs: Attrs }
  | { kind: 'map'; values: AvroType; attrs: Attrs }
  | { kind: 'fixed'; name: string; size: number; attrs: Attrs }
  | { kind: 'union'; branches: AvroType[]; attrs: Attrs };

export interface AvroField {
  name: string;
  type: AvroType;
  /** Iceberg field id (`field-id` attribute), when present. */
  fieldId?: number;
}

export type Attrs = Record<string, unknown>;

const PRIMITIVES = new Set<string>(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_DEPTH = 64;
/** Fixed values above this size are not plausible in metadata; refusing them bounds allocations. */
const MAX_FIXED = 1 << 20;

export class AvroSchemaError extends Error {}

/** Parses a schema JSON value (already parsed from text). Throws AvroSchemaError. */
export function parseAvroSchema(json: unknown): AvroType {
  const t = new SchemaParser().parse(json, '', 0);
  // named types can be referenced many times: a schema of a few lines can describe a tree of
  // 2^64 nodes (records of records of nulls, each decoded from zero bytes). Refuse such trees.
  if (expandedSize(t, new Map()) > MAX_EXPANDED) throw new AvroSchemaError('schema too large once named types are expanded');
  return t;
}

const MAX_EXPANDED = 100_000;

function expandedSize(t: AvroType, memo: Map<AvroType, number>): number {
  const known = memo.get(t);
  if (known !== undefined) return known;
  let n = 1;
  if (t.kind === 'record') for (const f of t.fields) n += expandedSize(f.type, memo);
  else if (t.kind === 'array') n += expandedSize(t.items, memo);
  else if (t.kind === 'map') n += expandedSize(t.values, memo);
  else if (t.kind === 'union') for (const b of t.branches) n += expandedSize(b, memo);
  n = Math.min(n, MAX_EXPANDED + 1);
  memo.set(t, n);
  return n;
}

class SchemaParser {
  private readonly named = new Map<string, AvroType>();

  parse(j: unknown, ns: string, depth: number): AvroType {
    if (depth > MAX_DEPTH) throw new AvroSchemaError('schema nested too deeply');
    if (typeof j === 'string') return this.reference(j, ns);
    if (Array.isArray(j)) {
      const branches = j.map((b) => this.parse(b, ns, depth + 1));
      if (branches.some((b) => b.kind === 'union')) throw new AvroSchemaError('union directly inside a union');
      return { kind: 'union', branches, attrs: {} };
    }
    if (typeof j !== 'object' || j === null) throw new AvroSchemaError(`invalid schema ${JSON.stringify(j)}`);
    const o = j as Record<string, unknown>;
    const type = o.type;
    const attrs: Attrs = {};
    for (const [k, v] of Object.entries(o)) if (!['type', 'name', 'namespace', 'fields', 'symbols', 'items', 'values', 'size', 'aliases', 'doc', 'default'].includes(k)) attrs[k] = v;
    if (typeof type === 'string' && PRIMITIVES.has(type)) return { kind: type as AvroPrimitive, attrs };
    if (typeof type === 'object' && type !== null) {
      // {"type": {...}} wraps another schema; keep the outer attributes (e.g. logicalType)
      const inner = this.parse(type, ns, depth + 1);
      return { ...inner, attrs: { ...inner.attrs, ...attrs } } as AvroType;
    }
    switch (type) {
      case 'record':
      case 'error': {
        const { full, space } = this.fullName(o, ns);
        if (!Array.isArray(o.fields)) throw new AvroSchemaError(`record ${full} has no fields`);
        const seen = new Set<string>();
        const fields: AvroField[] = o.fields.map((f) => {
          if (typeof f !== 'object' || f === null) throw new AvroSchemaError(`record ${full}: invalid field`);
          const fo = f as Record<string, unknown>;
          if (typeof fo.name !== 'string' || !NAME.test(fo.name) || fo.name === '__proto__') throw new AvroSchemaError(`record ${full}: invalid field name ${JSON.stringify(fo.name)}`);
          if (seen.has(fo.name)) throw new AvroSchemaError(`record ${full}: duplicate field ${fo.name}`);
          seen.add(fo.name);
          const field: AvroField = { name: fo.name, type: this.parse(fo.type, space, depth + 1) };
          const id = fo['field-id'];
          if (typeof id === 'number' && Number.isInteger(id)) field.fieldId = id;
          return field;
        });
        const t: AvroType = { kind: 'record', name: full, fields, attrs };
        this.define(full, t);
        return t;
      }
      case 'enum': {
        const { full } = this.fullName(o, ns);
        if (!Array.isArray(o.symbols) || !o.symbols.every((s) => typeof s === 'string')) throw new AvroSchemaError(`enum ${full} has invalid symbols`);
        const t: AvroType = { kind: 'enum', name: full, symbols: o.symbols as string[], attrs };
        this.define(full, t);
        return t;
      }
      case 'fixed': {
        const { full } = this.fullName(o, ns);
        const size = o.size;
        if (typeof size !== 'number' || !Number.isInteger(size) || size < 0 || size > MAX_FIXED) throw new AvroSchemaError(`fixed ${full} has invalid size ${JSON.stringify(size)}`);
        const t: AvroType = { kind: 'fixed', name: full, size, attrs };
        this.define(full, t);
        return t;
      }
      case 'array':
        return { kind: 'array', items: this.parse(o.items, ns, depth + 1), attrs };
      case 'map':
        return { kind: 'map', values: this.parse(o.values, ns, depth + 1), attrs };
      default:
        throw new AvroSchemaError(`unknown type ${JSON.stringify(type)}`);
    }
  }

  private fullName(o: Record<string, unknown>, ns: string): { full: string; space: string } {
    if (typeof o.name !== 'string' || o.name === '') throw new AvroSchemaError(`named type without a name`);
    const space = typeof o.namespace === 'string' ? o.namespace : ns;
    const full = o.name.includes('.') || space === '' ? o.name : `${space}.${o.name}`;
    return { full, space: full.includes('.') ? full.slice(0, full.lastIndexOf('.')) : '' };
  }

  private define(name: string, t: AvroType): void {
    if (this.named.has(name)) throw new AvroSchemaError(`type ${name} defined twice`);
    this.named.set(name, t);
  }

  private reference(name: string, ns: string): AvroType {
    if (PRIMITIVES.has(name)) return { kind: name as AvroPrimitive, attrs: {} };
    const t = this.named.get(name) ?? (ns ? this.named.get(`${ns}.${name}`) : undefined);
    // an undefined name here is also what a recursive reference looks like: records are
    // registered only once their fields are parsed
    if (!t) throw new AvroSchemaError(`unknown or recursive type reference ${JSON.stringify(name)}`);
    return t;
  }
}

/** Fewest bytes one value of the type can take; bounds item counts against the bytes left. */
export function minEncodedSize(t: AvroType): number {
  switch (t.kind) {
    case 'null':
      return 0;
    case 'float':
      return 4;
    case 'double':
      return 8;
    case 'fixed':
      return t.size;
    case 'record': {
      let n = 0;
      for (const f of t.fields) n += minEncodedSize(f.type);
      return n;
    }
    default:
      // boolean, int, long, bytes, string, enum, array, map, union: at least one byte
      return 1;
  }
}
