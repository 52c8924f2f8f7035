/**
 * The demo lakehouse generator (scripts/demo, used by `npm start`): generated into a temp folder,
 * then read back with the project's own readers.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { generateDemoLakehouse, type DemoSummary } from '../scripts/demo/generate';
import { detectTables } from '../src/core/detect';
import { DeltaTable } from '../src/core/delta/table';
import { FsStorage } from '../src/core/storage/local';
import { openTable } from '../src/core/table';

let dir = '';
let summary: DemoSummary;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lakelens-demo-test-'));
  summary = await generateDemoLakehouse(path.join(dir, 'lake'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const table = (rel: string) => new FsStorage(path.join(dir, 'lake', rel));

test('demo: detect finds the three tables and nothing in landing/', async () => {
  const found = (await detectTables(new FsStorage(path.join(dir, 'lake')))).map((t) => `${t.format} ${t.path}`).sort();
  assert.deepEqual(found, ['delta bronze/events', 'delta silver/customers', 'iceberg gold/orders']);
  assert.deepEqual(summary.tables.map((t) => t.path), ['bronze/events', 'silver/customers', 'gold/orders']);
});

test('demo: silver/customers has create, 2 appends, a delete and an update', async () => {
  const t = new DeltaTable(table('silver/customers'));
  const snap = await t.snapshot();
  assert.equal(snap.version, 4);
  assert.equal(snap.numFiles, 4);
  assert.equal(snap.numRecords, 140); // 160 written, 20 deleted
  assert.equal(snap.tombstones.length, 2);
  const hist = await t.history({ limit: 10 });
  assert.deepEqual(hist.versions.map((v) => v.operation), ['UPDATE', 'DELETE', 'WRITE', 'WRITE', 'CREATE TABLE AS SELECT']);
  assert.deepEqual(hist.versions.map((v) => [v.addedFiles, v.removedFiles]), [[1, 1], [1, 1], [1, 0], [1, 0], [2, 0]]);
  assert.equal(hist.versions[1]!.operationMetrics.numDeletedRows, '20');
  const v2 = await t.snapshot({ version: 2 });
  assert.equal(v2.numFiles, 4);
  assert.equal(v2.numRecords, 160);
  // commit times: one a day from 2025-01-06 09:00 UTC
  assert.equal(hist.versions.at(-1)!.timestamp, Date.UTC(2025, 0, 6, 9));
  // stats made it into the log
  const f = snap.files.find((x) => x.numRecords === 30);
  assert.ok(f, 'a 30-row file');
});

test('demo: bronze/events has 60 files in 6 partitions and gains a column at version 5', async () => {
  const t = new DeltaTable(table('bronze/events'));
  const snap = await t.snapshot();
  assert.equal(snap.version, 9);
  assert.equal(snap.numFiles, 60);
  assert.equal(snap.numRecords, 1500);
  assert.deepEqual(snap.partitionColumns, ['event_date']);
  const parts = new Set(snap.files.map((f) => JSON.stringify(f.partitionValues)));
  assert.equal(parts.size, 6);
  const names = (s: typeof snap) => s.schema.fields.map((x) => x.name);
  assert.ok(names(snap).includes('country'));
  const v4 = await t.snapshot({ version: 4 });
  assert.equal(v4.numFiles, 30);
  assert.ok(!names(v4).includes('country'));
});

test('demo: gold/orders is an Iceberg v2 table with 5 snapshots, position deletes and a schema change', async () => {
  const t = await openTable(table('gold/orders'));
  assert.equal(t.format, 'iceberg');
  const hist = await t.history({ limit: 10 });
  assert.deepEqual(hist.versions.map((v) => v.operation), ['append', 'delete', 'overwrite', 'append', 'append']);
  const snap = await t.snapshot();
  const data = snap.files.filter((f) => f.content === undefined || f.content === 'data');
  assert.equal(data.length, 4);
  assert.equal(snap.numRecords, 160);
  assert.equal(snap.numDeletedRecords, 5);
  assert.ok(snap.schema.fields.some((f) => f.name === 'channel'));
  const first = await t.snapshot({ version: hist.versions.at(-1)!.version });
  assert.equal(first.files.length, 2);
  assert.ok(!first.schema.fields.some((f) => f.name === 'channel'));
});
