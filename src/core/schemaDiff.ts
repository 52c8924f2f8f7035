/**
 * Schema differences between two versions, format-neutral. Fields are matched by id when both
 * sides have one (Iceberg field ids, Delta column-mapping ids), so a rename is a rename and not a
 * drop plus an add; otherwise by name. Nested structs, array elements and map keys/values are
 * compared recursively.
 */
import type { DataType, Field, SchemaVersion, StructType } from './model';
import { isArray, isMap, isStruct, typeToString } from './model';

export type ChangeKind = 'added' | 'removed' | 'renamed' | 'type-changed' | 'nullability-changed' | 'doc-changed' | 'metadata-changed' | 'default-changed';

export interface FieldChange {
  kind: ChangeKind;
  /** Path of the field in the newer schema (older schema for removals), e.g. ['address', 'city']. */
  path: string[];
  oldPath?: string[];
  id?: number;
  before?: string;
  after?: string;
  /** For type changes: whether the change is a safe widening (readers of old files keep working). */
  widening?: 'safe' | 'unsafe';
}

/** One node of the merged (unified) field tree, for side-by-side or unified rendering. */
export interface DiffNode {
  name: string;
  oldName?: string;
  id?: number;
  status: 'same' | 'added' | 'removed' | 'changed';
  oldType?: string;
  newType?: string;
  oldNullable?: boolean;
  newNullable?: boolean;
  changes: ChangeKind[];
  children: DiffNode[];
}

export interface SchemaDiff {
  changes: FieldChange[];
  tree: DiffNode[];
  /** Partition columns / spec fields before and after when they differ. */
  partitioning?: { before: string[]; after: string[] };
  /** Table properties added, removed or changed. */
  properties: { key: string; before?: string; after?: string }[];
}

export interface SchemaSide {
  schema: StructType;
  partitionColumns: string[];
  properties: Record<string, string>;
}

/** Diff of two table versions' schema, partitioning and properties. */
export function diffSchemas(a: SchemaSide, b: SchemaSide): SchemaDiff {
  const changes: FieldChange[] = [];
  const tree = diffFields(a.schema.fields, b.schema.fields, [], [], changes);
  const out: SchemaDiff = { changes, tree, properties: diffProperties(a.properties, b.properties) };
  if (a.partitionColumns.join('\0') !== b.partitionColumns.join('\0')) out.partitioning = { before: a.partitionColumns, after: b.partitionColumns };
  return out;
}

function diffProperties(a: Record<string, string>, b: Record<string, string>): SchemaDiff['properties'] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  const out: SchemaDiff['properties'] = [];
  for (const key of keys) {
    if (a[key] === b[key]) continue;
    const e: SchemaDiff['properties'][number] = { key };
    if (key in a) e.before = a[key];
    if (key in b) e.after = b[key];
    out.push(e);
  }
  return out;
}

/** Matches fields of two sibling lists: by id where both have ids, else by name. */
function matchFields(olds: Field[], news: Field[]): [Field | undefined, Field | undefined][] {
  const pairs: [Field | undefined, Field | undefined][] = [];
  const usedOld = new Set<Field>();
  const byId = new Map<number, Field>();
  const byName = new Map<string, Field>();
  for (const f of olds) {
    if (f.id !== undefined) byId.set(f.id, f);
    byName.set(f.name, f);
  }
  const oldsHaveIds = byId.size > 0;
  for (const n of news) {
    let o: Field | undefined;
    if (n.id !== undefined && byId.has(n.id)) o = byId.get(n.id);
    else if (n.id === undefined || !oldsHaveIds) {
      const cand = byName.get(n.name);
      if (cand && (cand.id === undefined || n.id === undefined)) o = cand;
    }
    if (o && !usedOld.has(o)) {
      usedOld.add(o);
      pairs.push([o, n]);
    } else pairs.push([undefined, n]);
  }
  // removed fields keep their old position: after the nearest preceding matched field, in their
  // old order (one pass: a schema of 10,000 columns replaced wholesale stays linear)
  const removedAfter = new Map<Field | null, Field[]>();
  let anchor: Field | null = null;
  for (const o of olds) {
    if (usedOld.has(o)) anchor = o;
    else {
      const list = removedAfter.get(anchor);
      if (list) list.push(o);
      else removedAfter.set(anchor, [o]);
    }
  }
  if (removedAfter.size === 0) return pairs;
  const out: [Field | undefined, Field | undefined][] = (removedAfter.get(null) ?? []).map((o) => [o, undefined]);
  for (const p of pairs) {
    out.push(p);
    if (p[0]) for (const o of removedAfter.get(p[0]) ?? []) out.push([o, undefined]);
  }
  return out;
}

function diffFields(olds: Field[], news: Field[], oldPath: string[], newPath: string[], changes: FieldChange[]): DiffNode[] {
  return matchFields(olds, news).map(([o, n]) => diffField(o, n, oldPath, newPath, changes));
}

function withId<T extends object>(obj: T, id: number | undefined): T {
  if (id !== undefined) (obj as { id?: number }).id = id;
  return obj;
}

function diffField(o: Field | undefined, n: Field | undefined, oldPath: string[], newPath: string[], changes: FieldChange[]): DiffNode {
  if (!o) {
    const f = n!;
    changes.push(withId({ kind: 'added' as const, path: [...newPath, f.name], after: typeToString(f.type) }, f.id));
    return withId({ name: f.name, status: 'added' as const, newType: typeToString(f.type), newNullable: f.nullable, changes: ['added' as ChangeKind], children: childNodes(f.type, 'added') }, f.id);
  }
  if (!n) {
    changes.push(withId({ kind: 'removed' as const, path: [...oldPath, o.name], before: typeToString(o.type) }, o.id));
    return withId({ name: o.name, status: 'removed' as const, oldType: typeToString(o.type), oldNullable: o.nullable, changes: ['removed' as ChangeKind], children: childNodes(o.type, 'removed') }, o.id);
  }
  const op = [...oldPath, o.name];
  const np = [...newPath, n.name];
  const kinds: ChangeKind[] = [];
  const push = (c: FieldChange) => {
    changes.push(withId(c, n.id ?? o.id));
    kinds.push(c.kind);
  };
  if (o.name !== n.name) push({ kind: 'renamed', path: np, oldPath: op, before: o.name, after: n.name });
  const children: DiffNode[] = [];
  diffType(o.type, n.type, op, np, push, changes, children);
  if (o.nullable !== n.nullable) push({ kind: 'nullability-changed', path: np, before: o.nullable ? 'nullable' : 'required', after: n.nullable ? 'nullable' : 'required' });
  if ((o.doc ?? '') !== (n.doc ?? '')) push({ kind: 'doc-changed', path: np, before: o.doc ?? '', after: n.doc ?? '' });
  if (stableJson(userMetadata(o.metadata)) !== stableJson(userMetadata(n.metadata))) {
    push({ kind: 'metadata-changed', path: np, before: stableJson(userMetadata(o.metadata)), after: stableJson(userMetadata(n.metadata)) });
  }
  if (stableJson(o.writeDefault) !== stableJson(n.writeDefault)) push({ kind: 'default-changed', path: np, before: stableJson(o.writeDefault), after: stableJson(n.writeDefault) });
  const node: DiffNode = {
    name: n.name,
    status: kinds.length > 0 || children.some((c) => c.status !== 'same') ? 'changed' : 'same',
    oldType: typeToString(o.type),
    newType: typeToString(n.type),
    oldNullable: o.nullable,
    newNullable: n.nullable,
    changes: kinds,
    children,
  };
  if (o.name !== n.name) node.oldName = o.name;
  return withId(node, n.id ?? o.id);
}

/** Compares two types; nested containers recurse and fill `children`. */
function diffType(
  a: DataType,
  b: DataType,
  op: string[],
  np: string[],
  push: (c: FieldChange) => void,
  changes: FieldChange[],
  children: DiffNode[],
): void {
  if (isStruct(a) && isStruct(b)) {
    children.push(...diffFields(a.fields, b.fields, op, np, changes));
    return;
  }
  if (isArray(a) && isArray(b)) {
    diffType(a.elementType, b.elementType, [...op, 'element'], [...np, 'element'], push, changes, children);
    return;
  }
  if (isMap(a) && isMap(b)) {
    diffType(a.keyType, b.keyType, [...op, 'key'], [...np, 'key'], push, changes, children);
    diffType(a.valueType, b.valueType, [...op, 'value'], [...np, 'value'], push, changes, children);
    return;
  }
  const before = typeToString(a);
  const after = typeToString(b);
  if (before !== after) push({ kind: 'type-changed', path: np, before, after, widening: isSafeWidening(before, after) ? 'safe' : 'unsafe' });
}

function childNodes(t: DataType, status: 'added' | 'removed'): DiffNode[] {
  const fields = isStruct(t) ? t.fields : isArray(t) && isStruct(t.elementType) ? t.elementType.fields : isMap(t) && isStruct(t.valueType) ? t.valueType.fields : [];
  return fields.map((f) =>
    withId(
      {
        name: f.name,
        status,
        ...(status === 'added' ? { newType: typeToString(f.type), newNullable: f.nullable } : { oldType: typeToString(f.type), oldNullable: f.nullable }),
        changes: [status as ChangeKind],
        children: childNodes(f.type, status),
      },
      f.id,
    ),
  );
}

const INT_ORDER = ['byte', 'short', 'integer', 'long'];
const ALIASES: Record<string, string> = { int: 'integer', tinyint: 'byte', smallint: 'short', bigint: 'long' };

/** Type widenings that old data files can be read under (Delta type widening, Iceberg promotion). */
export function isSafeWidening(from: string, to: string): boolean {
  const a = ALIASES[from] ?? from;
  const b = ALIASES[to] ?? to;
  const ia = INT_ORDER.indexOf(a);
  const ib = INT_ORDER.indexOf(b);
  if (ia >= 0 && ib >= 0) return ib > ia;
  if (ia >= 0 && b === 'double') return true;
  if (a === 'float' && b === 'double') return true;
  if (a === 'date' && (b === 'timestamp_ntz' || b === 'timestamp')) return true;
  const da = /^decimal\((\d+),\s*(\d+)\)$/.exec(a);
  const db = /^decimal\((\d+),\s*(\d+)\)$/.exec(b);
  if (da && db) {
    const [pa, sa, pb, sb] = [Number(da[1]), Number(da[2]), Number(db[1]), Number(db[2])];
    return sb >= sa && pb - sb >= pa - sa && pb >= pa;
  }
  if (ia >= 0 && db) {
    const digits = [3, 5, 10, 20][ia]!;
    return Number(db[1]) - Number(db[2]) >= digits;
  }
  return false;
}

/** Field metadata minus the keys the format maintains itself (column-mapping ids, type-change history). */
function userMetadata(md: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!md) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(md)) {
    if (k.startsWith('delta.columnMapping.') || k === 'comment' || k === 'delta.typeChanges') continue;
    out[k] = v;
  }
  return Object.keys(out).length ? out : undefined;
}

function stableJson(v: unknown): string {
  if (v === undefined) return '';
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort()) : x));
}

// ---------------------------------------------------------------------------------------------
// Column lineage

export interface LineageEvent {
  version: string | number;
  timestamp: number | null;
  kind: 'added' | 'renamed' | 'type-changed' | 'nullability-changed' | 'doc-changed' | 'removed';
  name: string;
  detail?: string;
}


/**
 * When a column was added, changed, renamed and dropped, from the schemas in force over time
 * (ascending). The column is named by its path in the schema where the user picked it.
 */
export function columnLineage(history: SchemaVersion[], path: string[]): LineageEvent[] {
  const pick = history.at(-1);
  if (!pick) return [];
  // resolve the column in the newest schema that has it, to learn its id
  let target: Field | undefined;
  for (let i = history.length - 1; i >= 0 && !target; i--) target = findField(history[i]!.schema, path);
  if (!target) return [];
  const same = (f: Field) => (target!.id !== undefined && f.id !== undefined ? f.id === target!.id : undefined);
  const events: LineageEvent[] = [];
  let prev: Field | undefined;
  for (const h of history) {
    const cur = locate(h.schema, target, path, same);
    if (cur && !prev) events.push({ version: h.version, timestamp: h.timestamp, kind: 'added', name: cur.name, detail: typeToString(cur.type) });
    else if (!cur && prev) events.push({ version: h.version, timestamp: h.timestamp, kind: 'removed', name: prev.name });
    else if (cur && prev) {
      if (cur.name !== prev.name) events.push({ version: h.version, timestamp: h.timestamp, kind: 'renamed', name: cur.name, detail: `${prev.name} → ${cur.name}` });
      if (typeToString(cur.type) !== typeToString(prev.type)) events.push({ version: h.version, timestamp: h.timestamp, kind: 'type-changed', name: cur.name, detail: `${typeToString(prev.type)} → ${typeToString(cur.type)}` });
      if (cur.nullable !== prev.nullable) events.push({ version: h.version, timestamp: h.timestamp, kind: 'nullability-changed', name: cur.name, detail: cur.nullable ? 'now nullable' : 'now required' });
      if ((cur.doc ?? '') !== (prev.doc ?? '')) events.push({ version: h.version, timestamp: h.timestamp, kind: 'doc-changed', name: cur.name, detail: cur.doc ?? '' });
    }
    prev = cur;
  }
  return events;
}

function findField(schema: StructType, path: string[]): Field | undefined {
  let fields = schema.fields;
  let f: Field | undefined;
  for (const seg of path) {
    f = fields.find((x) => x.name === seg);
    if (!f) return undefined;
    fields = isStruct(f.type) ? f.type.fields : [];
  }
  return f;
}

/** Finds the target field in a schema: by id anywhere when ids exist, else by path. */
function locate(schema: StructType, target: Field, path: string[], same: (f: Field) => boolean | undefined): Field | undefined {
  if (target.id === undefined) return findField(schema, path);
  const stack: Field[] = [...schema.fields];
  while (stack.length) {
    const f = stack.pop()!;
    if (same(f)) return f;
    if (isStruct(f.type)) stack.push(...f.type.fields);
  }
  return undefined;
}
