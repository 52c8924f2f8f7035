/**
 * The 1M-file Delta table: a checkpoint at version 1,000 holding 1,000,000 adds (plus 5,000
 * tombstones) over 1,000 date partitions, then 1,000 JSON commits (versions 1,001–2,000), each
 * appending 10 files and removing 10 checkpointed ones, so 1M files stay live. Earlier commits are
 * absent, as after log cleanup. Metadata only: the data files do not exist.
 *
 * Two variants share the commits:
 * - `classic`: `…1000.checkpoint.parquet` with Spark's checkpoint schema (Delta 3.x, checked
 *   against a Spark-written corpus checkpoint by `checkCheckpointShape`), `add.stats` as a JSON
 *   string, no stats_parsed (`delta.checkpoint.writeStatsAsStruct` off, the OSS default);
 * - `v2`: a UUID-named v2 checkpoint (`…1000.checkpoint.<uuid>.parquet`) holding protocol,
 *   metaData, checkpointMetadata and 10 sidecar actions; the adds live in
 *   `_delta_log/_sidecars/*.parquet`, 100k each.
 * Parquet is written by DuckDB COPY with the nested types spelled out (MAP(VARCHAR, VARCHAR) for
 * partitionValues), snappy-compressed like Spark's.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import {
  SQL_MTIME, SQL_PARTITION_VALUES, SQL_PATH, SQL_SIZE, SQL_STATS,
  addAction, checkSqlMatchesJs, commitInfo, commitName, metaDataAction, ndjson, removeAction,
} from './deltaActions';

export interface CheckpointedParams {
  files: number;
  checkpointVersion: number;
  commits: number;
  addsPerCommit: number;
  tombstones: number;
  sidecars: number;
}

export const CHECKPOINTED_DEFAULTS: CheckpointedParams = { files: 1_000_000, checkpointVersion: 1000, commits: 1000, addsPerCommit: 10, tombstones: 5000, sidecars: 10 };

export interface DeltaExpect {
  latest: number;
  liveFiles: number;
}

// Spark's (Delta 3.x) checkpoint column types
const DV_T = 'STRUCT(storageType VARCHAR, pathOrInlineDv VARCHAR, "offset" INTEGER, sizeInBytes INTEGER, cardinality BIGINT, maxRowIndex BIGINT)';
export const CHECKPOINT_TYPES: Record<string, string> = {
  txn: 'STRUCT(appId VARCHAR, "version" BIGINT, lastUpdated BIGINT)',
  add: `STRUCT(path VARCHAR, partitionValues MAP(VARCHAR, VARCHAR), size BIGINT, modificationTime BIGINT, dataChange BOOLEAN, tags MAP(VARCHAR, VARCHAR), deletionVector ${DV_T}, baseRowId BIGINT, defaultRowCommitVersion BIGINT, clusteringProvider VARCHAR, stats VARCHAR)`,
  remove: `STRUCT(path VARCHAR, deletionTimestamp BIGINT, dataChange BOOLEAN, extendedFileMetadata BOOLEAN, partitionValues MAP(VARCHAR, VARCHAR), size BIGINT, deletionVector ${DV_T}, baseRowId BIGINT, defaultRowCommitVersion BIGINT)`,
  metaData: 'STRUCT(id VARCHAR, "name" VARCHAR, description VARCHAR, format STRUCT(provider VARCHAR, "options" MAP(VARCHAR, VARCHAR)), schemaString VARCHAR, partitionColumns VARCHAR[], "configuration" MAP(VARCHAR, VARCHAR), createdTime BIGINT)',
  protocol: 'STRUCT(minReaderVersion INTEGER, minWriterVersion INTEGER, readerFeatures VARCHAR[], writerFeatures VARCHAR[])',
  domainMetadata: 'STRUCT("domain" VARCHAR, "configuration" VARCHAR, removed BOOLEAN)',
  checkpointMetadata: 'STRUCT("version" BIGINT, tags MAP(VARCHAR, VARCHAR))',
  sidecar: 'STRUCT(path VARCHAR, sizeInBytes BIGINT, modificationTime BIGINT, tags MAP(VARCHAR, VARCHAR))',
};
const CLASSIC_COLUMNS = ['txn', 'add', 'remove', 'metaData', 'protocol', 'domainMetadata'];
const V2_COLUMNS = [...CLASSIC_COLUMNS, 'checkpointMetadata', 'sidecar'];
const SIDECAR_COLUMNS = ['add', 'remove'];

const TABLE_ID = '0b6a3f8e-52c4-4c39-9d1e-7f0f7c3a9b11';
const CHECKPOINT_TIME = Date.UTC(2024, 5, 1);
const COMMIT_EVERY = 60_000;
const TOMBSTONE_BASE = 5_000_000;

const sqlStr = (s: string) => `'${s.replace(/'/g, "''")}'`;
const mapSql = (m: Record<string, string>) => (Object.keys(m).length ? `MAP {${Object.entries(m).map(([k, v]) => `${sqlStr(k)}: ${sqlStr(v)}`).join(', ')}}` : 'MAP {}::MAP(VARCHAR, VARCHAR)');
const listSql = (a: string[] | null) => (a === null ? 'NULL' : a.length ? `[${a.map(sqlStr).join(', ')}]` : '[]::VARCHAR[]');

/** A SELECT with one action column set (`value`, SQL) and the others NULL, in `columns` order. */
function row(columns: string[], key: string, value: string, from = ''): string {
  return `SELECT ${columns.map((c) => (c === key ? `CAST(${value} AS ${CHECKPOINT_TYPES[c]})` : `CAST(NULL AS ${CHECKPOINT_TYPES[c]})`) + ` AS ${JSON.stringify(c)}`).join(', ')} ${from}`;
}

const addRows = (columns: string[], lo: number, hi: number) =>
  row(columns, 'add', `{path: ${SQL_PATH}, partitionValues: ${SQL_PARTITION_VALUES}, size: ${SQL_SIZE}, modificationTime: ${SQL_MTIME}, dataChange: false, tags: NULL, deletionVector: NULL, baseRowId: NULL, defaultRowCommitVersion: NULL, clusteringProvider: NULL, stats: ${SQL_STATS}}`, `FROM range(${lo}, ${hi}) t(i)`);

const tombstoneRows = (columns: string[], lo: number, hi: number) =>
  row(columns, 'remove', `{path: ${SQL_PATH}, deletionTimestamp: ${CHECKPOINT_TIME} - (i % 86400) * 1000, dataChange: true, extendedFileMetadata: true, partitionValues: ${SQL_PARTITION_VALUES}, size: ${SQL_SIZE}, deletionVector: NULL, baseRowId: NULL, defaultRowCommitVersion: NULL}`, `FROM range(${TOMBSTONE_BASE + lo}, ${TOMBSTONE_BASE + hi}) t(i)`);

function protocolRow(columns: string[], v2: boolean): string {
  const p = v2 ? `{minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ${listSql(['v2Checkpoint'])}, writerFeatures: ${listSql(['v2Checkpoint'])}}` : `{minReaderVersion: 1, minWriterVersion: 2, readerFeatures: NULL, writerFeatures: NULL}`;
  return row(columns, 'protocol', p);
}

function metaDataRow(columns: string[], conf: Record<string, string>): string {
  const m = metaDataAction(TABLE_ID, conf);
  return row(columns, 'metaData', `{id: ${sqlStr(m.id as string)}, name: NULL, description: NULL, format: {provider: 'parquet', options: MAP {}::MAP(VARCHAR, VARCHAR)}, schemaString: ${sqlStr(m.schemaString as string)}, partitionColumns: ${listSql(m.partitionColumns as string[])}, configuration: ${mapSql(conf)}, createdTime: ${m.createdTime as number}}`);
}

async function copyTo(conn: DuckDBConnection, selects: string[], file: string): Promise<number> {
  await conn.run(`COPY (${selects.join('\nUNION ALL\n')}) TO ${sqlStr(file)} (FORMAT parquet, COMPRESSION snappy)`);
  return fs.statSync(file).size;
}

/** The 1,000 commits after the checkpoint (same text in both variants), file mtimes = commit times. */
function writeCommits(log: string, p: CheckpointedParams): void {
  for (let c = 1; c <= p.commits; c++) {
    const v = p.checkpointVersion + c;
    const t = CHECKPOINT_TIME + c * COMMIT_EVERY;
    const adds = Array.from({ length: p.addsPerCommit }, (_, j) => addAction(p.files + (c - 1) * p.addsPerCommit + j));
    const removes = Array.from({ length: p.addsPerCommit }, (_, j) => removeAction((c - 1) * p.addsPerCommit + j, t));
    const metrics = { numFiles: String(adds.length), numRemovedFiles: String(removes.length), numOutputRows: String(adds.length * 50_000), numOutputBytes: String(adds.reduce((n, a) => n + (a.size as number), 0)) };
    const text = ndjson([{ commitInfo: commitInfo(v, t, 'WRITE', metrics) }, ...adds.map((add) => ({ add })), ...removes.map((remove) => ({ remove }))]);
    const f = path.join(log, commitName(v));
    fs.writeFileSync(f, text);
    fs.utimesSync(f, t / 1000, t / 1000);
  }
}

function lastCheckpoint(log: string, p: CheckpointedParams, rows: number, bytes: number): void {
  fs.writeFileSync(path.join(log, '_last_checkpoint'), JSON.stringify({ version: p.checkpointVersion, size: rows, sizeInBytes: bytes, numOfAddFiles: p.files }) + '\n');
}

async function withDuck<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  const inst = await DuckDBInstance.create(':memory:', { threads: '2', autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
  const conn = await inst.connect();
  try {
    await checkSqlMatchesJs(conn);
    return await fn(conn);
  } finally {
    conn.closeSync();
    inst.closeSync();
  }
}

export async function generateClassic(dir: string, p: CheckpointedParams = CHECKPOINTED_DEFAULTS): Promise<DeltaExpect> {
  const log = path.join(dir, '_delta_log');
  fs.mkdirSync(log, { recursive: true });
  await withDuck(async (conn) => {
    const file = path.join(log, `${String(p.checkpointVersion).padStart(20, '0')}.checkpoint.parquet`);
    const cols = CLASSIC_COLUMNS;
    const bytes = await copyTo(conn, [protocolRow(cols, false), metaDataRow(cols, {}), addRows(cols, 0, p.files), tombstoneRows(cols, 0, p.tombstones)], file);
    fs.utimesSync(file, CHECKPOINT_TIME / 1000, CHECKPOINT_TIME / 1000);
    lastCheckpoint(log, p, 2 + p.files + p.tombstones, bytes);
  });
  writeCommits(log, p);
  return { latest: p.checkpointVersion + p.commits, liveFiles: p.files };
}

export async function generateV2(dir: string, p: CheckpointedParams = CHECKPOINTED_DEFAULTS): Promise<DeltaExpect> {
  const log = path.join(dir, '_delta_log');
  const side = path.join(log, '_sidecars');
  fs.mkdirSync(side, { recursive: true });
  const v = String(p.checkpointVersion).padStart(20, '0');
  await withDuck(async (conn) => {
    const sidecars: string[] = [];
    const per = Math.ceil(p.files / p.sidecars);
    const perTomb = Math.ceil(p.tombstones / p.sidecars);
    let total = 0;
    for (let s = 0; s < p.sidecars; s++) {
      const name = `${v}.checkpoint.${String(s + 1).padStart(10, '0')}.${String(p.sidecars).padStart(10, '0')}.${uuidLike(s)}.parquet`;
      const file = path.join(side, name);
      const size = await copyTo(conn, [addRows(SIDECAR_COLUMNS, s * per, Math.min(p.files, (s + 1) * per)), tombstoneRows(SIDECAR_COLUMNS, s * perTomb, Math.min(p.tombstones, (s + 1) * perTomb))], file);
      fs.utimesSync(file, CHECKPOINT_TIME / 1000, CHECKPOINT_TIME / 1000);
      total += size;
      sidecars.push(row(V2_COLUMNS, 'sidecar', `{path: ${sqlStr(name)}, sizeInBytes: ${size}, modificationTime: ${CHECKPOINT_TIME}, tags: NULL}`));
    }
    const file = path.join(log, `${v}.checkpoint.${uuidLike(99)}.parquet`);
    const cm = row(V2_COLUMNS, 'checkpointMetadata', `{version: ${p.checkpointVersion}, tags: NULL}`);
    const bytes = await copyTo(conn, [cm, protocolRow(V2_COLUMNS, true), metaDataRow(V2_COLUMNS, { 'delta.checkpointPolicy': 'v2' }), ...sidecars], file);
    fs.utimesSync(file, CHECKPOINT_TIME / 1000, CHECKPOINT_TIME / 1000);
    lastCheckpoint(log, p, 3 + p.sidecars, bytes + total);
  });
  writeCommits(log, p);
  return { latest: p.checkpointVersion + p.commits, liveFiles: p.files };
}

const uuidLike = (n: number) => `7e1c2d3a-0000-4000-8000-${String(n).padStart(12, '0')}`;

/**
 * Fails unless a generated checkpoint file has the column types of a Spark-written (parquet-mr,
 * Delta 3.x) one from the corpus, for every column of the reference (or of `only`).
 */
export async function checkCheckpointShape(generated: string, reference: string, only?: string[]): Promise<string> {
  const inst = await DuckDBInstance.create(':memory:');
  const conn = await inst.connect();
  try {
    const describe = async (f: string) => new Map((await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${sqlStr(f)})`)).getRowObjectsJson().map((r) => [String(r.column_name), String(r.column_type)]));
    const [mine, all] = [await describe(generated), await describe(reference)];
    const spark = only ? new Map([...all].filter(([c]) => only.includes(c))) : all;
    const diffs = [...spark].filter(([c, t]) => mine.has(c) && mine.get(c) !== t).map(([c, t]) => `${c}: ${mine.get(c)} vs Spark's ${t}`);
    const missing = [...spark.keys()].filter((c) => !mine.has(c));
    if (diffs.length || missing.length) throw new Error(`generated checkpoint differs from ${reference}: ${[...diffs, ...missing.map((c) => `no ${c}`)].join('; ')}`);
    // names for the note: the file within _delta_log, the reference's table as its last two folders
    const inLog = (f: string) => f.split(`${path.sep}_delta_log${path.sep}`);
    const [refTable, refFile] = inLog(reference);
    const short = (f: string) => f.replace(/^((?:_sidecars\/)?\d{20}\.checkpoint)\..+(\.parquet)$/, '$1…$2');
    return `${short(inLog(generated)[1] ?? generated)}: same column types as ${path.basename(path.dirname(refTable!))}/${path.basename(refTable!)}'s ${short(refFile ?? reference)} (Spark, parquet-mr) for ${[...spark.keys()].join(', ')}`;
  } finally {
    conn.closeSync();
    inst.closeSync();
  }
}
