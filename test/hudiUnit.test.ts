/**
 * Hudi reader pieces on their own: hoodie.properties parsing, instant and data file names, instant
 * times and time zones, Avro → model types, partition values, and file slicing on synthetic
 * timelines (pending compactions in 0.x, completion-time log assignment in 1.x, log-only groups,
 * uncommitted and archived files, replacecommits).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CommitMetadata, WriteStat } from '../src/core/hudi/commitMetadata';
import { commitMetadataOf, decodeInstantBytes } from '../src/core/hudi/commitMetadata';
import { sliceAt } from '../src/core/hudi/fileGroup';
import type { FileListing } from '../src/core/hudi/fileListing';
import { type BaseFileName, type LogFileName, parseDataFileName } from '../src/core/hudi/fileName';
import { parseInstantFileName } from '../src/core/hudi/instant';
import { compareInstants, instantToMs, timeZoneOf } from '../src/core/hudi/instantTime';
import { partitionValuesOf } from '../src/core/hudi/partitionPath';
import { configFrom, parseJavaProperties } from '../src/core/hudi/properties';
import { avroSchemaToStruct, withMetaColumns } from '../src/core/hudi/schema';
import { type Timeline, buildTimeline } from '../src/core/hudi/timeline';
import { LakeError } from '../src/core/errors';

describe('hoodie.properties', () => {
  test('Java properties: separators, escapes, continuations, comments', () => {
    const { props, comments } = parseJavaProperties(
      '#Updated at 2024-04-02T17:30:39.983Z\n! bang comment\n  a=1\nb : two words \nc\\:d=e\\=f\nlong=x\\\n   y\nu=\\u0041\\t\nempty=\nspace sep\n__proto__=bad\n',
    );
    assert.deepEqual(props, { a: '1', b: 'two words ', 'c:d': 'e=f', long: 'xy', u: 'A\t', empty: '', space: 'sep' });
    assert.deepEqual(comments, ['Updated at 2024-04-02T17:30:39.983Z', 'bang comment']);
  });

  test('config: defaults, layouts and folder names kept inside .hoodie', () => {
    const c0 = configFrom({}, []);
    assert.deepEqual([c0.tableType, c0.tableVersion, c0.timelineLayoutVersion, c0.timelineDir, c0.archiveDir, c0.baseFileFormat, c0.populateMetaFields], ['COPY_ON_WRITE', 0, 1, '.hoodie', '.hoodie/archived', 'PARQUET', true]);
    const c9 = configFrom({ 'hoodie.table.version': '9', 'hoodie.timeline.path': '../../x', 'hoodie.table.partition.fields': 'region:SIMPLE, ts:TIMESTAMP', 'hoodie.table.type': 'merge_on_read' }, []);
    assert.deepEqual([c9.tableType, c9.timelineLayoutVersion, c9.timelineDir, c9.archiveDir], ['MERGE_ON_READ', 2, '.hoodie/timeline', '.hoodie/timeline/history']);
    assert.deepEqual(c9.partitionFields, ['region', 'ts']);
    assert.throws(() => configFrom({ 'hoodie.table.version': 'six' }, []), (e: unknown) => e instanceof LakeError && e.kind === 'corrupt');
  });
});

describe('instant times', () => {
  test('zone: UTC by property, offset from the header comments, else a UTC guess', () => {
    assert.deepEqual(timeZoneOf('UTC', []).offsetMinutes, 0);
    const cdt = timeZoneOf('LOCAL', ['Updated at 2024-04-02T17:30:39.983Z', 'Tue Apr 02 12:30:39 CDT 2024']);
    assert.deepEqual([cdt.offsetMinutes, cdt.label, cdt.known], [-300, '-05:00', true]);
    const ist = timeZoneOf(undefined, ['Thu Jan 04 05:30:01 IST 2024', 'Properties saved on 2024-01-04T00:00:00.998Z']);
    assert.equal(ist.label, '+05:30');
    const guess = timeZoneOf('LOCAL', ['just a comment']);
    assert.deepEqual([guess.offsetMinutes, guess.known], [0, false]);
  });

  test('instant times to ms, both granularities; special instants are not times', () => {
    const utc = timeZoneOf('UTC', []);
    assert.equal(instantToMs('20240402123035233', utc), Date.parse('2024-04-02T12:30:35.233Z'));
    assert.equal(instantToMs('20240402123035', utc), Date.parse('2024-04-02T12:30:35Z'));
    assert.equal(instantToMs('20240402123035233', { ...utc, offsetMinutes: -300 }), Date.parse('2024-04-02T17:30:35.233Z'));
    assert.equal(instantToMs('00000000000000010', utc), null);
    assert.equal(instantToMs('20241399000000000', utc), null);
    // a second-granularity time sorts after every millisecond of its second
    assert.ok(compareInstants('20240402123035', '20240402123035998') > 0);
    assert.ok(compareInstants('20240402123035', '20240402123036000') < 0);
  });
});

describe('file names', () => {
  test('instant files of both layouts', () => {
    const p = (n: string) => parseInstantFileName(n, '.hoodie');
    assert.deepEqual(p('20240402123035233.inflight'), { time: '20240402123035233', completionTime: null, action: 'commit', state: 'inflight', name: '20240402123035233.inflight', path: '.hoodie/20240402123035233.inflight' });
    assert.equal(p('20240402123035233.commit')!.state, 'completed');
    assert.deepEqual([p('1_2.commit')], [undefined]); // too short to be instant times
    const done = p('20260307135802835_20260307135803308.replacecommit')!;
    assert.deepEqual([done.time, done.completionTime, done.action, done.state], ['20260307135802835', '20260307135803308', 'replacecommit', 'completed']);
    assert.equal(p('20260307135802835.clustering.requested')!.action, 'clustering');
    assert.equal(p('20260307135802835_20260307135803308.commit.inflight'), undefined);
    for (const n of ['hoodie.properties', '20240402123035233.frobnicate', '.aux', '20240402123035233.commit.crc']) assert.equal(p(n), undefined, n);
  });

  test('a compaction that completed as a commit keeps its planned action', () => {
    const t = buildTimeline(['20240101000000001.compaction.requested', '20240101000000001.compaction.inflight', '20240101000000001.commit', '20240101000000002.deltacommit.requested'].map((n) => parseInstantFileName(n, '.hoodie')!), '.hoodie', '.hoodie/archived', 0);
    assert.deepEqual(t.instants.map((i) => [i.time, i.action, i.plannedAs, i.state]), [['20240101000000001', 'commit', 'compaction', 'completed'], ['20240101000000002', 'deltacommit', null, 'requested']]);
    assert.equal(t.writes.length, 1);
    assert.equal(t.pendingCompactions.length, 0);
  });

  test('base, log and cdc log files; everything else is not data', () => {
    assert.deepEqual(parseDataFileName('5a226868-2934-4f84-a16f-55124630c68d-0_0-7-24_20240402144910683.parquet'), { kind: 'base', name: '5a226868-2934-4f84-a16f-55124630c68d-0_0-7-24_20240402144910683.parquet', fileId: '5a226868-2934-4f84-a16f-55124630c68d-0', writeToken: '0-7-24', instant: '20240402144910683', ext: 'parquet' });
    const log = parseDataFileName('.d206069c-22c8-4532-b9ea-3cf4282342c4-0_20250117083125837.log.1_0-33-43') as LogFileName;
    assert.deepEqual([log.kind, log.fileId, log.instant, log.version, log.writeToken, log.cdc], ['log', 'd206069c-22c8-4532-b9ea-3cf4282342c4-0', '20250117083125837', 1, '0-33-43', false]);
    assert.equal((parseDataFileName('.f1_20250117083125837.log.2_1-0-1.cdc') as LogFileName).cdc, true);
    for (const n of ['.hoodie_partition_metadata', '.f1_0-1-1_20240101000000000.parquet.crc', 'part-0000.parquet', 'README.md']) assert.equal(parseDataFileName(n), undefined, n);
  });

  test('partition values from paths', () => {
    const cfg = (fields: string[], url = false) => ({ partitionFields: fields, hiveStylePartitioning: false, urlEncodePartitioning: url });
    assert.deepEqual(partitionValuesOf('san_francisco', cfg(['city'])), { city: 'san_francisco' });
    assert.deepEqual(partitionValuesOf('region=eu/day=2024-01-01', cfg(['region', 'day'])), { region: 'eu', day: '2024-01-01' });
    assert.deepEqual(partitionValuesOf('eu/2024-01-01', cfg(['region', 'day'])), { region: 'eu', day: '2024-01-01' });
    assert.deepEqual(partitionValuesOf('2024/01/01', cfg(['ts'])), { ts: '2024/01/01' });
    assert.deepEqual(partitionValuesOf('a%2Fb', cfg(['k'], true)), { k: 'a/b' });
    assert.deepEqual(partitionValuesOf('__HIVE_DEFAULT_PARTITION__', cfg(['k'])), { k: null });
    assert.deepEqual(partitionValuesOf('', cfg([])), {});
  });
});

describe('schema', () => {
  test('Avro types to the documented model names', () => {
    const fixed = { type: 'fixed', name: 'f16', size: 16 };
    const schema = {
      type: 'record', name: 'r', fields: [
        { name: 'b', type: 'boolean' }, { name: 'i', type: ['null', 'int'] }, { name: 'l', type: ['long', 'null'] },
        { name: 'fl', type: 'float' }, { name: 'd', type: 'double' }, { name: 's', type: 'string' }, { name: 'by', type: 'bytes' },
        { name: 'fx', type: fixed }, { name: 'fx2', type: 'f16' }, { name: 'e', type: { type: 'enum', name: 'E', symbols: ['A', 'B'] } },
        { name: 'dec', type: { type: 'bytes', logicalType: 'decimal', precision: 12, scale: 3 } },
        { name: 'dt', type: { type: 'int', logicalType: 'date' } },
        { name: 'tsm', type: { type: 'long', logicalType: 'timestamp-millis' } },
        { name: 'ntz', type: { type: 'long', logicalType: 'local-timestamp-micros' } },
        { name: 'tm', type: { type: 'int', logicalType: 'time-millis' } },
        { name: 'u', type: { type: 'string', logicalType: 'uuid' } },
        { name: 'un', type: ['null', 'int', 'string'] },
        { name: 'm', type: { type: 'map', values: ['null', 'long'] } },
        { name: 'a', type: { type: 'array', items: 'string' } },
      ],
    };
    const s = avroSchemaToStruct(JSON.stringify(schema), 'x', 'test');
    assert.deepEqual(s.fields.map((f) => [f.name, f.type, f.nullable]), [
      ['b', 'boolean', false], ['i', 'int', true], ['l', 'long', true], ['fl', 'float', false], ['d', 'double', false], ['s', 'string', false],
      ['by', 'binary', false], ['fx', 'fixed[16]', false], ['fx2', 'fixed[16]', false], ['e', 'string', false], ['dec', 'decimal(12,3)', false],
      ['dt', 'date', false], ['tsm', 'timestamp', false], ['ntz', 'timestamp_ntz', false], ['tm', 'time', false], ['u', 'uuid', false],
      ['un', 'union<int, string>', true],
      ['m', { type: 'map', keyType: 'string', valueType: 'long', valueContainsNull: true }, false],
      ['a', { type: 'array', elementType: 'string', containsNull: false }, false],
    ]);
    assert.throws(() => avroSchemaToStruct('"string"', 'p', 'test'), /not a record/);
    assert.throws(() => avroSchemaToStruct('{', 'p', 'test'), (e: unknown) => e instanceof LakeError && e.kind === 'corrupt' && e.path === 'p');
  });

  test('meta columns go first, marked, without duplicates', () => {
    const s = withMetaColumns({ type: 'struct', fields: [{ name: 'x', type: 'int', nullable: false }, { name: '_hoodie_record_key', type: 'string', nullable: false }] });
    assert.deepEqual(s.fields.map((f) => [f.name, f.metaColumn ?? false, f.nullable]), [
      ['_hoodie_commit_time', true, true], ['_hoodie_commit_seqno', true, true], ['_hoodie_record_key', true, false],
      ['_hoodie_partition_path', true, true], ['_hoodie_file_name', true, true], ['x', false, false],
    ]);
  });

  test('instant bytes: empty is empty metadata, JSON and garbage', () => {
    assert.deepEqual(decodeInstantBytes(new Uint8Array(), 'p'), {});
    assert.deepEqual(commitMetadataOf(decodeInstantBytes(new TextEncoder().encode('{"operationType":"INSERT"}'), 'p'), 'p').operationType, 'INSERT');
    assert.throws(() => decodeInstantBytes(new TextEncoder().encode('[1,2]'), 'p'), /not an object/);
    assert.throws(() => decodeInstantBytes(Uint8Array.of(0xff, 0xfe, 0x00), 'p'), /neither Avro nor UTF-8 JSON/);
    assert.throws(() => decodeInstantBytes(Uint8Array.of(0x4f, 0x62, 0x6a, 0x01, 0x02), 'p'), (e: unknown) => e instanceof LakeError && e.kind === 'corrupt' && /^hudi: unreadable instant file/.test(e.message));
  });
});

// ------------------------------------------------------------------------------------------------
// slicing on synthetic timelines

const T = (n: number) => `2024010100000${String(n).padStart(4, '0')}`;
const base = (fileId: string, n: number): BaseFileName => parseDataFileName(`${fileId}_0-1-1_${T(n)}.parquet`) as BaseFileName;
const log = (fileId: string, n: number, v = 1): LogFileName => parseDataFileName(`.${fileId}_${T(n)}.log.${v}_0-1-1`) as LogFileName;

function timeline(names: string[], dir = '.hoodie'): Timeline {
  return buildTimeline(names.map((n) => parseInstantFileName(n, dir)!), dir, `${dir}/archived`, 0);
}
function listing(base: BaseFileName[], logs: LogFileName[]): FileListing {
  return { partitions: new Map([['', { partitionPath: '', base, logs }]]), folders: 1, truncated: false };
}
function commit(paths: string[], replaced: { partitionPath: string; fileId: string }[] = []): CommitMetadata {
  const stats: WriteStat[] = paths.map((path) => ({ fileId: '', path, partitionPath: '', prevCommit: null, numWrites: 1, numInserts: 1, numUpdateWrites: 0, numDeletes: 0, totalWriteBytes: 1, fileSizeInBytes: 1, baseFile: null, logFiles: [] }));
  return { operationType: 'UPSERT', compacted: false, stats, replaced, extraMetadata: {} };
}
const show = (v: ReturnType<typeof sliceAt>) => v.slices.map((s) => [s.fileId, s.baseInstant, s.base?.instant ?? null, s.logs.map((l) => l.instant), s.mergedPending]);

describe('file slices', () => {
  test('0.x: logs named by base instant; a pending compaction merges its logs into the previous slice', () => {
    const files = [base('f1', 1), log('f1', 1), log('f1', 3)];
    const commits = new Map([[T(1), commit([files[0]!.name])], [T(2), commit([files[1]!.name])], [T(4), commit([files[2]!.name])]]);
    const tl = timeline([`${T(1)}.deltacommit`, `${T(2)}.deltacommit`, `${T(3)}.compaction.requested`, `${T(4)}.deltacommit`]);
    const at = (n: number) => sliceAt({ listing: listing([files[0] as BaseFileName], [files[1] as LogFileName, files[2] as LogFileName]), timeline: tl, at: tl.writes.find((w) => w.time === T(n))!, commits, mergeOnRead: true, logsNamedByDeltaCommit: false });
    assert.deepEqual(show(at(1)), [['f1', T(1), T(1), [], false]]);
    assert.deepEqual(show(at(2)), [['f1', T(1), T(1), [T(1)], false]]);
    assert.deepEqual(show(at(4)), [['f1', T(1), T(1), [T(1), T(3)], true]]);
    // once the compaction completes, its base file starts the slice its newer logs belong to
    const tl2 = timeline([`${T(1)}.deltacommit`, `${T(2)}.deltacommit`, `${T(3)}.compaction.requested`, `${T(3)}.commit`, `${T(4)}.deltacommit`]);
    commits.set(T(3), commit([base('f1', 3).name]));
    const v = sliceAt({ listing: listing([files[0] as BaseFileName, base('f1', 3)], [files[1] as LogFileName, files[2] as LogFileName]), timeline: tl2, at: tl2.writes.at(-1)!, commits, mergeOnRead: true, logsNamedByDeltaCommit: false });
    assert.deepEqual(show(v), [['f1', T(3), T(3), [T(3)], false]]);
  });

  test('0.x: a log file appended to by a later deltacommit is live with a warning about its later blocks', () => {
    const b = base('f1', 1);
    const l = log('f1', 1);
    const commits = new Map([[T(1), commit([b.name])], [T(2), commit([l.name])], [T(3), commit([l.name])]]);
    const tl = timeline([`${T(1)}.deltacommit`, `${T(2)}.deltacommit`, `${T(3)}.deltacommit`]);
    const at = (n: number) => sliceAt({ listing: listing([b], [l]), timeline: tl, at: tl.writes.find((w) => w.time === T(n))!, commits, mergeOnRead: true, logsNamedByDeltaCommit: false });
    assert.deepEqual([show(at(2)), at(2).logsWithLaterBlocks], [[['f1', T(1), T(1), [T(1)], false]], 1]);
    assert.deepEqual([show(at(3)), at(3).logsWithLaterBlocks], [[['f1', T(1), T(1), [T(1)], false]], 0]);
    assert.deepEqual(show(at(1)), [['f1', T(1), T(1), [], false]]);
  });

  test('1.x: a log belongs to the newest slice whose base instant precedes its completion', () => {
    // base at 1; compaction requested at 5, done at 9; deltacommits 4→8 and 6→7 finish after 5 was requested
    const tl = timeline([`${T(1)}_${T(2)}.deltacommit`, `${T(3)}_${T(3)}.deltacommit`, `${T(4)}_${T(8)}.deltacommit`, `${T(5)}.compaction.requested`, `${T(5)}_${T(9)}.commit`, `${T(6)}_${T(7)}.deltacommit`, `${T(10)}_${T(11)}.deltacommit`], '.hoodie/timeline');
    const commits = new Map(tl.writes.map((w) => [w.time, commit([])]));
    const lst = listing([base('f1', 1), base('f1', 5)], [log('f1', 3), log('f1', 4), log('f1', 6), log('f1', 10)]);
    const at = (n: number) => sliceAt({ listing: lst, timeline: tl, at: tl.writes.find((w) => w.time === T(n))!, commits, mergeOnRead: true, logsNamedByDeltaCommit: true });
    // before the compaction completed, everything reads on top of base 1
    assert.deepEqual(show(at(6)), [['f1', T(1), T(1), [T(3), T(6)], false]]);
    assert.deepEqual(show(at(4)), [['f1', T(1), T(1), [T(3), T(4), T(6)], false]]);
    // after it, base 5 with the logs that completed after it was requested
    assert.deepEqual(show(at(10)), [['f1', T(5), T(5), [T(4), T(6), T(10)], false]]);
  });

  test('log-only groups, uncommitted and archived files, and replacecommits', () => {
    const tl = timeline([`${T(5)}_${T(6)}.deltacommit`, `${T(7)}_${T(8)}.deltacommit`, `${T(9)}.deltacommit.inflight`, `${T(10)}_${T(11)}.replacecommit`, `${T(12)}_${T(13)}.deltacommit`], '.hoodie/timeline');
    const commits = new Map(tl.writes.map((w) => [w.time, commit([])]));
    commits.set(T(10), commit([base('g3', 10).name], [{ partitionPath: '', fileId: 'g2' }]));
    // g1: logs only; g2: a base from an archived write (before the timeline starts); g4: a failed write
    const lst = listing([base('g2', 2), base('g3', 10), base('g4', 9)], [log('g1', 5), log('g1', 7), log('g1', 9)]);
    const at = (n: number) => sliceAt({ listing: lst, timeline: tl, at: tl.writes.find((w) => w.time === T(n))!, commits, mergeOnRead: true, logsNamedByDeltaCommit: true });
    const v7 = at(7);
    assert.deepEqual(show(v7), [['g1', T(5), null, [T(5), T(7)], false], ['g2', T(2), T(2), [], false]]);
    assert.equal(v7.uncommittedFiles, 2); // g4's base and g1's log of the inflight write
    const v12 = at(12);
    assert.deepEqual(show(v12).map((s) => s[0]), ['g1', 'g3']);
    assert.equal(v12.replacedGroups, 1);
  });
});
