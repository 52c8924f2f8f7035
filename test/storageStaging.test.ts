/**
 * Rows of tables whose storage has no local path (as every object store), read through the
 * staging cache: every result equals the one read in place from the same folder — Delta with
 * deletion vectors, column mapping and special-character partitions, Iceberg with position and
 * equality deletes, Hudi copy-on-write — and the cache behaves: fetched once, refetched when an
 * object changes, bounded (least recently used out, a query too big refused), missing files named.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isLakeError } from '../src/core/errors';
import { FsStorage } from '../src/core/storage/local';
import type { MemStorage } from '../src/core/storage/memory';
import type { Storage } from '../src/core/storage/storage';
import { openTable } from '../src/core/table';
import { QueryEngine } from '../src/query/engine';
import { StagingCache, configureStaging, localFiles, stagingCache } from '../src/query/staging';
import { corpusPath, memCopy } from './helpers/corpus';

const TABLES = [
  'open/dat/deletion_vectors/delta',
  'open/dat/column_mapping/delta',
  'open/delta-kernel-rs-golden/hive-deltatbl-special-chars-in-partition-column',
  'open/dat/with_checkpoint/delta',
  'open/impala/iceberg_v2_delete_equality',
  'open/impala/iceberg_spark_compaction_with_dangling_delete',
  'open/duckdb-iceberg/equality_deletes_mytable_partitioned',
  'open/hudi-rs/v6_cow_trips_partitioned',
];

let dir: string;
const engine = new QueryEngine();

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lakelens-staging-'));
  configureStaging({ dir });
});
after(async () => {
  await engine.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function rowsOf(storage: Storage): Promise<{ preview: unknown; sql: unknown; total: number }> {
  const lake = await openTable(storage);
  const snap = await lake.snapshot();
  const q = engine.table(storage);
  const page = await q.preview(snap, 0, 50);
  const res = await q.sql(snap, 'SELECT * FROM t');
  const all: unknown[] = [];
  for await (const rows of res) all.push(...rows);
  // t has no order: compare as sorted JSON lines
  const sorted = all.map((r) => JSON.stringify(r)).sort();
  return { preview: { columns: page.columns, rows: page.rows }, sql: { columns: res.columns, rows: sorted }, total: page.totalRows };
}

describe('tables without a local path read through the staging cache', () => {
  for (const rel of TABLES) {
    test(rel, async () => {
      const local = await rowsOf(new FsStorage(corpusPath(rel)));
      const mem = memCopy(corpusPath(rel));
      assert.equal((mem as Storage).localPath, undefined, 'the copy has no local path, as an object store');
      const staged = await rowsOf(mem);
      assert.deepEqual(staged, local);
      assert.ok(localFiles(mem).staged);
      assert.ok(localFiles(mem).root.startsWith(dir), 'DuckDB reads the cache folder, nothing else');
    });
  }
});

describe('the staging cache', () => {
  const table = 'open/dat/deletion_vectors/delta';

  async function dataFiles(storage: Storage): Promise<string[]> {
    return (await (await openTable(storage)).snapshot()).files.map((f) => f.path);
  }

  test('fetches a file once, and again when it changed', async () => {
    const cache = new StagingCache(fs.mkdtempSync(path.join(dir, 'c-')), 1 << 30);
    const mem = memCopy(corpusPath(table));
    const files = (await dataFiles(mem)).map((p) => ({ path: p }));
    const lf = cache.table(mem);
    await lf.ensure(files, 'data file');
    const first = cache.fetchedBytes;
    assert.ok(first > 0);
    await lf.ensure(files, 'data file');
    assert.equal(cache.fetchedBytes, first, 'a current file is not fetched again');
    // rewrite one object in place (new bytes, new time): the cache must not serve the old ones
    const p = files[0]!.path;
    const old = await mem.read(p);
    const changed = new Uint8Array(old.length + 1);
    changed.set(old);
    (mem as MemStorage).put(p, changed, 12345);
    await lf.ensure(files, 'data file');
    assert.equal(cache.fetchedBytes, first + changed.length);
    assert.deepEqual(new Uint8Array(fs.readFileSync(lf.pathOf(p))), changed);
  });

  test('evicts least recently used files past its bound, and refuses what cannot fit', async () => {
    const a = memCopy(corpusPath('open/dat/basic_append/delta'));
    const b = memCopy(corpusPath(table));
    const fa = (await dataFiles(a)).map((p) => ({ path: p }));
    const fb = (await dataFiles(b)).map((p) => ({ path: p }));
    const size = async (s: Storage, fs_: { path: string }[]) => (await Promise.all(fs_.map((f) => s.stat(f.path)))).reduce((n, st) => n + st!.size, 0);
    const sa = await size(a, fa);
    const sb = await size(b, fb);
    const cache = new StagingCache(fs.mkdtempSync(path.join(dir, 'c-')), Math.max(sa, sb) + 10);
    await cache.table(a).ensure(fa, 'data file');
    assert.equal(cache.usedBytes(), sa);
    await cache.table(b).ensure(fb, 'data file');
    assert.equal(cache.usedBytes(), sb, "a's files were evicted to make room for b's");
    for (const f of fa) assert.equal(fs.existsSync(cache.table(a).pathOf(f.path)), false);
    const tiny = new StagingCache(fs.mkdtempSync(path.join(dir, 'c-')), 10);
    await assert.rejects(tiny.table(b).ensure(fb, 'data file'), (e: unknown) => isLakeError(e) && e.kind === 'too-large' && /lakelens\.cache\.maxBytes/.test(e.message));
  });

  test('a missing data file is an error naming it', async () => {
    const mem = memCopy(corpusPath(table));
    const files = await dataFiles(mem);
    mem.delete(files[0]!);
    await assert.rejects(stagingCache().table(mem).ensure([{ path: files[0]! }], 'data file'), (e: unknown) => isLakeError(e) && e.kind === 'missing' && e.message.includes(files[0]!));
  });

  test('the index survives a new process (same folder, same answers, nothing fetched)', async () => {
    const d = fs.mkdtempSync(path.join(dir, 'c-'));
    const mem = memCopy(corpusPath(table));
    const files = (await dataFiles(mem)).map((p) => ({ path: p }));
    const one = new StagingCache(d, 1 << 30);
    await one.table(mem).ensure(files, 'data file');
    one.flush();
    const two = new StagingCache(d, 1 << 30);
    await two.table(mem).ensure(files, 'data file');
    assert.equal(two.fetchedBytes, 0);
    two.clear();
    assert.equal(fs.existsSync(d), false);
  });
});
