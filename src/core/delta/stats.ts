/**
 * Per-file statistics (PROTOCOL.md "Per-file Statistics"): `numRecords`, `minValues`, `maxValues`,
 * `nullCount`, `tightBounds`. Stats are a JSON string in commits and may be a typed struct
 * (`stats_parsed`) in checkpoints. Parsing 100 columns of stats for 300k files is most of the
 * cost of a replay, so only `numRecords` is read eagerly; the rest on demand.
 */
import { LakeError } from '../errors';
import { parseJson } from '../json';
import type { ColumnStats, DataType, StructType } from '../model';
import { isStruct } from '../model';

const LEADING_NUM_RECORDS = /^\s*\{\s*"numRecords"\s*:\s*(\d+)\s*[,}]/;

/** numRecords of an add's stats, or null when not recorded. */
export function numRecordsOf(stats: string | undefined, statsParsed: Record<string, unknown> | undefined, file: string): number | null {
  if (statsParsed && statsParsed.numRecords !== undefined && statsParsed.numRecords !== null) return toCount(statsParsed.numRecords, file);
  if (stats === undefined || stats === '') return null;
  const m = LEADING_NUM_RECORDS.exec(stats);
  if (m) return toCount(m[1], file);
  const parsed = parseStatsJson(stats, file);
  return parsed.numRecords ?? null;
}

function toCount(v: unknown, file: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new LakeError('corrupt', `delta: stats numRecords ${String(v)} is not a valid count`, file);
  return n;
}

function parseStatsJson(stats: string, file: string): ColumnStats {
  let raw: unknown;
  try {
    raw = parseJson(stats);
  } catch (err) {
    throw new LakeError('corrupt', `delta: add.stats is not valid JSON: ${(err as Error).message}`, file);
  }
  if (typeof raw !== 'object' || raw === null) throw new LakeError('corrupt', 'delta: add.stats is not an object', file);
  const o = raw as Record<string, unknown>;
  const out: ColumnStats = {};
  if (o.numRecords !== undefined && o.numRecords !== null) out.numRecords = toCount(o.numRecords, file);
  for (const k of ['minValues', 'maxValues', 'nullCount'] as const) {
    if (typeof o[k] === 'object' && o[k] !== null) out[k] = o[k] as Record<string, unknown>;
  }
  if (typeof o.tightBounds === 'boolean') out.tightBounds = o.tightBounds;
  return out;
}

/** Fields of a struct by physical name, built once per struct (wide schemas: 10,000 columns). */
const byPhysical = new WeakMap<StructType, Map<string, StructType['fields'][number]>>();

function fieldsByPhysical(schema: StructType): Map<string, StructType['fields'][number]> {
  let m = byPhysical.get(schema);
  if (!m) {
    m = new Map();
    for (const x of schema.fields) if (!m.has(x.physicalName ?? x.name)) m.set(x.physicalName ?? x.name, x);
    byPhysical.set(schema, m);
  }
  return m;
}

/** Renames physical column names to logical ones, recursively through structs. */
function toLogical(values: Record<string, unknown>, schema: StructType): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const fields = fieldsByPhysical(schema);
  for (const [k, v] of Object.entries(values)) {
    const f = fields.get(k);
    const name = f?.name ?? k;
    out[name] = f && isStruct(f.type as DataType) && typeof v === 'object' && v !== null ? toLogical(v as Record<string, unknown>, f.type as StructType) : v;
  }
  return out;
}

/** Full stats of a file with logical column names (physical names are used under column mapping). */
export function parseFileStats(stats: string | undefined, statsParsed: Record<string, unknown> | undefined, schema: StructType, file: string): ColumnStats | undefined {
  let s: ColumnStats | undefined;
  if (statsParsed) {
    s = {};
    if (statsParsed.numRecords !== undefined && statsParsed.numRecords !== null) s.numRecords = toCount(statsParsed.numRecords, file);
    for (const k of ['minValues', 'maxValues', 'nullCount'] as const) {
      const v = statsParsed[k];
      if (typeof v === 'object' && v !== null) s[k] = v as Record<string, unknown>;
    }
    if (typeof statsParsed.tightBounds === 'boolean') s.tightBounds = statsParsed.tightBounds;
  } else if (stats) s = parseStatsJson(stats, file);
  if (!s) return undefined;
  for (const k of ['minValues', 'maxValues', 'nullCount'] as const) if (s[k]) s[k] = toLogical(s[k]!, schema);
  return s;
}
