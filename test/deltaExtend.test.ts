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
import { LakeError } from '../src/core/errors';
import type { DataFile, Tombstone } from '../src/core/model';
import { FsStorage } from '../src/core/node/fsStorage';
import type { DirEntry, FileEntry, Storage } from '../src/core/storage';
import { corpusIndex, corpusPath, memCopy, tableRoot } from './helpers/corpus';

/**
 * A table whose log ends at `limit` while it is set (later log files and `_last_checkpoint` hidden),
 * or, with `checkpointsOnly`, whose checkpoints after `limit` are hidden but not its commits.
 */
class CutLog implements Storage {
  private readonly inner: FsStorage;
  readonly root: string;

  constructor(dir: string, public limit: number | undefined, private readonly checkpointsOnly = false) {
    this.inner = new FsStorage(dir);
    this.root = this.inner.root;
  }

  private hidden(path: string): boolean {
    if (this.limit === undefined || !path.startsWith(`${LOG_DIR}/`)) return false;
    const name = path.slice(LOG_DIR.length + 1);
    if (name.includes('/')) return false;
    const f = parseLogFileName(name);
    if (f.kind === 'lastCheckpoint') return true;
    if (this.checkpointsOnly && f.kind !== 'checkpoint') return false;
    return f.kind !== 'unknown' && f.version > this.limit;
  }

  async list(dir: string): Promise<DirEntry[]> {
    return (await this.inner.list(dir)).filter((e) => !this.hidden(e.path));
  }
  async read(path: string): Promise<Uint8Array> {
    if (this.hidden(path)) throw new LakeError('missing', 'hidden by the test', path);
    return this.inner.read(path);
  }
  async readRange(path: string, start: number, end: number): Promise<Uint8Array> {
    if (this.hidden(path)) throw new LakeError('missing', 'hidden by the test', path);
    return this.inner.readRange(path, start, end);
  }
  async stat(path: string): Promise<FileEntry | undefined> {
    return this.hidden(path) ? undefined : this.inner.stat(path);
  }
  localPath(path: string): string {
    return this.inner.localPath(path);
  }
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
      const storage = new CutLog(root, v);
      const t = new DeltaTable(storage);
      assert.equal((await t.snapshot()).version, v);
      storage.limit = undefined;
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
      const same = replayNeeded ? want : await new DeltaTable(new CutLog(root, v, true)).snapshot();
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
