/**
 * Iceberg at scale (issue #7): the generated table of 10,000 snapshots and 1M data files
 * (1,000 manifests of 1,000 entries), and the same history with 100k files.
 * - Current snapshot's file list: `node dist/cli.js snapshot <table>` (reads the metadata, the
 *   manifest list and every manifest, and prints the summary) against icebird 0.3.1 listing the
 *   same snapshot (bench/peers/icebirdFiles.mjs), whole process. At 1M files icebird exhausts
 *   Node's default heap, so it gets a 16 GB one and, taking minutes, fewer runs
 *   (LAKELENS_BENCH_ICEBIRD_RUNS, default 1; 0 skips it); at 100k files both run alternately as usual.
 * - Snapshot list alone: the first history page of 200 from the metadata JSON (probe, in process).
 * Warm-up runs check the file count against what the generator wrote, for both readers.
 */
import * as path from 'node:path';
import { ensureIceberg, ensureIceberg100k } from './generate/datasets';
import { cacheRoot } from './lib/cache';
import { type Case, type Measured, alternate, probe } from './lib/proc';
import { type Target, byName, casesTable, sec, targetsTable } from './lib/report';
import { median, ms } from './stats';

const RUNS = Number(process.env.LAKELENS_BENCH_RUNS ?? 5);
const ICEBIRD_1M_RUNS = Number(process.env.LAKELENS_BENCH_ICEBIRD_RUNS ?? 1);
const repo = process.cwd();
const cli = path.join(repo, 'dist', 'cli.js');
const peer = path.join(repo, 'bench', 'peers', 'icebirdFiles.mjs');

function lakelensFiles(out: string): number {
  const m = /^files:\s+(\d+)/m.exec(out);
  if (!m) throw new Error(`unexpected lakelens output: ${out.slice(0, 400)}`);
  const notes = out.split('\n').filter((l) => l.startsWith('note:'));
  if (notes.length) throw new Error(`lakelens notes on a generated table: ${notes.join('; ')}`);
  return Number(m[1]);
}

const expectCount = (who: string, got: number, want: number) => {
  if (got !== want) throw new Error(`${who}: ${got} files, expected ${want}`);
};

function cases(label: string, dir: string, location: string, files: number, peerHeapMB?: number): [Case, Case] {
  return [
    { name: `${label}: Lakelens snapshot`, argv: [process.execPath, cli, 'snapshot', dir], check: (out) => expectCount('lakelens', lakelensFiles(out), files) },
    {
      name: `${label}: icebird file list${peerHeapMB ? ` (${peerHeapMB / 1024} GB heap)` : ''}`,
      argv: [process.execPath, ...(peerHeapMB ? [`--max-old-space-size=${peerHeapMB}`] : []), peer, dir, location],
      check: (out) => expectCount('icebird', (JSON.parse(out) as { files: number }).files, files),
    },
  ];
}

const failures = (...cs: Measured[]) => cs.filter((c) => c.error).map((c) => `${c.name}: ${c.error}`).join('; ') || undefined;

async function main(): Promise<void> {
  const lines = ['### Iceberg at scale: Lakelens vs icebird 0.3.1', ''];
  const targets: Target[] = [];
  const all: Measured[] = [];
  const big = await ensureIceberg();
  const small = await ensureIceberg100k();

  // 100k files: alternating runs, both in their default heaps
  const [l100, i100] = cases('10k snapshots / 100k files', small.dir, small.expect.location, small.expect.liveFiles);
  const m100 = alternate([l100, i100], RUNS, repo);
  all.push(...m100);

  // 1M files: icebird takes minutes, so it runs apart, without a warm-up (its first run is checked)
  const [l1m, i1m] = cases('10k snapshots / 1M files', big.dir, big.expect.location, big.expect.liveFiles, 16 * 1024);
  const mL = alternate([l1m], RUNS, repo);
  // LAKELENS_BENCH_ICEBIRD_RUNS=0 skips icebird at 1M (about 3 minutes and 8 GB)
  const mI = ICEBIRD_1M_RUNS > 0 ? alternate([i1m], ICEBIRD_1M_RUNS, repo, { warmup: false }) : [];
  all.push(...mL, ...mI);

  const a = byName(mL, l1m.name);
  const b = mI[0];
  targets.push(
    b
      ? { target: "current snapshot's file list, 10k snapshots / 1M files, vs icebird", measured: `${sec(a.ms)} / ${sec(b.ms)} (icebird: ${b.runs.length} run${b.runs.length === 1 ? '' : 's'}, 16 GB heap)`, value: a.ms / b.ms, limit: 1, unit: '×', ...noteOf(a, b) }
      : { target: "current snapshot's file list, 10k snapshots / 1M files, vs icebird", measured: `${sec(a.ms)} / icebird skipped (LAKELENS_BENCH_ICEBIRD_RUNS=0)`, value: NaN, limit: 1, unit: '×', note: 'not measured' },
  );
  const [c, d] = [byName(m100, l100.name), byName(m100, i100.name)];
  targets.push({ target: 'same at 100k files (icebird in its default heap), for a like-for-like ratio', measured: `${sec(c.ms)} / ${sec(d.ms)}`, value: c.ms / d.ms, limit: 1, unit: '×', ...noteOf(c, d) });

  // snapshot list alone
  const runs = probe<{ ms: number; cpuMs: number; warmMs: number; warmCpuMs: number; loadedMs: number; detectMs: number; versions: number; first: string }>(path.join(repo, 'out', 'bench', 'probes', 'history.js'), [big.dir, '200'], Math.max(RUNS, 5), repo);
  const bad = runs.find((r) => r.versions !== 200 || r.first !== big.expect.currentSnapshotId);
  if (bad) throw new Error(`iceberg history: ${bad.versions} versions from ${bad.first}, expected 200 from ${big.expect.currentSnapshotId}`);
  const med = (k: keyof (typeof runs)[number]) => median(runs.map((r) => r[k] as number));
  const steps = probe<{ chooseMs: number; how: string; readMs: number; bytes: number; parseMs: number; pageMs: number }>(path.join(repo, 'out', 'bench', 'probes', 'icebergHistorySteps.js'), [big.dir, '200'], Math.max(RUNS, 5), repo);
  const step = (k: keyof (typeof steps)[number]) => ms(median(steps.map((r) => r[k] as number)));
  targets.push({
    target: 'snapshot list alone: first history page of 200 of the 10k snapshots, fresh reader (warm JIT)',
    measured: `${ms(med('warmMs'))} ms wall, ${ms(med('warmCpuMs'))} ms CPU; fresh process ${ms(med('ms'))} ms (${ms(med('cpuMs'))} CPU); reader with the table loaded ${ms(med('loadedMs'))} ms`,
    value: med('warmMs'),
    limit: 50,
    unit: 'ms',
    note: `warm steps: choosing the metadata file (${steps[0]!.how}) ${step('chooseMs')} ms, reading the ${(steps[0]!.bytes / 2 ** 20).toFixed(1)} MB file ${step('readMs')} ms, parsing it ${step('parseMs')} ms, the page incl. 200 manifest-list stats ${step('pageMs')} ms`,
  });

  lines.push(targetsTable(targets), '', casesTable(all), '');
  lines.push(
    `Median of ${RUNS} runs after one checked warm-up each (file count equal to the generator's for Lakelens and icebird). ` +
      `Generated tables (metadata only: metadata JSON of ${(big.expect.snapshots / 1000).toFixed(0)}k snapshots, a manifest list per snapshot, deflated manifests with stats for 8 columns) in ${cacheRoot()}. ` +
      'icebird reads through a fetch shim serving the folder from disk (no HTTP). The history probe times choosing, reading and parsing the metadata JSON and the page (detection excluded); warm = the fifth read in the process.',
  );
  process.stdout.write(lines.join('\n') + '\n');
}

function noteOf(...cs: Measured[]): { note?: string } {
  const f = failures(...cs);
  return f ? { note: f } : {};
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
