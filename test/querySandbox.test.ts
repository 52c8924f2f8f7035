/**
 * The DuckDB sandbox and the engine's API behaviour: user SQL cannot reach outside the table,
 * write, attach, install/load extensions or change settings; queries stream, can be cancelled,
 * spill to the engine's own temp folder; exports write only where asked; DuckDB is loaded lazily.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { DeltaTable } from '../src/core/delta/table';
import { LakeError } from '../src/core/errors';
import type { Snapshot } from '../src/core/model';
import { FsStorage } from '../src/core/storage/local';
import { duckDBRequested } from '../src/query/duckdb';
import { QueryEngine, type TableQuery } from '../src/query/engine';
import { CORPUS, REPO } from './helpers/corpus';

const SOURCE = path.join(CORPUS, 'open/dat/basic_partitioned/delta');
let tmp: string;
let root: string;
let engine: QueryEngine;
let q: TableQuery;
let snap: Snapshot;

function copyDir(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const d of fs.readdirSync(from, { withFileTypes: true })) {
    if (d.isDirectory()) copyDir(path.join(from, d.name), path.join(to, d.name));
    else fs.copyFileSync(path.join(from, d.name), path.join(to, d.name));
  }
}

function listAll(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true }).map(String).sort();
}

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lakelens-sandbox-'));
  root = path.join(tmp, 'table');
  copyDir(SOURCE, root);
  engine = new QueryEngine({ memoryLimit: '256MB', threads: 2 });
  assert.equal(duckDBRequested(), false, 'constructing the engine must not load DuckDB');
  const storage = new FsStorage(root);
  snap = await new DeltaTable(storage).snapshot();
  q = engine.table(storage);
  assert.equal(duckDBRequested(), false, 'opening a table must not load DuckDB');
});

after(async () => {
  await engine.dispose();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function all(text: string): Promise<unknown[][]> {
  const res = await q.sql(snap, text);
  const rows: unknown[][] = [];
  for await (const page of res) rows.push(...page);
  return rows;
}

async function refused(text: string, pattern: RegExp = /.*/): Promise<void> {
  const before = listAll(root);
  await assert.rejects(all(text), (e: unknown) => e instanceof LakeError && pattern.test(e.message), text);
  assert.deepEqual(listAll(root), before, `${text} changed the table folder`);
}

test('the view t holds the snapshot', async () => {
  const rows = await all('SELECT count(*) FROM t');
  assert.equal(rows[0]![0], String(snap.numRecords));
});

test('reading outside the table is refused', async () => {
  await refused(`SELECT * FROM read_csv('/etc/passwd')`, /Permission|disabled/);
  await refused(`SELECT * FROM read_text('/etc/passwd')`, /Permission|disabled/);
  await refused(`SELECT * FROM read_blob('${SOURCE}/_delta_log/00000000000000000000.json')`, /Permission|disabled/);
  await refused(`SELECT * FROM glob('/etc/*')`, /Permission|disabled/);
  await refused(`SELECT * FROM read_text('${root}/../../etc/passwd')`, /Permission|disabled/);
  await refused(`SELECT * FROM read_parquet('${path.join(CORPUS, 'open/dat/basic_append/delta')}/*.parquet')`, /Permission|disabled/);
});

test('a symlink inside the table does not lead user SQL out of it', async () => {
  const link = path.join(root, 'leak.txt');
  fs.symlinkSync('/etc/hostname', link);
  try {
    await refused(`SELECT * FROM read_text('${link}')`, /Permission|disabled/);
  } finally {
    fs.rmSync(link);
  }
});

test('more ways to read outside the table are refused: other readers, URIs, lists, replacement scans, a folder symlink', async () => {
  // a folder outside the table, reachable through a symlink inside it
  const outside = path.join(tmp, 'outside');
  fs.mkdirSync(outside, { recursive: true });
  fs.writeFileSync(path.join(outside, 'secret.csv'), 'a,b\n1,2\n');
  fs.symlinkSync(outside, path.join(root, 'linkdir'));
  try {
    for (const q of [
      `SELECT * FROM read_json('/etc/os-release')`,
      `SELECT * FROM read_json_auto('${outside}/secret.csv')`,
      `SELECT * FROM read_ndjson_objects('/etc/hostname')`,
      `SELECT * FROM sniff_csv('/etc/passwd')`,
      `SELECT * FROM parquet_metadata('${path.join(CORPUS, 'open/dat/basic_append/delta')}/*.parquet')`,
      `SELECT * FROM parquet_schema('${path.join(CORPUS, 'open/dat/basic_append/delta')}/*.parquet')`,
      `SELECT * FROM read_text('file:///etc/passwd')`,
      `SELECT * FROM read_text(['${root}/_delta_log/00000000000000000000.json', '/etc/passwd'])`,
      `FROM '/etc/passwd'`,
      `FROM '${outside}/secret.csv'`,
      `SELECT * FROM read_csv('${root}/linkdir/secret.csv')`,
      `SELECT * FROM read_text('${root}/../outside/secret.csv')`,
      `SELECT * FROM read_text('http://127.0.0.1:9/x')`,
      `SELECT * FROM read_parquet('s3://bucket/x.parquet')`,
    ]) {
      await refused(q, /Permission|disabled|not (been )?loaded|Extension|Catalog Error|IO Error/);
    }
    // a recursive glob does not follow the folder symlink out of the table
    const files = (await all(`SELECT file FROM glob('${root}/**')`)).map((r) => String(r[0]));
    assert.ok(files.length > 0);
    assert.ok(files.every((f) => !f.includes('secret')), files.join('\n'));
  } finally {
    fs.rmSync(path.join(root, 'linkdir'));
  }
});

test('more ways to write, attach, install or reconfigure are refused too', async () => {
  const cases = [
    `COPY (SELECT 1) TO '${root}/../escape.csv'`,
    `COPY (SELECT 1) TO '/dev/stdout'`,
    `COPY t TO '${tmp}/t.json' (FORMAT json)`,
    `COPY FROM DATABASE memory TO memory`,
    `IMPORT DATABASE '${tmp}'`,
    `ATTACH '${tmp}/new.duckdb'`,
    `DETACH memory`,
    `USE memory`,
    `CREATE SECRET s (TYPE s3, KEY_ID 'a', SECRET 'b')`,
    `CREATE OR REPLACE TEMP VIEW t AS SELECT 1`,
    `DROP VIEW t`,
    `UPDATE t SET letter = 'x'`,
    `DELETE FROM t`,
    `VACUUM`,
    `FORCE INSTALL httpfs`,
    `INSTALL httpfs FROM 'http://127.0.0.1:9'`,
    `SET GLOBAL enable_external_access = true`,
    `SET SESSION memory_limit = '10GB'`,
    `SET VARIABLE x = 1`,
    `SET profiling_output = '${root}/profile.json'`,
    `RESET ALL`,
    `PRAGMA enable_profiling`,
    `CALL enable_logging()`,
    `SELECT 1; SELECT 2`,
    `WITH x AS (SELECT 1) SELECT * FROM x; DROP VIEW t`,
  ];
  for (const c of cases) await refused(c);
  for (const f of ['escape.csv', 't.json', 'new.duckdb']) assert.ok(!fs.existsSync(path.join(tmp, f)), f);
  assert.ok(!fs.existsSync(path.join(root, 'profile.json')));
  // the view and the settings are as they were
  assert.equal((await all('SELECT count(*) FROM t'))[0]![0], String(snap.numRecords));
  assert.equal((await all(`SELECT current_setting('enable_external_access')::VARCHAR`))[0]![0], 'false');
});

test('reading the table’s own files is allowed', async () => {
  const rows = await all(`SELECT count(*) FROM glob('${root}/_delta_log/*.json')`);
  assert.ok(Number(rows[0]![0]) >= 1);
});

test('writes, attach, extensions and settings are refused', async () => {
  const cases = [
    `COPY (SELECT 1) TO '${root}/x.csv'`,
    `COPY (SELECT 1) TO '${tmp}/x.csv'`,
    `COPY t TO '${root}/t.parquet' (FORMAT parquet)`,
    `EXPORT DATABASE '${root}/db'`,
    `EXPORT DATABASE '${tmp}/db'`,
    `ATTACH ':memory:' AS m`,
    `ATTACH '${root}/x.db' AS x`,
    `INSTALL httpfs`,
    `LOAD httpfs`,
    `LOAD '${root}/evil.duckdb_extension'`,
    `SET memory_limit = '10GB'`,
    `SET enable_external_access = true`,
    `SET allowed_directories = ['/']`,
    `RESET memory_limit`,
    `PRAGMA memory_limit = '1GB'`,
    `CREATE TABLE x AS SELECT * FROM t`,
    `CREATE VIEW v AS SELECT 1`,
    `INSERT INTO t VALUES (1)`,
    `CALL pragma_version()`,
    `CHECKPOINT`,
    `SELECT 1; COPY (SELECT 1) TO '${root}/y.csv'`,
    `SELECT * FROM query('COPY (SELECT 1) TO ''${root}/z.csv''')`,
  ];
  for (const c of cases) await refused(c);
  for (const f of ['x.csv', 't.parquet', 'db', 'x.db', 'y.csv', 'z.csv']) assert.ok(!fs.existsSync(path.join(root, f)), f);
  assert.ok(!fs.existsSync(path.join(tmp, 'x.csv')) && !fs.existsSync(path.join(tmp, 'db')));
});

test('settings are locked as configured', async () => {
  const rows = await all(
    `SELECT current_setting('enable_external_access')::VARCHAR, current_setting('lock_configuration')::VARCHAR, current_setting('autoinstall_known_extensions')::VARCHAR, current_setting('autoload_known_extensions')::VARCHAR, current_setting('TimeZone'), current_setting('temp_directory'), current_setting('memory_limit'), current_setting('threads')::VARCHAR`,
  );
  const [ext, lock, ai, al, tz, temp, mem, threads] = rows[0]!.map(String);
  assert.deepEqual([ext, lock, ai, al, tz], ['false', 'true', 'false', 'false', 'UTC']);
  assert.ok(temp!.startsWith(path.join(os.tmpdir(), 'lakelens-duckdb-')), `temp_directory ${temp}`);
  assert.ok(!temp!.startsWith(root));
  assert.match(mem!, /^2[0-9.]+ MiB$/);
  assert.equal(threads, '2');
});

test('read-only statements of every SELECT form work', async () => {
  assert.equal((await all('FROM t')).length, snap.numRecords);
  assert.ok((await all('DESCRIBE t')).length >= 3);
  assert.ok((await all('SUMMARIZE t')).length >= 3);
  assert.deepEqual(await all('VALUES (1)'), [[1]]);
  assert.deepEqual(await all('WITH x AS (SELECT 2 AS a) SELECT a FROM x'), [[2]]);
});

test('results stream in pages of at most 2,048 rows', async () => {
  const res = await q.sql(snap, 'SELECT range AS i FROM range(5000)');
  assert.deepEqual(res.columns, [{ name: 'i', type: 'BIGINT' }]);
  const sizes: number[] = [];
  for (let page = await res.next(); page; page = await res.next()) sizes.push(page.length);
  assert.equal(sizes.reduce((a, b) => a + b, 0), 5000);
  assert.ok(sizes.length >= 3 && sizes.every((s) => s <= 2048), `pages ${sizes}`);
});

test('a long query is cancelled by its AbortSignal and the engine stays usable', async () => {
  const ac = new AbortController();
  const started = Date.now();
  setTimeout(() => ac.abort(), 200);
  await assert.rejects(
    (async () => {
      const res = await q.sql(snap, 'SELECT count(*) FROM range(100000000000) r(a) WHERE a % 7 = 3', ac.signal);
      await res.next();
    })(),
    (e: unknown) => e instanceof LakeError && e.kind === 'cancelled',
  );
  assert.ok(Date.now() - started < 5000, 'cancelled promptly');
  assert.equal((await all('SELECT 1'))[0]![0], 1);
});

test('large intermediate results spill to the engine temp folder, not the table', async () => {
  // 3M distinct 32-character strings cannot fit in 48 MB: this only succeeds by spilling
  const small = new QueryEngine({ memoryLimit: '48MB', threads: 1 });
  try {
    const storage = new FsStorage(root);
    const res = await small.table(storage).sql(snap, `SELECT count(*) FROM (SELECT DISTINCT md5(i::VARCHAR) FROM range(3000000) r(i))`);
    assert.equal((await res.next())![0]![0], '3000000');
    res.close();
  } finally {
    await small.dispose();
  }
  assert.ok(!listAll(root).some((f) => f.includes('.tmp') || f.includes('duckdb')));
});

test('exports write exactly the chosen file; never inside the table', async () => {
  for (const format of ['parquet', 'csv', 'jsonl'] as const) {
    const out = path.join(tmp, `export.${format}`);
    const r = await q.export(snap, format, out);
    assert.equal(r.rows, snap.numRecords);
    assert.ok(fs.statSync(out).size > 0);
  }
  const lines = fs.readFileSync(path.join(tmp, 'export.jsonl'), 'utf8').trim().split('\n');
  assert.equal(lines.length, snap.numRecords);
  assert.deepEqual(Object.keys(JSON.parse(lines[0]!)).sort(), snap.schema.fields.map((f) => f.name).sort());
  await assert.rejects(q.export(snap, 'csv', path.join(root, 'x.csv')), /inside the table/);
  await assert.rejects(q.export(snap, 'csv', path.join(tmp, 'no-such-dir', 'x.csv')), /does not exist/);
});

test('a data file that is a symlink out of the table is refused', async () => {
  const evil = path.join(tmp, 'evil');
  copyDir(SOURCE, evil);
  const victim = snap.files[0]!.path;
  fs.rmSync(path.join(evil, victim));
  fs.symlinkSync(path.join(SOURCE, victim), path.join(evil, victim));
  const storage = new FsStorage(evil);
  const s = await new DeltaTable(storage).snapshot();
  await assert.rejects(engine.table(storage).preview(s, 0, 100), (e: unknown) => e instanceof LakeError && e.kind === 'out-of-root');
});

test('the CLI loads DuckDB only for rows, sql and export', () => {
  const cli = path.join(REPO, 'dist', 'cli.js');
  const guard = path.join(tmp, 'no-duckdb.js');
  fs.writeFileSync(
    guard,
    `const M = require('module'); const load = M._load; M._load = function (r, ...a) { if (String(r).includes('@duckdb')) throw new Error('DuckDB loaded'); return load.call(this, r, ...a); };`,
  );
  const env = { ...process.env, NODE_OPTIONS: `--require ${guard}` };
  for (const args of [['schema', SOURCE, '--json'], ['snapshot', SOURCE, '--json'], ['history', SOURCE, '--json']]) {
    const r = spawnSync(process.execPath, [cli, ...args], { env, encoding: 'utf8' });
    assert.equal(r.status, 0, `${args[0]}: ${r.stderr}`);
  }
  const r = spawnSync(process.execPath, [cli, 'rows', SOURCE, '--json'], { env, encoding: 'utf8' });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /DuckDB/);
  const ok = JSON.parse(execFileSync(process.execPath, [cli, 'rows', SOURCE, '--json', '--limit', '2'], { encoding: 'utf8' })) as { rows: unknown[]; totalRows: number };
  assert.equal(ok.rows.length, 2);
  assert.equal(ok.totalRows, snap.numRecords);
});

test('CLI: sql --json streams one document; export writes the file; refusals exit 1', () => {
  const cli = path.join(REPO, 'dist', 'cli.js');
  const out = JSON.parse(execFileSync(process.execPath, [cli, 'sql', SOURCE, 'SELECT letter, count(*) AS n FROM t GROUP BY letter ORDER BY letter', '--json'], { encoding: 'utf8' })) as {
    columns: { name: string; type: string }[];
    rows: unknown[][];
  };
  assert.deepEqual(out.columns, [
    { name: 'letter', type: 'VARCHAR' },
    { name: 'n', type: 'BIGINT' },
  ]);
  assert.ok(out.rows.length >= 1 && typeof out.rows[0]![1] === 'string', 'BIGINT as a string');
  const dest = path.join(tmp, 'cli.jsonl');
  const summary = JSON.parse(execFileSync(process.execPath, [cli, 'export', SOURCE, '--out', dest, '--json'], { encoding: 'utf8' })) as { rows: number };
  assert.equal(summary.rows, snap.numRecords);
  assert.equal(fs.readFileSync(dest, 'utf8').trim().split('\n').length, snap.numRecords);
  const bad = spawnSync(process.execPath, [cli, 'sql', SOURCE, `COPY t TO '${tmp}/x.parquet'`], { encoding: 'utf8' });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /^lakelens: SQL: /);
});
