/**
 * Probe: the longest the event loop is blocked while a table's latest snapshot loads with the
 * extension's reader options (pause every 15 ms), sampled by a 5 ms timer. argv[2] = table.
 * Prints JSON { files, ms, maxLagMs }.
 */
import { FsStorage } from '../../src/core/node/fsStorage';
import { openTable } from '../../src/core/table';

(async () => {
  let maxLag = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    maxLag = Math.max(maxLag, now - last - 5);
    last = now;
  }, 5);
  const t0 = performance.now();
  const t = await openTable(new FsStorage(process.argv[2]!), undefined, { yieldEveryMs: 15 });
  const s = await t.snapshot();
  clearInterval(timer);
  console.log(JSON.stringify({ files: s.numFiles, ms: performance.now() - t0, maxLagMs: maxLag }));
})();
