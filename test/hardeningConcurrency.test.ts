/**
 * Reading while a writer appends (issue #8). A child process plays a Delta writer on a copy of a
 * corpus table: each commit is written to a temp name and renamed into place (as real writers do),
 * every few commits a checkpoint Parquet is written in place in slow chunks and `_last_checkpoint`
 * is rewritten non-atomically — so readers see half-written checkpoints and torn hints. Meanwhile
 * this process loads snapshots as fast as it can: every load must succeed, at a version that only
 * grows, holding exactly the files that version should hold (the writer adds one file per commit).
 * The same for an Iceberg writer that adds metadata files and rewrites `version-hint.text` in place.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { DeltaTable } from '../src/core/delta/table';
import { IcebergTable } from '../src/core/iceberg/table';
import { FsStorage } from '../src/core/storage/local';
import { DELTA_CP, ICEBERG, tempCopy } from './fixtures/broken';
import { REPO } from './helpers/corpus';

let tmp: string;
const children: ChildProcess[] = [];

before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lakelens-concurrency-'));
});

after(() => {
  for (const c of children) if (c.exitCode === null) c.kill();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** The Delta writer: plain Node with DuckDB (for the checkpoint Parquet) from the repo. */
const DELTA_WRITER = String.raw`
const fs = require('fs');
const path = require('path');
const { DuckDBInstance } = require(process.env.DUCKDB);
const [root, baseVersion, commits, every] = [process.env.ROOT, +process.env.BASE, +process.env.COMMITS, +process.env.EVERY];
const log = path.join(root, '_delta_log');
const base = JSON.parse(process.env.STATE); // { protocol, metaData, adds: [{ path, size, modificationTime }] }
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const name = (v, ext) => String(v).padStart(20, '0') + ext;
const q = (s) => "'" + String(s).replace(/'/g, "''") + "'";
(async () => {
  const inst = await DuckDBInstance.create(':memory:');
  const conn = await inst.connect();
  const adds = [...base.adds];
  for (let v = baseVersion + 1; v <= baseVersion + commits; v++) {
    const add = { path: 'f-' + v + '.parquet', partitionValues: {}, size: 100 + v, modificationTime: Date.now(), dataChange: true, stats: '{"numRecords":1}' };
    adds.push(add);
    const text = JSON.stringify({ commitInfo: { timestamp: Date.now(), operation: 'WRITE' } }) + '\n' + JSON.stringify({ add }) + '\n';
    const temp = path.join(log, '.tmp-' + v + '-' + process.pid);
    fs.writeFileSync(temp, text);
    fs.renameSync(temp, path.join(log, name(v, '.json'))); // atomic, as writers do
    if (v % every === 0) {
      // a classic checkpoint, built aside, then copied into place in slow chunks (non-atomic)
      const built = path.join(process.env.SCRATCH, 'cp-' + v + '.parquet');
      const md = base.metaData;
      const addRows = adds.map((a) => '({' + "'path': " + q(a.path) + ", 'partitionValues': MAP([]::VARCHAR[], []::VARCHAR[]), 'size': " + a.size + ", 'modificationTime': " + a.modificationTime + ", 'dataChange': false, 'stats': " + (a.stats ? q(a.stats) : 'NULL') + '})').join(', ');
      const addType = 'STRUCT(path VARCHAR, partitionValues MAP(VARCHAR, VARCHAR), size BIGINT, modificationTime BIGINT, dataChange BOOLEAN, stats VARCHAR)';
      const mdType = 'STRUCT(id VARCHAR, format STRUCT(provider VARCHAR, options MAP(VARCHAR, VARCHAR)), schemaString VARCHAR, partitionColumns VARCHAR[], configuration MAP(VARCHAR, VARCHAR), createdTime BIGINT)';
      const pType = 'STRUCT(minReaderVersion INTEGER, minWriterVersion INTEGER)';
      await conn.run('COPY (' +
        'SELECT NULL::' + addType + ' AS add, {' + "'minReaderVersion': " + base.protocol.minReaderVersion + ", 'minWriterVersion': " + base.protocol.minWriterVersion + '}::' + pType + ' AS protocol, NULL::' + mdType + ' AS metaData ' +
        'UNION ALL SELECT NULL, NULL, {' + "'id': " + q(md.id) + ", 'format': {'provider': 'parquet', 'options': MAP([]::VARCHAR[], []::VARCHAR[])}, 'schemaString': " + q(md.schemaString) + ", 'partitionColumns': []::VARCHAR[], 'configuration': MAP([]::VARCHAR[], []::VARCHAR[]), 'createdTime': " + (md.createdTime || 0) + '}::' + mdType + ' ' +
        'UNION ALL SELECT a, NULL, NULL FROM (VALUES ' + addRows + ') v(a)' +
        ') TO ' + q(built) + ' (FORMAT parquet)');
      const bytes = fs.readFileSync(built);
      const fd = fs.openSync(path.join(log, name(v, '.checkpoint.parquet')), 'w');
      for (let at = 0; at < bytes.length; at += 512) {
        fs.writeSync(fd, bytes, at, Math.min(512, bytes.length - at), at);
        await sleep(2);
      }
      fs.closeSync(fd);
      // _last_checkpoint rewritten in place: readers may see it empty or torn
      const hint = JSON.stringify({ version: v, size: adds.length + 2 });
      const hfd = fs.openSync(path.join(log, '_last_checkpoint'), 'w');
      fs.writeSync(hfd, hint.slice(0, 7));
      await sleep(3);
      fs.writeSync(hfd, hint.slice(7));
      fs.closeSync(hfd);
    }
    await sleep(15);
  }
  process.stdout.write('done\n');
})().catch((e) => { console.error(e); process.exit(1); });
`;

function startWriter(script: string, env: Record<string, string>): { child: ChildProcess; done: Promise<void> } {
  const file = path.join(tmp, `writer-${children.length}.cjs`);
  fs.writeFileSync(file, script);
  const child = spawn(process.execPath, [file], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const done = new Promise<void>((resolve, reject) => child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`writer exited ${code}: ${stderr}`)))));
  return { child, done };
}

/** Loads snapshots until `done` settles; returns how many loads ran. */
async function readWhileWriting(done: Promise<void>, load: () => Promise<void>): Promise<number> {
  let finished = false;
  const writer = done.finally(() => (finished = true));
  let loads = 0;
  while (!finished) {
    await load();
    loads++;
  }
  await writer;
  await load(); // and once more on the final state
  return loads + 1;
}

test('delta: snapshots taken while a writer appends commits and checkpoints are never torn', { timeout: 120_000 }, async () => {
  const root = tempCopy(DELTA_CP, fs.mkdtempSync(path.join(tmp, 'delta-')));
  const baseSnap = await new DeltaTable(new FsStorage(root)).snapshot();
  const lines = fs.readFileSync(path.join(root, '_delta_log', '00000000000000000000.json'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>);
  const state = {
    protocol: lines.find((l) => l.protocol)!.protocol,
    metaData: lines.find((l) => l.metaData)!.metaData,
    adds: baseSnap.files.map((f) => ({ path: f.path, size: f.size, modificationTime: f.modificationTime })),
  };
  const base = baseSnap.version;
  const COMMITS = 60;
  const scratch = fs.mkdtempSync(path.join(tmp, 'scratch-'));
  const { done } = startWriter(DELTA_WRITER, {
    ROOT: root,
    BASE: String(base),
    COMMITS: String(COMMITS),
    EVERY: '5',
    STATE: JSON.stringify(state),
    SCRATCH: scratch,
    DUCKDB: path.join(REPO, 'node_modules', '@duckdb', 'node-api'),
  });
  let last = base;
  const seen = new Set<number>();
  let viaCheckpoint = 0;
  let fellBack = 0;
  const loads = await readWhileWriting(done, async () => {
    const snap = await new DeltaTable(new FsStorage(root)).snapshot();
    assert.ok(snap.version >= last, `version went back from ${last} to ${snap.version}`);
    last = snap.version;
    seen.add(snap.version);
    // exactly the base files plus one per commit since, whatever path the reader took
    assert.equal(snap.numFiles, baseSnap.numFiles + (snap.version - base), `version ${snap.version}: ${snap.numFiles} files; notes: ${snap.notes.join(' | ')}`);
    assert.ok(snap.files.some((f) => f.path === `f-${snap.version}.parquet`) || snap.version === base);
    if (snap.checkpoint && snap.checkpoint.version > base) viaCheckpoint++;
    if (snap.notes.some((n) => /skipped unreadable checkpoint|_last_checkpoint/.test(n))) fellBack++;
  });
  assert.equal(last, base + COMMITS);
  assert.ok(loads > 50, `only ${loads} loads`);
  assert.ok(seen.size > 10, `only ${seen.size} distinct versions seen`);
  assert.ok(viaCheckpoint > 0, 'no load went through a checkpoint the writer wrote');
  // checkpoints are written in ~10 ms of slow chunks each: some loads must have met one half-written
  // (or a torn _last_checkpoint) and fallen back — the case this test exists for
  assert.ok(fellBack > 0, `no load met a half-written checkpoint in ${loads} loads`);
  // history and an old version are consistent at the end too
  const t = new DeltaTable(new FsStorage(root));
  assert.equal((await t.history({ limit: 5 })).versions[0]!.version, base + COMMITS);
  assert.equal((await t.snapshot({ version: base + 7 })).numFiles, baseSnap.numFiles + 7);
});

/** The Iceberg writer: new metadata files (temp name + rename), version-hint.text rewritten in place. */
const ICEBERG_WRITER = String.raw`
const fs = require('fs');
const path = require('path');
const [md, from, count] = [process.env.METADATA, +process.env.FROM, +process.env.COUNT];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
(async () => {
  const text = fs.readFileSync(path.join(md, 'v' + (from - 1) + '.metadata.json'), 'utf8');
  for (let v = from; v < from + count; v++) {
    // the same snapshot, a property saying which metadata version this is
    const next = text.replace('"properties" : {', '"properties" : {\n    "lakelens.test.version" : "' + v + '",');
    const temp = path.join(md, '.tmp-' + v);
    fs.writeFileSync(temp, next);
    fs.renameSync(temp, path.join(md, 'v' + v + '.metadata.json'));
    const fd = fs.openSync(path.join(md, 'version-hint.text'), 'w');
    fs.writeSync(fd, String(v).slice(0, 1));
    await sleep(2);
    fs.writeSync(fd, String(v).slice(1));
    fs.closeSync(fd);
    await sleep(10);
  }
})().catch((e) => { console.error(e); process.exit(1); });
`;

test('iceberg: metadata read while a writer adds versions and rewrites the hint is never torn', { timeout: 120_000 }, async () => {
  const root = tempCopy(ICEBERG, fs.mkdtempSync(path.join(tmp, 'iceberg-')));
  const md = path.join(root, 'metadata');
  // the copy's hint is version-hint.txt; the writer keeps a version-hint.text current
  fs.renameSync(path.join(md, 'version-hint.txt'), path.join(md, 'version-hint.text'));
  assert.match(fs.readFileSync(path.join(md, 'v7.metadata.json'), 'utf8'), /"properties" : \{/);
  const base = await new IcebergTable(new FsStorage(root)).snapshot();
  const COUNT = 80;
  const { done } = startWriter(ICEBERG_WRITER, { METADATA: md, FROM: '8', COUNT: String(COUNT) });
  let last = 7;
  const loads = await readWhileWriting(done, async () => {
    const snap = await new IcebergTable(new FsStorage(root)).snapshot();
    const v = Number(/v(\d+)\.metadata\.json$/.exec(snap.metadataFile)![1]);
    assert.ok(v >= last, `metadata version went back from ${last} to ${v}`);
    last = v;
    assert.equal(snap.properties['lakelens.test.version'] ?? '7', String(v), `the properties of v${v} are another version's`);
    assert.equal(snap.numFiles, base.numFiles);
  });
  assert.equal(last, 7 + COUNT);
  assert.ok(loads > 50, `only ${loads} loads`);
});
