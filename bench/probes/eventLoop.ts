/**
 * Probe: the longest the event loop is blocked while a table's latest snapshot loads as the
 * extension loads it: pauses every 15 ms, and big Delta checkpoints read by DuckDB (whose native
 * module is loaded before timing starts: the extension pays that once per session, reported as
 * `duckdbLoadMs`). Sampled by a 5 ms timer. argv[2] = table.
 * Prints JSON { files, ms, maxLagMs, duckdbLoadMs }.
 */
import { FsStorage } from '../../src/core/storage/local';
import { openTable } from '../../src/core/table';
import { QueryEngine } from '../../src/query/engine';
import { lagMonitor } from '../lib/lag';

(async () => {
  const t = performance.now();
  await import('@duckdb/node-api');
  const duckdbLoadMs = performance.now() - t;
  const engine = new QueryEngine();
  const storage = new FsStorage(process.argv[2]!, { streamListings: true }); // as the extension lists
  const lag = lagMonitor();
  const t0 = performance.now();
  const table = await openTable(storage, undefined, { yieldEveryMs: 15, parquetActions: engine.parquetActions(storage) });
  const s = await table.snapshot();
  const maxLagMs = lag.stop();
  console.log(JSON.stringify({ files: s.numFiles, ms: performance.now() - t0, maxLagMs, duckdbLoadMs }));
  await engine.dispose();
})();
