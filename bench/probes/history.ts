/**
 * In-process probe: time to the first page of history in a fresh process (cold JIT, warm page
 * cache), as the tree's first expansion of a table pays it: open the table (format detection)
 * and list `limit` versions. Then the same again with a new table object in the same process
 * (warm JIT, nothing cached in the reader). Prints one JSON line. CPU time includes the libuv
 * threads' file system work as well as the main thread's.
 * `node out/bench/probes/history.js <table> <limit>`
 */
import { FsStorage } from '../../src/core/node/fsStorage';
import { openTable } from '../../src/core/table';

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Wall time, and CPU time of this process (a loaded machine inflates the first, not the second). */
async function once(dir: string, limit: number) {
  const c0 = cpuMs();
  const t0 = performance.now();
  const table = await openTable(new FsStorage(dir));
  const page = await table.history({ limit });
  return { ms: performance.now() - t0, cpuMs: cpuMs() - c0, versions: page.versions.length, total: page.total ?? null, first: String(page.versions[0]?.version ?? '') };
}

async function main(): Promise<void> {
  const [dir, limit] = process.argv.slice(2);
  const cold = await once(dir!, Number(limit ?? 200));
  const warm = await once(dir!, Number(limit ?? 200));
  process.stdout.write(JSON.stringify({ ...cold, warmMs: warm.ms, warmCpuMs: warm.cpuMs }) + '\n');
}

void main();
