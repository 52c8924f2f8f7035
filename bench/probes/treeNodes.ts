/**
 * Probe: what expanding each tree node costs once the table's snapshot is loaded (as the tree
 * loads it to label the table): the first history page, a version's files (the newest and its
 * neighbour), the partitions and the schema. argv[2] = table, argv[3] = history page size (50).
 * Prints JSON { files, history, changes, changesNext, partitions, schema } in ms.
 */
import { FsStorage } from '../../src/core/node/fsStorage';
import { summarizePartitions } from '../../src/core/partitions';
import { openTable } from '../../src/core/table';
import { QueryEngine } from '../../src/query/engine';

const timed = async (fn: () => unknown): Promise<number> => {
  const t = performance.now();
  await fn();
  return performance.now() - t;
};

(async () => {
  const engine = new QueryEngine();
  const storage = new FsStorage(process.argv[2]!);
  const table = await openTable(storage, undefined, { yieldEveryMs: 15, parquetActions: engine.parquetActions(storage) });
  const snap = await table.snapshot();
  const history = await timed(() => table.history({ limit: Number(process.argv[3] ?? 50) }));
  const page = await table.history({ limit: 2 });
  const [newest, next] = page.versions;
  const changes = await timed(() => table.changes?.(newest!.version));
  const changesNext = next ? await timed(() => table.changes?.(next.version)) : 0;
  const partitions = await timed(() => summarizePartitions(snap));
  const schema = await timed(() => snap.schema.fields.map((f) => f.name));
  console.log(JSON.stringify({ files: snap.numFiles, history, changes, changesNext, partitions, schema }));
  await engine.dispose();
})();
