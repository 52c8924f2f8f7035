/**
 * Extending the latest snapshot with the commits since (what a live refresh does when a commit
 * lands) against a full replay, on every real Delta table of the corpus: the log is cut at earlier
 * versions, read, then shown whole and read again through the same reader.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseJsonActions } from '../src/core/delta/commit';
import { LOG_DIR, parseLogFileName } from '../src/core/delta/logPath';
import { earliestReconstructable } from '../src/core/delta/logSegment';
import type { DeltaSnapshot } from '../src/core/delta/snapshot';
import { DeltaTable } from '../src/core/delta/table';
import type { DataFile, Tombstone } from '../src/core/model';
import { FsStorage } from '../src/core/storage/local';
import { corpusIndex, corpusPath, memCopy, tableRoot } from './helpers/corpus';
import { HidingFsStorage } from './helpers/hiding';

/**
 * Whether a log file lies after `limit`: then it is hidden, as is `_last_checkpoint`; with
 * `checkpointsOnly`, only checkpoints after it are.
 */
function after(limit: number, checkpointsOnly = false): (path: string) => boolean {
  return (path) => {
    if (!path.startsWith(`${LOG_DIR}/`)) return false;
    const name = path.slice(LOG_DIR.length + 1);
    if (name.includes('/')) return false;
    const f = parseLogFileName(name);
    if (f.kind === 'lastCheckpoint') return true;
    if (checkpointsOnly && f.kind !== 'checkpoint') return false;
    return f.kind !== 'unknown' && f.version > limit;
  };
}

const fileKey = (f: DataFile | Tombstone) => `${f.path}\0${f.deletionVector?.uniqueId ?? ''}`;
const byKey = <T extends DataFile | Tombstone>(xs: T[]) => [...xs].sort((a, b) => (fileKey(a) < fileKey(b) ? -1 : fileKey(a) > fileKey(b) ? 1 : 0));

/** A snapshot as compared: which load built it aside, and notes about `_last_checkpoint` (hidden in one of the two). */
const comparable = (s: DeltaSnapshot) => ({ ...s, extendedFrom: undefined, notes: s.notes.filter((n) => !n.includes('_last_checkpoint')) });

const deltaTables = corpusIndex().filter((e) => e.delta && !e.table_root.includes('delta-negative') && e.delta.latest_version > 0);
const outcomes = { extended: 0, replayed: 0 };

for (const e of deltaTables) {
  test(`delta ${e.table_root}: the latest snapshot extended from earlier ones equals a full replay`, async () => {
    const root = tableRoot(e);
    const full = new DeltaTable(new FsStorage(root));
    const want = await full.snapshot();
    const log = await full.log();
    const first = earliestReconstructable(log);
    const bases = [...new Set([first, Math.floor((first + want.version) / 2), want.version - 1])].filter((v) => v >= first && v < want.version);
    for (const v of bases) {
      const storage = new HidingFsStorage(root, after(v));
      const t = new DeltaTable(storage);
      assert.equal((await t.snapshot()).version, v);
      storage.hidden = () => false;
      t.refresh();
      const got = await t.snapshot();
      // extended unless a later commit changes metaData or protocol (or one is only a checkpoint)
      let replayNeeded = false;
      for (let u = v + 1; u <= want.version; u++) {
        const p = log.commitPaths.get(u);
        if (!p || parseJsonActions(await full.storage.read(p), p).some((a) => a.metaData || a.protocol)) replayNeeded = true;
      }
      assert.equal(got.extendedFrom, replayNeeded ? undefined : v, `from version ${v}`);
      outcomes[replayNeeded ? 'replayed' : 'extended']++;
      // exactly, order and all, what a full replay gives from the checkpoint the base was rebuilt
      // from (a newer checkpoint stores the same state in other forms: parsed stats, empty tags)
      const same = replayNeeded ? want : await new DeltaTable(new HidingFsStorage(root, after(v, true))).snapshot();
      assert.deepEqual(comparable(got), comparable(same), `from version ${v}`);
    }
  });
}

test('both paths were taken across the corpus', () => {
  assert.ok(outcomes.extended > 50, `extended ${outcomes.extended}`);
  assert.ok(outcomes.replayed > 5, `replayed ${outcomes.replayed}`);
});

test('a rewritten log is replayed, not extended', async () => {
  const mem = memCopy(corpusPath('open/delta-rs/simple_table'));
  const t = new DeltaTable(mem);
  const before = await t.snapshot();
  // the table folder replaced by another history: the newest commit read before is not the same file
  const newest = `${LOG_DIR}/${String(before.version).padStart(20, '0')}.json`;
  const next = `${LOG_DIR}/${String(before.version + 1).padStart(20, '0')}.json`;
  const removeAll = before.files.map((f) => JSON.stringify({ remove: { path: f.path, deletionTimestamp: 1, dataChange: true } }));
  mem.put(newest, [JSON.stringify({ commitInfo: { timestamp: 5 } }), ...removeAll].join('\n'));
  mem.put(next, JSON.stringify({ commitInfo: { timestamp: 6 } }));
  t.refresh();
  const got = await t.snapshot();
  assert.equal(got.extendedFrom, undefined);
  // extending would have kept the files read before; the new history gives others
  assert.notDeepEqual(byKey(got.files).map((f) => f.path), byKey(before.files).map((f) => f.path));
  assert.deepEqual(comparable(got), comparable(await new DeltaTable(mem).snapshot()));
});

test('the same version again is a new snapshot of the same state, with a checksum written since', async () => {
  const mem = memCopy(corpusPath('open/delta-rs/simple_table'));
  const t = new DeltaTable(mem);
  const before = await t.snapshot();
  assert.equal(before.crc, undefined);
  mem.put(`${LOG_DIR}/${String(before.version).padStart(20, '0')}.crc`, JSON.stringify({ numFiles: before.numFiles, tableSizeBytes: before.sizeBytes }));
  t.refresh();
  const again = await t.snapshot();
  assert.equal(again.extendedFrom, before.version);
  assert.notEqual(again, before);
  assert.deepEqual(again.crc, { numFiles: before.numFiles, tableSizeBytes: before.sizeBytes });
  assert.deepEqual({ ...comparable(again), crc: undefined }, { ...comparable(before), crc: undefined });
});
