/**
 * Schema diff, column lineage, partitions and file health on real tables.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DeltaTable } from '../src/core/delta/table';
import { analyzeHealth, medianOf, parseIntervalHours, parseSize, sizeHistogram, smallFileThreshold } from '../src/core/health';
import { FsStorage } from '../src/core/storage/local';
import { summarizePartitions } from '../src/core/partitions';
import { Yielder } from '../src/core/yielder';
import { columnLineage, diffSchemas, isSafeWidening } from '../src/core/schemaDiff';
import { corpusPath } from './helpers/corpus';

const open = (rel: string) => new DeltaTable(new FsStorage(corpusPath(`open/${rel}`)));

async function diff(rel: string, a: number, b: number) {
  const t = open(rel);
  return diffSchemas(await t.snapshot({ version: a }), await t.snapshot({ version: b }));
}

describe('schema diff', () => {
  test('a rename under column mapping is one rename, matched by id', async () => {
    const d = await diff('dat/column_mapping/delta', 1, 2);
    assert.deepEqual(d.changes.map((c) => [c.kind, c.path.join('.'), c.before, c.after, c.id]), [['renamed', 'new_int', 'int', 'new_int', 2]]);
    const node = d.tree.find((n) => n.name === 'new_int')!;
    assert.equal(node.status, 'changed');
    assert.equal(node.oldName, 'int');
    assert.ok(d.tree.filter((n) => n.name !== 'new_int').every((n) => n.status === 'same'));
  });
  test('rename of a partition column changes the partitioning too', async () => {
    const d = await diff('delta-rs/table_with_partitioning_mapping', 2, 3);
    assert.deepEqual(d.changes.map((c) => [c.kind, c.before, c.after]), [['renamed', 'id', 'newid']]);
    assert.deepEqual(d.partitioning, { before: ['id'], after: ['newid'] });
  });
  test('enabling column mapping is a property change, not a schema change', async () => {
    const d = await diff('delta-rs/table_with_partitioning_mapping', 1, 2);
    assert.deepEqual(d.changes, []);
    assert.ok(d.properties.some((p) => p.key === 'delta.columnMapping.mode' && p.before === undefined && p.after === 'name'));
  });
  test('an overwrite with a new schema: drops and adds, matched by name', async () => {
    const d = await diff('dat/with_schema_change/delta', 0, 1);
    const kinds = d.changes.map((c) => `${c.kind}:${c.path.join('.')}`).sort();
    assert.deepEqual(kinds, ['added:num1', 'added:num2', 'removed:letter', 'removed:number']);
  });
  test('type widening is marked safe', async () => {
    const t = open('delta-kernel-rs/type-widening');
    const [a, b] = [await t.snapshot({ version: 1 }), await t.snapshot({ version: 2 })];
    const d = diffSchemas(a, b);
    const changed = b.schema.fields.filter((f, i) => JSON.stringify(f.type) !== JSON.stringify(a.schema.fields[i]!.type));
    assert.ok(changed.length >= 10);
    assert.equal(d.changes.filter((c) => c.kind === 'type-changed').length, changed.length);
    assert.ok(d.changes.filter((c) => c.kind === 'type-changed').every((c) => c.widening === 'safe'), JSON.stringify(d.changes));
  });
  test('widening rules', () => {
    assert.ok(isSafeWidening('integer', 'long'));
    assert.ok(isSafeWidening('int', 'long'));
    assert.ok(!isSafeWidening('long', 'integer'));
    assert.ok(isSafeWidening('decimal(10,2)', 'decimal(12,2)'));
    assert.ok(!isSafeWidening('decimal(10,2)', 'decimal(10,3)'));
    assert.ok(!isSafeWidening('string', 'binary'));
    assert.ok(isSafeWidening('date', 'timestamp_ntz'));
  });
});

describe('column lineage', () => {
  test('when was this column added and renamed', async () => {
    const hist = await open('dat/column_mapping/delta').schemaHistory();
    const ev = columnLineage(hist, ['new_int']);
    assert.deepEqual(ev.map((e) => [e.kind, e.version, e.name]), [['added', 0, 'int'], ['renamed', 2, 'new_int']]);
  });
  test('a dropped column ends with removed', async () => {
    const hist = await open('dat/with_schema_change/delta').schemaHistory();
    assert.deepEqual(columnLineage(hist, ['letter']).map((e) => [e.kind, e.version]), [['added', 0], ['removed', 1]]);
  });
});

describe('partitions and health', () => {
  test('partitions sum to the snapshot', async () => {
    const s = await open('dask-deltatable/partition').snapshot();
    const parts = summarizePartitions(s);
    assert.equal(parts.reduce((a, p) => a + p.files, 0), s.numFiles);
    assert.equal(parts.reduce((a, p) => a + p.bytes, 0), s.sizeBytes);
    assert.ok(parts.length > 1);
    assert.ok(parts.every((p, i) => i === 0 || parts[i - 1]!.bytes >= p.bytes));
    // files whose values are equal but not the same object land in the same partition
    const unshared = { ...s, files: s.files.map((f) => ({ ...f, partitionValues: { ...f.partitionValues } })) };
    assert.deepEqual(summarizePartitions(unshared), parts);
  });
  test('rows per file, partition skew and the yielding pass match a sort-based reference', async () => {
    // four files with three distinct row counts: the even-count median averages two of them
    const s = await open('delta-kernel-rs-golden/data-reader-timestamp_ntz/delta').snapshot();
    const inp = { snapshot: s, smallFileThreshold: 32 << 20, now: 0, costPerGbMonth: 0.023, tablePath: 't' };
    const r = await analyzeHealth(inp);
    const rows = s.files.map((f) => f.numRecords).filter((n): n is number => n !== null).sort((a, b) => a - b);
    assert.ok(rows.length > 2);
    const mid = rows.length >> 1;
    const med = rows.length % 2 ? rows[mid]! : (rows[mid - 1]! + rows[mid]!) / 2;
    assert.deepEqual(r.rowsPerFile, { min: rows[0], median: med, max: rows.at(-1), mean: rows.reduce((a, b) => a + b, 0) / rows.length });
    const parts = summarizePartitions(s).map((p) => p.bytes).sort((a, b) => a - b);
    assert.equal(r.partitions.count, parts.length);
    assert.equal(r.partitions.maxBytes, parts.at(-1));
    // pausing every millisecond changes nothing in the report
    assert.deepEqual(await analyzeHealth(inp, new Yielder(1)), r);
  });
  test('medianOf agrees with sorting: odd, even, duplicates, sorted, reversed', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const cases: number[][] = [[5], [2, 1], [3, 3, 3, 3], [1, 2, 3, 4, 5, 6], [9, 8, 7, 6, 5, 4, 3]];
    for (let n = 1; n < 300; n += 7) cases.push(Array.from({ length: n }, () => Math.floor(rnd() * (n % 3 ? 1000 : 4))));
    for (const c of cases) {
      const sorted = [...c].sort((a, b) => a - b);
      const m = sorted.length >> 1;
      const want = sorted.length % 2 ? sorted[m]! : (sorted[m - 1]! + sorted[m]!) / 2;
      assert.equal(medianOf(Float64Array.from(c)), want, JSON.stringify(c));
    }
    assert.equal(medianOf(new Float64Array(0)), 0);
  });
  test('many small files call for OPTIMIZE with the exact command', async () => {
    const s = await open('dask-deltatable/checkpoint').snapshot();
    const r = await analyzeHealth({ snapshot: s, smallFileThreshold: 32 << 20, now: Date.now(), costPerGbMonth: 0.023, tablePath: '/lake/t', log: { versions: 26, commitsSinceCheckpoint: 5, lastCheckpointVersion: 20 } });
    assert.equal(r.files, s.numFiles);
    assert.equal(r.smallFiles, s.numFiles);
    assert.equal(r.histogram.reduce((a, b) => a + b.files, 0), s.numFiles);
    assert.equal(r.histogram.reduce((a, b) => a + b.bytes, 0), s.sizeBytes);
    assert.equal(r.verdict.level, 'action');
    const opt = r.verdict.actions.find((a) => a.id === 'optimize')!;
    assert.equal(opt.command, 'OPTIMIZE delta.`/lake/t`');
    assert.ok(!r.verdict.actions.some((a) => a.id === 'checkpoint'));
  });
  test('tombstones past retention are what VACUUM reclaims', async () => {
    const s = await open('delta-rs/simple_table').snapshot();
    const withTs = s.tombstones.filter((t) => t.deletionTimestamp !== null);
    const latest = Math.max(...withTs.map((t) => t.deletionTimestamp!));
    const before = await analyzeHealth({ snapshot: s, smallFileThreshold: 1, now: latest, costPerGbMonth: 0.023, tablePath: 't' });
    assert.equal(before.vacuum!.reclaimableFiles, 0);
    const after = await analyzeHealth({ snapshot: s, smallFileThreshold: 1, now: latest + 8 * 24 * 3600_000, costPerGbMonth: 0.023, tablePath: 't' });
    assert.equal(after.vacuum!.reclaimableFiles, withTs.length);
    assert.ok(after.verdict.actions.some((a) => a.id === 'vacuum' && a.command === 'VACUUM delta.`t` RETAIN 168 HOURS'));
  });
  test('delta-rs tables get delta-rs commands first', async () => {
    const s = await open('delta-kernel-rs/app-txn-no-checkpoint').snapshot();
    const r = await analyzeHealth({ snapshot: s, smallFileThreshold: 1 << 30, now: 0, costPerGbMonth: 0.023, tablePath: '/x', engine: 'delta-rs.0.17.1', log: { versions: 60, commitsSinceCheckpoint: 59, lastCheckpointVersion: null } });
    const cp = r.verdict.actions.find((a) => a.id === 'checkpoint')!;
    assert.equal(cp.command, "DeltaTable('/x').create_checkpoint()");
  });
  test('threshold, sizes, intervals, histogram', () => {
    assert.deepEqual(smallFileThreshold({ 'delta.targetFileSize': '134217728' }, 1), { bytes: 100663296, source: '75% of delta.targetFileSize (134217728)' });
    assert.equal(smallFileThreshold({}, 5).bytes, 5);
    assert.equal(parseSize('128mb'), 128 * 1024 ** 2);
    assert.equal(parseSize('1 GB'), 1024 ** 3);
    assert.equal(parseSize('x'), undefined);
    assert.equal(parseIntervalHours('interval 7 days', 0), 168);
    assert.equal(parseIntervalHours('interval 2 weeks', 0), 336);
    assert.equal(parseIntervalHours('nonsense', 5), 5);
    const h = sizeHistogram([1, 1000, 1024, 5000, 1 << 20], 4096);
    assert.equal(h.reduce((a, b) => a + b.files, 0), 5);
    assert.ok(h.every((b) => b.hi === b.lo * 2));
    assert.ok(h.filter((b) => b.small).every((b) => b.hi <= 4096));
    // every size lands in the bucket spanning it: powers of two, their neighbours, beyond 4 GiB
    const sizes = [1, 3, 4, 1023, 1024, 1025, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 5 * 2 ** 32 + 7];
    const hb = sizeHistogram(sizes, 4096);
    for (const b of hb) assert.equal(b.files, sizes.filter((x) => b.lo <= x && x < b.hi).length, `${b.lo}..${b.hi}`);
    assert.equal(hb.reduce((a, b) => a + b.files, 0), sizes.length);
  });
});
