/**
 * In-process probe: time to the first page of history in a fresh process (cold JIT, warm page
 * cache), as the tree's first expansion of a table pays it: construct the reader for the table's
 * format (detected beforehand, as the extension does when it scans the workspace; the detection
 * time is reported apart) and list `limit` versions. Then the same again with new readers in the
 * same process, timing the fifth (warm JIT, nothing cached in the reader), which is the
 * extension's case once it has read tables; and a page from a reader that has already loaded the table (as when the tree
 * labelled it before the user expands it). Prints one JSON line; CPU times include the libuv
 * threads' file system work.
 * `node out/bench/probes/history.js <table> <limit>`
 */
import { DeltaTable } from '../../src/core/delta/table';
import { detectFormats } from '../../src/core/detect';
import { HudiTable } from '../../src/core/hudi/table';
import { IcebergTable } from '../../src/core/iceberg/table';
import type { TableFormat } from '../../src/core/model';
import { FsStorage } from '../../src/core/storage/local';

/** Reads before the warm one: enough for V8 to optimise the reader's hot paths. */
const WARMUPS = 3;

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Wall and CPU time of `fn` (a loaded machine inflates the first far more than the second). */
async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; cpuMs: number; value: T }> {
  const c0 = cpuMs();
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, cpuMs: cpuMs() - c0, value };
}

async function main(): Promise<void> {
  const [dir, limitArg] = process.argv.slice(2);
  const limit = Number(limitArg ?? 200);
  const detect = await timed(() => detectFormats(new FsStorage(dir!), ''));
  const format = detect.value[0];
  if (!format) throw new Error(`${dir} is not a table`);
  const page = () => timed(() => reader(dir!, format).history({ limit }));
  const cold = await page();
  // warm: the reader code hot, as in an extension host that has read tables before
  for (let i = 0; i < WARMUPS; i++) await page();
  const warm = await page();
  // and a page from a reader that has loaded the table already (the tree labelled it first)
  const loaded = reader(dir!, format);
  await loaded.history({ limit: 1 });
  const again = await timed(() => loaded.history({ limit }));
  const v = cold.value.versions;
  process.stdout.write(
    JSON.stringify({ ms: cold.ms, cpuMs: cold.cpuMs, warmMs: warm.ms, warmCpuMs: warm.cpuMs, loadedMs: again.ms, detectMs: detect.ms, versions: v.length, total: cold.value.total ?? null, first: String(v[0]?.version ?? '') }) + '\n',
  );
}

/** The reader of a detected format, as openTable makes it (without detecting again). */
function reader(dir: string, format: TableFormat) {
  const storage = new FsStorage(dir);
  return format === 'delta' ? new DeltaTable(storage) : format === 'iceberg' ? new IcebergTable(storage) : new HudiTable(storage);
}

void main();
