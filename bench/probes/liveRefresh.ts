/**
 * Probe: a commit landing on a loaded table, as the extension sees it: the table is loaded with
 * its newest commit hidden, the commit appears, the reader is refreshed and the latest snapshot
 * asked again (extended with that commit, not replayed). argv[2] = table.
 * Prints JSON { files, loadMs, refreshMs, extendedFrom, maxLagMs }.
 */
import type { DeltaSnapshot } from '../../src/core/delta/snapshot';
import { openTable } from '../../src/core/table';
import { QueryEngine } from '../../src/query/engine';
import { HidingFsStorage } from '../../test/helpers/hiding';
import { lagMonitor } from '../lib/lag';

(async () => {
  const engine = new QueryEngine();
  // listed as the extension lists
  const storage = new HidingFsStorage(process.argv[2]!, () => false, { streamListings: true });
  const commits = (await storage.list('_delta_log')).filter((e) => /^\d{20}\.json$/.test(e.name)).map((e) => e.path).sort();
  const newest = commits.at(-1);
  storage.hidden = (path) => path === newest;
  const table = await openTable(storage, 'delta', { yieldEveryMs: 15, parquetActions: engine.parquetActions(storage) });
  let t = performance.now();
  await table.snapshot();
  const loadMs = performance.now() - t;
  storage.hidden = () => false;
  const lag = lagMonitor();
  t = performance.now();
  table.refresh();
  const s = (await table.snapshot()) as DeltaSnapshot;
  const refreshMs = performance.now() - t;
  const maxLagMs = lag.stop();
  console.log(JSON.stringify({ files: s.numFiles, loadMs, refreshMs, extendedFrom: s.extendedFrom ?? null, maxLagMs }));
  await engine.dispose();
})();
