/**
 * HudiTable over the Hudi tables of the corpus (read in place) and altered in-memory copies:
 * live rows at the latest instant against HUDI.md (counted from Parquet footers and from write
 * stats), time travel across file slices, clustering, both timeline layouts, merge-on-read slices,
 * an empty table, a table without meta fields, time zones, history, changes, and clear errors for
 * damaged instants.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { container, encode } from './helpers/avroWrite';
import { decodeAvroDataBlock } from '../src/core/hudi/logFile';
import { HudiTable } from '../src/core/hudi/table';
import type { HudiSnapshot } from '../src/core/hudi/snapshot';
import { FsStorage } from '../src/core/storage/local';
import { rangedBuffer, readParquetMetadata } from '../src/core/parquet';
import type { Storage } from '../src/core/storage/storage';
import { openTable } from '../src/core/table';
import { detectTables } from '../src/core/detect';
import { corpusPath, memCopy } from './helpers/corpus';
import { lakeError } from './helpers/lakeError';

const rel = (t: string) => `open/${t}`;
const table = (t: string) => new HudiTable(new FsStorage(corpusPath(rel(t))));
const copy = (t: string) => memCopy(corpusPath(rel(t)));

const COW = 'hudi-rs/v6_cow_nonpartitioned';
const EMPTY = 'hudi-rs/v6_cow_empty';
const TRIPS = 'hudi-rs/v6_cow_trips_partitioned';
const V8 = 'hudi-rs/v8_cow_nonpartitioned';
const V9COW = 'hudi-rs/v9_cow_txns_nonpart_nometa';
const V6MOR = 'hudi-rs/v6_mor_nonpartitioned';
const V9MOR = 'hudi-rs/v9_mor_txns_nonpart_nometa';
const DIM = 'xtable-hudi/hudi_dimCustomer';
const ALL = [COW, EMPTY, TRIPS, V8, V9COW, V6MOR, V9MOR, DIM];

/** Rows of the live base files, from their Parquet footers. */
async function footerRows(storage: Storage, snap: HudiSnapshot): Promise<number> {
  let n = 0;
  for (const f of snap.files) n += Number((await readParquetMetadata(await rangedBuffer(storage, f.path), f.path)).num_rows);
  return n;
}

const ids = (s: HudiSnapshot) => s.files.map((f) => `${f.fileId}@${f.baseInstant}`).sort();

describe('corpus tables', () => {
  test('every Hudi table is detected and opens through openTable', async () => {
    for (const dir of ['hudi-rs', 'xtable-hudi']) {
      const found = await detectTables(new FsStorage(corpusPath(rel(dir))));
      assert.ok(found.length > 0 && found.every((t) => t.format === 'hudi'), dir);
    }
    for (const t of ALL) {
      const lt = await openTable(new FsStorage(corpusPath(rel(t))));
      assert.equal(lt.format, 'hudi');
      const s = (await lt.snapshot()) as HudiSnapshot;
      assert.equal(s.format, 'hudi', t);
      assert.deepEqual(s.tombstones, []);
      assert.equal(s.numFiles, s.files.length);
    }
  });

  test('live rows at the latest instant equal HUDI.md, from footers and from write stats', async () => {
    const expected: [string, number][] = [[COW, 4], [EMPTY, 0], [TRIPS, 5], [V8, 4], [V9COW, 14]];
    for (const [t, rows] of expected) {
      const storage = new FsStorage(corpusPath(rel(t)));
      const s = await new HudiTable(storage).snapshot();
      assert.equal(await footerRows(storage, s), rows, t);
      assert.equal(s.numRecords, rows, t);
      for (const f of s.files) {
        const md = await readParquetMetadata(await rangedBuffer(storage, f.path), f.path);
        assert.equal(f.numRecords, Number(md.num_rows), f.path);
        assert.equal(f.size, (await storage.stat(f.path))!.size);
      }
      assert.equal(s.readOptimized, false);
    }
  });

  test('table config: type, versions, keys, partition fields, base format, meta fields', async () => {
    const trips = await table(TRIPS).snapshot();
    assert.equal(trips.tableType, 'COPY_ON_WRITE');
    assert.equal(trips.tableVersion, 6);
    assert.equal(trips.timelineLayoutVersion, 1);
    assert.deepEqual(trips.partitionFields, ['city']);
    assert.deepEqual(trips.partitionColumns, ['city']);
    assert.equal(trips.baseFileFormat, 'PARQUET');
    assert.equal(trips.populateMetaFields, true);
    assert.equal(trips.properties['hoodie.table.name'], 'trips_table');
    const v9 = await table(V9MOR).snapshot();
    assert.equal(v9.tableType, 'MERGE_ON_READ');
    assert.equal(v9.tableVersion, 9);
    assert.equal(v9.timelineLayoutVersion, 2);
    assert.deepEqual(v9.recordKeyFields, ['txn_id']);
    assert.deepEqual(v9.partitionFields, []);
  });
});

describe('time travel and file slices', () => {
  test('trips: the first commit shows the older slice of the file group the second commit rewrote', async () => {
    const t = table(TRIPS);
    const latest = await t.snapshot();
    const first = await t.snapshot({ version: '20240402123035233' });
    const group = '5a226868-2934-4f84-a16f-55124630c68d-0';
    assert.equal(latest.files.find((f) => f.fileId === group)!.baseInstant, '20240402144910683');
    const old = first.files.find((f) => f.fileId === group)!;
    assert.equal(old.baseInstant, '20240402123035233');
    assert.equal(old.path, 'san_francisco/5a226868-2934-4f84-a16f-55124630c68d-0_2-10-0_20240402123035233.parquet');
    assert.equal(old.partitionPath, 'san_francisco');
    assert.deepEqual(old.partitionValues, { city: 'san_francisco' });
    assert.equal(first.numFiles, 5);
    assert.equal(first.operation, 'BULK_INSERT');
    assert.equal(latest.operation, 'UPSERT_PREPPED');
    // by timestamp: instant times are CDT (UTC−5) per the properties header
    assert.equal(first.instantTimeZone, '-05:00');
    assert.equal(first.timestamp, Date.parse('2024-04-02T17:30:35.233Z'));
    assert.equal((await t.snapshot({ timestamp: Date.parse('2024-04-02T19:00:00Z') })).version, '20240402123035233');
    assert.equal((await t.snapshot({ timestamp: Date.parse('2024-04-02T19:49:10.683Z') })).version, '20240402144910683');
    await assert.rejects(t.snapshot({ timestamp: Date.parse('2024-04-02T17:00:00Z') }), lakeError('unknown-version', undefined, /no completed write at or before/));
  });

  test('v9 copy-on-write: the clustering replacecommit drops the groups it replaced', async () => {
    const t = table(V9COW);
    const before = await t.snapshot({ version: '20260307135802189' });
    assert.deepEqual(before.files.map((f) => f.fileId).sort(), [
      '6e5e9075-24f6-4c5d-975e-fe3369ed4f86-0',
      '9e14372d-21fb-497b-8f68-ffc18c0f1a2a-0',
      'b574b5b7-da95-4296-ad17-a31e32613341-0',
      'bcebd99e-df57-4358-98d3-3cd7530f0093-0',
    ]);
    assert.equal(before.files.find((f) => f.fileId!.startsWith('b574b5b7'))!.baseInstant, '20260307135800051');
    assert.equal(before.numRecords, 12);
    const clustered = await t.snapshot({ version: '20260307135802835' });
    assert.deepEqual(ids(clustered), ['09c3e10c-8af8-4bba-8f57-f346f5253c31-0@20260307135802835']);
    assert.equal(clustered.action, 'replacecommit');
    assert.equal(clustered.operation, 'CLUSTER');
    assert.equal(clustered.numRecords, 12);
    assert.equal(clustered.completionTime, '20260307135803308');
    // every version of the group that changed six times is readable, with its footer row count
    const storage = new FsStorage(corpusPath(rel(V9COW)));
    const rows: number[] = [];
    for (const v of ['20260307135753543', '20260307135756200', '20260307135757739', '20260307135758563', '20260307135759350', '20260307135800051']) {
      const s = await new HudiTable(storage).snapshot({ version: v });
      rows.push(await footerRows(storage, s));
      assert.equal(s.numRecords, rows.at(-1));
    }
    assert.deepEqual(rows, [8, 8, 7, 7, 6, 6]);
  });

  test('a completion time selects its instant; a clean or pending instant does not pretend to be a write', async () => {
    const t = table(V8);
    assert.equal((await t.snapshot({ version: '20250713010537206' })).version, '20250713010536861');
    await assert.rejects(t.snapshot({ version: 20250713010535797 }), lakeError('invalid-argument', undefined, /pass it as a string/));
    await assert.rejects(t.snapshot({ version: '20250713010535798' }), lakeError('unknown-version', /timeline$/, /no instant 20250713010535798/));
    await assert.rejects(t.snapshot({ version: 'HEAD' }), lakeError('invalid-argument'));
    await assert.rejects(t.snapshot({ snapshotId: '1' }), lakeError('invalid-argument'));
  });
});

describe('merge-on-read', () => {
  test('v6: base + log files per slice, marked read-optimized', async () => {
    const s = await table(V6MOR).snapshot();
    assert.equal(s.readOptimized, true);
    assert.ok(s.notes.some((n) => /read-optimized view/.test(n)));
    const withLog = s.files.find((f) => f.fileId === 'd206069c-22c8-4532-b9ea-3cf4282342c4-0')!;
    assert.equal(withLog.baseInstant, '20250117083125837');
    assert.deepEqual(withLog.logFiles!.map((l) => l.path), ['.d206069c-22c8-4532-b9ea-3cf4282342c4-0_20250117083125837.log.1_0-33-43']);
    assert.ok(withLog.logFiles![0]!.size > 0);
    assert.deepEqual(s.files.find((f) => f.fileId!.startsWith('d5c0b12d'))!.logFiles, []);
    assert.equal(s.numLogFiles, 1);
    // the first deltacommit: no log yet, so the base file is the snapshot
    const first = await table(V6MOR).snapshot({ version: '20250117083125837' });
    assert.equal(first.readOptimized, false);
    assert.deepEqual(first.files.map((f) => f.logFiles), [[]]);
  });

  test('v9: logs join the slice by deltacommit completion; compaction starts a new slice', async () => {
    const t = table(V9MOR);
    const group = '1900ff60-ed76-4f51-823b-dbcb27f05a0c-0';
    const mid = await t.snapshot({ version: '20260307135933863' });
    assert.equal(mid.readOptimized, true);
    const slice = mid.files.find((f) => f.fileId === group)!;
    assert.equal(slice.baseInstant, '20260307135926671');
    assert.deepEqual(slice.logFiles!.map((l) => /_(\d{17})\.log/.exec(l.path)![1]), ['20260307135929444', '20260307135931043', '20260307135932100', '20260307135933015', '20260307135933863']);
    const two = await t.snapshot({ version: '20260307135931043' });
    assert.equal(two.files.find((f) => f.fileId === group)!.logFiles!.length, 2);
    const compacted = await t.snapshot({ version: '20260307135936824' });
    assert.equal(compacted.readOptimized, false);
    assert.equal(compacted.files.find((f) => f.fileId === group)!.baseInstant, '20260307135936824');
    assert.equal(compacted.numFiles, 4);
    assert.equal(compacted.numRecords, 12);
    const latest = await t.snapshot();
    assert.equal(latest.readOptimized, false);
    assert.deepEqual(ids(latest), ['318f797b-9c1e-4e35-9c55-b17c1b8ca9a8-0@20260307135937880', 'ec4ffa51-0b14-46af-b117-a34ebc7a95ea-0@20260307135937430']);
    assert.equal(latest.numRecords, 14);
  });

  test('a pending compaction is counted, and its plan shows in history', async () => {
    const mem = copy(V9MOR);
    // pretend the compaction never finished
    mem.delete('.hoodie/timeline/20260307135936824_20260307135937377.commit');
    mem.delete('1900ff60-ed76-4f51-823b-dbcb27f05a0c-0_0-47-79_20260307135936824.parquet');
    const t = new HudiTable(mem);
    const s = await t.snapshot({ version: '20260307135936125' });
    assert.equal(s.pendingCompactions, 1);
    assert.ok(s.notes.some((n) => /compaction\(s\) pending/.test(n)));
    const h = await t.history({ limit: 100 });
    const c = h.versions.find((v) => v.version === '20260307135936824')!;
    assert.equal(c.state, 'pending');
    assert.equal(c.action, 'compaction');
    assert.deepEqual(c.operationMetrics, { fileGroups: 1, logFiles: 5, partitions: 1 });
  });
});

describe('log files', () => {
  test('v9 Avro log blocks: one per deltacommit, data and delete blocks matching the write stats', async () => {
    const t = table(V9MOR);
    const s = await t.snapshot({ version: '20260307135933863' });
    const got: [string | null, string, number | null][] = [];
    for (const l of s.files[0]!.logFiles!) {
      const blocks = await t.logBlocks(l.path);
      assert.equal(blocks.length, 1, l.path);
      got.push([blocks[0]!.instantTime, blocks[0]!.type, blocks[0]!.records]);
    }
    assert.deepEqual(got, [
      ['20260307135929444', 'avro', 1], ['20260307135931043', 'delete', 1], ['20260307135932100', 'avro', 1],
      ['20260307135933015', 'delete', 1], ['20260307135933863', 'avro', 1],
    ]);
    const [block] = await t.logBlocks(s.files[0]!.logFiles![0]!.path);
    const rows = decodeAvroDataBlock(block!, 'x');
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!._hoodie_commit_time, '20260307135929444');
    assert.equal(typeof rows[0]!.txn_id, 'string');
  });

  test('v6 Parquet log block: written by the second deltacommit into the first slice', async () => {
    const blocks = await table(V6MOR).logBlocks('.d206069c-22c8-4532-b9ea-3cf4282342c4-0_20250117083125837.log.1_0-33-43');
    assert.deepEqual(blocks.map((b) => [b.type, b.instantTime, b.records, b.formatVersion]), [['parquet', '20250117083136333', 1, 1]]);
  });

  test('a truncated append ends in a corrupted block; garbled records are a corrupt error', async () => {
    const mem = copy(V9MOR);
    const p = '.1900ff60-ed76-4f51-823b-dbcb27f05a0c-0_20260307135929444.log.1_0-8-11';
    const bytes = mem.files.get(p)!.bytes;
    mem.put(p, Uint8Array.from([...bytes, ...bytes.subarray(0, 100)]));
    const blocks = await new HudiTable(mem).logBlocks(p);
    assert.deepEqual(blocks.map((b) => b.type), ['avro', 'corrupted']);
    assert.match(blocks[1]!.problem!, /past the end of the file/);
    // records cut short, or a schema that is not one: corrupt errors naming the file
    const cut = { ...blocks[0]!, content: blocks[0]!.content.subarray(0, blocks[0]!.content.length - 5) };
    assert.throws(() => decodeAvroDataBlock(cut, p), lakeError('corrupt', /log\.1_0-8-11$/, /Avro data block at byte 0: record runs past the end/));
    assert.throws(() => decodeAvroDataBlock({ ...blocks[0]!, schema: '{"type":"nope"}' }, p), lakeError('corrupt', /log\.1_0-8-11$/));
  });
});

describe('layouts, empty tables, meta fields, time zones', () => {
  test('0.x and 1.x timelines: instants, actions, states and completion times', async () => {
    const h6 = await table(TRIPS).history();
    assert.deepEqual(h6.versions.map((v) => [v.version, v.action, v.state]), [['20240402144910683', 'commit', 'completed'], ['20240402123035233', 'commit', 'completed']]);
    assert.equal(h6.versions[0]!.extra!.completionTime, undefined);
    const h9 = await table(V9COW).history({ limit: 3 });
    assert.deepEqual(h9.versions.map((v) => v.version), ['20260307135803380', '20260307135802835', '20260307135802189']);
    assert.equal(h9.versions[1]!.extra!.plannedAs, 'clustering');
    assert.equal(h9.versions[1]!.extra!.completionTime, '20260307135803308');
    assert.equal(h9.total, 11);
    assert.equal(h9.next, '20260307135802189');
    const page2 = await table(V9COW).history({ limit: 3, before: h9.next });
    assert.equal(page2.versions[0]!.version, '20260307135801542');
    const stats = h9.versions[0]!.extra!.partitionStats as Record<string, { files: number; inserts: number }>;
    assert.deepEqual(Object.keys(stats), ['']);
    assert.equal(stats['']!.inserts, 2);
  });

  test('an empty table opens: no files, no versions, the creation schema', async () => {
    const t = table(EMPTY);
    const s = await t.snapshot();
    assert.equal(s.version, '');
    assert.equal(s.numFiles, 0);
    assert.equal(s.numRecords, 0);
    assert.equal(s.timestamp, null);
    assert.deepEqual(s.schema.fields.map((f) => f.name).slice(5), ['id', 'name', 'isActive']);
    const h = await t.history();
    assert.deepEqual(h.versions, []);
    assert.equal(h.total, 0);
    assert.equal((await t.schemaHistory()).length, 1);
  });

  test('a table without populated meta fields still lists its meta columns, marked', async () => {
    const s = await table(DIM).snapshot();
    assert.equal(s.populateMetaFields, false);
    assert.deepEqual(s.schema.fields.slice(0, 5).map((f) => [f.name, f.metaColumn]), [
      ['_hoodie_commit_time', true], ['_hoodie_commit_seqno', true], ['_hoodie_record_key', true], ['_hoodie_partition_path', true], ['_hoodie_file_name', true],
    ]);
    assert.equal(s.schema.fields[5]!.name, '_c0');
    assert.equal(s.schema.fields[5]!.metaColumn, undefined);
    assert.equal(s.numRecords, 5000);
    assert.ok(s.notes.some((n) => /populate\.meta\.fields=false/.test(n)));
  });

  test('instant times: UTC by property, the writer offset from the header, else UTC with a note', async () => {
    assert.equal((await table(V8).snapshot()).instantTimeZone, '+00:00');
    assert.equal((await table(V9COW).snapshot()).instantTimeZone, '-06:00');
    const mem = copy(COW);
    const props = new TextDecoder().decode(mem.files.get('.hoodie/hoodie.properties')!.bytes).split('\n').filter((l) => !l.startsWith('#')).join('\n');
    mem.put('.hoodie/hoodie.properties', props);
    const s = await new HudiTable(mem).snapshot();
    assert.equal(s.instantTimeZone, '+00:00');
    assert.ok(s.notes.some((n) => /not recorded, instant times read as UTC/.test(n)));
    assert.equal(s.timestamp, Date.parse('2024-04-18T17:35:51.906Z'));
  });

  test('schema: rich Avro types mapped to the documented names', async () => {
    const s = await table(COW).snapshot();
    const type = (n: string) => s.schema.fields.find((f) => f.name === n)!.type;
    assert.equal(type('decimalField'), 'decimal(10,5)');
    assert.equal(type('dateField'), 'date');
    assert.equal(type('timestampField'), 'timestamp');
    assert.equal(type('binaryField'), 'binary');
    assert.equal(type('longField'), 'long');
    assert.deepEqual(type('arrayField'), { type: 'array', containsNull: true, elementType: { type: 'struct', fields: [{ name: 'arr_struct_f1', type: 'string', nullable: true }, { name: 'arr_struct_f2', type: 'int', nullable: true }] } });
    assert.equal(s.schema.fields.find((f) => f.name === 'id')!.nullable, true);
    const trips = await table(TRIPS).snapshot();
    assert.equal(trips.schema.fields.find((f) => f.name === 'ts')!.nullable, false);
    const hist = await table(V9COW).schemaHistory();
    assert.equal(hist.length, 1);
    assert.equal(hist[0]!.version, '20260307135753543');
  });
});

describe('history and changes', () => {
  test('changes: files written and files that stopped being live', async () => {
    const trips = await table(TRIPS).changes('20240402144910683');
    assert.deepEqual(trips.added.map((f) => [f.path, f.numRecords, f.baseInstant]), [['san_francisco/5a226868-2934-4f84-a16f-55124630c68d-0_0-7-24_20240402144910683.parquet', 1, '20240402144910683']]);
    assert.deepEqual(trips.removed.map((f) => f.path), ['san_francisco/5a226868-2934-4f84-a16f-55124630c68d-0_2-10-0_20240402123035233.parquet']);
    assert.equal(trips.removed[0]!.dataChange, true);
    const cluster = await table(V9COW).changes('20260307135802835');
    assert.equal(cluster.added.length, 1);
    assert.equal(cluster.removed.length, 4);
    assert.ok(cluster.removed.every((r) => r.dataChange === false));
    const log = await table(V9MOR).changes('20260307135929444');
    assert.deepEqual(log.added.map((f) => [f.fileFormat, f.baseInstant]), [['hudi-log', '20260307135929444']]);
    assert.deepEqual(log.removed, []);
    const compaction = await table(V9MOR).changes('20260307135936824');
    assert.equal(compaction.removed.length, 6); // the old base file and its five logs
  });

  test('a clean: in history with what it deleted, and older instants refused', async () => {
    const mem = copy(TRIPS);
    const old = 'san_francisco/5a226868-2934-4f84-a16f-55124630c68d-0_2-10-0_20240402123035233.parquet';
    mem.delete(old);
    const partition = { type: 'record', name: 'HoodieCleanPartitionMetadata', fields: [
      { name: 'partitionPath', type: 'string' }, { name: 'policy', type: 'string' },
      { name: 'deletePathPatterns', type: { type: 'array', items: 'string' } },
      { name: 'successDeleteFiles', type: { type: 'array', items: 'string' } },
      { name: 'failedDeleteFiles', type: { type: 'array', items: 'string' } },
    ] };
    const schema = { type: 'record', name: 'HoodieCleanMetadata', fields: [
      { name: 'startCleanTime', type: 'string' }, { name: 'timeTakenInMillis', type: 'long' }, { name: 'totalFilesDeleted', type: 'int' },
      { name: 'earliestCommitToRetain', type: 'string' }, { name: 'partitionMetadata', type: { type: 'map', values: partition } },
    ] };
    const md = {
      startCleanTime: '20240402150000000', timeTakenInMillis: 12, totalFilesDeleted: 1, earliestCommitToRetain: '20240402144910683',
      partitionMetadata: { san_francisco: { partitionPath: 'san_francisco', policy: 'KEEP_LATEST_COMMITS', deletePathPatterns: [], successDeleteFiles: [old.split('/')[1]], failedDeleteFiles: [] } },
    };
    mem.put('.hoodie/20240402150000000.clean', container(schema, 'null', [{ count: 1, data: Uint8Array.from(encode(schema, md)) }]));
    mem.put('.hoodie/20240402150000000.clean.requested', new Uint8Array());
    const t = new HudiTable(mem);
    const h = await t.history();
    const clean = h.versions[0]!;
    assert.deepEqual([clean.version, clean.action, clean.state, clean.removedFiles], ['20240402150000000', 'clean', 'completed', 1]);
    assert.equal(clean.operationParameters.earliestCommitToRetain, '20240402144910683');
    assert.equal(clean.operationMetrics.totalFilesDeleted, 1);
    assert.equal(h.oldest, '20240402144910683');
    const s = await t.snapshot();
    assert.equal(s.earliestInstant, '20240402144910683');
    assert.ok(s.notes.some((n) => /time travel reaches back to 20240402144910683/.test(n)));
    await assert.rejects(t.snapshot({ version: '20240402123035233' }), lakeError('unknown-version', /\.clean$/, /files were cleaned/));
    const atClean = await t.snapshot({ version: '20240402150000000' });
    assert.equal(atClean.version, '20240402144910683');
    assert.ok(atClean.notes.some((n) => /is a clean, not a write/.test(n)));
    assert.deepEqual((await t.changes('20240402150000000')).removed.map((r) => r.path), [old]);
  });

  test('archived instants: a note on how far back history reaches; a rollback says what it undid', async () => {
    const mem = copy(V9COW);
    mem.put('.hoodie/timeline/history/manifest_1', '');
    const t = new HudiTable(mem);
    const s = await t.snapshot();
    assert.ok(s.notes.some((n) => n === 'older instants are archived in .hoodie/timeline/history (1 file(s), not read): history starts at 20260307135753543'), s.notes.join('\n'));
    await assert.rejects(t.snapshot({ version: '20260307135700000' }), lakeError('unknown-version', /history$/, /older than the active timeline/));

    const trips = copy(TRIPS);
    const pm = { type: 'record', name: 'HoodieRollbackPartitionMetadata', fields: [
      { name: 'partitionPath', type: 'string' }, { name: 'successDeleteFiles', type: { type: 'array', items: 'string' } }, { name: 'failedDeleteFiles', type: { type: 'array', items: 'string' } },
    ] };
    const schema = { type: 'record', name: 'HoodieRollbackMetadata', fields: [
      { name: 'startRollbackTime', type: 'string' }, { name: 'timeTakenInMillis', type: 'long' }, { name: 'totalFilesDeleted', type: 'int' },
      { name: 'commitsRollback', type: { type: 'array', items: 'string' } }, { name: 'partitionMetadata', type: { type: 'map', values: pm } },
    ] };
    const md = { startRollbackTime: '20240402160000000', timeTakenInMillis: 5, totalFilesDeleted: 1, commitsRollback: ['20240402155000000'],
      partitionMetadata: { chennai: { partitionPath: 'chennai', successDeleteFiles: ['file:/tmp/t/chennai/x-0_0-1-1_20240402155000000.parquet'], failedDeleteFiles: [] } } };
    trips.put('.hoodie/20240402160000000.rollback', container(schema, 'null', [{ count: 1, data: Uint8Array.from(encode(schema, md)) }]));
    const h = await new HudiTable(trips).history({ limit: 1 });
    assert.deepEqual([h.versions[0]!.action, h.versions[0]!.operationParameters, h.versions[0]!.operationMetrics.totalFilesDeleted], ['rollback', { commitsRollback: ['20240402155000000'] }, 1]);
    assert.deepEqual((await new HudiTable(trips).changes('20240402160000000')).removed.map((r) => r.path), ['chennai/x-0_0-1-1_20240402155000000.parquet']);
  });

  test('pending instants appear in history, never as versions, and their files are ignored', async () => {
    const mem = copy(COW);
    mem.put('.hoodie/20240418180000000.commit.requested', new Uint8Array());
    mem.put('.hoodie/20240418180000000.inflight', new Uint8Array());
    mem.put('a079bdb3-731c-4894-b855-abfcd6921007-0_0-1-1_20240418180000000.parquet', new Uint8Array(100));
    const t = new HudiTable(mem);
    const h = await t.history();
    assert.deepEqual(h.versions.map((v) => [v.version, v.state]), [['20240418180000000', 'pending'], ['20240418173551906', 'completed'], ['20240418173550988', 'completed']]);
    const s = await t.snapshot();
    assert.equal(s.version, '20240418173551906');
    assert.equal(s.numRecords, 4);
    assert.ok(s.notes.some((n) => /1 data file\(s\) of failed, rolled-back or unfinished writes are ignored/.test(n)));
    await assert.rejects(t.snapshot({ version: '20240418180000000' }), lakeError('unknown-version', /\.inflight$/, /is inflight, not completed/));
    assert.deepEqual((await t.changes('20240418180000000')).added, []);
  });
});

describe('damaged tables', () => {
  test('a truncated 0.x commit is a corrupt error naming it', async () => {
    const mem = copy(TRIPS);
    const p = '.hoodie/20240402144910683.commit';
    mem.put(p, mem.files.get(p)!.bytes.subarray(0, 200));
    await assert.rejects(new HudiTable(mem).snapshot(), lakeError('corrupt', /^\.hoodie\/20240402144910683\.commit$/, /^hudi: instant file is not valid JSON/));
    await assert.rejects(new HudiTable(mem).history(), lakeError('corrupt', /20240402144910683\.commit$/));
  });

  test('a garbled or truncated 1.x Avro instant is a corrupt error naming it', async () => {
    const p = '.hoodie/timeline/20260307135802835_20260307135803308.replacecommit';
    const mem = copy(V9COW);
    const bytes = mem.files.get(p)!.bytes;
    mem.put(p, bytes.subarray(0, bytes.length - 40));
    await assert.rejects(new HudiTable(mem).snapshot(), lakeError('corrupt', new RegExp(`^${p.replace(/\./g, '\\.')}$`), /^hudi: unreadable instant file: avro:/));
    const garbled = Uint8Array.from(bytes);
    for (let i = 200; i < 260; i++) garbled[i] = 0xff;
    mem.put(p, garbled);
    await assert.rejects(new HudiTable(mem).snapshot(), lakeError('corrupt', /replacecommit$/));
  });

  test('write stats of the wrong shape, a bad schema, and a bad table type', async () => {
    const mem = copy(TRIPS);
    mem.put('.hoodie/20240402144910683.commit', JSON.stringify({ partitionToWriteStats: 'nope' }));
    await assert.rejects(new HudiTable(mem).snapshot(), lakeError('corrupt', /144910683\.commit$/, /partitionToWriteStats is not an object/));
    mem.put('.hoodie/20240402144910683.commit', JSON.stringify({ partitionToWriteStats: {}, extraMetadata: { schema: '{"type":"record","name":"x","fields":[{"name":"a","type":"nope"}]}' } }));
    await assert.rejects(new HudiTable(mem).snapshot(), lakeError('corrupt', /144910683\.commit$/, /invalid Avro schema in extraMetadata\.schema/));
    const mem2 = copy(COW);
    mem2.put('.hoodie/hoodie.properties', 'hoodie.table.type=SOMETHING_ELSE\n');
    await assert.rejects(new HudiTable(mem2).snapshot(), lakeError('unsupported', /hoodie\.properties$/, /unknown table type/));
  });

  test('paths from metadata never leave the table root', async () => {
    const mem = copy(TRIPS);
    const p = '.hoodie/20240402144910683.commit';
    const md = JSON.parse(new TextDecoder().decode(mem.files.get(p)!.bytes)) as { partitionToWriteStats: Record<string, unknown> };
    md.partitionToWriteStats['../../etc'] = [{ fileId: 'x', path: '../../etc/passwd', partitionPath: '../../etc', numWrites: 1 }];
    mem.put(p, JSON.stringify(md));
    mem.put('.hoodie/hoodie.properties', new TextDecoder().decode(mem.files.get('.hoodie/hoodie.properties')!.bytes) + 'hoodie.archivelog.folder=../../..\n');
    const s = await new HudiTable(mem).snapshot();
    assert.equal(s.numFiles, 5);
    assert.ok(mem.reads.every((r) => !r.startsWith('..') && !r.startsWith('/')));
  });
});
