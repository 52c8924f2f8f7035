/**
 * Conformance of the query engine on Iceberg: every snapshot of every Iceberg table in the corpus.
 * Where the snapshot's files are Parquet, the engine's row count must equal the manifests' record
 * counts minus the deletes that apply, and its rows (top-level primitive columns) must equal, as a
 * multiset, an independent reading of the data and delete files (helpers/icebergOracle.ts).
 * Where they are not (ORC, Avro), the engine must refuse with an error naming the format and file.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { DuckDBConnection } from '@duckdb/node-api';
import { referenceConnection, sqlString } from './helpers/duck';
import { LakeError } from '../src/core/errors';
import type { IcebergSnapshot } from '../src/core/iceberg/snapshot';
import { FsStorage } from '../src/core/storage/local';
import { openTable } from '../src/core/table';
import { QueryEngine } from '../src/query/engine';
import { corpusIndex, tableRoot } from './helpers/corpus';
import { buildOracle } from './helpers/icebergOracle';
import { checkPages } from './helpers/pages';

const engine = new QueryEngine({ memoryLimit: '512MB', threads: 2 });
let conn: DuckDBConnection;
let tmp: string;
const results: { name: string; outcome: 'rows' | 'refused' | 'fail'; detail: string }[] = [];

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lakelens-iceconf-'));
  conn = await referenceConnection();
});

after(async () => {
  await engine.dispose();
  fs.rmSync(tmp, { recursive: true, force: true });
  const rows = results.filter((r) => r.outcome === 'rows').length;
  const refused = results.filter((r) => r.outcome === 'refused').length;
  const failed = results.filter((r) => r.outcome === 'fail');
  process.stdout.write(`# iceberg conformance: ${rows} snapshots with rows checked, ${refused} refused as documented, ${failed.length} failed (of ${results.length})\n`);
  for (const r of results) if (r.outcome !== 'rows') process.stdout.write(`#   ${r.outcome.toUpperCase()} ${r.name}: ${r.detail}\n`);
});

const tables = corpusIndex().filter((e) => e.iceberg);

test('the corpus has its Iceberg tables', () => {
  assert.ok(tables.length >= 60, `found ${tables.length}`);
});

const count = async (sql: string) => Number((await conn.runAndReadAll(`SELECT count(*) FROM (${sql})`)).getRowsJS()[0]![0]);

for (const e of tables) {
  test(`iceberg ${e.table_root}: rows at every snapshot`, async () => {
    const root = tableRoot(e);
    const storage = new FsStorage(root);
    const t = await openTable(storage, 'iceberg');
    const versions = (await t.history({ limit: 10_000 })).versions.map((v) => String(v.version));
    const q = engine.table(storage);
    const failures: string[] = [];
    for (const v of versions) {
      const name = `${e.table_root}@${v}`;
      let snap: IcebergSnapshot;
      try {
        snap = (await t.snapshot({ snapshotId: v })) as IcebergSnapshot;
      } catch (err) {
        // snapshots whose manifest list is gone are the reader's business (icebergCorpus.test.ts)
        if (err instanceof LakeError && err.kind === 'missing') continue;
        throw err;
      }
      const foreign = snap.files.find((f) => (f.fileFormat ?? 'parquet') !== 'parquet' && f.content !== 'deletion-vector');
      try {
        if (foreign) {
          await assert.rejects(q.preview(snap, 0, 10), (err: unknown) => err instanceof LakeError && err.kind === 'unsupported' && err.message.includes(foreign.fileFormat!.toUpperCase()) && err.message.includes('('));
          results.push({ name, outcome: 'refused', detail: `${foreign.fileFormat!.toUpperCase()} ${foreign.content} file, refused with a clear error` });
          continue;
        }
        const variantOrMissingIds = await (async () => {
          try {
            return { page: await q.preview(snap, 0, 5) };
          } catch (err) {
            if (err instanceof LakeError && err.kind === 'unsupported' && /variant|field ids/.test(err.message)) return { refused: err.message };
            throw err;
          }
        })();
        if ('refused' in variantOrMissingIds) {
          results.push({ name, outcome: 'refused', detail: variantOrMissingIds.refused! });
          continue;
        }
        const out = path.join(tmp, `${results.length}.parquet`);
        const exported = await q.export(snap, 'parquet', out);
        const actual = `read_parquet(${sqlString(out)})`;
        const oracle = await buildOracle(conn, snap, root, (p, a, b) => fs.readFileSync(path.join(root, p)).subarray(a, b), `o${results.length}`);
        const want = await count(oracle.sql);
        assert.equal(exported.rows, want, 'row count equals records minus applied deletes');
        assert.equal(variantOrMissingIds.page.totalRows, want, 'preview total');
        const hasDeletes = snap.files.some((f) => f.content !== 'data');
        if (!hasDeletes) {
          const records = snap.files.reduce((n, f) => n + (f.numRecords ?? 0), 0);
          assert.equal(want, records, 'no deletes: rows equal the manifests\' record counts');
        }
        const cols = oracle.columns.join(', ') || '1';
        const missing = await count(`${oracle.sql} EXCEPT ALL SELECT ${cols} FROM ${actual}`);
        const extra = await count(`SELECT ${cols} FROM ${actual} EXCEPT ALL ${oracle.sql}`);
        assert.equal(missing + extra, 0, `${missing} rows missing, ${extra} unexpected`);
        await checkPages(q, snap, Math.min(10_000, Math.max(3, Math.ceil(want / 8))));
        results.push({ name, outcome: 'rows', detail: `${want} rows${hasDeletes ? `, deletes checked row by row (${oracle.positionDeleted} by position)` : ''}` });
      } catch (err) {
        const detail = (err as Error).message.split('\n')[0]!;
        results.push({ name, outcome: 'fail', detail });
        failures.push(`${v}: ${detail}`);
      }
    }
    assert.deepEqual(failures, []);
  });
}

test('iceberg v3 row lineage: _row_id unique and inherited from first_row_id + position; sequence numbers inherited', async () => {
  let checked = 0;
  for (const e of tables.filter((x) => (x.iceberg as { format_version?: number }).format_version === 3)) {
    const storage = new FsStorage(tableRoot(e));
    const t = await openTable(storage, 'iceberg');
    const q = engine.table(storage, { rowLineage: true });
    for (const v of (await t.history({ limit: 1000 })).versions) {
      const snap = (await t.snapshot({ snapshotId: String(v.version) })) as IcebergSnapshot;
      if (snap.files.some((f) => (f.fileFormat ?? 'parquet') !== 'parquet' && f.content !== 'deletion-vector')) continue;
      let res;
      try {
        res = await q.sql(snap, 'SELECT count(*), count(DISTINCT _row_id), count(_row_id), count(_last_updated_sequence_number), max(_last_updated_sequence_number) FROM t');
      } catch (err) {
        if (err instanceof LakeError && err.kind === 'unsupported') continue; // variant columns
        throw err;
      }
      const [n, distinct, rowIds, seqs, maxSeq] = (await res.next())![0]!.map(Number);
      res.close();
      assert.equal(distinct, n, `${e.table_root}@${v.version}: _row_id unique`);
      assert.equal(rowIds, n, 'no NULL _row_id');
      assert.equal(seqs, n, 'no NULL _last_updated_sequence_number');
      if (n! > 0) assert.ok(maxSeq! <= Number(snap.sequenceNumber), 'sequence numbers at most the snapshot\'s');
      checked++;
    }
  }
  assert.ok(checked >= 10, `checked ${checked} snapshots`);
  const storage = new FsStorage(path.join(tableRoot(tables.find((x) => x.table_root.endsWith('iceberg_v3_row_lineage'))!)));
  const snap = await (await openTable(storage, 'iceberg')).snapshot();
  const res = await engine.table(storage, { rowLineage: true }).sql(snap, 'SELECT i, _row_id, _last_updated_sequence_number FROM t ORDER BY _row_id');
  const rows: unknown[][] = [];
  for await (const page of res) rows.push(...page);
  // the compacted file stores lineage written by earlier commits: row ids 0..2 with their commits' sequence numbers
  assert.deepEqual(rows, [
    [1, '0', '1'],
    [2, '1', '2'],
    [3, '2', '3'],
  ]);
});
