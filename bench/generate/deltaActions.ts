/**
 * Synthetic but realistic Delta actions for the generated tables: Spark-style file names under
 * 1,000 date partitions, sizes, modification times and stats JSON (numRecords, minValues,
 * maxValues, nullCount for the first five columns, as with `delta.dataSkippingNumIndexedCols=5`).
 *
 * File i is a pure function of i, written twice: in TypeScript (commits) and in SQL (checkpoints
 * written by DuckDB over `range(n)`). A remove in a commit must name exactly the path a checkpoint
 * row added, so both forms derive the path from md5('f' || i) and are checked against each other
 * (`checkSqlMatchesJs`).
 */
import { createHash } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';

export const PARTITIONS = 1000;
const DAY = 86_400_000;
const DAY0 = Date.UTC(2022, 0, 1);
/** First modification time; file i was written i seconds later. */
const MTIME0 = 1_650_000_000_000;

export const SCHEMA_STRING = JSON.stringify({
  type: 'struct',
  fields: [
    { name: 'id', type: 'long', nullable: true, metadata: {} },
    { name: 'ts', type: 'timestamp', nullable: true, metadata: {} },
    { name: 'user_id', type: 'long', nullable: true, metadata: {} },
    { name: 'country', type: 'string', nullable: true, metadata: {} },
    { name: 'amount', type: 'double', nullable: true, metadata: {} },
    { name: 'status', type: 'string', nullable: true, metadata: {} },
    { name: 'payload', type: 'string', nullable: true, metadata: {} },
    { name: 'date', type: 'date', nullable: true, metadata: {} },
  ],
});

export function metaDataAction(id: string, configuration: Record<string, string> = {}): Record<string, unknown> {
  return {
    id,
    name: null,
    description: null,
    format: { provider: 'parquet', options: {} },
    schemaString: SCHEMA_STRING,
    partitionColumns: ['date'],
    configuration,
    createdTime: MTIME0 - DAY,
  };
}

const hex = (s: string) => createHash('md5').update(s).digest('hex');
const uuidOf = (h: string) => `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
const isoDate = (i: number) => new Date(DAY0 + (i % PARTITIONS) * DAY).toISOString().slice(0, 10);

export const filePath = (i: number) => `date=${isoDate(i)}/part-${String(i % 200).padStart(5, '0')}-${uuidOf(hex(`f${i}`))}.c000.snappy.parquet`;
export const fileSize = (i: number) => 8_000_000 + ((i * 7919) % 120_000_000);
export const numRecords = (i: number) => 10_000 + ((i * 31) % 900_000);

/** The stats JSON string of file i. */
export function statsOf(i: number): string {
  const n = numRecords(i);
  const id0 = i * 1_000_000;
  const ts = new Date(DAY0 + (i % PARTITIONS) * DAY).toISOString();
  const tsMax = new Date(DAY0 + (i % PARTITIONS) * DAY + DAY - 1).toISOString();
  return (
    `{"numRecords":${n},"minValues":{"id":${id0},"ts":"${ts}","user_id":${i % 1000},"country":"AR","amount":${(i % 100) / 4}},` +
    `"maxValues":{"id":${id0 + n - 1},"ts":"${tsMax}","user_id":${1_000_000 + (i % 1000)},"country":"ZW","amount":${10_000 + (i % 1000) / 4}},` +
    `"nullCount":{"id":0,"ts":0,"user_id":${i % 7},"country":${i % 13},"amount":${i % 3}}}`
  );
}

export function addAction(i: number): Record<string, unknown> {
  return {
    path: filePath(i),
    partitionValues: { date: isoDate(i) },
    size: fileSize(i),
    modificationTime: MTIME0 + i * 1000,
    dataChange: true,
    stats: statsOf(i),
  };
}

export function removeAction(i: number, deletionTimestamp: number): Record<string, unknown> {
  return {
    path: filePath(i),
    deletionTimestamp,
    dataChange: true,
    extendedFileMetadata: true,
    partitionValues: { date: isoDate(i) },
    size: fileSize(i),
  };
}

// ---------------------------------------------------------------- the same in SQL, over column i

const SQL_UUID = (h: string) => `substr(${h},1,8)||'-'||substr(${h},9,4)||'-'||substr(${h},13,4)||'-'||substr(${h},17,4)||'-'||substr(${h},21,12)`;
const SQL_DATE = `strftime(DATE '2022-01-01' + CAST(i % ${PARTITIONS} AS INTEGER), '%Y-%m-%d')`;
const SQL_TS = (offsetMs: string) => `strftime(make_timestamp((${DAY0} + (i % ${PARTITIONS}) * ${DAY} + ${offsetMs}) * 1000), '%Y-%m-%dT%H:%M:%S.%gZ')`;
const SQL_N = `(10000 + (i * 31) % 900000)`;
/** Doubles printed as JS prints them (shortest round-trip; integers without ".0"). */
const SQL_NUM = (x: string) => `regexp_replace(CAST(${x} AS VARCHAR), '\\.0$', '')`;

export const SQL_PATH = `'date=' || ${SQL_DATE} || '/part-' || lpad(CAST(i % 200 AS VARCHAR), 5, '0') || '-' || ${SQL_UUID(`md5('f' || i)`)} || '.c000.snappy.parquet'`;
export const SQL_SIZE = `(8000000 + (i * 7919) % 120000000)`;
export const SQL_PARTITION_VALUES = `MAP {'date': ${SQL_DATE}}`;
export const SQL_MTIME = `(${MTIME0} + i * 1000)`;
export const SQL_STATS =
  `'{"numRecords":' || ${SQL_N} || ',"minValues":{"id":' || (i * 1000000) || ',"ts":"' || ${SQL_TS('0')} || '","user_id":' || (i % 1000) || ',"country":"AR","amount":' || ${SQL_NUM('(i % 100) / 4')} || '},' ||` +
  `'"maxValues":{"id":' || (i * 1000000 + ${SQL_N} - 1) || ',"ts":"' || ${SQL_TS(`${DAY - 1}`)} || '","user_id":' || (1000000 + i % 1000) || ',"country":"ZW","amount":' || ${SQL_NUM('10000 + (i % 1000) / 4')} || '},' ||` +
  `'"nullCount":{"id":0,"ts":0,"user_id":' || (i % 7) || ',"country":' || (i % 13) || ',"amount":' || (i % 3) || '}}'`;

/** Fails when the SQL formulas give another path, size or stats than the TypeScript ones. */
export async function checkSqlMatchesJs(conn: DuckDBConnection): Promise<void> {
  const probe = [0, 1, 2, 3, 7, 199, 999, 1000, 123_457, 999_999, 1_009_999];
  const r = await conn.runAndReadAll(`SELECT i, ${SQL_PATH} AS p, ${SQL_SIZE} AS s, ${SQL_STATS} AS st, ${SQL_PARTITION_VALUES}['date'] AS d FROM (SELECT unnest([${probe.join(',')}])::BIGINT AS i) ORDER BY i`);
  for (const row of r.getRowObjectsJson()) {
    const i = Number(row.i);
    const a = addAction(i);
    const want = [a.path, String(a.size), a.stats, (a.partitionValues as Record<string, string>).date];
    const got = [row.p, String(row.s), row.st, row.d];
    for (let k = 0; k < want.length; k++) {
      if (want[k] !== got[k]) throw new Error(`generator: SQL and TypeScript disagree on file ${i}: ${JSON.stringify(got[k])} vs ${JSON.stringify(want[k])}`);
    }
  }
}

export function commitInfo(version: number, timestamp: number, operation: string, metrics: Record<string, string>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    timestamp,
    operation,
    operationParameters: operation === 'STREAMING UPDATE' ? { outputMode: 'Append', queryId: 'b1f7c9d2-5c1e-4f1e-9d7a-2f3c4b5a6d7e', epochId: String(version) } : { mode: 'Append', partitionBy: '[]' },
    readVersion: version - 1,
    isolationLevel: 'Serializable',
    isBlindAppend: operation !== 'WRITE',
    operationMetrics: metrics,
    engineInfo: 'Apache-Spark/3.5.1 Delta-Lake/3.2.0',
    txnId: uuidOf(hex(`txn${version}`)),
    ...extra,
  };
}

/** One NDJSON commit file's text. */
export const ndjson = (actions: Record<string, unknown>[]) => actions.map((a) => JSON.stringify(a)).join('\n') + '\n';

export const commitName = (v: number) => `${String(v).padStart(20, '0')}.json`;
