/**
 * Iceberg pieces checked against the spec's own examples (Appendix B hash vectors, truncate
 * examples, Appendix D encodings), against JavaScript's Date for calendar arithmetic, and against
 * small hand-built metadata for file discovery, parsing and snapshot selection.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LakeError } from '../src/core/errors';
import { LocationMapper, isTablePath, tablePath } from '../src/core/iceberg/location';
import { findCurrentMetadata, parseMetadataFileName } from '../src/core/iceberg/metadataFiles';
import { hashLong, murmur3 } from '../src/core/iceberg/murmur3';
import { commitOrder, selectSnapshot } from '../src/core/iceberg/selection';
import { decodeSingleValue } from '../src/core/iceberg/singleValue';
import { parseTableMetadata } from '../src/core/iceberg/tableMetadata';
import { daysFromCivil, formatTimestamp, humanDay, humanHour, humanMonth, humanYear } from '../src/core/iceberg/temporal';
import { applyTransform, hashValue, parseTransform } from '../src/core/iceberg/transforms';
import { float32, formatDecimal, minBigEndian } from '../src/core/iceberg/values';
import { parseJson } from '../src/core/json';
import { MemStorage } from '../src/core/storage/memory';

const bytes = (...b: number[]) => Uint8Array.from(b);
const le32 = (v: number) => new Uint8Array(Int32Array.of(v).buffer);
const le64 = (v: bigint) => new Uint8Array(BigInt64Array.of(v).buffer);

describe('bucket hash (spec Appendix B test values)', () => {
  const d = daysFromCivil(2017, 11, 16);
  const t = (22 * 3600 + 31 * 60 + 8) * 1_000_000;
  const ts = d * 86_400_000_000 + t;
  const cases: [string, unknown, number][] = [
    ['int', 34, 2017239379],
    ['long', 34n, 2017239379],
    ['decimal(4,2)', '14.20', -500754589],
    ['date', d, -653330422],
    ['time', t, -662762989],
    ['timestamp', ts, -2047944441],
    ['timestamp', ts + 1, -1207196810],
    ['timestamptz', ts, -2047944441],
    ['timestamptz', ts + 1, -1207196810],
    ['timestamp_ns', BigInt(ts) * 1000n, -2047944441],
    ['timestamp_ns', BigInt(ts + 1) * 1000n + 1n, -1207196810],
    ['timestamptz_ns', BigInt(ts + 1) * 1000n + 1n, -1207196810],
    ['string', 'iceberg', 1210000089],
    ['uuid', 'f79c3e09-677c-4bbd-a479-3f349cb785e7', 1488055340],
    ['fixed[4]', bytes(0, 1, 2, 3), -188683207],
    ['binary', bytes(0, 1, 2, 3), -188683207],
  ];
  for (const [type, v, want] of cases) test(`${type} ${String(v)} → ${want}`, () => assert.equal(hashValue(type, v), want));

  test('boolean and float vectors (types not valid for bucketing, hashed as longs)', () => {
    assert.equal(hashLong(1), 1392991556);
    const bits = (x: number) => new DataView(Float64Array.of(x).buffer).getBigInt64(0, true);
    assert.equal(hashLong(bits(1.0)), -142385009);
    assert.equal(hashLong(bits(0.0)), 1669671676);
  });

  test('murmur3 tail handling: 0-3 trailing bytes (widely published seeded test vectors)', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    assert.equal(murmur3(new Uint8Array(0)), 0);
    assert.equal(murmur3(new Uint8Array(0), 1) >>> 0, 0x514e28b7);
    assert.equal(murmur3(new Uint8Array(4)) >>> 0, 0x2362f9de);
    assert.equal(murmur3(enc('a'), 0x9747b28c) >>> 0, 0x7fa09ea6);
    assert.equal(murmur3(enc('aa'), 0x9747b28c) >>> 0, 0x5d211726);
    assert.equal(murmur3(enc('aaa'), 0x9747b28c) >>> 0, 0x283e0130);
    assert.equal(murmur3(enc('aaaa'), 0x9747b28c) >>> 0, 0x5a97808a);
    assert.equal(murmur3(enc('Hello, world!'), 0x9747b28c) >>> 0, 0x24884cba);
  });

  test('bucket[N] drops the sign bit before the modulo', () => {
    assert.equal(applyTransform(parseTransform('bucket[16]'), 'int', 34), (2017239379 & 0x7fffffff) % 16);
    assert.equal(applyTransform(parseTransform('bucket[16]'), 'string', 'iceberg'), 1210000089 % 16);
    assert.equal(applyTransform(parseTransform('bucket[100]'), 'binary', bytes(0, 1, 2, 3)), (-188683207 & 0x7fffffff) % 100);
  });
});

describe('truncate (spec examples)', () => {
  const tr = (w: number, type: string, v: unknown) => applyTransform(parseTransform(`truncate[${w}]`), type, v);
  test('int and long: remainders are positive', () => {
    assert.equal(tr(10, 'int', 1), 0);
    assert.equal(tr(10, 'int', -1), -10);
    assert.equal(tr(10, 'long', 1n), 0n);
    assert.equal(tr(10, 'long', -1n), -10n);
  });
  test('decimal uses the scale of the column', () => {
    assert.equal(tr(50, 'decimal(4,2)', '10.65'), '10.50');
    assert.equal(tr(50, 'decimal(4,2)', '-0.01'), '-0.50');
  });
  test('string by code points, binary by bytes', () => {
    assert.equal(tr(3, 'string', 'iceberg'), 'ice');
    assert.equal(tr(2, 'string', '😈abc'), '😈a');
    assert.equal(tr(3, 'binary', bytes(1, 2, 3, 4, 5)), '0x010203');
  });
});

describe('time transforms and their human forms', () => {
  test('year, month, day, hour of dates and timestamps, before and after 1970', () => {
    const ts = (iso: string) => Date.parse(iso) * 1000;
    assert.equal(applyTransform(parseTransform('day'), 'timestamptz', ts('2024-01-05T13:45:00Z')), '2024-01-05');
    assert.equal(applyTransform(parseTransform('hour'), 'timestamp', ts('2024-01-05T13:45:00Z')), '2024-01-05-13');
    assert.equal(applyTransform(parseTransform('month'), 'timestamp', ts('2024-01-05T13:45:00Z')), '2024-01');
    assert.equal(applyTransform(parseTransform('year'), 'date', daysFromCivil(2024, 1, 5)), '2024');
    assert.equal(applyTransform(parseTransform('day'), 'timestamp', -1), '1969-12-31');
    assert.equal(applyTransform(parseTransform('hour'), 'timestamp', -1), '1969-12-31-23');
    assert.equal(applyTransform(parseTransform('month'), 'date', -1), '1969-12');
    assert.equal(applyTransform(parseTransform('hour'), 'timestamp_ns', 3_600_000_000_000n), '1970-01-01-01');
    assert.equal(applyTransform(parseTransform('hour'), 'date', 5), undefined); // hour is not defined on dates
    assert.equal(applyTransform(parseTransform('void'), 'int', 5), null);
    assert.equal(applyTransform(parseTransform('zorder'), 'int', 5), undefined);
  });
  test('human forms of stored transform results', () => {
    assert.equal(humanYear(54), '2024');
    assert.equal(humanMonth(54 * 12), '2024-01');
    assert.equal(humanMonth(-1), '1969-12');
    assert.equal(humanDay(19727), '2024-01-05');
    assert.equal(humanHour(19727 * 24 + 13), '2024-01-05-13');
    assert.equal(humanHour(-1), '1969-12-31-23');
  });
  test('day arithmetic agrees with Date over ±100,000 days', () => {
    let seed = 7;
    for (let i = 0; i < 2000; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const d = (seed % 200_000) - 100_000;
      assert.equal(humanDay(d), new Date(d * 86_400_000).toISOString().slice(0, 10).replace(/^\+0*(\d{4})/, '$1'));
      const [y, m, dd] = humanDay(d).split('-').map(Number) as [number, number, number];
      assert.equal(daysFromCivil(y, m, dd), d);
    }
  });
  test('transform names: plural legacy names and unknown transforms', () => {
    assert.deepEqual(parseTransform('days'), { kind: 'day' });
    assert.deepEqual(parseTransform('bucket[0]'), { kind: 'unknown', name: 'bucket[0]' });
  });
});

describe('binary single-value serialization (spec Appendix D)', () => {
  test('fixed-width numbers, little-endian', () => {
    assert.equal(decodeSingleValue('boolean', bytes(0)), false);
    assert.equal(decodeSingleValue('boolean', bytes(1)), true);
    assert.equal(decodeSingleValue('int', le32(-34)), -34);
    assert.equal(decodeSingleValue('long', le64(-34n)), -34);
    assert.equal(decodeSingleValue('long', le64(9007199254740993n)), 9007199254740993n);
    assert.equal(decodeSingleValue('float', new Uint8Array(Float32Array.of(1.1).buffer)), 1.1);
    assert.equal(decodeSingleValue('double', new Uint8Array(Float64Array.of(-2.5).buffer)), -2.5);
  });
  test('dates, times and timestamps', () => {
    assert.equal(decodeSingleValue('date', le32(17486)), '2017-11-16');
    assert.equal(decodeSingleValue('time', le64(81068123456n)), '22:31:08.123456');
    assert.equal(decodeSingleValue('timestamp', le64(1510871468123456n)), '2017-11-16T22:31:08.123456');
    assert.equal(decodeSingleValue('timestamptz', le64(1510871468000000n)), '2017-11-16T22:31:08+00:00');
    assert.equal(decodeSingleValue('timestamp_ns', le64(1510871468123456789n)), '2017-11-16T22:31:08.123456789');
    assert.equal(decodeSingleValue('timestamptz_ns', le64(-1n)), '1969-12-31T23:59:59.999999999+00:00');
  });
  test('strings, UUIDs (big-endian), binary and fixed', () => {
    assert.equal(decodeSingleValue('string', new TextEncoder().encode('iceberg ❄')), 'iceberg ❄');
    assert.equal(decodeSingleValue('uuid', bytes(0xf7, 0x9c, 0x3e, 0x09, 0x67, 0x7c, 0x4b, 0xbd, 0xa4, 0x79, 0x3f, 0x34, 0x9c, 0xb7, 0x85, 0xe7)), 'f79c3e09-677c-4bbd-a479-3f349cb785e7');
    assert.equal(decodeSingleValue('binary', bytes(0, 1, 2, 0xff)), '0x000102ff');
    assert.equal(decodeSingleValue('fixed[2]', bytes(0xab, 0xcd)), '0xabcd');
  });
  test('decimals: minimal two\'s-complement big-endian unscaled values', () => {
    assert.equal(decodeSingleValue('decimal(4,2)', bytes(0x05, 0x8c)), '14.20');
    assert.equal(decodeSingleValue('decimal(4,2)', bytes(0xff, 0x9c)), '-1.00');
    assert.equal(decodeSingleValue('decimal(38,0)', minBigEndian(-(10n ** 37n))), '-' + '1'.padEnd(38, '0'));
    assert.deepEqual(minBigEndian(1420n), bytes(0x05, 0x8c));
    assert.deepEqual(minBigEndian(-1n), bytes(0xff));
    assert.deepEqual(minBigEndian(128n), bytes(0x00, 0x80));
    assert.equal(formatDecimal(-5n, 3), '-0.005');
  });
  test('bounds written before a type promotion are read by their length', () => {
    assert.equal(decodeSingleValue('long', le32(7)), 7);
    assert.equal(decodeSingleValue('double', new Uint8Array(Float32Array.of(1.1).buffer)), 1.1);
    assert.equal(decodeSingleValue('timestamp', le32(1)), '1970-01-02T00:00:00');
    assert.equal(decodeSingleValue('timestamptz_ns', le32(-1)), '1969-12-31T00:00:00+00:00');
  });
  test('wrong lengths show as hex instead of failing', () => {
    assert.equal(decodeSingleValue('int', bytes(1, 2)), '0x0102');
    assert.equal(decodeSingleValue('variant', bytes(1)), '0x01');
  });
  test('float32 display is the shortest round-tripping decimal', () => {
    assert.equal(float32(Math.fround(0.1)), 0.1);
    assert.equal(float32(Math.fround(3.4028234663852886e38)), 3.4028235e38);
  });
  test('timestamps outside the Date range still print', () => {
    assert.equal(formatTimestamp(-(2n ** 63n), 'us', false), '-290308-12-21T19:59:05.224192');
  });
});

describe('location mapping', () => {
  test('recorded prefixes of every kind map onto the table folder', () => {
    const cases: [string, string, string][] = [
      ['/test-warehouse/t', '/test-warehouse/t/data/f.parquet', 'data/f.parquet'],
      ['/test-warehouse/t', 'hdfs://localhost:20500/test-warehouse/t/data/f.parquet', 'data/f.parquet'],
      ['hdfs://localhost:20500/test-warehouse/t', '/test-warehouse/t/metadata/snap-1.avro', 'metadata/snap-1.avro'],
      ['s3a://bucket/wh/t/', 's3://bucket/wh/t/data/a=1/f.parquet', 'data/a=1/f.parquet'],
      ['gs://b/t', 'gs://b/t/data/f.parquet', 'data/f.parquet'],
      ['file:/tmp/t', 'file:/tmp/t/part-0.parquet', 'part-0.parquet'],
      ['file:///tmp/t', 'file:/tmp/t/part-0.parquet', 'part-0.parquet'],
      ['file://data/persistent/t', 'file://data/persistent/t/metadata/m.avro', 'metadata/m.avro'],
      ['data/persistent/t', 'data/persistent/t/data/x=%3A/f.parquet', 'data/x=%3A/f.parquet'],
      ['./lineitem_iceberg', 'lineitem_iceberg/metadata/v1.metadata.json', 'metadata/v1.metadata.json'],
      ['/t', '/t', ''],
      ['/t', '/t/a/./b/../c', 'a/c'],
    ];
    for (const [loc, raw, want] of cases) assert.equal(tablePath(raw, loc), want, `${raw} under ${loc}`);
  });
  test('paths outside the location stay visible but are not table paths', () => {
    const m = new LocationMapper('/wh/t');
    for (const raw of ['/wh/t2/f.parquet', '/etc/passwd', 's3://b/other/f', '/wh/t/../../etc/passwd']) {
      const p = m.tablePath(raw);
      assert.equal(p, raw);
      assert.equal(isTablePath(p), false, raw);
    }
    // a file in another bucket or account than the recorded location is not the table's, even at the same path
    for (const [loc, raw] of [
      ['s3a://bucket/wh/t/', 's3://other-bucket/wh/t/data/a=1/f.parquet'],
      ['abfss://c@acct.dfs.core.windows.net/t', 'abfss://c@other.dfs.core.windows.net/t/f.parquet'],
      ['gs://b/t', 's3://b/t/f.parquet'],
    ] as const) {
      assert.equal(tablePath(raw, loc), raw, `${raw} under ${loc}`);
      assert.equal(isTablePath(tablePath(raw, loc)), false);
    }
    // relative paths outside a relative location climb out with `..` (refused by Storage)
    assert.equal(tablePath('data/persistent/t2/f', 'data/persistent/t'), '../t2/f');
    assert.equal(isTablePath('../t2/f'), false);
  });
});

/** A metadata JSON document for tests, v2 unless told otherwise. */
function metadataJson(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    'format-version': 2,
    'table-uuid': '9c12d441-03fe-4693-9a96-a0705ddf69c1',
    location: 's3://bucket/t',
    'last-sequence-number': 3,
    'last-updated-ms': 1700000003000,
    'last-column-id': 2,
    'current-schema-id': 1,
    schemas: [
      { type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'a', required: true, type: 'long' }] },
      { type: 'struct', 'schema-id': 1, fields: [{ id: 1, name: 'a_renamed', required: true, type: 'long' }, { id: 2, name: 'b', required: false, type: 'decimal(9, 2)' }] },
    ],
    'default-spec-id': 0,
    'partition-specs': [{ 'spec-id': 0, fields: [{ 'source-id': 1, 'field-id': 1000, name: 'a_bucket', transform: 'bucket[4]' }] }],
    'last-partition-id': 1000,
    'default-sort-order-id': 0,
    'sort-orders': [{ 'order-id': 0, fields: [] }],
    'current-snapshot-id': 9007199254740993n,
    snapshots: [
      { 'snapshot-id': 1, 'sequence-number': 1, 'timestamp-ms': 1700000001000, 'manifest-list': 's3://bucket/t/metadata/snap-1.avro', summary: { operation: 'append', 'added-data-files': '2' }, 'schema-id': 0 },
      { 'snapshot-id': 9007199254740993n, 'parent-snapshot-id': 2, 'sequence-number': 3, 'timestamp-ms': 1700000003000, 'manifest-list': 's3://bucket/t/metadata/snap-3.avro', summary: { operation: 'overwrite' }, 'schema-id': 1 },
      { 'snapshot-id': 2, 'parent-snapshot-id': 1, 'sequence-number': 2, 'timestamp-ms': 1700000002000, 'manifest-list': 's3://bucket/t/metadata/snap-2.avro', summary: { operation: 'delete' }, 'schema-id': 0 },
    ],
    'snapshot-log': [
      { 'timestamp-ms': 1700000001000, 'snapshot-id': 1 },
      { 'timestamp-ms': 1700000002000, 'snapshot-id': 2 },
      { 'timestamp-ms': 1700000003000, 'snapshot-id': 9007199254740993n },
    ],
    refs: { main: { 'snapshot-id': 9007199254740993n, type: 'branch' }, v1: { 'snapshot-id': 1, type: 'tag' } },
    ...over,
  };
}

/** Serialises like a writer would: 64-bit ids as bare integers. */
function toJsonText(o: unknown): string {
  return JSON.stringify(o, (_k, v) => (typeof v === 'bigint' ? `@@${v}@@` : v)).replace(/"@@(-?\d+)@@"/g, '$1');
}

function parse(o: unknown) {
  return parseTableMetadata(parseJson(toJsonText(o)), 'metadata/v1.metadata.json');
}

describe('table metadata', () => {
  test('v2: ids exact beyond 2^53, schemas, specs, refs', () => {
    const md = parse(metadataJson());
    assert.equal(md.currentSnapshotId, '9007199254740993');
    assert.equal(md.snapshots[1]!.snapshotId, '9007199254740993');
    assert.equal(md.snapshots[1]!.parentId, '2');
    assert.equal(md.refs.v1!.type, 'tag');
    assert.equal(md.schemas[1]!.schema.fields[1]!.type, 'decimal(9,2)');
    // a rename keeps the field id
    assert.equal(md.schemas[0]!.schema.fields[0]!.id, md.schemas[1]!.schema.fields[0]!.id);
    assert.deepEqual(commitOrder(md).map((s) => s.snapshotId), ['1', '2', '9007199254740993']);
  });
  test('v1 fallbacks: single schema, partition-spec field list, inline manifests, -1 current snapshot', () => {
    const { schemas: _s, 'partition-specs': _p, 'current-schema-id': _c, 'default-spec-id': _d, refs: _r, ...rest } = metadataJson();
    const md = parse({
      ...rest,
      'format-version': 1,
      schema: { type: 'struct', fields: [{ id: 1, name: 'a', required: false, type: 'int' }] },
      'partition-spec': [{ 'source-id': 1, name: 'a', transform: 'identity' }],
      'current-snapshot-id': -1,
      snapshots: [{ 'snapshot-id': 5, 'timestamp-ms': 1, manifests: ['s3://bucket/t/metadata/m1.avro'] }],
    });
    assert.equal(md.schemas.length, 1);
    assert.equal(md.specs[0]!.fields[0]!.fieldId, 1000);
    assert.equal(md.currentSnapshotId, null);
    assert.equal(md.snapshots[0]!.sequenceNumber, 0);
    assert.deepEqual(md.snapshots[0]!.manifests, ['s3://bucket/t/metadata/m1.avro']);
    assert.equal(md.refs.main, undefined);
  });
  test('format version 4 and encryption are clear errors naming the file', () => {
    assert.throws(() => parse(metadataJson({ 'format-version': 4 })), (e: unknown) => e instanceof LakeError && e.kind === 'unsupported' && e.path === 'metadata/v1.metadata.json' && /format version 4/.test(e.message));
    assert.throws(() => parse(metadataJson({ 'format-version': 3, 'encryption-keys': [{ 'key-id': 'k', 'encrypted-key-metadata': 'AA==' }] })), (e: unknown) => e instanceof LakeError && e.kind === 'unsupported');
    assert.throws(() => parse(metadataJson({ location: 5 })), (e: unknown) => e instanceof LakeError && e.kind === 'corrupt' && /location/.test(e.message));
  });
});

describe('snapshot selection', () => {
  const md = parse(metadataJson());
  const sel = (s: Parameters<typeof selectSnapshot>[1]) => selectSnapshot(md, s, 'metadata/v3.metadata.json');
  test('current, by id, by version, by ref', () => {
    assert.equal(sel({}).snapshot!.snapshotId, '9007199254740993');
    assert.equal(sel({}).current, true);
    assert.equal(sel({ snapshotId: '2' }).snapshot!.snapshotId, '2');
    assert.equal(sel({ version: 1 }).snapshot!.snapshotId, '1');
    assert.equal(sel({ version: '9007199254740993' }).snapshot!.snapshotId, '9007199254740993');
    assert.equal(sel({ ref: 'v1' }).snapshot!.snapshotId, '1');
    assert.equal(sel({ ref: 'main' }).current, true);
  });
  test('as of a time, per snapshot-log', () => {
    assert.equal(sel({ timestamp: 1700000002000 }).snapshot!.snapshotId, '2');
    assert.equal(sel({ timestamp: 1700000002999 }).snapshot!.snapshotId, '2');
    assert.equal(sel({ timestamp: 1800000000000 }).snapshot!.snapshotId, '9007199254740993');
    assert.throws(() => sel({ timestamp: 1600000000000 }), (e: unknown) => e instanceof LakeError && e.kind === 'unknown-version');
  });
  test('without a snapshot-log: the current snapshot\'s ancestry', () => {
    const noLog = parse(metadataJson({ 'snapshot-log': [] }));
    const s = selectSnapshot(noLog, { timestamp: 1700000001500 }, 'm');
    assert.equal(s.snapshot!.snapshotId, '1');
    assert.ok(s.notes.length > 0);
  });
  test('unknown ids, refs and inexact numbers are errors', () => {
    assert.throws(() => sel({ snapshotId: '42' }), (e: unknown) => e instanceof LakeError && e.kind === 'unknown-version' && e.path === 'metadata/v3.metadata.json');
    assert.throws(() => sel({ ref: 'nope' }), /refs: main, v1/);
    assert.throws(() => sel({ version: 2 ** 60 }), (e: unknown) => e instanceof LakeError && e.kind === 'invalid-argument');
    assert.throws(() => sel({ snapshotId: 'abc' }), (e: unknown) => e instanceof LakeError && e.kind === 'invalid-argument');
  });
});

describe('finding the current metadata file', () => {
  test('file names: v<N>, <N>-<uuid>, both gzip forms, temp files', () => {
    assert.equal(parseMetadataFileName('v12.metadata.json')?.version, 12);
    assert.equal(parseMetadataFileName('v2.gz.metadata.json')?.gzipName, true);
    assert.equal(parseMetadataFileName('v2.metadata.json.gz')?.version, 2);
    assert.equal(parseMetadataFileName('00003-5b7aa739-d074-4764-b49d-ad6c63419576.metadata.json')?.version, 3);
    assert.equal(parseMetadataFileName('5b7aa739-d074-4764-b49d-ad6c63419576.metadata.json')?.version, null);
    assert.equal(parseMetadataFileName('version-hint.text'), undefined);
    assert.equal(parseMetadataFileName('snap-1-1-x.avro'), undefined);
  });
  const table = (files: Record<string, string>) => {
    const m = new MemStorage();
    for (const [k, v] of Object.entries(files)) m.put(`metadata/${k}`, v);
    return m;
  };
  test('a numeric hint, followed forward like Java does', async () => {
    const l = await findCurrentMetadata(table({ 'version-hint.text': '2', 'v1.metadata.json': '', 'v2.metadata.json': '', 'v3.metadata.json': '', 'v5.metadata.json': '' }));
    assert.equal(l.current.name, 'v3.metadata.json');
    assert.ok(l.notes.some((n) => /newer metadata up to version 3/.test(n)));
  });
  test('a file-stem hint, and Impala\'s version-hint.txt', async () => {
    const stem = '00001-19739cda-f528-4429-84cc-377ffdd24c75';
    assert.equal((await findCurrentMetadata(table({ 'version-hint.text': stem, [`${stem}.metadata.json`]: '', '00000-acdf842e-3a9d-4b9b-ad87-daf78583a550.metadata.json': '' }))).current.name, `${stem}.metadata.json`);
    assert.equal((await findCurrentMetadata(table({ 'version-hint.txt': '1\n', 'v1.metadata.json': '', 'v2.metadata.json': '' }))).current.name, 'v2.metadata.json');
  });
  test('empty, invalid or dangling hints and no hint fall back to the highest version', async () => {
    for (const hint of [undefined, '', 'garbage', '9', '00009-19739cda-f528-4429-84cc-377ffdd24c75']) {
      const files: Record<string, string> = { 'v1.metadata.json': '', 'v10.gz.metadata.json': '', 'v9.metadata.json.gz': '' };
      if (hint !== undefined) files['version-hint.text'] = hint;
      const l = await findCurrentMetadata(table(files));
      assert.equal(l.current.name, 'v10.gz.metadata.json', `hint ${JSON.stringify(hint)}`);
      assert.equal(l.notes.length > 0, hint !== undefined, `hint ${JSON.stringify(hint)}: ${l.notes.join('; ')}`);
      assert.equal(l.files.length, 3);
    }
  });
  test('no metadata file at all is not a table', async () => {
    await assert.rejects(findCurrentMetadata(table({ 'version-hint.text': '1' })), (e: unknown) => e instanceof LakeError && e.kind === 'not-a-table');
  });
});
