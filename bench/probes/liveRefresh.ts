/**
 * Probe: a commit landing on a loaded table, as the extension sees it: the table is loaded with
 * its newest commit hidden, the commit appears, the reader is refreshed and the latest snapshot
 * asked again (extended with that commit, not replayed). argv[2] = table.
 * Prints JSON { files, loadMs, refreshMs, extendedFrom, maxLagMs }.
 */
import { LakeError } from '../../src/core/errors';
import type { DeltaSnapshot } from '../../src/core/delta/snapshot';
import { FsStorage } from '../../src/core/node/fsStorage';
import type { DirEntry, FileEntry, Storage } from '../../src/core/storage';
import { openTable } from '../../src/core/table';
import { QueryEngine } from '../../src/query/engine';
import { lagMonitor } from '../lib/lag';

/** The table without one file until `reveal()`. */
class Withheld implements Storage {
  private readonly inner: FsStorage;
  readonly root: string;
  hidden?: string;

  constructor(dir: string) {
    this.inner = new FsStorage(dir, { streamListings: true }); // as the extension lists
    this.root = this.inner.root;
  }
  async list(dir: string): Promise<DirEntry[]> {
    return (await this.inner.list(dir)).filter((e) => e.path !== this.hidden);
  }
  read(path: string): Promise<Uint8Array> {
    if (path === this.hidden) throw new LakeError('missing', 'withheld', path);
    return this.inner.read(path);
  }
  readRange(path: string, start: number, end: number): Promise<Uint8Array> {
    if (path === this.hidden) throw new LakeError('missing', 'withheld', path);
    return this.inner.readRange(path, start, end);
  }
  async stat(path: string): Promise<FileEntry | undefined> {
    return path === this.hidden ? undefined : this.inner.stat(path);
  }
  localPath(path: string): string {
    return this.inner.localPath(path);
  }
}

(async () => {
  const engine = new QueryEngine();
  const storage = new Withheld(process.argv[2]!);
  const commits = (await storage.list('_delta_log')).filter((e) => /^\d{20}\.json$/.test(e.name)).map((e) => e.path).sort();
  storage.hidden = commits.at(-1);
  const table = await openTable(storage, 'delta', { yieldEveryMs: 15, parquetActions: engine.parquetActions(storage) });
  let t = performance.now();
  await table.snapshot();
  const loadMs = performance.now() - t;
  storage.hidden = undefined;
  const lag = lagMonitor();
  t = performance.now();
  table.refresh();
  const s = (await table.snapshot()) as DeltaSnapshot;
  const refreshMs = performance.now() - t;
  const maxLagMs = lag.stop();
  console.log(JSON.stringify({ files: s.numFiles, loadMs, refreshMs, extendedFrom: s.extendedFrom ?? null, maxLagMs }));
  await engine.dispose();
})();
