/**
 * First preview page (100 rows) of every corpus table's latest snapshot, after the snapshot is
 * loaded (metadata replay is not timed). "First" means the scan plan is not cached: deletion
 * vectors and position deletes are read, file schemas grouped, the page's files opened. The
 * table's sandboxed DuckDB instance exists already (its creation is reported separately, as the
 * cold first page).
 */
import { FsStorage } from '../src/core/storage/local';
import { openTable } from '../src/core/table';
import type { Snapshot, TableFormat } from '../src/core/model';
import { QueryEngine } from '../src/query/engine';
import { corpusIndex, tableRoot } from '../test/helpers/corpus';
import { median, ms, p95, time } from './stats';

const REPS = 9;

async function main(): Promise<void> {
  const engine = new QueryEngine({ threads: 2, memoryLimit: '1GB' });
  const rows: { name: string; format: string; files: number; cold: number; med: number; p95: number }[] = [];
  const skipped: string[] = [];
  for (const e of corpusIndex()) {
    const formats: TableFormat[] = e.format === 'delta+iceberg' ? ['delta', 'iceberg'] : e.format === 'delta' || e.format === 'iceberg' ? [e.format] : [];
    for (const format of formats) {
      const storage = new FsStorage(tableRoot(e));
      let snap: Snapshot;
      try {
        snap = await (await openTable(storage, format)).snapshot();
      } catch {
        continue; // unreadable metadata is the reader's business
      }
      try {
        const [cold] = await time(() => engine.table(storage).preview(snap, 0, 100));
        const times: number[] = [];
        for (let i = 0; i < REPS; i++) {
          const q = engine.table(storage);
          times.push((await time(() => q.preview(snap, 0, 100)))[0]);
        }
        rows.push({ name: e.table_root, format, files: snap.numFiles, cold, med: median(times), p95: p95(times) });
      } catch (err) {
        skipped.push(`${e.table_root} (${format}): ${(err as Error).message.split('\n')[0]!.slice(0, 120)}`);
      }
    }
  }
  await engine.dispose();
  const meds = rows.map((r) => r.med);
  const out: string[] = [];
  out.push('### First preview page (100 rows), per corpus table', '');
  out.push(`${rows.length} table snapshots (latest), ${REPS} runs each with a fresh scan plan; the cold run also creates the table's sandboxed DuckDB instance.`, '');
  out.push('| | median of medians | p95 of medians | worst median | worst p95 | median cold first page |', '|---|---|---|---|---|---|');
  out.push(`| ms | ${ms(median(meds))} | ${ms(p95(meds))} | ${ms(Math.max(...meds))} | ${ms(Math.max(...rows.map((r) => r.p95)))} | ${ms(median(rows.map((r) => r.cold)))} |`, '');
  out.push('<details><summary>per table (ms): median, p95, cold first page</summary>', '', '| table | format | files | median | p95 | cold |', '|---|---|---|---|---|---|');
  for (const r of [...rows].sort((a, b) => b.med - a.med)) out.push(`| ${r.name} | ${r.format} | ${r.files} | ${ms(r.med)} | ${ms(r.p95)} | ${ms(r.cold)} |`);
  out.push('', '</details>', '');
  if (skipped.length) out.push(`Not previewable (${skipped.length}, refused by design): ${skipped.map((s) => s.split(':')[0]).join(', ')}`, '');
  process.stdout.write(out.join('\n') + '\n');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
