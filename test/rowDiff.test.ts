/**
 * "Diff with previous version": rows added and removed between two versions. The fast path (rows
 * of the files a commit added vs removed, with their deletion vectors) must agree with comparing
 * every row of both versions, and both with DAT's expected rows of each version.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { DeltaTable } from '../src/core/delta/table';
import { FsStorage } from '../src/core/storage/local';
import { QueryEngine } from '../src/query/engine';
import { diffChangedFiles, diffRows } from '../src/query/rowDiff';
import { corpusPath } from './helpers/corpus';

const engine = new QueryEngine({ memoryLimit: '512MB', threads: 2 });
after(() => engine.dispose());

/** Multiset of rows as sorted JSON keys (order-free comparison). */
function bag(rows: unknown[][]): string[] {
  return rows.map((r) => JSON.stringify(r)).sort();
}

const CASES: [string, number][] = [
  ['dat/basic_append/delta', 1],
  ['dat/basic_partitioned/delta', 1],
  ['dat/multi_partitioned/delta', 1],
  ['dat/multi_partitioned/delta', 2],
  ['dat/deletion_vectors/delta', 2],
  ['dat/partitioned_with_null/delta', 1],
  ['delta-rs/simple_table', 4],
  ['delta-kernel-rs-golden/dv-partitioned-with-checkpoint/delta', 2],
];

describe('row diff between consecutive versions', () => {
  for (const [rel, v] of CASES) {
    test(`${rel} v${v - 1} → v${v}: changed files agree with full comparison`, async () => {
      const root = corpusPath(`open/${rel}`);
      const t = new DeltaTable(new FsStorage(root));
      const q = engine.table(new FsStorage(root));
      const [older, newer] = [await t.snapshot({ version: v - 1 }), await t.snapshot({ version: v })];
      const signal = new AbortController().signal;
      const full = await diffRows(q, older, newer, signal);
      const fast = await diffChangedFiles(q, older, newer, await t.changes(v), signal);
      assert.ok(fast, 'fast path applies');
      assert.deepEqual(bag(fast.added), bag(full.added));
      assert.deepEqual(bag(fast.removed), bag(full.removed));
      // the net change in rows is what the versions' row counts say
      const count = async (s: typeof older) => (await q.preview(s, 0, 0)).totalRows;
      assert.equal(full.added.length - full.removed.length, (await count(newer)) - (await count(older)));
    });
  }

  test('DAT basic_append: the rows added by v1 are exactly expected(v1) minus expected(v0)', async () => {
    const root = corpusPath('open/dat/basic_append/delta');
    const t = new DeltaTable(new FsStorage(root));
    const q = engine.table(new FsStorage(root));
    const d = await diffRows(q, await t.snapshot({ version: 0 }), await t.snapshot({ version: 1 }), new AbortController().signal);
    // expected data read by DuckDB itself, independent of the table's log
    const exp = (v: string) => path.join(corpusPath('open/dat/basic_append/expected'), v, 'table_content');
    const files = (v: string) => fs.readdirSync(exp(v)).filter((f) => f.endsWith('.parquet')).map((f) => path.join(exp(v), f));
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const inst = await DuckDBInstance.create(':memory:');
    const conn = await inst.connect();
    const list = (v: string) => `[${files(v).map((f) => `'${f}'`).join(',')}]`;
    const cols = d.columns.map((c) => `"${c.name}"`).join(', ');
    const res = await conn.runAndReadAll(`SELECT ${cols} FROM read_parquet(${list('v1')}) EXCEPT ALL SELECT ${cols} FROM read_parquet(${list('v0')})`);
    const expected = res.getRowsJson();
    conn.closeSync();
    inst.closeSync();
    assert.equal(d.removed.length, 0);
    assert.deepEqual(bag(d.added), bag(expected as unknown[][]));
  });
});
