/**
 * Big checkpoints are read by DuckDB (TableOptions.parquetActions); small ones by hyparquet. Both
 * readers must give the same snapshot: every corpus table with a Parquet checkpoint is opened
 * both ways (DuckDB forced with a 0-byte threshold) and compared field by field.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { DeltaTable } from '../src/core/delta/table';
import type { DataFile } from '../src/core/model';
import { FsStorage } from '../src/core/storage/local';
import { QueryEngine } from '../src/query/engine';
import { corpusIndex, tableRoot } from './helpers/corpus';

const engine = new QueryEngine({ memoryLimit: '256MB', threads: 2 });
after(() => engine.dispose());

const withParquetCheckpoints = corpusIndex().filter((e) => {
  const cps = e.delta?.checkpoints ?? {};
  return !e.table_root.includes('delta-negative') && Object.keys(cps).length > 0;
});

function fileKey(f: DataFile) {
  return JSON.stringify([f.path, f.size, f.numRecords, f.partitionValues, f.deletionVector ?? null, f.modificationTime, f.tags ?? null, String(f.baseRowId ?? ''), String(f.defaultRowCommitVersion ?? '')]);
}

describe('checkpoints read by DuckDB equal checkpoints read by hyparquet', () => {
  test('there are tables to compare', () => assert.ok(withParquetCheckpoints.length >= 30, String(withParquetCheckpoints.length)));
  for (const e of withParquetCheckpoints) {
    test(e.table_root, async () => {
      const storage = new FsStorage(tableRoot(e));
      const plain = await new DeltaTable(storage).snapshot();
      const viaDuck = await new DeltaTable(storage, { parquetActions: engine.parquetActions(storage), bigParquetBytes: 0 }).snapshot();
      assert.equal(viaDuck.version, plain.version);
      // the DuckDB read must have been used, not a fallback to older log files
      assert.deepEqual(viaDuck.checkpoint, plain.checkpoint);
      assert.ok(!viaDuck.notes.some((n) => /skipped unreadable checkpoint/.test(n)), viaDuck.notes.join('; '));
      assert.deepEqual(viaDuck.files.map(fileKey).sort(), plain.files.map(fileKey).sort());
      assert.deepEqual(viaDuck.tombstones.map((t) => JSON.stringify(t)).sort(), plain.tombstones.map((t) => JSON.stringify(t)).sort());
      assert.deepEqual(viaDuck.metadata, plain.metadata);
      assert.deepEqual(viaDuck.protocol, plain.protocol);
      assert.deepEqual(viaDuck.appTransactions, plain.appTransactions);
      assert.deepEqual(viaDuck.domainMetadata, plain.domainMetadata);
      assert.equal(viaDuck.numRecords, plain.numRecords);
    });
  }
});

describe('DuckDB STRUCT type strings', () => {
  test('top-level fields, nested types and quoted names', async () => {
    const { structFields } = await import('../src/query/checkpointRows');
    const f = structFields('STRUCT(path VARCHAR, partitionValues MAP(VARCHAR, VARCHAR), stats_parsed STRUCT(numRecords BIGINT, minValues STRUCT(a INTEGER)), "odd, name" BIGINT)');
    assert.deepEqual([...f.keys()], ['path', 'partitionValues', 'stats_parsed', 'odd, name']);
    assert.equal(f.get('partitionValues'), 'MAP(VARCHAR, VARCHAR)');
    assert.ok(structFields(f.get('stats_parsed')!).has('numRecords'));
    assert.equal(structFields('BIGINT').size, 0);
  });
});
