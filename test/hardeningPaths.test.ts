/**
 * Paths that try to leave the table (issue #8): `add.path` and Iceberg file paths with `../`,
 * absolute paths, `file:` URIs to /etc, symlinks inside the table pointing outside, deletion-vector
 * paths escaping the table. Metadata views still open and say which files cannot be read; reading
 * rows is refused with an `out-of-root` error by Lakelens itself (before DuckDB is asked to open
 * anything); and no file outside the table root is ever listed, read or stat'ed (checked with
 * MemStorage.reads and a tracking wrapper over FsStorage).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { DeltaTable } from '../src/core/delta/table';
import { LakeError } from '../src/core/errors';
import { IcebergTable } from '../src/core/iceberg/table';
import type { MemStorage } from '../src/core/storage/memory';
import { openTable } from '../src/core/table';
import { QueryEngine } from '../src/query/engine';
import { DELTA_DV, DELTA_SMALL, HUDI, ICEBERG, ICEBERG_CURRENT, addAction, appendCommit, copyOf, editAvro, editJson, icebergFiles, tempCopy, writeOut } from './fixtures/broken';
import { TrackingFsStorage } from './helpers/tracking';

let tmp: string;
let engine: QueryEngine;
/** A file outside every table, which nothing may read. */
let secret: string;

before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lakelens-paths-'));
  secret = path.join(tmp, 'secret.parquet');
  fs.writeFileSync(secret, 'not for Lakelens');
  engine = new QueryEngine({ memoryLimit: '256MB', threads: 1 });
});

after(async () => {
  await engine.dispose();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function outOfRoot(pathPattern?: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof LakeError, `expected a LakeError, got ${(e as Error)?.stack ?? String(e)}`);
    assert.equal(e.kind, 'out-of-root', e.message);
    // refused by Lakelens, not by DuckDB's own sandbox after it was handed the path
    assert.doesNotMatch(e.message, /Permission Error|SQL:/, e.message);
    if (pathPattern) assert.match(e.path ?? e.message, pathPattern, e.message);
    return true;
  };
}

/** Escaping file names as a hostile log would write them. */
const ESCAPES: [string, (secretAbs: string) => string][] = [
  ['relative ../', (s) => `${'../'.repeat(12)}${s.slice(1)}`],
  ['URL-encoded ../', (s) => `${'%2E%2E/'.repeat(12)}${s.slice(1)}`],
  ['absolute path', (s) => s],
  ['file: URI', (s) => `file:${s}`],
  ['file:/// URI', (s) => `file://${s}`],
  ['file:/// URI to /etc/passwd', () => 'file:///etc/passwd'],
  ['inside then up', (s) => `a/b/../../../${'../'.repeat(10)}${s.slice(1)}`],
  ['Windows-style ..\\', (s) => `${'..\\'.repeat(12)}${s.slice(1).replace(/\//g, '\\')}`],
  ['s3:// URI', () => 's3://bucket/t/part-0.parquet'],
];

for (const [name, make] of ESCAPES) {
  test(`delta add.path (${name}): metadata opens with a note, reading touches only the log`, async () => {
    const m = copyOf(DELTA_SMALL);
    const v = appendCommit(m, [addAction(make('/tmp/lakelens-outside/secret.parquet'))]);
    const t = new DeltaTable(m);
    const snap = await t.snapshot();
    assert.equal(snap.version, v);
    assert.ok(snap.notes.some((n) => /1 file\(s\) named by the log lie outside the table folder/.test(n)), snap.notes.join(' | '));
    await t.history();
    await t.changes(v);
    assert.deepEqual(m.reads.filter((r) => !r.startsWith('_delta_log/')), []);
  });
}

test('delta: every escaping add.path is refused for rows before DuckDB opens anything; nothing outside is touched', async () => {
  for (const [name, make] of ESCAPES) {
    const root = tempCopy(DELTA_SMALL, fs.mkdtempSync(path.join(tmp, 'delta-')));
    const m = copyOf(DELTA_SMALL);
    appendCommit(m, [addAction(make(secret))]);
    writeOut(m, root);
    const storage = new TrackingFsStorage(root);
    const snap = await new DeltaTable(storage).snapshot();
    const q = engine.table(storage);
    await assert.rejects(q.preview(snap, 0, 10), outOfRoot(), name);
    await assert.rejects(q.sql(snap, 'SELECT count(*) FROM t'), outOfRoot(), name);
    await assert.rejects(q.export(snap, 'csv', path.join(tmp, 'out.csv')), outOfRoot(), name);
    assert.ok(!fs.existsSync(path.join(tmp, 'out.csv')), `${name}: export wrote a file`);
    assert.deepEqual(storage.outside(), [], name);
  }
});

test('delta: deletion-vector paths escaping the table are refused for rows; metadata notes them', async () => {
  const dvs: [string, Record<string, unknown>][] = [
    ['absolute p', { storageType: 'p', pathOrInlineDv: secret, offset: 1, sizeInBytes: 10, cardinality: 1 }],
    ['file: p', { storageType: 'p', pathOrInlineDv: `file://${secret}`, offset: 1, sizeInBytes: 10, cardinality: 1 }],
    ['relative ../ p', { storageType: 'p', pathOrInlineDv: `${'../'.repeat(12)}${secret.slice(1)}`, offset: 1, sizeInBytes: 10, cardinality: 1 }],
    // 'u': a random prefix then a 20-character z85 UUID; the prefix climbs out
    ['u with ../ prefix', { storageType: 'u', pathOrInlineDv: `${'../'.repeat(12)}tmpab^-aw^bcd)!a6>R@bY$`, offset: 1, sizeInBytes: 10, cardinality: 1 }],
  ];
  for (const [name, dv] of dvs) {
    const root = tempCopy(DELTA_SMALL, fs.mkdtempSync(path.join(tmp, 'dv-')));
    const m = copyOf(DELTA_SMALL);
    const data = [...m.files.keys()].find((k) => k.endsWith('.parquet') && !k.includes('/') && !k.startsWith('.'))!;
    appendCommit(m, [{ remove: { path: data, deletionTimestamp: 1, dataChange: true } }, addAction(data, { size: m.files.get(data)!.bytes.length, deletionVector: dv })]);
    writeOut(m, root);
    const storage = new TrackingFsStorage(root);
    const snap = await new DeltaTable(storage).snapshot();
    assert.ok(snap.notes.some((n) => /lie outside the table folder/.test(n)), `${name}: ${snap.notes.join(' | ')}`);
    await assert.rejects(engine.table(storage).preview(snap, 0, 10), outOfRoot(), name);
    assert.deepEqual(storage.outside(), [], name);
  }
});

test('delta: symlinks inside the table that point outside are refused by name', async () => {
  const root = tempCopy(DELTA_SMALL, fs.mkdtempSync(path.join(tmp, 'sym-')));
  const outsideDir = fs.mkdtempSync(path.join(tmp, 'elsewhere-'));
  fs.writeFileSync(path.join(outsideDir, 'commit.json'), fs.readFileSync(path.join(root, '_delta_log', '00000000000000000001.json')));
  // a data file, a commit and _last_checkpoint that are symlinks out of the table
  const data = fs.readdirSync(root).find((f) => f.endsWith('.parquet'))!;
  fs.rmSync(path.join(root, data));
  fs.symlinkSync(secret, path.join(root, data));
  let storage = new TrackingFsStorage(root);
  let snap = await new DeltaTable(storage).snapshot();
  await assert.rejects(engine.table(storage).preview(snap, 0, 10), outOfRoot(new RegExp(data.replace(/[.]/g, '\\.'))));
  assert.deepEqual(storage.outside(), []);

  fs.symlinkSync(secret, path.join(root, '_delta_log', '_last_checkpoint'));
  storage = new TrackingFsStorage(root);
  snap = await new DeltaTable(storage).snapshot();
  assert.ok(snap.notes.some((n) => /ignored unreadable _last_checkpoint.*outside the table root/.test(n)), snap.notes.join(' | '));

  fs.rmSync(path.join(root, '_delta_log', '00000000000000000001.json'));
  fs.symlinkSync(path.join(outsideDir, 'commit.json'), path.join(root, '_delta_log', '00000000000000000001.json'));
  storage = new TrackingFsStorage(root);
  await assert.rejects(new DeltaTable(storage).snapshot(), outOfRoot(/00000000000000000001\.json$/));
  assert.deepEqual(storage.outside(), []);

  // a whole _delta_log that is a symlink to another table's log: not this table's log
  const other = tempCopy(DELTA_SMALL, fs.mkdtempSync(path.join(tmp, 'other-')));
  const linked = fs.mkdtempSync(path.join(tmp, 'linked-'));
  fs.symlinkSync(path.join(other, '_delta_log'), path.join(linked, '_delta_log'));
  storage = new TrackingFsStorage(linked);
  await assert.rejects(openTable(storage), (e: unknown) => e instanceof LakeError && e.kind === 'not-a-table');
  assert.deepEqual(storage.outside(), []);
});

test('delta: a symlink to a folder inside the table is followed (it stays inside)', async () => {
  const root = tempCopy(DELTA_SMALL, fs.mkdtempSync(path.join(tmp, 'inner-')));
  fs.mkdirSync(path.join(root, 'real'));
  const data = fs.readdirSync(root).find((f) => f.endsWith('.parquet'))!;
  fs.renameSync(path.join(root, data), path.join(root, 'real', data));
  fs.symlinkSync(path.join(root, 'real', data), path.join(root, data));
  const storage = new TrackingFsStorage(root);
  const snap = await new DeltaTable(storage).snapshot();
  const page = await engine.table(storage).preview(snap, 0, 100);
  assert.equal(page.totalRows, snap.numRecords);
  assert.deepEqual(storage.outside(), []);
});

test('delta: a deletion vector file that is a symlink out of the table is refused', async () => {
  const root = tempCopy(DELTA_DV, fs.mkdtempSync(path.join(tmp, 'dvsym-')));
  const storage = new TrackingFsStorage(root);
  const snap = await new DeltaTable(storage).snapshot();
  const withDv = snap.files.find((f) => f.deletionVector?.path)!;
  const dvFile = path.join(root, withDv.deletionVector!.path!);
  fs.copyFileSync(dvFile, path.join(tmp, 'dv-copy.bin'));
  fs.rmSync(dvFile);
  fs.symlinkSync(path.join(tmp, 'dv-copy.bin'), dvFile);
  await assert.rejects(engine.table(storage).preview(snap, 0, 10), outOfRoot(/deletion_vector_/));
  assert.deepEqual(storage.outside(), []);
});

// --- Iceberg -------------------------------------------------------------------------------------

function icebergReadsInside(m: MemStorage): void {
  assert.deepEqual(m.reads.filter((r) => !r.startsWith('metadata/') && !r.startsWith('data/')), []);
}

test('iceberg: a manifest list outside the table (absolute, file: URI, ../) is refused without reading it', async () => {
  for (const raw of ['/etc/passwd', 'file:///etc/passwd', '../../../../../../etc/passwd', 's3://bucket/etc/passwd']) {
    const m = copyOf(ICEBERG);
    editJson(m, ICEBERG_CURRENT, (o) => {
      const s = o.snapshots.find((x: any) => String(x['snapshot-id']) === String(o['current-snapshot-id']));
      s['manifest-list'] = raw;
    });
    await assert.rejects(new IcebergTable(m).snapshot(), outOfRoot(), raw);
    icebergReadsInside(m);
  }
});

test('iceberg: manifests and data/delete files outside the table are refused; metadata says so', async () => {
  for (const raw of ['/etc/passwd', 'file:///etc/passwd', '../../../../../../etc/passwd']) {
    const m = copyOf(ICEBERG);
    const { manifestList } = icebergFiles(m);
    editAvro(m, manifestList, (records) => {
      records[0]!.manifest_path = raw;
    });
    await assert.rejects(new IcebergTable(m).snapshot(), outOfRoot(), raw);
    icebergReadsInside(m);
  }
  const root = tempCopy(ICEBERG, fs.mkdtempSync(path.join(tmp, 'ice-')));
  for (const [i, raw] of [`file://${secret}`, secret, `${'../'.repeat(20)}${secret.slice(1)}`].entries()) {
    const m = copyOf(ICEBERG);
    const { manifest } = icebergFiles(m);
    editAvro(m, manifest, (records) => {
      for (const r of records) if (r.status !== 2) r.data_file.file_path = raw;
    });
    const dir = writeOut(m, fs.mkdtempSync(path.join(tmp, `ice${i}-`)));
    const storage = new TrackingFsStorage(dir);
    const snap = await new IcebergTable(storage).snapshot();
    assert.ok(snap.notes.some((n) => /lie outside the table location/.test(n)), snap.notes.join(' | '));
    await assert.rejects(engine.table(storage).preview(snap, 0, 10), outOfRoot(), raw);
    assert.deepEqual(storage.outside(), [], raw);
  }
  fs.rmSync(root, { recursive: true, force: true });
});

test('iceberg: a position delete file that is a symlink out of the table is refused by Lakelens', async () => {
  const root = tempCopy(ICEBERG, fs.mkdtempSync(path.join(tmp, 'icesym-')));
  const storage = new TrackingFsStorage(root);
  const snap = await new IcebergTable(storage).snapshot();
  const del = snap.files.find((f) => f.content === 'position-deletes')!;
  assert.ok(del, 'the fixture has position deletes');
  fs.copyFileSync(path.join(root, del.path), path.join(tmp, 'pos-delete.parquet'));
  fs.rmSync(path.join(root, del.path));
  fs.symlinkSync(path.join(tmp, 'pos-delete.parquet'), path.join(root, del.path));
  await assert.rejects(engine.table(storage).preview(snap, 0, 10), outOfRoot(/delete/));
  assert.deepEqual(storage.outside(), []);
});

test('iceberg: a metadata file or manifest that is a symlink out of the table is refused', async () => {
  const root = tempCopy(ICEBERG, fs.mkdtempSync(path.join(tmp, 'icemd-')));
  const current = path.join(root, ICEBERG_CURRENT);
  fs.copyFileSync(current, path.join(tmp, 'v7.json'));
  fs.rmSync(current);
  fs.symlinkSync(path.join(tmp, 'v7.json'), current);
  let storage = new TrackingFsStorage(root);
  await assert.rejects(new IcebergTable(storage).snapshot(), outOfRoot(/v7\.metadata\.json$/));
  assert.deepEqual(storage.outside(), []);
  fs.rmSync(current);
  fs.copyFileSync(path.join(tmp, 'v7.json'), current);
  const m = copyOf(ICEBERG);
  const { manifest } = icebergFiles(m);
  fs.renameSync(path.join(root, manifest), path.join(tmp, 'manifest.avro'));
  fs.symlinkSync(path.join(tmp, 'manifest.avro'), path.join(root, manifest));
  storage = new TrackingFsStorage(root);
  await assert.rejects(new IcebergTable(storage).snapshot(), outOfRoot(/-m0\.avro$/));
  assert.deepEqual(storage.outside(), []);
});

// --- Hudi ----------------------------------------------------------------------------------------

test('hudi: partition paths from commit metadata that climb out are never listed', async () => {
  const root = tempCopy(HUDI, fs.mkdtempSync(path.join(tmp, 'hudi-')));
  const hoodie = path.join(root, '.hoodie');
  const commit = fs.readdirSync(hoodie).filter((f) => /^\d+\.commit$/.test(f)).sort().at(-1)!;
  const md = JSON.parse(fs.readFileSync(path.join(hoodie, commit), 'utf8')) as { partitionToWriteStats: Record<string, unknown[]> };
  const stats = Object.values(md.partitionToWriteStats)[0]!;
  md.partitionToWriteStats[`../../../../..${path.dirname(secret)}`] = stats;
  md.partitionToWriteStats['/etc'] = stats;
  fs.writeFileSync(path.join(hoodie, commit), JSON.stringify(md));
  const storage = new TrackingFsStorage(root);
  const t = await openTable(storage);
  const snap = await t.snapshot();
  assert.ok(snap.files.length > 0);
  assert.ok(snap.files.every((f) => !f.path.includes('..') && !f.path.startsWith('/')), snap.files.map((f) => f.path).join('\n'));
  await t.history();
  assert.deepEqual(storage.outside(), []);
});

// --- files the log names but the folder lacks ---------------------------------------------------

test('a data file the log names but the folder lacks: metadata works, rows say which file is missing', async () => {
  const root = tempCopy(DELTA_SMALL, fs.mkdtempSync(path.join(tmp, 'missing-')));
  const gone = fs.readdirSync(root).find((f) => f.endsWith('.parquet'))!;
  fs.rmSync(path.join(root, gone));
  const storage = new TrackingFsStorage(root);
  const t = new DeltaTable(storage);
  const snap = await t.snapshot();
  assert.ok(snap.files.some((f) => f.path === gone));
  await t.history();
  await t.schemaHistory();
  const missing = (e: unknown) => e instanceof LakeError && e.kind === 'missing' && e.path === gone && /data file is missing/.test(e.message);
  const q = engine.table(storage);
  await assert.rejects(q.preview(snap, 0, 10), missing);
  await assert.rejects(q.sql(snap, 'SELECT count(*) FROM t'), missing);
  await assert.rejects(q.export(snap, 'parquet', path.join(tmp, 'missing.parquet')), missing);
  assert.ok(!fs.existsSync(path.join(tmp, 'missing.parquet')));
});

test('an Iceberg position delete file the manifest names but the folder lacks is named, not read around', async () => {
  const root = tempCopy(ICEBERG, fs.mkdtempSync(path.join(tmp, 'missing-ice-')));
  const storage = new TrackingFsStorage(root);
  const snap = await new IcebergTable(storage).snapshot();
  const del = snap.files.find((f) => f.content === 'position-deletes')!;
  fs.rmSync(path.join(root, del.path));
  await assert.rejects(engine.table(storage).preview(snap, 0, 10), (e: unknown) => e instanceof LakeError && e.kind === 'missing' && e.path === del.path && /position delete file is missing/.test(e.message));
});
