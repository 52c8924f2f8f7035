/**
 * Probe: what expanding each tree node costs once the table's snapshot is loaded (as the tree
 * loads it to label the table), with the extension's pauses (every 15 ms): the first history page, a version's files (the newest and its
 * neighbour), the partitions, the schema and the health line. argv[2] = table, argv[3] = history page size (50).
 * Prints JSON { files, history, changes, changesNext, partitions, schema, health, maxLagMs } in ms, the last
 * the longest the event loop was blocked during the expansions (the load before is not counted).
 */
import { FsStorage } from '../../src/core/storage/local';
import { analyzeHealth } from '../../src/core/health';
import { summarizePartitionsYielding } from '../../src/core/partitions';
import { Yielder } from '../../src/core/yielder';
import { openTable } from '../../src/core/table';
import { QueryEngine } from '../../src/query/engine';
import { lagMonitor } from '../lib/lag';

const timed = async (fn: () => unknown): Promise<number> => {
  const t = performance.now();
  await fn();
  return performance.now() - t;
};

(async () => {
  const engine = new QueryEngine();
  const storage = new FsStorage(process.argv[2]!, { streamListings: true }); // as the extension lists
  const table = await openTable(storage, undefined, { yieldEveryMs: 15, parquetActions: engine.parquetActions(storage) });
  const snap = await table.snapshot();
  const lag = lagMonitor();
  const history = await timed(() => table.history({ limit: Number(process.argv[3] ?? 50) }));
  const page = await table.history({ limit: 2 });
  const [newest, next] = page.versions;
  const changes = await timed(() => table.changes?.(newest!.version));
  const changesNext = next ? await timed(() => table.changes?.(next.version)) : 0;
  const partitions = await timed(() => summarizePartitionsYielding(snap, new Yielder(15)));
  const schema = await timed(() => snap.schema.fields.map((f) => f.name));
  // the table's health line (the extension adds log or snapshot counts, read before)
  const health = await timed(() => analyzeHealth({ snapshot: snap, smallFileThreshold: 32 << 20, now: Date.now(), costPerGbMonth: 0.023, tablePath: process.argv[2]! }, new Yielder(15)));
  const maxLagMs = lag.stop();
  console.log(JSON.stringify({ files: snap.numFiles, history, changes, changesNext, partitions, schema, health, maxLagMs }));
  await engine.dispose();
})();
