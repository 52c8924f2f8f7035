/**
 * Resource abuse (issue #8): sizes that claim a gigabyte or a terabyte, JSON nested 100,000 deep
 * wherever a table holds JSON, a schema of 10,000 columns, a 50 MB string in a commit, 64-bit
 * values beyond 2^53, NaN and infinities, Avro with absurd counts. Illegal input fails quickly with
 * a LakeError and bounded memory; legal input (wide schemas, long and NaN partition values, big
 * strings) is handled correctly.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { formatHistory, formatSnapshot } from '../src/cli/format';
import { readAvroFile } from '../src/core/avro/container';
import { parseFileStats } from '../src/core/delta/stats';
import { DeltaTable } from '../src/core/delta/table';
import { LakeError } from '../src/core/errors';
import { IcebergTable } from '../src/core/iceberg/table';
import { parseJson } from '../src/core/json';
import { FsStorage } from '../src/core/storage/local';
import { diffSchemas } from '../src/core/schemaDiff';
import { QueryEngine } from '../src/query/engine';
import { DELTA_SMALL, ICEBERG, ICEBERG_CURRENT, ICEBERG_DV, addAction, appendCommit, bytesOf, commitFile, copyOf, editAvro, icebergFiles, putLines, writeOut } from './fixtures/broken';
import { container, encode } from './helpers/avroWrite';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

let tmp: string;
let engine: QueryEngine;

before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lakelens-limits-'));
  engine = new QueryEngine({ threads: 2 });
});

after(async () => {
  await engine.dispose();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function lake(kind: string, message: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof LakeError, `expected a LakeError, got ${(e as Error)?.stack ?? String(e)}`);
    assert.equal(e.kind, kind, e.message);
    assert.match(e.message, message);
    return true;
  };
}

/** Bytes held in ArrayBuffers/Buffers (where a claimed size would be allocated). */
function buffers(): number {
  gc();
  return process.memoryUsage().arrayBuffers;
}

/** Runs `f`, checking it finishes in `ms` and allocates at most `maxBytes` of buffers at its peak. */
async function bounded<T>(ms: number, maxBytes: number, f: () => Promise<T>): Promise<T> {
  const base = buffers();
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().arrayBuffers - base)), 1);
  const t0 = Date.now();
  try {
    return await f();
  } finally {
    clearInterval(timer);
    peak = Math.max(peak, process.memoryUsage().arrayBuffers - base);
    assert.ok(Date.now() - t0 < ms, `took ${Date.now() - t0} ms (limit ${ms})`);
    assert.ok(peak < maxBytes, `allocated ${Math.round(peak / 1e6)} MB of buffers (limit ${Math.round(maxBytes / 1e6)} MB)`);
  }
}

const MB = 1 << 20;

// --- sizes that claim far more than the file holds ---------------------------------------------

test('a deletion vector claiming 1 GB or 1 TB is a short read, not an allocation', async () => {
  for (const size of [2 ** 30, 2 ** 40]) {
    const m = copyOf(DELTA_SMALL);
    const data = [...m.files.keys()].find((k) => k.endsWith('.parquet') && !k.startsWith('.'))!;
    m.put('dv.bin', new Uint8Array(64).fill(1));
    appendCommit(m, [
      { remove: { path: data, deletionTimestamp: 1, dataChange: true } },
      addAction(data, { size: bytesOf(m, data).length, deletionVector: { storageType: 'p', pathOrInlineDv: 'dv.bin', offset: 1, sizeInBytes: size, cardinality: 1 } }),
    ]);
    const root = writeOut(m, fs.mkdtempSync(path.join(tmp, 'dv-')));
    const storage = new FsStorage(root);
    const snap = await new DeltaTable(storage).snapshot();
    await bounded(5000, 64 * MB, () => assert.rejects(engine.table(storage).preview(snap, 0, 10), lake('corrupt', /deletion vector .* ends early/)));
  }
});

test('an Iceberg deletion vector whose Puffin blob claims 1 GB is a short read', async () => {
  const m = copyOf(ICEBERG_DV);
  const { deleteManifest } = icebergFiles(m, 'metadata/v3.metadata.json');
  assert.ok(deleteManifest);
  editAvro(m, deleteManifest!, (records) => {
    for (const r of records) r.data_file.content_size_in_bytes = 2 ** 30;
  });
  const root = writeOut(m, fs.mkdtempSync(path.join(tmp, 'puffin-')));
  const storage = new FsStorage(root);
  const snap = await new IcebergTable(storage).snapshot();
  await bounded(5000, 64 * MB, () => assert.rejects(engine.table(storage).preview(snap, 0, 10), lake('corrupt', /deletion vector blob ends early/)));
});

test('an add claiming 1 GB is just a number: the snapshot adds it up', async () => {
  const m = copyOf(DELTA_SMALL);
  const before = await new DeltaTable(copyOf(DELTA_SMALL)).snapshot();
  appendCommit(m, [addAction('huge.parquet', { size: 2 ** 30 })]);
  const snap = await new DeltaTable(m).snapshot();
  assert.equal(snap.sizeBytes, before.sizeBytes + 2 ** 30);
});

test('Avro blocks claiming absurd counts and sizes are corrupt, without allocating for them', async () => {
  const schema = { type: 'record', name: 'r', fields: [{ name: 'xs', type: { type: 'array', items: 'long' } }] };
  const one = Uint8Array.from(encode(schema, { xs: [1, 2, 3] }));
  const cases: [string, Uint8Array][] = [
    ['a block claiming a billion records', container(schema, 'null', [{ count: 1e9, data: one }])],
    ['a block claiming 2^62 records', container(schema, 'null', [{ count: 2 ** 62, data: one }])],
    // an array of 2^40 longs inside one small record
    ['an array claiming 2^40 items', container(schema, 'null', [{ count: 1, data: Uint8Array.from([...encode('long', 2 ** 40), 2, 0]) }])],
    ['a negative block size', Uint8Array.from([...container(schema, 'null', []), 2, 1])],
  ];
  // a block whose size field claims 1 GB
  const head = container(schema, 'null', []);
  cases.push(['a block claiming 1 GB of data', Uint8Array.from([...head, ...encode('long', 1), ...encode('long', 2 ** 30), ...one])]);
  for (const [name, bytes] of cases) {
    await bounded(1000, 16 * MB, async () => assert.throws(() => readAvroFile(bytes, 'x.avro'), lake('corrupt', /avro: /), name));
  }
});

// --- nesting ---------------------------------------------------------------------------------------

const DEEP = 100_000;
const deepArray = `${'['.repeat(DEEP)}${']'.repeat(DEEP)}`;
const deepObject = `${'{"a":'.repeat(DEEP)}1${'}'.repeat(DEEP)}`;

test('JSON nested 100,000 deep is refused by the one JSON parser, exact or not', () => {
  for (const text of [deepArray, deepObject, `{"n":12345678901234567890,"x":${deepArray}}`]) {
    assert.throws(() => parseJson(text), (e: unknown) => e instanceof SyntaxError && /nested too deeply/.test(e.message));
  }
  // 500 levels are fine, and values are kept exact at any depth
  const ok = parseJson(`${'['.repeat(500)}12345678901234567890${']'.repeat(500)}`);
  let v: unknown = ok;
  for (let i = 0; i < 500; i++) v = (v as unknown[])[0];
  assert.equal(v, 12345678901234567890n);
});

test('deep JSON in a schema, in stats, in Iceberg metadata and in an Avro header: corrupt, named', async () => {
  const m = copyOf(DELTA_SMALL);
  putLines(m, commitFile(2), [{ metaData: { id: 'x', format: { provider: 'parquet' }, schemaString: deepObject, partitionColumns: [], configuration: {} } }]);
  await assert.rejects(new DeltaTable(m).snapshot(), lake('corrupt', /schemaString is not valid JSON: JSON nested too deeply/));

  assert.throws(() => parseFileStats(`{"numRecords":1,"minValues":${deepObject}}`, undefined, { type: 'struct', fields: [] }, 'c.json'), lake('corrupt', /add\.stats is not valid JSON: JSON nested too deeply/));

  const ice = copyOf(ICEBERG);
  ice.put(ICEBERG_CURRENT, `{"format-version":2,"properties":${deepObject}}`);
  await assert.rejects(new IcebergTable(ice).snapshot(), lake('corrupt', /metadata is not valid JSON: JSON nested too deeply/));

  const withDeep = container({ type: 'record', name: 'r', fields: [{ name: 'a', type: JSON.parse(`${'{"type":"array","items":'.repeat(600)}"long"${'}'.repeat(600)}`) }] }, 'null', []);
  assert.throws(() => readAvroFile(withDeep, 'deep.avro'), lake('corrupt', /avro: invalid schema in header: JSON nested too deeply/));
});

test('a Delta schema of structs nested 160 deep opens; 300 deep is refused by the JSON limit', async () => {
  const nested = (depth: number) => {
    let type: unknown = 'long';
    for (let i = 0; i < depth; i++) type = { type: 'struct', fields: [{ name: `f${i}`, type, nullable: true, metadata: {} }] };
    const m = copyOf(DELTA_SMALL);
    putLines(m, commitFile(2), [{ metaData: { id: 'x', format: { provider: 'parquet' }, schemaString: JSON.stringify(type), partitionColumns: [], configuration: {} } }]);
    return new DeltaTable(m);
  };
  const snap = await nested(160).snapshot();
  let f = snap.schema.fields[0]!;
  let depth = 1;
  while (typeof f.type === 'object' && f.type.type === 'struct') {
    f = f.type.fields[0]!;
    depth++;
  }
  assert.equal(depth, 160);
  await assert.rejects(nested(300).snapshot(), lake('corrupt', /schemaString is not valid JSON: JSON nested too deeply/));
});

// --- wide, long and big legal input -----------------------------------------------------------------

test('a schema of 10,000 columns opens, diffs, parses stats and queries', async () => {
  const N = 10_000;
  const fields = Array.from({ length: N }, (_, i) => ({ name: `c${i}`, type: 'long', nullable: true, metadata: {} }));
  const stats = { numRecords: 1, minValues: Object.fromEntries(fields.map((f, i) => [f.name, i])), nullCount: Object.fromEntries(fields.map((f) => [f.name, 0])) };
  const m = copyOf(DELTA_SMALL);
  const old = [...m.files.keys()].filter((k) => k.endsWith('.parquet') && !k.startsWith('.'));
  putLines(m, commitFile(2), [
    { metaData: { id: 'wide', format: { provider: 'parquet', options: {} }, schemaString: JSON.stringify({ type: 'struct', fields }), partitionColumns: [], configuration: {} } },
    ...old.map((p) => ({ remove: { path: p, dataChange: true } })),
    addAction('wide.parquet', { stats: JSON.stringify(stats) }),
  ]);
  const root = writeOut(m, fs.mkdtempSync(path.join(tmp, 'wide-')));
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const inst = await DuckDBInstance.create(':memory:');
  const conn = await inst.connect();
  await conn.run(`COPY (SELECT ${fields.map((f, i) => `${i}::BIGINT AS ${f.name}`).join(', ')}) TO '${path.join(root, 'wide.parquet')}' (FORMAT parquet)`);
  conn.closeSync();
  inst.closeSync();

  const storage = new FsStorage(root);
  const t = new DeltaTable(storage);
  let t0 = Date.now();
  const snap = await t.snapshot();
  assert.equal(snap.schema.fields.length, N);
  assert.ok(Date.now() - t0 < 2000, `snapshot took ${Date.now() - t0} ms`);
  t0 = Date.now();
  const s = parseFileStats(snap.files[0]!.statsJson, undefined, snap.schema, 'x');
  assert.equal(s?.minValues?.c9999, 9999);
  const side = (names: (i: number) => string) => ({ schema: { type: 'struct' as const, fields: fields.map((f, i) => ({ ...f, name: names(i) })) }, partitionColumns: [], properties: {} });
  const d = diffSchemas(side((i) => `c${i}`), side((i) => `d${i}`));
  assert.equal(d.changes.length, 2 * N);
  assert.ok(Date.now() - t0 < 1000, `stats and diff took ${Date.now() - t0} ms`);
  const res = await engine.table(storage).sql(snap, 'SELECT c0, c9999 FROM t');
  assert.deepEqual(await res.next(), [['0', '9999']]);
  res.close();
});

test('a 50 MB string in a commit is read in linear time', async () => {
  const big = 'x'.repeat(50 * MB);
  const m = copyOf(DELTA_SMALL);
  const v = appendCommit(m, [{ commitInfo: { timestamp: 1, operation: 'WRITE', operationParameters: { note: big } } }, addAction('a.parquet', { tags: { t: big } })]);
  const t = new DeltaTable(m);
  const t0 = Date.now();
  const snap = await t.snapshot();
  const h = await t.history({ limit: 1 });
  assert.equal(snap.files.find((f) => f.path === 'a.parquet')?.tags?.t?.length, 50 * MB);
  assert.equal((h.versions[0]!.operationParameters.note as string).length, 50 * MB);
  assert.equal(h.versions[0]!.version, v);
  assert.ok(Date.now() - t0 < 5000, `took ${Date.now() - t0} ms`);
});

test('64-bit values beyond 2^53 stay exact: partition values, stats, txn versions; rows show them exactly', async () => {
  const m = copyOf(DELTA_SMALL);
  const schema = { type: 'struct', fields: [{ name: 'id', type: 'long', nullable: true, metadata: {} }, { name: 'p', type: 'long', nullable: true, metadata: {} }] };
  const old = [...m.files.keys()].filter((k) => k.endsWith('.parquet') && !k.startsWith('.'));
  putLines(m, commitFile(2), [
    `{"metaData":{"id":"big","format":{"provider":"parquet","options":{}},"schemaString":${JSON.stringify(JSON.stringify(schema))},"partitionColumns":["p"],"configuration":{}}}`,
    ...old.map((p) => JSON.stringify({ remove: { path: p, dataChange: true } })),
    `{"txn":{"appId":"app","version":9223372036854775807}}`,
    `{"add":{"path":"p=9223372036854775807/a.parquet","partitionValues":{"p":"9223372036854775807"},"size":1,"modificationTime":1,"dataChange":true,"stats":"{\\"numRecords\\":1,\\"minValues\\":{\\"id\\":9007199254740993},\\"maxValues\\":{\\"id\\":9007199254740993}}"}}`,
    `{"add":{"path":"p=-9223372036854775808/b.parquet","partitionValues":{"p":"-9223372036854775808"},"size":1,"modificationTime":1,"dataChange":true}}`,
  ]);
  const root = writeOut(m, fs.mkdtempSync(path.join(tmp, 'long-')));
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const inst = await DuckDBInstance.create(':memory:');
  const conn = await inst.connect();
  for (const [dir, f] of [['p=9223372036854775807', 'a.parquet'], ['p=-9223372036854775808', 'b.parquet']]) {
    fs.mkdirSync(path.join(root, dir!), { recursive: true });
    await conn.run(`COPY (SELECT 9007199254740993::BIGINT AS id) TO '${path.join(root, dir!, f!)}' (FORMAT parquet)`);
  }
  conn.closeSync();
  inst.closeSync();
  const storage = new FsStorage(root);
  const snap = await new DeltaTable(storage).snapshot();
  assert.deepEqual(snap.files.map((f) => f.partitionValues.p).sort(), [-9223372036854775808n, 9223372036854775807n]);
  assert.equal(snap.appTransactions[0]!.version, 9223372036854775807n);
  assert.equal(parseFileStats(snap.files.find((f) => f.path.startsWith('p=9'))!.statsJson, undefined, snap.schema, 'x')?.minValues?.id, 9007199254740993n);
  const page = await engine.table(storage).preview(snap, 0, 10);
  assert.deepEqual(page.rows.map((r) => r.map(String)).sort(), [['9007199254740993', '-9223372036854775808'], ['9007199254740993', '9223372036854775807']]);
});

test('a log file numbered beyond 2^53 is left out with a note, not silently', async () => {
  const m = copyOf(DELTA_SMALL);
  m.put('_delta_log/99999999999999999999.json', JSON.stringify(addAction('never.parquet')));
  const snap = await new DeltaTable(m).snapshot();
  assert.equal(snap.version, 1);
  assert.ok(snap.notes.some((n) => /numbered beyond 2\^53/.test(n)), snap.notes.join(' | '));
});

test('NaN and infinities: legal double partition values read back exactly; bad stats are a clear error', async () => {
  const m = copyOf(DELTA_SMALL);
  const schema = { type: 'struct', fields: [{ name: 'id', type: 'integer', nullable: true, metadata: {} }, { name: 'd', type: 'double', nullable: true, metadata: {} }] };
  const old = [...m.files.keys()].filter((k) => k.endsWith('.parquet') && !k.startsWith('.'));
  const values = ['NaN', 'Infinity', '-Infinity', '-0.0', '1.7976931348623157E308'];
  putLines(m, commitFile(2), [
    { metaData: { id: 'nan', format: { provider: 'parquet', options: {} }, schemaString: JSON.stringify(schema), partitionColumns: ['d'], configuration: {} } },
    ...old.map((p) => ({ remove: { path: p, dataChange: true } })),
    ...values.map((v, i) => addAction(`f${i}.parquet`, { partitionValues: { d: v }, stats: `{"numRecords":1,"minValues":{"id":${i}},"maxValues":{"id":1e999}}` })),
  ]);
  const root = writeOut(m, fs.mkdtempSync(path.join(tmp, 'nan-')));
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const inst = await DuckDBInstance.create(':memory:');
  const conn = await inst.connect();
  for (let i = 0; i < values.length; i++) await conn.run(`COPY (SELECT ${i}::INT AS id) TO '${path.join(root, `f${i}.parquet`)}' (FORMAT parquet)`);
  conn.closeSync();
  inst.closeSync();
  const storage = new FsStorage(root);
  const snap = await new DeltaTable(storage).snapshot();
  assert.equal(snap.numRecords, values.length);
  const res = await engine.table(storage).sql(snap, `SELECT id, d::VARCHAR FROM t ORDER BY id`);
  assert.deepEqual(await res.next(), [[0, 'nan'], [1, 'inf'], [2, '-inf'], [3, '-0.0'], [4, '1.7976931348623157e+308']]);
  res.close();
  // 1e999 is legal JSON for a number too large for a double: Infinity, not an error
  assert.equal(parseFileStats(snap.files[0]!.statsJson, undefined, snap.schema, 'x')?.maxValues?.id, Infinity);
  // a bare NaN is not JSON: the stats of that file are refused by name when read
  assert.throws(() => parseFileStats('{"numRecords":1,"minValues":{"d":NaN}}', undefined, snap.schema, '_delta_log/00000000000000000002.json'), lake('corrupt', /add\.stats is not valid JSON/));
  // …and a snapshot whose count depends on such stats fails clearly instead of guessing
  const bad = copyOf(DELTA_SMALL);
  appendCommit(bad, [addAction('n.parquet', { stats: '{"minValues":{"d":NaN},"numRecords":1}' })]);
  await assert.rejects(new DeltaTable(bad).snapshot(), lake('corrupt', /add\.stats is not valid JSON/));
});

test('timestamps beyond the calendar are shown as numbers, not thrown as RangeErrors', async () => {
  const m = copyOf(DELTA_SMALL);
  const v = appendCommit(m, [{ commitInfo: { timestamp: 18446744073709551616, operation: 'WRITE' } }, addAction('a.parquet')]);
  const t = new DeltaTable(m);
  const h = await t.history({ limit: 1 });
  assert.equal(h.versions[0]!.version, v);
  assert.match(formatHistory(h), /invalid time \(18446744073709552000 ms\)/);
  assert.match(formatSnapshot(await t.snapshot(), false), /timestamp: +invalid time/);
});

test('time travel past a commit time beyond the calendar is a clear error', async () => {
  const m = copyOf(DELTA_SMALL);
  for (const v of [0, 1]) {
    const p = commitFile(v);
    const text = new TextDecoder().decode(bytesOf(m, p)).replace(/"timestamp":\d+/g, '"timestamp":18446744073709551616');
    m.put(p, text);
  }
  await assert.rejects(new DeltaTable(m).snapshot({ timestamp: Date.UTC(2024, 0, 1) }), lake('unknown-version', /2024-01-01T00:00:00Z is before the earliest available version 0 \(invalid time/));
});
