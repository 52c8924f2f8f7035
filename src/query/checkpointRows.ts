/**
 * Delta checkpoint and sidecar Parquet files read by DuckDB, for the core's replay
 * (`TableOptions.parquetActions`). hyparquet decodes a million-row checkpoint in over a minute
 * and several GB; DuckDB reads the columns the replay needs in about a second. Only those
 * columns cross into JS: per-file statistics are reduced to numRecords in SQL (the stats JSON of a
 * million files would be hundreds of MB of strings), and maps and rare actions arrive as JSON text.
 * Reads run in the table's sandboxed instance, so the file must lie inside the table.
 */
import { LakeError, checkAborted } from '../core/errors';
import type { ParquetActionSource } from '../core/options';
import { type AddAction, NORMALIZED } from '../core/delta/actions';
import type { Int64 } from '../core/model';
import type { Storage } from '../core/storage/storage';
import type { InstancePool } from './instances';
import { firstLine } from './sandbox';
import { ident, str } from './sql';
import { localFiles } from './staging';

const BATCH = 16_384;

/** Top-level fields of a DuckDB STRUCT type string: name → type. */
export function structFields(type: string): Map<string, string> {
  const out = new Map<string, string>();
  const m = /^STRUCT\((.*)\)$/s.exec(type.trim());
  if (!m) return out;
  let depth = 0;
  let quoted = false;
  let start = 0;
  const body = m[1]!;
  const push = (part: string) => {
    const p = /^\s*("(?:[^"]|"")*"|[^\s]+)\s+(.*)$/s.exec(part);
    if (p) out.set(p[1]!.startsWith('"') ? p[1]!.slice(1, -1).replace(/""/g, '"') : p[1]!, p[2]!.trim());
  };
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '"') quoted = !quoted;
    else if (quoted) continue;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      push(body.slice(start, i));
      start = i + 1;
    }
  }
  push(body.slice(start));
  return out;
}

interface Plan {
  sql: string;
  /** Distinct partition-value maps as JSON, numbered: rows carry the number, not the text. */
  dictSql: string;
  setDict(values: string[]): void;
  /** Turns one row (column values in select order) into a raw action, or undefined. */
  row: (v: unknown[]) => Record<string | symbol, unknown> | undefined;
}

/** The SELECT over a checkpoint with the columns its schema has, and the row builder. */
function plan(file: string, schema: Map<string, string>): Plan {
  const cols: string[] = [];
  const col = (sql: string) => cols.push(sql) - 1;
  const add = structFields(schema.get('add') ?? '');
  const remove = structFields(schema.get('remove') ?? '');
  const has = (s: Map<string, string>, f: string) => s.has(f);
  const numRecords = has(add, 'stats_parsed') && structFields(add.get('stats_parsed')!).has('numRecords')
    ? `add.stats_parsed.numRecords`
    : has(add, 'stats') ? `TRY_CAST(regexp_extract(add.stats, '"numRecords"\\s*:\\s*(\\d+)', 1) AS BIGINT)` : 'NULL';
  const dvCols = (s: Map<string, string>, p: string) => {
    if (!has(s, 'deletionVector')) return undefined;
    const dv = structFields(s.get('deletionVector')!);
    const f = (n: string) => (dv.has(n) ? col(`${p}.deletionVector.${ident(n)}`) : -1);
    return { storageType: f('storageType'), pathOrInlineDv: f('pathOrInlineDv'), offset: f('offset'), sizeInBytes: f('sizeInBytes'), cardinality: f('cardinality') };
  };
  const ap = has(add, 'path') ? col('add.path') : -1;
  const asz = col(has(add, 'size') ? 'add.size' : 'NULL');
  const amt = col(has(add, 'modificationTime') ? 'add.modificationTime' : 'NULL');
  const apv = col(has(add, 'partitionValues') ? 'd.id' : 'NULL');
  const adc = col(has(add, 'dataChange') ? 'add.dataChange' : 'NULL');
  const anr = col(numRecords);
  const atags = col(has(add, 'tags') ? 'to_json(add.tags)' : 'NULL');
  const abr = col(has(add, 'baseRowId') ? 'add.baseRowId' : 'NULL');
  const adrcv = col(has(add, 'defaultRowCommitVersion') ? 'add.defaultRowCommitVersion' : 'NULL');
  const adv = dvCols(add, 'add');
  const rp = has(remove, 'path') ? col('remove.path') : -1;
  const rts = col(has(remove, 'deletionTimestamp') ? 'remove.deletionTimestamp' : 'NULL');
  const rsz = col(has(remove, 'size') ? 'remove.size' : 'NULL');
  const rdc = col(has(remove, 'dataChange') ? 'remove.dataChange' : 'NULL');
  const rpv = col(has(remove, 'partitionValues') ? 'to_json(remove.partitionValues)' : 'NULL');
  const rdv = dvCols(remove, 'remove');
  const others = ['metaData', 'protocol', 'txn', 'domainMetadata', 'sidecar', 'checkpointMetadata'].filter((k) => schema.has(k)).map((k) => [k, col(`to_json(${ident(k)})`)] as const);

  let dict: unknown[] = [];
  const pvOf = (id: unknown) => (id === null || id === undefined ? undefined : dict[Number(id)]);
  const pvCache = new Map<string, unknown>();
  const json = (s: unknown) => {
    if (typeof s !== 'string') return undefined;
    let v = pvCache.get(s);
    if (v === undefined) {
      v = JSON.parse(s);
      if (pvCache.size < 100_000) pvCache.set(s, v);
    }
    return v;
  };
  const num = (v: unknown) => (typeof v === 'bigint' && Number.isSafeInteger(Number(v)) ? Number(v) : v);
  /** A count or size that must be exact: beyond 2^53 is an error, never a rounded number. */
  const safe = (v: unknown, what: string): number => {
    const n = typeof v === 'bigint' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw new LakeError('corrupt', `delta: ${what} ${String(v)} is missing or beyond 2^53`, file);
    return n;
  };
  const dvOf = (v: unknown[], d: NonNullable<ReturnType<typeof dvCols>>) =>
    v[d.storageType] === null || v[d.storageType] === undefined
      ? undefined
      : { storageType: v[d.storageType], pathOrInlineDv: v[d.pathOrInlineDv], offset: d.offset >= 0 ? num(v[d.offset]) : undefined, sizeInBytes: num(v[d.sizeInBytes]), cardinality: num(v[d.cardinality]) };
  const row = (v: unknown[]): Record<string | symbol, unknown> | undefined => {
    if (ap >= 0 && v[ap] !== null) {
      // built in the AddAction shape and checked here, so replay takes it as is (NORMALIZED)
      if (typeof v[ap] !== 'string') throw new LakeError('corrupt', 'delta: add.path is not a string', file);
      const a: AddAction = {
        path: v[ap] as string,
        partitionValues: (pvOf(v[apv]) as Record<string, string | null> | undefined) ?? {},
        size: safe(v[asz], 'add.size'),
        modificationTime: v[amt] === null ? 0 : safe(v[amt], 'add.modificationTime'),
        dataChange: v[adc] !== false,
      };
      if (v[anr] !== null) a.statsParsed = { numRecords: safe(v[anr], 'stats numRecords') };
      if (v[atags] !== null) a.tags = JSON.parse(v[atags] as string) as Record<string, string>;
      if (v[abr] !== null) a.baseRowId = num(v[abr]) as Int64;
      if (v[adrcv] !== null) a.defaultRowCommitVersion = num(v[adrcv]) as Int64;
      const dv = adv && dvOf(v, adv);
      if (dv) {
        a.deletionVector = {
          storageType: String(dv.storageType),
          pathOrInlineDv: String(dv.pathOrInlineDv),
          sizeInBytes: safe(dv.sizeInBytes, 'deletionVector.sizeInBytes'),
          cardinality: safe(dv.cardinality, 'deletionVector.cardinality'),
          ...(dv.offset !== undefined && dv.offset !== null ? { offset: safe(dv.offset, 'deletionVector.offset') } : {}),
        };
      }
      return { add: a, [NORMALIZED]: true };
    }
    if (rp >= 0 && v[rp] !== null) {
      const r: Record<string, unknown> = { path: v[rp], dataChange: v[rdc] ?? true };
      if (v[rts] !== null) r.deletionTimestamp = num(v[rts]);
      if (v[rsz] !== null) r.size = num(v[rsz]);
      if (v[rpv] !== null) r.partitionValues = json(v[rpv]);
      const dv = rdv && dvOf(v, rdv);
      if (dv) r.deletionVector = dv;
      return { remove: r };
    }
    for (const [k, i] of others) if (v[i] !== null) return { [k]: JSON.parse(v[i] as string) };
    return undefined;
  };
  const source = `read_parquet(${str(file)})`;
  const pvJson = has(add, 'partitionValues') ? 'to_json(add.partitionValues)' : 'NULL';
  // a million files usually share a few thousand partitions: number the distinct maps once and
  // send the number per row (converting a string per row is the slowest part of the transfer)
  const dictSql = `SELECT pv, (row_number() OVER (ORDER BY pv)) - 1 AS id FROM (SELECT DISTINCT ${pvJson} AS pv FROM ${source}) WHERE pv IS NOT NULL`;
  const sql = `WITH dict AS (${dictSql}), src AS (SELECT *, ${pvJson} AS __pv FROM ${source}) SELECT ${cols.join(', ')} FROM src LEFT JOIN dict d ON d.pv = src.__pv`;
  return {
    sql,
    dictSql: `SELECT pv FROM (${dictSql}) ORDER BY id`,
    setDict: (values) => {
      dict = values.map((x) => JSON.parse(x));
    },
    row,
  };
}

/** A ParquetActionSource over the table's sandboxed DuckDB instance. */
export function duckdbParquetActions(pool: InstancePool, storage: Storage): ParquetActionSource {
  return async function* (path: string, signal?: AbortSignal) {
    const local = localFiles(storage);
    await local.ensure([{ path }], 'checkpoint', signal);
    const root = local.root;
    const file = local.pathOf(path);
    const entry = await pool.acquire(root);
    const conn = await entry.instance.connect();
    const onAbort = () => conn.interrupt();
    signal?.addEventListener('abort', onAbort);
    let failure: unknown;
    try {
      const desc = await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${str(file)})`);
      const schema = new Map(desc.getRowsJS().map((r) => [String(r[0]), String(r[1])]));
      const p = plan(file, schema);
      p.setDict((await conn.runAndReadAll(p.dictSql)).getRowsJS().map((r) => String(r[0])));
      const result = await conn.stream(p.sql);
      let batch: Record<string, unknown>[] = [];
      for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
        checkAborted(signal);
        const columns = chunk.getColumns();
        const width = columns.length;
        const values = new Array<unknown>(width);
        for (let r = 0; r < chunk.rowCount; r++) {
          for (let c = 0; c < width; c++) values[c] = columns[c]![r];
          const action = p.row(values);
          if (action) batch.push(action);
        }
        if (batch.length >= BATCH) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length) yield batch;
    } catch (err) {
      failure = err;
      if (err instanceof LakeError) throw err;
      if (signal?.aborted) throw new LakeError('cancelled', 'cancelled');
      throw new LakeError('corrupt', `delta: checkpoint unreadable: ${firstLine(err)}`, path, { cause: err });
    } finally {
      signal?.removeEventListener('abort', onAbort);
      conn.closeSync();
      pool.release(entry, failure);
    }
  };
}
