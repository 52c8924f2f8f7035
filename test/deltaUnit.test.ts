/**
 * Unit-level behaviour of the Delta reader: log file names, partition values, stats, paths, z85,
 * each checkpoint kind, `_last_checkpoint` troubles, time travel, history paging, negative tables.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { commitPath, parseLogFileName } from '../src/core/delta/logPath';
import { probeDeltaLog } from '../src/core/delta/logProbe';
import { listDeltaLog } from '../src/core/delta/logSegment';
import { checkpointMetadata } from '../src/core/delta/checkpoint';
import { typePartitionValue } from '../src/core/delta/partitionValues';
import { numRecordsOf, parseFileStats } from '../src/core/delta/stats';
import { canonicalDeltaPath } from '../src/core/delta/paths';
import { z85Decode } from '../src/core/delta/deletionVector';
import { parseDeltaSchema } from '../src/core/delta/schema';
import { DeltaTable } from '../src/core/delta/table';
import { LakeError } from '../src/core/errors';
import { FsStorage } from '../src/core/storage/local';
import { corpusIndex, corpusPath, memCopy, tableRoot } from './helpers/corpus';
import type { MemStorage } from '../src/core/storage/memory';
import type { VersionId } from '../src/core/model';

const open = (rel: string) => new DeltaTable(new FsStorage(corpusPath(`open/${rel}`)));
const pathsOf = (s: { files: { path: string }[] }) => s.files.map((f) => f.path).sort();

async function rejects(p: Promise<unknown>, kind: string, message: RegExp, path?: RegExp): Promise<void> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof LakeError, `expected LakeError, got ${String(err)}`);
    assert.equal(err.kind, kind, err.message);
    assert.match(err.message, message);
    if (path) assert.match(err.path ?? '', path);
    return;
  }
  assert.fail('expected an error');
}

describe('log file names', () => {
  test('each kind of file in _delta_log', () => {
    assert.deepEqual(parseLogFileName('00000000000000000007.json'), { kind: 'commit', version: 7, name: '00000000000000000007.json' });
    assert.equal(parseLogFileName('00000000000000000010.checkpoint.parquet').kind, 'checkpoint');
    const mp = parseLogFileName('00000000000000000010.checkpoint.0000000002.0000000003.parquet');
    assert.deepEqual(mp, { kind: 'checkpoint', version: 10, name: mp.name, variant: 'multipart', part: 2, parts: 3 });
    const v2 = parseLogFileName('00000000000000000010.checkpoint.80a083e8-7026-4e79-81be-64bd76c43a11.json');
    assert.equal(v2.kind === 'checkpoint' && v2.variant, 'v2');
    assert.deepEqual(parseLogFileName('00000000000000000004.00000000000000000006.compacted.json'), {
      kind: 'compaction', start: 4, version: 6, name: '00000000000000000004.00000000000000000006.compacted.json',
    });
    assert.equal(parseLogFileName('00000000000000000003.crc').kind, 'crc');
    assert.equal(parseLogFileName('_last_checkpoint').kind, 'lastCheckpoint');
  });
  test('malformed and foreign names are unknown', () => {
    for (const n of ['0000000000000000007.json', '00000000000000000007.json.tmp', '.00000000000000000007.json.crc', '.s3-optimization-0',
      '00000000000000000010.checkpoint.0000000004.0000000003.parquet', '99999999999999999999.json']) {
      assert.equal(parseLogFileName(n).kind, 'unknown', n);
    }
  });
});

describe('partition values', () => {
  const f = 'x.json';
  test('typed by column type', () => {
    assert.equal(typePartitionValue('42', 'integer', 'c', f), 42);
    assert.equal(typePartitionValue('9007199254740993', 'long', 'c', f), 9007199254740993n);
    assert.equal(typePartitionValue('-12', 'long', 'c', f), -12);
    assert.equal(typePartitionValue('true', 'boolean', 'c', f), true);
    assert.equal(typePartitionValue('1.5', 'double', 'c', f), 1.5);
    assert.equal(typePartitionValue('2021-01-31', 'date', 'c', f), '2021-01-31');
    assert.equal(typePartitionValue('1970-01-01 00:00:00.123456', 'timestamp', 'c', f), '1970-01-01 00:00:00.123456');
    assert.equal(typePartitionValue('2023-01-01T00:00:00.000000Z', 'timestamp_ntz', 'c', f), '2023-01-01T00:00:00.000000Z');
    assert.equal(typePartitionValue('123.4500', 'decimal(10,4)', 'c', f), '123.4500');
    assert.equal(typePartitionValue('\u0001\u00ff', 'binary', 'c', f), '0x01c3bf');
    assert.equal(typePartitionValue('\u{1F608}', 'binary', 'c', f), '0xf09f9888');
    assert.equal(typePartitionValue('a/%b', 'string', 'c', f), 'a/%b');
  });
  test('null and empty string are NULL for every type', () => {
    for (const t of ['string', 'integer', 'date', 'timestamp', 'boolean']) {
      assert.equal(typePartitionValue(null, t, 'c', f), null);
      assert.equal(typePartitionValue('', t, 'c', f), null);
    }
  });
  test('invalid values are corrupt errors naming the column and file', () => {
    assert.throws(() => typePartitionValue('abc', 'integer', 'c', f), (e: LakeError) => e.kind === 'corrupt' && /column c/.test(e.message) && e.path === f);
    assert.throws(() => typePartitionValue('yes', 'boolean', 'c', f), LakeError);
    assert.throws(() => typePartitionValue('31/01/2021', 'date', 'c', f), LakeError);
  });
});

describe('stats', () => {
  test('numRecords: leading fast path, anywhere, parsed struct, absent', () => {
    assert.equal(numRecordsOf('{"numRecords":12,"minValues":{}}', undefined, 'f'), 12);
    assert.equal(numRecordsOf('{"minValues":{"numRecords":1},"numRecords":7}', undefined, 'f'), 7);
    assert.equal(numRecordsOf(undefined, { numRecords: 5n }, 'f'), 5);
    assert.equal(numRecordsOf(undefined, undefined, 'f'), null);
    assert.equal(numRecordsOf('{"minValues":{}}', undefined, 'f'), null);
    assert.throws(() => numRecordsOf('{"numRecords":', undefined, 'f'), (e: LakeError) => e.kind === 'corrupt' && e.path === 'f');
  });
  test('full stats keep int64 exact and map physical names to logical ones', () => {
    const schema = parseDeltaSchema(JSON.stringify({ type: 'struct', fields: [
      { name: 'id', type: 'long', nullable: true, metadata: { 'delta.columnMapping.id': 1, 'delta.columnMapping.physicalName': 'col-a1' } },
      { name: 's', type: { type: 'struct', fields: [{ name: 'x', type: 'integer', nullable: true, metadata: { 'delta.columnMapping.id': 3, 'delta.columnMapping.physicalName': 'col-x3' } }] }, nullable: true,
        metadata: { 'delta.columnMapping.id': 2, 'delta.columnMapping.physicalName': 'col-s2' } },
    ] }), 'f');
    const s = parseFileStats('{"numRecords":2,"minValues":{"col-a1":-9223372036854775808,"col-s2":{"col-x3":1}},"maxValues":{"col-a1":9223372036854775807},"nullCount":{"col-a1":0}}', undefined, schema, 'f')!;
    assert.equal(s.numRecords, 2);
    assert.deepEqual(s.minValues, { id: -9223372036854775808n, s: { x: 1 } });
    assert.deepEqual(s.maxValues, { id: 9223372036854775807n });
  });
});

describe('paths', () => {
  const root = '/data/lake/t';
  test('URI decoding and canonical forms', () => {
    assert.equal(canonicalDeltaPath('a%3D1/part-0.parquet', root), 'a=1/part-0.parquet');
    assert.equal(canonicalDeltaPath('test%25file%25prefix-part.parquet', root), 'test%file%prefix-part.parquet');
    assert.equal(canonicalDeltaPath('file:/data/lake/t/x/p.parquet', root), 'x/p.parquet');
    assert.equal(canonicalDeltaPath('file:///data/lake/t/p.parquet', root), 'p.parquet');
    assert.equal(canonicalDeltaPath('/data/lake/t/p.parquet', root), 'p.parquet');
    assert.equal(canonicalDeltaPath('/elsewhere/p.parquet', root), '/elsewhere/p.parquet');
    assert.equal(canonicalDeltaPath('s3://bucket/t/p%20q.parquet', root), 's3://bucket/t/p q.parquet');
    assert.equal(canonicalDeltaPath('./a/../b.parquet', root), 'b.parquet');
    assert.equal(canonicalDeltaPath('../../etc/passwd', root), '../../etc/passwd');
    assert.equal(canonicalDeltaPath('bad%zzescape', root), 'bad%zzescape');
  });
  test('z85 decodes the RFC 32 test vector', () => {
    assert.deepEqual([...z85Decode('HelloWorld')], [0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b]);
    assert.throws(() => z85Decode('Hello'.slice(0, 4)));
  });
});

describe('checkpoints', () => {
  /** Same table with its checkpoints removed: replay from commits only must give the same files. */
  async function sameAsCommitsOnly(rel: string, expectVariant: string, sameMetadata = true) {
    const t = open(rel);
    const snap = await t.snapshot();
    assert.equal(snap.checkpoint?.variant, expectVariant, 'snapshot should come from the checkpoint');
    const mem = memCopy(corpusPath(`open/${rel}`));
    for (const p of [...mem.files.keys()]) if (/checkpoint|_sidecars|_last_checkpoint/.test(p)) mem.delete(p);
    const plain = await new DeltaTable(mem).snapshot();
    assert.equal(plain.checkpoint, undefined);
    assert.equal(plain.version, snap.version);
    assert.deepEqual(pathsOf(plain), pathsOf(snap));
    // a checkpoint may be written without stats (parquet_row_group_skipping's is): compare when it has them
    if (snap.numRecords !== null) assert.equal(plain.numRecords, snap.numRecords);
    if (sameMetadata) {
      assert.deepEqual(plain.metadata, snap.metadata);
      assert.deepEqual(plain.protocol, snap.protocol);
    }
  }
  test('classic', () => sameAsCommitsOnly('delta-rs/simple_table_with_checkpoint', 'classic'));
  // this kernel fixture's checkpoint was rewritten with another metaData (an extra `missing`
  // column) to test row-group skipping, so only the file set can agree with the commits
  test('multi-part', () => sameAsCommitsOnly('delta-kernel-rs/parquet_row_group_skipping', 'multipart', false));
  test('v2 JSON with sidecars', () => sameAsCommitsOnly('delta-kernel-rs/v2-checkpoints-json-with-sidecars', 'v2'));
  test('v2 Parquet with sidecars', () => sameAsCommitsOnly('delta-kernel-rs/v2-checkpoints-parquet-with-last-checkpoint', 'v2'));
  test('incomplete multi-part checkpoint is ignored with a note', async () => {
    const rel = 'delta-kernel-rs/parquet_row_group_skipping';
    const mem = memCopy(corpusPath(`open/${rel}`));
    mem.delete('_delta_log/00000000000000000001.checkpoint.0000000003.0000000005.parquet');
    const snap = await new DeltaTable(mem).snapshot();
    assert.equal(snap.checkpoint, undefined);
    assert.ok(snap.notes.some((n) => /incomplete multi-part checkpoint at version 1 \(4 of 5 parts\)/.test(n)));
    assert.deepEqual(pathsOf(snap), pathsOf(await open(rel).snapshot()));
  });
  test('a log that starts at a checkpoint (earlier commits cleaned up)', async () => {
    const t = open('delta-rs/checkpoint-cdf-table');
    assert.equal((await t.snapshot({ version: 3 })).checkpoint?.version, 3);
    await rejects(t.snapshot({ version: 2 }), 'unknown-version', /version 2 cannot be reconstructed: the log starts at version 3/);
    const h = await t.history();
    assert.deepEqual(h.versions.map((v) => v.version), [5, 4, 3]);
    assert.equal(h.oldest, 3);
  });
});

describe('metaData without a snapshot', () => {
  const deltaTables = () => corpusIndex().filter((x) => x.format === 'delta');
  test('a checkpoint\'s metaData read column-wise is the one its snapshot replays, on every corpus checkpoint', async () => {
    let checked = 0;
    for (const e of deltaTables()) {
      const storage = new FsStorage(tableRoot(e));
      const log = await listDeltaLog(storage).catch(() => undefined);
      for (const cp of log?.checkpoints ?? []) {
        const snap = await new DeltaTable(storage).snapshot({ version: cp.version }).catch(() => undefined);
        if (!snap || snap.checkpoint?.version !== cp.version) continue;
        const raw = await checkpointMetadata(storage, cp);
        assert.ok(raw, `${e.name} @${cp.version}: no metaData`);
        assert.deepEqual(parseDeltaSchema(String(raw.schemaString), cp.paths[0]!), snap.schema, `${e.name} @${cp.version}`);
        checked++;
      }
    }
    assert.ok(checked >= 20, `checked ${checked} checkpoints`);
  });
  test('changes() types partition values as the snapshot at that version does, on every corpus table', async () => {
    let checked = 0;
    for (const e of deltaTables()) {
      const root = tableRoot(e);
      const latest = await new DeltaTable(new FsStorage(root)).latestVersion().catch(() => undefined);
      if (latest === undefined) continue;
      for (let v = latest; v >= Math.max(0, latest - 2); v--) {
        const snap = await new DeltaTable(new FsStorage(root)).snapshot({ version: v }).catch(() => undefined);
        if (!snap || snap.partitionColumns.length === 0) continue;
        const ch = await new DeltaTable(new FsStorage(root)).changes(v).catch(() => undefined); // a fresh reader: no cached metaData
        if (!ch) continue;
        const live = new Map(snap.files.map((f) => [f.path, f.partitionValues]));
        for (const f of ch.added) {
          if (!live.has(f.path)) continue;
          assert.deepEqual(f.partitionValues, live.get(f.path), `${e.name} @${v} ${f.path}`);
          checked++;
        }
      }
    }
    assert.ok(checked >= 50, `checked ${checked} files`);
  });
});

describe('_last_checkpoint', () => {
  test('stale: the newer checkpoint found by listing is used', async () => {
    const snap = await open('delta-rs/table_failed_last_checkpoint_update').snapshot();
    assert.equal(snap.checkpoint?.version, 3);
    assert.ok(snap.notes.some((n) => /_last_checkpoint is stale \(version 1\)/.test(n)));
  });
  test('corrupt (empty): ignored with a note', async () => {
    const snap = await open('delta-kernel-rs-golden/corrupted-last-checkpoint-kernel/delta').snapshot();
    assert.equal(snap.checkpoint?.version, 10);
    assert.ok(snap.notes.some((n) => /ignored unreadable _last_checkpoint/.test(n)));
  });
  test('pointing at a missing checkpoint: found by listing, same files', async () => {
    const rel = 'delta-rs/simple_table_with_checkpoint';
    const mem = memCopy(corpusPath(`open/${rel}`));
    mem.put('_delta_log/_last_checkpoint', '{"version":12,"size":20}');
    const snap = await new DeltaTable(mem).snapshot();
    assert.ok(snap.notes.some((n) => /points at version 12, whose checkpoint is missing/.test(n)));
    assert.deepEqual(pathsOf(snap), pathsOf(await open(rel).snapshot()));
  });
  test('a corrupt checkpoint falls back to the commits when they exist', async () => {
    const rel = 'delta-rs/simple_table_with_checkpoint';
    const mem = memCopy(corpusPath(`open/${rel}`));
    const cp = '_delta_log/00000000000000000010.checkpoint.parquet';
    mem.put(cp, mem.files.get(cp)!.bytes.subarray(0, 100));
    const snap = await new DeltaTable(mem).snapshot();
    assert.equal(snap.checkpoint, undefined);
    assert.ok(snap.notes.some((n) => /skipped unreadable checkpoint at version 10/.test(n)));
    assert.deepEqual(pathsOf(snap), pathsOf(await open(rel).snapshot()));
  });
  test('a corrupt checkpoint with no way around it is an error naming it', async () => {
    const mem = memCopy(corpusPath('open/delta-rs/checkpoint-cdf-table'));
    const cp = '_delta_log/00000000000000000003.checkpoint.parquet';
    mem.put(cp, mem.files.get(cp)!.bytes.subarray(0, 64));
    await rejects(new DeltaTable(mem).snapshot(), 'corrupt', /parquet/, /00000000000000000003\.checkpoint\.parquet/);
  });
});

describe('negative tables (delta-negative)', () => {
  const neg = (n: string) => new DeltaTable(new FsStorage(corpusPath(`open/delta-negative/${n}/delta`)));
  test('reader version 99 is refused', () =>
    rejects(neg('deltalog-invalid-protocol-version').snapshot(), 'unsupported', /requires reader version 99/, /00000000000000000000\.json/));
  test('a missing commit is refused naming it', () =>
    rejects(neg('versions-not-contiguous').snapshot(), 'corrupt', /commit 1 is missing/, /00000000000000000001\.json$/));
  test('no metaData is refused', () =>
    rejects(neg('deltalog-state-reconstruction-without-metadata').snapshot(), 'corrupt', /no metaData action/));
  test('no protocol is refused', () =>
    rejects(neg('deltalog-state-reconstruction-without-protocol').snapshot(), 'corrupt', /no protocol action/));
  test('a checkpoint without metaData is refused naming the checkpoint', () =>
    rejects(neg('deltalog-state-reconstruction-from-checkpoint-missing-metadata').snapshot(), 'corrupt', /checkpoint at version 10 has no metaData/, /00000000000000000010\.checkpoint\.parquet/));
  test('no _delta_log is not a table', () =>
    rejects(neg('no-delta-log-folder').snapshot(), 'not-a-table', /no _delta_log folder/));
  test('the two log-only tables open', async () => {
    const b = await neg('log-replay-special-characters-b').snapshot();
    assert.equal(b.numFiles, 1);
    // add "/some/…" and remove "file:/some/…" name the same file: nothing is live at version 1
    const a = await neg('canonicalized-paths-special-a').snapshot();
    assert.equal(a.version, 1);
    assert.equal(a.numFiles, 0);
    assert.equal(a.tombstones.length, 1);
    assert.equal((await neg('canonicalized-paths-special-a').snapshot({ version: 0 })).numFiles, 1);
  });
  test('an unknown version is refused', () => rejects(open('delta-rs/simple_table').snapshot({ version: 99 }), 'unknown-version', /latest version is 4/));
});

describe('time travel and history', () => {
  test('commitInfo after the file actions, behind a line naming the key in a string, dates the commit', async () => {
    const rel = 'delta-rs/simple_table';
    const mem = memCopy(corpusPath(`open/${rel}`));
    const p = '_delta_log/00000000000000000001.json';
    const lines = new TextDecoder().decode(mem.files.get(p)!.bytes).trim().split('\n');
    const ci = lines.find((l) => l.startsWith('{"commitInfo"'))!;
    const expected = (JSON.parse(ci) as { commitInfo: { timestamp: number } }).commitInfo.timestamp;
    // an action from a future protocol (readers skip it) whose nested key is a real "commitInfo" token
    const decoy = '{"futureAction":{"note":"\\"commitInfo\\"","commitInfo":{"timestamp":1}}}';
    assert.ok(decoy.includes('"commitInfo":{'));
    mem.put(p, [...lines.filter((l) => l !== ci), decoy, ci].join('\n'));
    const fresh = new DeltaTable(mem);
    const h = await fresh.history({ limit: 10 });
    assert.equal(h.versions.find((v) => v.version === 1)?.timestamp, expected);
    assert.equal((await fresh.commitHead(1)).timestamp, expected);
    const ch = await new DeltaTable(mem).changes(1);
    assert.equal(ch.timestamp, expected);
    assert.equal(ch.removed.length, lines.filter((l) => l.startsWith('{"remove"')).length);
  });
  test('a corrupt line holding commitInfo is an error naming the file and line', async () => {
    const mem = memCopy(corpusPath('open/delta-rs/simple_table'));
    const p = '_delta_log/00000000000000000001.json';
    const lines = new TextDecoder().decode(mem.files.get(p)!.bytes).trim().split('\n');
    const ci = lines.find((l) => l.startsWith('{"commitInfo"'))!;
    mem.put(p, [...lines.filter((l) => l !== ci), ci.slice(0, 40)].join('\n'));
    await rejects(new DeltaTable(mem).commitHead(1), 'corrupt', new RegExp(`invalid JSON on line ${lines.length}`), /00000000000000000001\.json$/);
  });
  test('by version: files added and removed per version follow the log', async () => {
    const t = open('dat/multi_partitioned/delta');
    const counts = [];
    for (let v = 0; v <= 2; v++) counts.push((await t.snapshot({ version: v })).numFiles);
    const h = await t.history();
    // each version's file count = previous + added − removed (the history counts the same commits)
    const byVersion = new Map(h.versions.map((x) => [x.version, x]));
    for (let v = 1; v <= 2; v++) {
      const e = byVersion.get(v)!;
      assert.equal(counts[v], counts[v - 1]! + e.addedFiles - e.removedFiles);
    }
  });
  test('by timestamp: at, between and around commits', async () => {
    const t = open('dat/multi_partitioned/delta');
    const h = await t.history();
    const asc = [...h.versions].reverse();
    for (const e of asc) {
      assert.equal((await t.snapshot({ timestamp: e.timestamp! })).version, e.version);
      assert.equal((await t.snapshot({ timestamp: e.timestamp! + 0.5 })).version, e.version);
    }
    for (let i = 1; i < asc.length; i++) {
      if (asc[i]!.timestamp! > asc[i - 1]!.timestamp! + 1) {
        assert.equal((await t.snapshot({ timestamp: asc[i]!.timestamp! - 1 })).version, asc[i - 1]!.version);
      }
    }
    await rejects(t.snapshot({ timestamp: asc[0]!.timestamp! - 1 }), 'unknown-version', /before the earliest available version/);
    assert.equal((await t.snapshot({ timestamp: asc.at(-1)!.timestamp! + 1e9 })).version, asc.at(-1)!.version);
  });
  test('in-commit timestamps win over commitInfo.timestamp', async () => {
    const t = open('delta-rs/cdc_ict_table');
    const s = await t.snapshot({ version: 1 });
    assert.equal(s.timestamp, Number(s.commitInfo!.inCommitTimestamp));
    assert.notEqual(s.timestamp, Number(s.commitInfo!.timestamp));
  });
  test('history pages newest first without overlap', async () => {
    const t = open('delta-rs/simple_table_with_checkpoint');
    const all = await t.history({ limit: 100 });
    assert.deepEqual(all.versions.map((v) => v.version), [10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    const seen: number[] = [];
    let before: number | undefined;
    for (;;) {
      const p = await t.history({ limit: 4, ...(before !== undefined ? { before } : {}) });
      seen.push(...p.versions.map((v) => Number(v.version)));
      if (p.next === undefined) break;
      before = Number(p.next);
    }
    assert.deepEqual(seen, [10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    assert.equal(all.versions[0]!.operation, 'WRITE');
  });
  test('history pages the same before the log is listed (probing), after listing, and after a snapshot load (entries tallied during replay), on every corpus table', async () => {
    const pages = async (t: DeltaTable, warm: boolean | 'loaded') => {
      if (warm) await t.log().catch(() => undefined);
      if (warm === 'loaded') await t.snapshot().catch(() => undefined);
      const out: unknown[] = [];
      let before: VersionId | undefined;
      for (;;) {
        const p = await t.history({ limit: 3, ...(before !== undefined ? { before } : {}) }).catch((e: Error) => e.message);
        out.push(p);
        if (typeof p === 'string' || p.next === undefined) return out;
        before = p.next;
      }
    };
    let probed = 0;
    for (const e of corpusIndex().filter((x) => x.format === 'delta')) {
      const fresh = new DeltaTable(new FsStorage(tableRoot(e)));
      if (await probeDeltaLog(fresh.storage)) probed++;
      const listed = await pages(new DeltaTable(new FsStorage(tableRoot(e))), true);
      assert.deepEqual(await pages(fresh, false), listed, e.name);
      assert.deepEqual(await pages(new DeltaTable(new FsStorage(tableRoot(e))), 'loaded'), listed, `${e.name} after a load`);
    }
    assert.ok(probed > 50, `probed ${probed} tables`);
  });
  test('the probe finds the newest commit from the checkpoint hint and gives way to the listing at gaps', async () => {
    const rel = 'delta-rs/simple_table_with_checkpoint'; // commits 0..10, _last_checkpoint at 10
    assert.deepEqual(await probeDeltaLog(memCopy(corpusPath(`open/${rel}`))), { latest: 10 });
    const listed = async (mem: MemStorage) => {
      const t = new DeltaTable(mem);
      await t.log();
      return t.history();
    };
    for (const gone of [10, 9, 5, 1]) {
      const mem = memCopy(corpusPath(`open/${rel}`));
      mem.delete(commitPath(gone));
      const h = await new DeltaTable(mem).history();
      assert.deepEqual(h, await listed(mem), `commit ${gone} missing`);
      assert.ok(!h.versions.some((v) => v.version === gone));
      if (gone !== 10) assert.equal(h.versions[0]!.version, 10);
    }
    const noZero = memCopy(corpusPath(`open/${rel}`));
    noZero.delete(commitPath(0));
    assert.equal(await probeDeltaLog(noZero), undefined, 'without commit 0 the oldest version needs the listing');
  });
  test('catalog-managed tables say that staged commits are not shown', async () => {
    const s = await open('delta-kernel-rs/catalog_managed_0').snapshot();
    assert.ok(s.notes.some((n) => /2 staged commit\(s\).*versions 1–2/.test(n)));
  });
});

describe('64-bit values', () => {
  test('stats values beyond 2^53 stay exact; sizes beyond 2^53 are refused', async () => {
    const mem = memCopy(corpusPath('open/delta-rs/table-without-dv-small'));
    const commit = '_delta_log/00000000000000000000.json';
    const text = new TextDecoder().decode(mem.files.get(commit)!.bytes);
    const big = text.replace(/"size":(\d+)/, '"size":18014398509481985');
    mem.put(commit, big);
    await rejects(new DeltaTable(mem).snapshot(), 'corrupt', /beyond 2\^53/, /00000000000000000000\.json/);
  });
});
