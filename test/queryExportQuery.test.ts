/**
 * `TableQuery.exportQuery` (a SQL result to Parquet, CSV or JSON Lines) and the error text of
 * user SQL. Exports must hold exactly the query's rows with its types, pass the same read-only
 * checks as `sql`, write only the chosen file (never inside the table), and refuse any statement
 * text that tries to reach outside. Errors in the user's SQL keep DuckDB's position (`LINE n:`
 * and a caret under the spot); other errors keep one line.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { DuckDBConnection } from '@duckdb/node-api';
import { referenceConnection, sqlString } from './helpers/duck';
import { DeltaTable } from '../src/core/delta/table';
import { LakeError } from '../src/core/errors';
import type { Snapshot } from '../src/core/model';
import { FsStorage } from '../src/core/storage/local';
import { QueryEngine, type TableQuery } from '../src/query/engine';
import { sqlErrorText } from '../src/query/sandbox';
import { CORPUS } from './helpers/corpus';

const SOURCE = path.join(CORPUS, 'open/dat/basic_partitioned/delta');
let tmp: string;
let root: string;
let out: string;
let engine: QueryEngine;
let q: TableQuery;
let snap: Snapshot;
let conn: DuckDBConnection;

function listAll(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true }).map(String).sort();
}

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lakelens-exportq-'));
  root = path.join(tmp, 'table');
  out = path.join(tmp, 'out');
  fs.cpSync(SOURCE, root, { recursive: true });
  fs.mkdirSync(out);
  engine = new QueryEngine({ memoryLimit: '256MB', threads: 2 });
  const storage = new FsStorage(root);
  snap = await new DeltaTable(storage).snapshot();
  q = engine.table(storage);
  conn = await referenceConnection();
});

after(async () => {
  await engine.dispose();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function sqlRows(text: string): Promise<{ columns: { name: string; type: string }[]; rows: unknown[][] }> {
  const res = await q.sql(snap, text);
  const rows: unknown[][] = [];
  for await (const page of res) rows.push(...page);
  return { columns: res.columns, rows };
}

async function sqlError(text: string): Promise<LakeError> {
  try {
    await sqlRows(text);
  } catch (err) {
    assert.ok(err instanceof LakeError, String(err));
    return err;
  }
  assert.fail(`${text} did not fail`);
}

describe('exportQuery writes the query result', () => {
  const QUERY = `SELECT letter, number, CAST(number AS DECIMAL(10,2)) AS d, number * 2 AS twice FROM t WHERE number > 1 ORDER BY number`;

  test('Parquet: the same rows and column types as sql()', async () => {
    const dest = path.join(out, 'q.parquet');
    const want = await sqlRows(QUERY);
    const r = await q.exportQuery(snap, QUERY, 'parquet', dest);
    assert.equal(r.rows, want.rows.length);
    assert.ok(want.rows.length > 0);
    const reader = await conn.runAndReadAll(`SELECT * FROM read_parquet(${sqlString(dest)})`);
    assert.deepEqual(reader.columnNames(), want.columns.map((c) => c.name));
    assert.deepEqual(reader.columnTypes().map((t) => t.toString()), want.columns.map((c) => c.type));
    assert.deepEqual(reader.getRowsJson(), want.rows, 'rows (in the ORDER BY order)');
  });

  test('CSV with a header, and JSON Lines in the lossless encoding', async () => {
    const want = await sqlRows(QUERY);
    const csv = path.join(out, 'q.csv');
    assert.equal((await q.exportQuery(snap, QUERY, 'csv', csv)).rows, want.rows.length);
    const lines = fs.readFileSync(csv, 'utf8').trim().split('\n');
    assert.equal(lines[0], 'letter,number,d,twice');
    assert.equal(lines.length, want.rows.length + 1);
    const back = await conn.runAndReadAll(`SELECT * FROM read_csv(${sqlString(csv)}, header = true, columns = {'letter': 'VARCHAR', 'number': 'BIGINT', 'd': 'DECIMAL(10,2)', 'twice': 'BIGINT'})`);
    assert.deepEqual(back.getRowsJson(), want.rows);
    const jsonl = path.join(out, 'q.jsonl');
    assert.equal((await q.exportQuery(snap, QUERY, 'jsonl', jsonl)).rows, want.rows.length);
    const objs = fs.readFileSync(jsonl, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(objs.map((o) => Object.values(o)), want.rows);
    assert.equal(typeof objs[0]!.number, 'string', 'BIGINT as a string');
  });

  test('a trailing semicolon or line comment, DESCRIBE and SUMMARIZE export too', async () => {
    for (const [text, rows] of [
      ['SELECT 1 AS a;', 1],
      ['SELECT 1 AS a ;  \n ', 1],
      ['SELECT 1 AS a -- the answer', 1],
      ['FROM t', snap.numRecords],
      ['DESCRIBE t', snap.schema.fields.length],
      ['SUMMARIZE t', snap.schema.fields.length],
    ] as const) {
      for (const fmt of ['parquet', 'csv'] as const) {
        const dest = path.join(out, `x.${fmt}`);
        assert.equal((await q.exportQuery(snap, text, fmt, dest)).rows, rows, `${JSON.stringify(text)} as ${fmt}`);
      }
    }
  });

  test('an error in the query is an SQL error with its position; no file is left', async () => {
    const dest = path.join(out, 'bad.parquet');
    await assert.rejects(q.exportQuery(snap, `SELECT CAST(letter || 'x' AS INTEGER) FROM t`, 'parquet', dest), (e: unknown) => e instanceof LakeError && e.kind === 'invalid-argument' && /^SQL: Conversion Error: /.test(e.message));
    assert.ok(!fs.existsSync(dest));
    await assert.rejects(q.exportQuery(snap, `SELECT nosuch FROM t`, 'csv', dest), (e: unknown) => e instanceof LakeError && /\nLINE 1: SELECT nosuch FROM t\n {15}\^/.test(e.message));
    await assert.rejects(q.exportQuery(snap, 'SELECT 1; -- trailing', 'csv', dest), /SQL: this statement cannot be exported as written/);
    assert.ok(!fs.existsSync(dest));
  });

  test('a long export is cancelled by its signal and leaves no file', async () => {
    const dest = path.join(out, 'long.parquet');
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    await assert.rejects(q.exportQuery(snap, 'SELECT a, md5(a::VARCHAR) FROM range(10000000000) r(a)', 'parquet', dest, ac.signal), (e: unknown) => e instanceof LakeError && e.kind === 'cancelled');
    assert.ok(!fs.existsSync(dest));
  });
});

describe('exportQuery sandbox', () => {
  const evil = () => path.join(tmp, 'evil.csv');

  async function refused(text: string, format: 'parquet' | 'csv' | 'jsonl' = 'parquet'): Promise<void> {
    const before = listAll(root);
    const dest = path.join(out, `refused.${format}`);
    await assert.rejects(q.exportQuery(snap, text, format, dest), (e: unknown) => e instanceof LakeError, text);
    assert.deepEqual(listAll(root), before, `${text} changed the table folder`);
    assert.ok(!fs.existsSync(evil()), `${text} wrote outside`);
    assert.ok(!fs.existsSync(dest), `${text} left the destination`);
  }

  test('statements that write, attach, load or change settings are refused in every format', async () => {
    const cases = [
      `COPY (SELECT 1) TO '${evil()}'`,
      `COPY t TO '${evil()}' (FORMAT csv)`,
      `COPY (SELECT 1) TO '${root}/x.csv'`,
      `EXPORT DATABASE '${tmp}/db'`,
      `ATTACH ':memory:' AS m`,
      `ATTACH '${tmp}/x.db' AS x`,
      `INSTALL httpfs`,
      `LOAD httpfs`,
      `SET enable_external_access = true`,
      `SET allowed_paths = ['${evil()}']`,
      `CREATE TABLE x AS SELECT * FROM t`,
      `SELECT 1; COPY (SELECT 1) TO '${evil()}'`,
      `SELECT * FROM query('COPY (SELECT 1) TO ''${evil()}''')`,
    ];
    for (const c of cases) for (const fmt of ['parquet', 'csv', 'jsonl'] as const) await refused(c, fmt);
    assert.ok(!fs.existsSync(path.join(tmp, 'db')) && !fs.existsSync(path.join(tmp, 'x.db')));
  });

  test('reading outside the table is refused (the one-off instance may read only the table)', async () => {
    for (const fmt of ['parquet', 'csv', 'jsonl'] as const) {
      await refused(`SELECT * FROM read_csv('/etc/passwd')`, fmt);
      await refused(`SELECT * FROM read_text('${root}/../../etc/passwd')`, fmt);
      await refused(`SELECT * FROM read_parquet('${path.join(CORPUS, 'open/dat/basic_append/delta')}/*.parquet')`, fmt);
      await refused(`SELECT * FROM glob('/etc/*')`, fmt);
    }
  });

  test('statement text that tries to break out of COPY ( … ) is refused', async () => {
    for (const text of [
      `SELECT 1) TO '${evil()}' (FORMAT csv); --`,
      `SELECT 1) TO '${evil()}' (FORMAT csv); COPY (SELECT 1`,
      `SELECT 1 AS a) TO '${evil()}'; SELECT (1`,
      `SELECT 1 /* ) TO '${evil()}' */`,
      `SELECT 1 -- ) TO '${evil()}' (FORMAT csv)`,
    ]) {
      const dest = path.join(out, 'breakout.csv');
      await q.exportQuery(snap, text, 'csv', dest).then(
        (r) => assert.equal(r.rows, 1, `${text} exported its own single row`),
        (e: unknown) => assert.ok(e instanceof LakeError, String(e)),
      );
      assert.ok(!fs.existsSync(evil()), `${text} wrote outside`);
      fs.rmSync(dest, { force: true });
    }
  });

  test('destinations inside the table, missing folders and folders are refused', async () => {
    for (const fmt of ['parquet', 'csv', 'jsonl'] as const) {
      await assert.rejects(q.exportQuery(snap, 'SELECT 1', fmt, path.join(root, `x.${fmt}`)), /refusing to write inside the table folder/);
      await assert.rejects(q.exportQuery(snap, 'SELECT 1', fmt, path.join(root, 'letter=a', `x.${fmt}`)), /refusing to write inside the table folder/);
      await assert.rejects(q.exportQuery(snap, 'SELECT 1', fmt, path.join(tmp, 'no-such-dir', `x.${fmt}`)), /does not exist/);
      await assert.rejects(q.exportQuery(snap, 'SELECT 1', fmt, out), /is a folder/);
    }
    const link = path.join(tmp, 'link-to-table');
    fs.symlinkSync(root, link);
    await assert.rejects(q.exportQuery(snap, 'SELECT 1', 'parquet', path.join(link, 'x.parquet')), /refusing to write inside the table folder/);
    assert.deepEqual(listAll(root), listAll(SOURCE));
  });
});

describe('errors in user SQL keep DuckDB’s position', () => {
  /** The caret's column in the line after `LINE n: …` equals the column of `token` in that line. */
  function assertCaretUnder(message: string, token: string): void {
    const lines = message.split('\n');
    const i = lines.findIndex((l) => /^LINE \d+: /.test(l));
    assert.ok(i >= 0 && i + 1 < lines.length, `no LINE context in ${JSON.stringify(message)}`);
    const context = lines[i]!;
    const caret = lines[i + 1]!;
    assert.match(caret, /^ *\^$/);
    assert.equal(context.indexOf(token, context.indexOf(': ') + 2), caret.indexOf('^'), `caret under ${token}: ${JSON.stringify(message)}`);
  }

  test('a syntax error: first line, LINE context and caret', async () => {
    const e = await sqlError('SELECT * FORM t');
    assert.equal(e.kind, 'invalid-argument');
    assert.match(e.message, /^SQL: Parser Error: syntax error at or near "t"\n/);
    assertCaretUnder(e.message, 't');
  });

  test('a binder error and a runtime error', async () => {
    const b = await sqlError('SELECT letter, nosuch FROM t');
    assert.match(b.message, /^SQL: Binder Error: Referenced column "nosuch" not found/);
    assertCaretUnder(b.message, 'nosuch');
    const r = await sqlError(`SELECT CAST('x' || letter AS INTEGER) FROM t`);
    assert.match(r.message, /^SQL: Conversion Error: Could not convert string/);
  });

  test('a multi-line query: the line of the error, tabs as spaces so the caret stays under it', async () => {
    const e = await sqlError('SELECT letter,\n\tnumber,\n\tnosuch\nFROM t');
    assert.ok(!e.message.includes('\t'));
    assert.match(e.message, /\nLINE 3: +nosuch\n/);
    assertCaretUnder(e.message, 'nosuch');
  });

  test('control characters from the query text are removed', async () => {
    const e = await sqlError(`SELECT nosuch, '\x1b[2J\x07\u202e' FROM t`);
    assert.ok(!/[\x00-\x09\x0b-\x1f\x7f\u202e]/.test(e.message), JSON.stringify(e.message));
    assertCaretUnder(e.message, 'nosuch');
  });

  test('sqlErrorText: CRLF, blank runs, bound', () => {
    assert.equal(sqlErrorText(new Error('A\r\nLINE 1: x\r\n\r\n\r\n\r\n  ^  \n')), 'A\nLINE 1: x\n\n  ^');
    const long = sqlErrorText(new Error('x'.repeat(10_000)));
    assert.equal(long.length, 2000);
    assert.ok(long.endsWith('…'));
  });

  test('errors that are not about the user’s SQL keep one line', async () => {
    const dir = path.join(tmp, 'missing-file');
    fs.cpSync(SOURCE, dir, { recursive: true });
    const storage = new FsStorage(dir);
    const s = await new DeltaTable(storage).snapshot();
    fs.rmSync(path.join(dir, s.files[0]!.path));
    const t = engine.table(storage);
    await assert.rejects(t.preview(s, 0, 10), (e: unknown) => e instanceof LakeError && e.kind === 'missing' && !e.message.includes('\n'));
    await assert.rejects(t.sql(s, 'SELECT * FROM t'), (e: unknown) => e instanceof LakeError && e.kind === 'missing' && !e.message.includes('\n'));
  });
});
