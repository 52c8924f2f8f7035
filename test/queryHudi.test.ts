/**
 * Rows of Hudi tables through the query engine, against independent sources: live row counts
 * from corpus/HUDI.md (hudi-rs' own expectations), rows equal to a separate DuckDB reading
 * `read_parquet` of the base files the Hudi rules select (listed here by hand from the file names
 * and timelines, not by the reader under test), time travel, clustering, tables without meta
 * fields, partition columns the files do not hold, and merge-on-read labelled as the
 * read-optimized view in every result (preview, sql, export, exportQuery, CLI).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { DuckDBConnection } from '@duckdb/node-api';
import { referenceConnection, sqlString } from './helpers/duck';
import { LakeError } from '../src/core/errors';
import { HudiTable } from '../src/core/hudi/table';
import { FsStorage } from '../src/core/storage/local';
import { QueryEngine, type TableQuery } from '../src/query/engine';
import { buildRelation } from '../src/query/relation';
import type { ScanPlan } from '../src/query/scanPlan';
import type { HudiSnapshot } from '../src/core/hudi/snapshot';
import { corpusPath } from './helpers/corpus';
import { run } from './helpers/cli';
import { checkPages } from './helpers/pages';

const HUDI = corpusPath('open/hudi-rs');
const T = {
  cow6: path.join(HUDI, 'v6_cow_nonpartitioned'),
  empty: path.join(HUDI, 'v6_cow_empty'),
  trips: path.join(HUDI, 'v6_cow_trips_partitioned'),
  cow8: path.join(HUDI, 'v8_cow_nonpartitioned'),
  cow9: path.join(HUDI, 'v9_cow_txns_nonpart_nometa'),
  mor6: path.join(HUDI, 'v6_mor_nonpartitioned'),
  mor9: path.join(HUDI, 'v9_mor_txns_nonpart_nometa'),
  customer: corpusPath('open/xtable-hudi/hudi_dimCustomer'),
};

/**
 * Live base files by the rules of corpus/HUDI.md (greatest completed instant ≤ T per file group,
 * groups replaced by a completed replacecommit dropped), worked out from the file names.
 */
const LIVE: { table: string; version?: string; rows: number; files: string[] }[] = [
  { table: T.cow6, rows: 4, files: ['a079bdb3-731c-4894-b855-abfcd6921007-0_0-203-274_20240418173551906.parquet'] },
  { table: T.empty, rows: 0, files: [] },
  {
    table: T.trips,
    rows: 5,
    files: [
      'chennai/68d3c349-f621-4cd8-9e8b-c6dd8eb20d08-0_4-12-0_20240402123035233.parquet',
      'san_francisco/5a226868-2934-4f84-a16f-55124630c68d-0_0-7-24_20240402144910683.parquet',
      'san_francisco/780b8586-3ad0-48ef-a6a1-d2217845ce4a-0_0-8-0_20240402123035233.parquet',
      'san_francisco/d9082ffd-2eb1-4394-aefc-deb4a61ecc57-0_1-9-0_20240402123035233.parquet',
      'sao_paulo/ee915c68-d7f8-44f6-9759-e691add290d8-0_3-11-0_20240402123035233.parquet',
    ],
  },
  {
    // time travel to the first commit: the older slice of file group 5a226868
    table: T.trips,
    version: '20240402123035233',
    rows: 5,
    files: [
      'chennai/68d3c349-f621-4cd8-9e8b-c6dd8eb20d08-0_4-12-0_20240402123035233.parquet',
      'san_francisco/5a226868-2934-4f84-a16f-55124630c68d-0_2-10-0_20240402123035233.parquet',
      'san_francisco/780b8586-3ad0-48ef-a6a1-d2217845ce4a-0_0-8-0_20240402123035233.parquet',
      'san_francisco/d9082ffd-2eb1-4394-aefc-deb4a61ecc57-0_1-9-0_20240402123035233.parquet',
      'sao_paulo/ee915c68-d7f8-44f6-9759-e691add290d8-0_3-11-0_20240402123035233.parquet',
    ],
  },
  { table: T.cow8, rows: 4, files: ['2746610d-ad02-4adb-a038-5cbb99cbd455-0_0-75-100_20250713010536861.parquet'] },
  {
    // the clustering at 20260307135802835 rewrote every earlier file group into 09c3e10c
    table: T.cow9,
    rows: 14,
    files: ['09c3e10c-8af8-4bba-8f57-f346f5253c31-0_0-44-66_20260307135802835.parquet', 'c154592d-74c0-42e5-ac69-bf25e946532e-0_0-48-73_20260307135803380.parquet'],
  },
  { table: T.customer, rows: 5000, files: ['b1ee44c7-255b-47bf-b788-1e7017790326-0_0-80-172_20231105172136406.parquet'] },
];

const engine = new QueryEngine({ memoryLimit: '512MB', threads: 2 });
let conn: DuckDBConnection;
let tmp: string;

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lakelens-hudi-rows-'));
  conn = await referenceConnection();
});

after(async () => {
  await engine.dispose();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const q = sqlString;

async function snapshotOf(root: string, version?: string): Promise<{ snap: HudiSnapshot; tq: TableQuery }> {
  const storage = new FsStorage(root);
  const snap = await new HudiTable(storage).snapshot(version === undefined ? {} : { version });
  return { snap, tq: engine.table(storage) };
}

/** All rows of `SELECT * FROM t` as JSON lines (sorted), with the column names. */
async function engineRows(tq: TableQuery, snap: HudiSnapshot, text = 'SELECT * FROM t'): Promise<{ names: string[]; rows: string[]; readOptimized: boolean; notes: string[] }> {
  const res = await tq.sql(snap, text);
  const rows: string[] = [];
  for await (const page of res) for (const r of page) rows.push(JSON.stringify(r));
  return { names: res.columns.map((c) => c.name), rows: rows.sort(), readOptimized: res.readOptimized, notes: res.notes };
}

/** The same through a separate DuckDB reading the Parquet files directly. */
async function parquetRows(root: string, files: string[], select = '*'): Promise<{ names: string[]; rows: string[] }> {
  const list = `[${files.map((f) => q(path.join(root, f))).join(', ')}]`;
  const reader = await conn.runAndReadAll(`SELECT ${select} FROM read_parquet(${list})`);
  const rows = reader.getRowsJson().map((r) => JSON.stringify(r));
  return { names: reader.columnNames(), rows: rows.sort() };
}

describe('Hudi rows: copy-on-write tables are read exactly', () => {
  for (const c of LIVE) {
    const name = `${path.basename(c.table)}${c.version ? ` @ ${c.version}` : ''}`;
    test(`${name}: ${c.rows} live rows, equal to read_parquet of the live base files`, async () => {
      const { snap, tq } = await snapshotOf(c.table, c.version);
      assert.deepEqual(snap.files.map((f) => f.path).sort(), [...c.files].sort(), 'live base files');
      const page = await tq.preview(snap, 0, 100);
      assert.equal(page.totalRows, c.rows, 'preview total');
      assert.equal(page.readOptimized, false);
      assert.deepEqual(page.notes, []);
      const got = await engineRows(tq, snap);
      assert.equal(got.rows.length, c.rows, 'SELECT * FROM t');
      assert.equal(got.readOptimized, false);
      assert.deepEqual(got.names, snap.schema.fields.map((f) => f.name), 'columns are the table schema');
      if (c.files.length === 0) return;
      const want = await parquetRows(c.table, c.files);
      assert.deepEqual(got.names, want.names, 'the files hold the schema columns in order');
      assert.deepEqual(got.rows, want.rows, 'rows equal the files read directly');
      await checkPages(tq, snap, 2);
    });
  }

  test('column types: Hudi type names become DuckDB types (decimal, date, UTC timestamp, binary, nested)', async () => {
    const { snap, tq } = await snapshotOf(T.cow6);
    const res = await tq.sql(snap, 'SELECT * FROM t LIMIT 0');
    res.close();
    const types = Object.fromEntries(res.columns.map((c) => [c.name, c.type]));
    assert.deepEqual(
      ['_hoodie_commit_time', 'id', 'byteField', 'longField', 'floatField', 'decimalField', 'dateField', 'timestampField', 'binaryField', 'arrayField', 'mapField', 'structField'].map((n) => types[n]),
      [
        'VARCHAR',
        'INTEGER',
        'INTEGER',
        'BIGINT',
        'FLOAT',
        'DECIMAL(10,5)',
        'DATE',
        'TIMESTAMP WITH TIME ZONE',
        'BLOB',
        'STRUCT("arr_struct_f1" VARCHAR, "arr_struct_f2" INTEGER)[]',
        'MAP(VARCHAR, STRUCT("map_field_value_struct_f1" DOUBLE, "map_field_value_struct_f2" BOOLEAN))',
        'STRUCT("field1" VARCHAR, "field2" INTEGER, "child_struct" STRUCT("child_field1" DOUBLE, "child_field2" BOOLEAN))',
      ],
    );
    // the values DuckDB reads from the file, cast to the table's types
    const got = await engineRows(tq, snap, `SELECT id, decimalField, dateField, timestampField FROM t ORDER BY id`);
    const want = await parquetRows(T.cow6, LIVE[0]!.files, `id, decimalField, dateField, timestampField`);
    assert.deepEqual(got.rows, want.rows);
  });

  test('v9_cow_txns_nonpart_nometa: the clustering does not duplicate rows; deleted keys stay deleted', async () => {
    const { snap, tq } = await snapshotOf(T.cow9);
    const got = await engineRows(tq, snap, 'SELECT count(*) AS n, count(DISTINCT txn_id) AS keys, list(DISTINCT txn_id ORDER BY txn_id) AS ids FROM t');
    const [n, keys, ids] = JSON.parse(got.rows[0]!) as [string, string, string[]];
    assert.equal(n, '14');
    assert.equal(keys, '14');
    // TXN-002 and TXN-005 were deleted before the clustering (no later slice holds them)
    const expected = Array.from({ length: 16 }, (_, i) => `TXN-${String(i + 1).padStart(3, '0')}`).filter((k) => k !== 'TXN-002' && k !== 'TXN-005');
    assert.deepEqual(ids, expected);
  });

  test('hudi_dimCustomer (hoodie.populate.meta.fields=false): rows read, meta columns NULL as stored', async () => {
    const { snap, tq } = await snapshotOf(T.customer);
    assert.equal(snap.populateMetaFields, false);
    const got = await engineRows(tq, snap, 'SELECT count(*), count(_hoodie_record_key), count(DISTINCT CustomerKey) FROM t');
    assert.deepEqual(JSON.parse(got.rows[0]!), ['5000', '0', '5000']);
  });

  test('the empty table (never written) has the create schema and no rows', async () => {
    const { snap, tq } = await snapshotOf(T.empty);
    const page = await tq.preview(snap, 0, 10);
    assert.deepEqual(page.columns.map((c) => c.name), ['_hoodie_commit_time', '_hoodie_commit_seqno', '_hoodie_record_key', '_hoodie_partition_path', '_hoodie_file_name', 'id', 'name', 'isActive']);
    assert.deepEqual(page.rows, []);
    assert.equal(page.totalRows, 0);
  });
});

describe('Hudi rows: merge-on-read is the labelled read-optimized view', () => {
  test('v6_mor_nonpartitioned: base files only, labelled in preview, sql, export and exportQuery', async () => {
    const { snap, tq } = await snapshotOf(T.mor6);
    assert.equal(snap.readOptimized, true);
    const page = await tq.preview(snap, 0, 10);
    assert.equal(page.readOptimized, true);
    assert.equal(page.notes.length, 1);
    assert.match(page.notes[0]!, /^read-optimized view \(merge-on-read\): rows of the base files only, not the full snapshot at 20250117083136333; 1 log file\(s\) in 1 file slice\(s\)/);
    const got = await engineRows(tq, snap);
    assert.equal(got.readOptimized, true);
    assert.deepEqual(got.notes, page.notes);
    // the read-optimized view is exactly the base files
    const want = await parquetRows(T.mor6, ['d206069c-22c8-4532-b9ea-3cf4282342c4-0_0-13-23_20250117083125837.parquet', 'd5c0b12d-088d-48e8-9683-3f0c1eabcaf0-0_1-33-44_20250117083136333.parquet']);
    assert.deepEqual(got.rows, want.rows);
    assert.equal(page.totalRows, want.rows.length);
    for (const fmt of ['parquet', 'csv', 'jsonl'] as const) {
      const exported = await tq.export(snap, fmt, path.join(tmp, `mor6.${fmt}`));
      assert.deepEqual([exported.rows, exported.readOptimized, exported.notes], [want.rows.length, true, page.notes], fmt);
      const queried = await tq.exportQuery(snap, 'SELECT id FROM t', fmt, path.join(tmp, `mor6-q.${fmt}`));
      assert.deepEqual([queried.rows, queried.readOptimized, queried.notes], [want.rows.length, true, page.notes], `exportQuery ${fmt}`);
    }
  });

  test('v9_mor_txns_nonpart_nometa: labelled while log files are live, not after compaction and clustering', async () => {
    const before = await snapshotOf(T.mor9, '20260307135932100');
    const page = await before.tq.preview(before.snap, 0, 5);
    assert.equal(page.readOptimized, true);
    assert.match(page.notes[0]!, /3 log file\(s\) in 1 file slice\(s\)/);
    const latest = await snapshotOf(T.mor9);
    const full = await latest.tq.preview(latest.snap, 0, 100);
    assert.equal(full.readOptimized, false, 'no live log files: the base files are the snapshot');
    assert.deepEqual(full.notes, []);
    assert.equal(full.totalRows, 14);
    // the merge-on-read table went through the same transactions as its copy-on-write twin
    const cols = 'txn_id, account_id, txn_ts, txn_datetime, txn_date, amount, currency, txn_type, merchant_name, is_international, fee_amount, txn_metadata';
    const cow = await snapshotOf(T.cow9);
    assert.deepEqual((await engineRows(latest.tq, latest.snap, `SELECT ${cols} FROM t`)).rows, (await engineRows(cow.tq, cow.snap, `SELECT ${cols} FROM t`)).rows);
  });
});

/** A writable copy of the trips table with `edit` applied to it. */
function tripsCopy(name: string): string {
  const dir = path.join(tmp, name);
  fs.cpSync(T.trips, dir, { recursive: true });
  return dir;
}

/** Rewrites every base file of `dir` without the `city` column (as drop.partition.columns writes them). */
async function dropCityFromFiles(dir: string): Promise<void> {
  for (const part of ['chennai', 'san_francisco', 'sao_paulo']) {
    for (const f of fs.readdirSync(path.join(dir, part)).filter((n) => n.endsWith('.parquet'))) {
      const file = path.join(dir, part, f);
      const out = `${file}.new`;
      await conn.run(`COPY (SELECT * EXCLUDE (city) FROM read_parquet(${q(file)})) TO ${q(out)} (FORMAT parquet)`);
      fs.renameSync(out, file);
    }
  }
}

function editProperties(dir: string, edit: (text: string) => string): void {
  const p = path.join(dir, '.hoodie', 'hoodie.properties');
  fs.writeFileSync(p, edit(fs.readFileSync(p, 'utf8')));
}

/** Removes `city` from the writer schema every commit records. */
function dropCityFromSchema(dir: string): void {
  for (const f of fs.readdirSync(path.join(dir, '.hoodie')).filter((n) => n.endsWith('.commit'))) {
    const p = path.join(dir, '.hoodie', f);
    const md = JSON.parse(fs.readFileSync(p, 'utf8')) as { extraMetadata: { schema: string } };
    const schema = JSON.parse(md.extraMetadata.schema) as { fields: { name: string }[] };
    schema.fields = schema.fields.filter((x) => x.name !== 'city');
    md.extraMetadata.schema = JSON.stringify(schema);
    fs.writeFileSync(p, JSON.stringify(md));
  }
}

describe('Hudi rows: partition columns the data files do not hold', () => {
  const cols = '_hoodie_record_key, ts, uuid, rider, driver, fare, city';

  test('drop.partition.columns=true: the column is appended as a string from the partition path (as Hudi reads it)', async () => {
    const dir = tripsCopy('dropped');
    await dropCityFromFiles(dir);
    dropCityFromSchema(dir);
    editProperties(dir, (t) => t.replace('hoodie.datasource.write.drop.partition.columns=false', 'hoodie.datasource.write.drop.partition.columns=true'));
    const { snap, tq } = await snapshotOf(dir);
    assert.ok(!snap.schema.fields.some((f) => f.name === 'city'), 'the writer schema has no city');
    const res = await tq.sql(snap, 'SELECT * FROM t');
    const names = res.columns.map((c) => c.name);
    res.close();
    assert.equal(names.at(-1), 'city', 'appended last');
    assert.equal(res.columns.at(-1)!.type, 'VARCHAR');
    const orig = await snapshotOf(T.trips);
    // the values equal those the original files hold in their city column
    assert.deepEqual((await engineRows(tq, snap, `SELECT ${cols} FROM t`)).rows, (await engineRows(orig.tq, orig.snap, `SELECT ${cols} FROM t`)).rows);
    await checkPages(tq, snap, 2);
  });

  test('a partition column in the schema but not in the files is read from the partition path', async () => {
    const dir = tripsCopy('missing-in-files');
    await dropCityFromFiles(dir);
    const { snap, tq } = await snapshotOf(dir);
    const orig = await snapshotOf(T.trips);
    const got = await engineRows(tq, snap);
    assert.deepEqual(got.names, orig.snap.schema.fields.map((f) => f.name), 'city keeps its place in the schema');
    assert.deepEqual(got.rows, (await engineRows(orig.tq, orig.snap)).rows);
  });

  test('…unless the key generator may write paths that are not the values: refused, naming the file', async () => {
    const dir = tripsCopy('timestamp-keygen');
    await dropCityFromFiles(dir);
    editProperties(dir, (t) => t.replace('org.apache.hudi.keygen.SimpleKeyGenerator', 'org.apache.hudi.keygen.TimestampBasedKeyGenerator'));
    const { snap, tq } = await snapshotOf(dir);
    await assert.rejects(
      tq.preview(snap, 0, 10),
      (e: unknown) => e instanceof LakeError && e.kind === 'unsupported' && /^hudi: data file lacks column city, and the table's key generator \(org\.apache\.hudi\.keygen\.TimestampBasedKeyGenerator\)/.test(e.message) && /\.parquet\)$/.test(e.message),
    );
  });

  test('files that hold the partition column are read from the file even with the flag set', async () => {
    const dir = tripsCopy('flag-only');
    editProperties(dir, (t) => t.replace('hoodie.datasource.write.drop.partition.columns=false', 'hoodie.datasource.write.drop.partition.columns=true'));
    const { snap, tq } = await snapshotOf(dir);
    const orig = await snapshotOf(T.trips);
    assert.deepEqual((await engineRows(tq, snap)).rows, (await engineRows(orig.tq, orig.snap)).rows);
  });
});

describe('Hudi rows: uuid columns', () => {
  test('text stays verbatim, UUID-annotated values become their text, plain bytes are refused', async () => {
    const files: Record<string, string> = {
      text: `SELECT 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11' AS u`,
      annotated: `SELECT 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::UUID AS u`,
      bytes: `SELECT unhex('a0eebc999c0b4ef8bb6d6bb9bd380a11') AS u`,
    };
    const plan = (name: string): ScanPlan => {
      const absPath = path.join(tmp, `uuid-${name}.parquet`);
      return { format: 'hudi', version: '1', schema: { type: 'struct', fields: [{ name: 'u', type: 'uuid', nullable: true }] }, match: 'name', constantColumns: [], files: [{ path: `uuid-${name}.parquet`, absPath, numRecords: 1, constants: {} }], numRows: 1 };
    };
    for (const [name, sql] of Object.entries(files)) await conn.run(`COPY (${sql}) TO ${q(path.join(tmp, `uuid-${name}.parquet`))} (FORMAT parquet)`);
    const read = async (name: string) => (await conn.runAndReadAll((await buildRelation(conn, plan(name), `__t_${name}`)).sql)).getRowsJson();
    assert.deepEqual(await read('text'), [['A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11']]);
    assert.deepEqual(await read('annotated'), [['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11']]);
    await assert.rejects(read('bytes'), (e: unknown) => e instanceof LakeError && /hudi: column u is uuid in the table but the file stores BLOB/.test(e.message));
  });
});

describe('Hudi rows: refusals name the feature and the file', () => {
  test('a base file that is not Parquet', async () => {
    const dir = path.join(tmp, 'orc');
    fs.cpSync(T.cow8, dir, { recursive: true });
    const { snap, tq } = await snapshotOf(dir);
    (snap.files[0] as { fileFormat?: string }).fileFormat = 'orc';
    await assert.rejects(tq.preview(snap, 0, 1), (e: unknown) => e instanceof LakeError && e.kind === 'unsupported' && /base file is ORC/.test(e.message) && e.message.includes(snap.files[0]!.path));
  });

  test('schema evolution on read (.hoodie/.schema) and bootstrapped tables', async () => {
    const dir = path.join(tmp, 'evolved');
    fs.cpSync(T.cow8, dir, { recursive: true });
    fs.mkdirSync(path.join(dir, '.hoodie', '.schema'));
    fs.writeFileSync(path.join(dir, '.hoodie', '.schema', '20250713010536861.schemacommit'), '{}');
    const a = await snapshotOf(dir);
    await assert.rejects(a.tq.preview(a.snap, 0, 1), /hudi: the table uses schema evolution on read \(\.hoodie\/\.schema\).*\(\.hoodie\/\.schema\)$/);
    const boot = path.join(tmp, 'bootstrap');
    fs.cpSync(T.cow8, boot, { recursive: true });
    editProperties(boot, (t) => `${t}hoodie.bootstrap.base.path=/data/source\n`);
    const b = await snapshotOf(boot);
    await assert.rejects(b.tq.preview(b.snap, 0, 1), /hudi: bootstrapped table/);
  });
});

describe('lakelens CLI: rows, sql and export on Hudi tables', () => {
  test('rows --json: a copy-on-write table, with readOptimized false and no notes', () => {
    const r = run('rows', T.trips, '--json', '--limit', '2');
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { version: string; readOptimized: boolean; notes: string[]; totalRows: number; rows: unknown[][]; columns: { name: string }[] };
    assert.deepEqual([doc.version, doc.readOptimized, doc.notes, doc.totalRows, doc.rows.length], ['20240402144910683', false, [], 5, 2]);
    assert.equal(doc.columns.at(-1)!.name, 'city');
  });

  test('rows on merge-on-read: a prominent line in human output, readOptimized and notes in JSON', () => {
    const human = run('rows', T.mor6);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout.split('\n')[0]!, /^READ-OPTIMIZED VIEW: /);
    assert.match(human.stdout, /^note: read-optimized view \(merge-on-read\)/m);
    assert.match(human.stdout, /^rows 1–4 of 4 \(version 20250117083136333, read-optimized view\)$/m);
    const doc = JSON.parse(run('rows', T.mor6, '--json').stdout) as { readOptimized: boolean; notes: string[] };
    assert.equal(doc.readOptimized, true);
    assert.match(doc.notes[0]!, /not the full snapshot/);
  });

  test('sql: time travel with --version; merge-on-read labelled in both outputs', () => {
    const doc = JSON.parse(run('sql', T.trips, 'SELECT count(*) AS n, min(_hoodie_commit_time) AS c FROM t', '--version', '20240402123035233', '--json').stdout) as { version: string; readOptimized: boolean; rows: unknown[][] };
    assert.deepEqual([doc.version, doc.readOptimized, doc.rows], ['20240402123035233', false, [['5', '20240402123035233']]]);
    const mor = JSON.parse(run('sql', T.mor9, 'SELECT count(*) FROM t', '--version', '20260307135932100', '--json').stdout) as { readOptimized: boolean; notes: string[] };
    assert.equal(mor.readOptimized, true);
    assert.equal(mor.notes.length, 1);
    const human = run('sql', T.mor9, 'SELECT count(*) FROM t', '--version', '20260307135932100');
    assert.match(human.stdout, /^READ-OPTIMIZED VIEW: /);
    assert.match(human.stdout, /\(1 row, read-optimized view\)/);
  });

  test('export: every format; the summary says when the rows are read-optimized', () => {
    for (const ext of ['parquet', 'csv', 'jsonl']) {
      const out = path.join(tmp, `cli-trips.${ext}`);
      const s = JSON.parse(run('export', T.trips, '--out', out, '--json').stdout) as { rows: number; readOptimized: boolean };
      assert.deepEqual([s.rows, s.readOptimized], [5, false]);
      assert.ok(fs.statSync(out).size > 0);
    }
    const mor = run('export', T.mor6, '--out', path.join(tmp, 'cli-mor.csv'));
    assert.equal(mor.code, 0, mor.stderr);
    assert.match(mor.stdout, /^READ-OPTIMIZED VIEW: /);
    assert.match(mor.stdout, /wrote 4 rows of version 20250117083136333 \(read-optimized view\) to /);
    const doc = JSON.parse(run('export', T.mor6, '--out', path.join(tmp, 'cli-mor.jsonl'), '--json').stdout) as { readOptimized: boolean; notes: string[] };
    assert.equal(doc.readOptimized, true);
    assert.equal(doc.notes.length, 1);
  });
});
