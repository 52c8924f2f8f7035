/**
 * The `lakelens` CLI on Hudi tables, as a user runs it: detect, history, snapshot and schema with
 * `--json` give the documented shapes; version and timestamp selection; human output; errors.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { corpusPath } from './helpers/corpus';
import { json, run } from './helpers/cli';

const TRIPS = corpusPath('open/hudi-rs/v6_cow_trips_partitioned');
const V9MOR = corpusPath('open/hudi-rs/v9_mor_txns_nonpart_nometa');


type Obj = Record<string, unknown>;

describe('lakelens CLI on Hudi tables', () => {
  test('detect finds every Hudi table, and nothing inside .hoodie', () => {
    const found = json('detect', corpusPath('open/hudi-rs')) as { path: string; format: string }[];
    assert.deepEqual(found.map((t) => t.path), ['v6_cow_empty', 'v6_cow_nonpartitioned', 'v6_cow_trips_partitioned', 'v6_mor_nonpartitioned', 'v8_cow_nonpartitioned', 'v9_cow_txns_nonpart_nometa', 'v9_mor_txns_nonpart_nometa']);
    assert.ok(found.every((t) => t.format === 'hudi'));
  });

  test('history: instants newest first with action, state, operation and write stats', () => {
    const h = json('history', V9MOR) as Obj[];
    assert.equal(h.length, 12);
    assert.deepEqual(h.slice(0, 3).map((v) => [v.version, v.action, v.state, v.operation]), [
      ['20260307135937880', 'deltacommit', 'completed', 'INSERT'],
      ['20260307135937430', 'replacecommit', 'completed', 'CLUSTER'],
      ['20260307135936824', 'commit', 'completed', 'COMPACT'],
    ]);
    for (const v of h) {
      assert.equal(typeof v.version, 'string');
      assert.equal(typeof v.timestamp, 'number');
      for (const k of ['operationParameters', 'operationMetrics', 'addedFiles', 'removedFiles', 'extra']) assert.ok(k in v, `missing ${k}`);
    }
    const page = json('history', V9MOR, '--limit', '2', '--before', '20260307135936824') as Obj[];
    assert.deepEqual(page.map((v) => v.version), ['20260307135936125', '20260307135935425']);
  });

  test('snapshot: the documented shape, with Hudi fields, files and slices', () => {
    const s = json('snapshot', TRIPS) as Obj & { files: Obj[] };
    for (const k of ['format', 'version', 'timestamp', 'schema', 'partitionColumns', 'properties', 'files', 'tombstones', 'numFiles', 'sizeBytes', 'numRecords', 'notes',
      'tableType', 'tableVersion', 'timelineLayoutVersion', 'recordKeyFields', 'partitionFields', 'baseFileFormat', 'populateMetaFields', 'readOptimized', 'pendingCompactions', 'earliestInstant']) {
      assert.ok(k in s, `missing ${k}`);
    }
    assert.deepEqual([s.format, s.version, s.tableType, s.numFiles, s.numRecords, s.readOptimized], ['hudi', '20240402144910683', 'COPY_ON_WRITE', 5, 5, false]);
    assert.deepEqual(s.tombstones, []);
    for (const f of s.files) for (const k of ['path', 'size', 'numRecords', 'partitionValues', 'fileId', 'partitionPath', 'baseInstant']) assert.ok(k in f, `file lacks ${k}`);
    const first = json('snapshot', TRIPS, '--version', '20240402123035233') as Obj;
    assert.equal(first.version, '20240402123035233');
    const byTs = json('snapshot', TRIPS, '--timestamp', '2024-04-02T18:00:00Z') as Obj;
    assert.equal(byTs.version, '20240402123035233');
    const mor = json('snapshot', V9MOR, '--version', '20260307135932100') as Obj & { files: (Obj & { logFiles: Obj[] })[] };
    assert.equal(mor.readOptimized, true);
    assert.equal(mor.files[0]!.logFiles.length, 3);
    assert.ok((mor.notes as string[]).some((n) => /read-optimized view/.test(n)));
  });

  test('schema: a struct with the meta columns marked', () => {
    const s = json('schema', V9MOR) as { type: string; fields: Obj[] };
    assert.equal(s.type, 'struct');
    assert.deepEqual(s.fields.filter((f) => f.metaColumn).map((f) => f.name), ['_hoodie_commit_time', '_hoodie_commit_seqno', '_hoodie_record_key', '_hoodie_partition_path', '_hoodie_file_name']);
    assert.deepEqual(s.fields.find((f) => f.name === 'amount'), { name: 'amount', type: 'decimal(15,2)', nullable: true });
  });

  test('human output names the table type and the read-optimized view', () => {
    const r = run('snapshot', V9MOR, '--version', '20260307135932100', '--files');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^format: +hudi$/m);
    assert.match(r.stdout, /^hudi: +MERGE_ON_READ, table version 9, timeline layout 2; deltacommit UPSERT_PREPPED$/m);
    assert.match(r.stdout, /^view: +read-optimized \(base files only; 3 log file\(s\)/m);
    const h = run('history', TRIPS);
    assert.match(h.stdout, /^20240402144910683 +2024-04-02T19:49:10\.683Z +UPSERT_PREPPED/m);
  });

  test('errors: exit 1 and one line naming the file', () => {
    const r = run('snapshot', TRIPS, '--version', '20240402123035234', '--json');
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr.trim(), /^lakelens: hudi: no instant 20240402123035234 on the timeline.*\(\.hoodie\)$/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  });
});
