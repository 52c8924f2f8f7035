/**
 * Delta at scale (issue #7): Lakelens against a DuckDB SQL replay of the same log, whole process,
 * median of alternating runs, on
 * - the real 300k-add log from ../shared/bench (latest snapshot; peak RSS against the log's size);
 * - the generated 1M-file table, classic checkpoint + 1,000 commits (latest, and time travel to
 *   500 commits back), and its v2-checkpoint-with-sidecars variant;
 * - the generated 100k-commit table: first history page of 200 versions, in process.
 * Lakelens runs `node dist/cli.js snapshot <table>`: the full replay and file list, printing the
 * summary (the `--json` file list is timed too, for context: printing 300k files is its own cost).
 * Every warm-up run checks the file count against what the generator put in the table, for both
 * Lakelens and DuckDB.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureDeltaClassic, ensureDeltaManyCommits, ensureDeltaV2, ensureSharedLog } from './generate/datasets';
import { checkCheckpointShape } from './generate/deltaCheckpointed';
import { cacheRoot } from './lib/cache';
import { type Case, type Measured, alternate, probe } from './lib/proc';
import { type Target, byName, casesTable, sec, targetsTable } from './lib/report';
import { median, ms } from './stats';

const RUNS = Number(process.env.LAKELENS_BENCH_RUNS ?? 5);
const repo = process.cwd();
const cli = path.join(repo, 'dist', 'cli.js');
const peer = path.join(repo, 'bench', 'peers', 'duckdbDeltaReplay.mjs');

/** Lakelens summary output → files and version. */
function lakelensOut(stdout: string): { files: number; version: number } {
  const files = /^files:\s+(\d+)/m.exec(stdout);
  const version = /^version:\s+(\d+)/m.exec(stdout);
  if (!files || !version) throw new Error(`unexpected lakelens output: ${stdout.slice(0, 500)}`);
  return { files: Number(files[1]), version: Number(version[1]) };
}

function expectFiles(who: string, got: { files: number; version: number }, files: number, version: number): void {
  if (got.files !== files || got.version !== version) throw new Error(`${who}: ${got.files} files at version ${got.version}, expected ${files} at ${version}`);
}

const lakelens = (name: string, dir: string, files: number, version: number, extra: string[] = []): Case => ({
  name,
  argv: [process.execPath, cli, 'snapshot', dir, ...extra],
  check: (out) => expectFiles(name, lakelensOut(out), files, version),
});

const duckdb = (name: string, dir: string, files: number, version: number, extra: string[] = []): Case => ({
  name,
  argv: [process.execPath, peer, dir, ...extra],
  check: (out) => expectFiles(name, JSON.parse(out) as { files: number; version: number }, files, version),
});

const ratio = (a: Measured, b: Measured) => a.ms / b.ms;
/** Why a target has no value: the failures of the cases it compares. */
const failures = (...cs: Measured[]) => cs.filter((c) => c.error).map((c) => `${c.name}: ${c.error}`).join('; ') || undefined;
const withNote = (t: Target, ...cs: Measured[]): Target => {
  const f = failures(...cs);
  return f ? { ...t, note: f } : t;
};

async function main(): Promise<void> {
  const lines: string[] = ['### Delta at scale: Lakelens vs a DuckDB replay of the same log', ''];
  const targets: Target[] = [];
  const all: Measured[] = [];
  // LAKELENS_BENCH_CASES=300k|1m|100k runs one group only
  const only = process.env.LAKELENS_BENCH_CASES ?? '';
  const want = (g: string) => only === '' || only === g;

  if (want('300k')) {
    const shared = await ensureSharedLog(repo);
    const { latest, liveFiles, logBytes } = shared.expect;
    const cases = alternate(
      [
        lakelens('300k log: Lakelens snapshot', shared.dir, liveFiles, latest),
        duckdb('300k log: DuckDB replay', shared.dir, liveFiles, latest),
        { name: '300k log: Lakelens snapshot --json > /dev/null', argv: [process.execPath, cli, 'snapshot', shared.dir, '--json'], discardStdout: true },
      ],
      RUNS,
      repo,
    );
    all.push(...cases);
    const [ll, dd, json] = [byName(cases, '300k log: Lakelens snapshot'), byName(cases, '300k log: DuckDB replay'), byName(cases, '300k log: Lakelens snapshot --json > /dev/null')];
    targets.push(withNote({ target: 'latest snapshot of the 300k-file log vs DuckDB replay', measured: `${sec(ll.ms)} / ${sec(dd.ms)}`, value: ratio(ll, dd), limit: 0.8, unit: '×' }, ll, dd));
    targets.push({ target: 'same, printing every file (`--json > /dev/null`): adds serialising 300k files', measured: `${sec(json.ms)} / ${sec(dd.ms)}`, value: ratio(json, dd), limit: 0.8, unit: '×', context: true });
    targets.push({ target: `peak RSS of that snapshot vs the log's ${(logBytes / 2 ** 20).toFixed(0)} MB`, measured: `${ll.rssMB.toFixed(0)} MB (DuckDB ${dd.rssMB.toFixed(0)} MB; \`--json\` ${json.rssMB.toFixed(0)} MB)`, value: ll.rssMB / (logBytes / 2 ** 20), limit: 3, unit: '×' });
  }

  if (want('1m')) {
    const classic = await ensureDeltaClassic();
    const v2 = await ensureDeltaV2();
    const { latest, liveFiles } = classic.expect;
    const back = latest - 500;
    const cases = alternate(
      [
        lakelens('1M classic: Lakelens latest', classic.dir, liveFiles, latest),
        duckdb('1M classic: DuckDB replay latest', classic.dir, liveFiles, latest),
        lakelens(`1M classic: Lakelens time travel to v${back}`, classic.dir, liveFiles, back, ['--version', String(back)]),
        lakelens('1M v2+sidecars: Lakelens latest', v2.dir, liveFiles, latest),
        duckdb('1M v2+sidecars: DuckDB replay latest', v2.dir, liveFiles, latest),
      ],
      RUNS,
      repo,
    );
    all.push(...cases);
    const [ll, dd, tt, l2, d2] = cases;
    targets.push(withNote({ target: '1M files, classic checkpoint + 1,000 commits, latest vs DuckDB', measured: `${sec(ll!.ms)} / ${sec(dd!.ms)}`, value: ratio(ll!, dd!), limit: 1.0, unit: '×' }, ll!, dd!));
    targets.push(withNote({ target: '1M files, time travel 500 commits back vs latest', measured: `${sec(tt!.ms)} / ${sec(ll!.ms)}`, value: ratio(tt!, ll!), limit: 1.2, unit: '×' }, tt!, ll!));
    targets.push(withNote({ target: '1M files, v2 checkpoint with 10 sidecars + 1,000 commits, latest vs DuckDB', measured: `${sec(l2!.ms)} / ${sec(d2!.ms)}`, value: ratio(l2!, d2!), limit: 1.0, unit: '×' }, l2!, d2!));
    lines.push(...(await shapeNotes(classic.dir, v2.dir)).map((n) => `- checkpoint shape: ${n}`), '');
  }

  if (want('100k')) {
    const many = await ensureDeltaManyCommits();
    const runs = probe<{ ms: number; warmMs: number; versions: number; total: number | null; first: string }>(path.join(repo, 'out', 'bench', 'probes', 'history.js'), [many.dir, '200'], Math.max(RUNS, 5), repo);
    const bad = runs.find((r) => r.versions !== 200 || r.first !== String(many.expect.latest));
    if (bad) throw new Error(`100k commits: history page has ${bad.versions} versions starting at ${bad.first}, expected 200 from ${many.expect.latest}`);
    const cold = median(runs.map((r) => r.ms));
    targets.push({ target: 'history of the 100k-commit table, first page of 200 (in process, fresh process each run)', measured: `${ms(cold)} ms (warm JIT: ${ms(median(runs.map((r) => r.warmMs)))} ms)`, value: cold, limit: 100, unit: 'ms' });
  }

  lines.push(targetsTable(targets), '', casesTable(all), '');
  lines.push(
    `Median of ${RUNS} alternating runs after one checked warm-up each (file count and version equal to what the generator wrote, for Lakelens and DuckDB alike). ` +
      `Generated tables are metadata only, in ${cacheRoot()} (bench/generate). DuckDB (bench/peers/duckdbDeltaReplay.mjs): default threads, read_json/read_parquet over the same files, arg_max by path over the commits and the checkpoint filtered by the paths they touched (as delta-kernel replays), result materialised.`,
  );
  process.stdout.write(lines.join('\n') + '\n');
}

/**
 * Compares generated checkpoint files' column types with Spark-written ones from the corpus
 * (classic checkpoint; v2 checkpoint and sidecar), when the corpus is there.
 */
async function shapeNotes(classic: string, v2: string): Promise<string[]> {
  const corpus = path.join(process.env.LAKELENS_SHARED || path.resolve(repo, '..', 'shared'), 'corpus', 'open');
  const log = (dir: string) => path.join(dir, '_delta_log');
  const first = (dir: string, re: RegExp) => fs.readdirSync(dir).filter((n) => re.test(n)).sort()[0]!;
  if (!fs.existsSync(corpus)) return [`not checked (${corpus} absent)`];
  const kernelV2 = path.join(corpus, 'delta-kernel-rs', 'v2-checkpoints-parquet-with-sidecars', '_delta_log');
  return [
    await checkCheckpointShape(path.join(log(classic), first(log(classic), /\.checkpoint\.parquet$/)), path.join(corpus, 'dat', 'with_checkpoint', 'delta', '_delta_log', '00000000000000000002.checkpoint.parquet')),
    await checkCheckpointShape(path.join(log(v2), first(log(v2), /\.checkpoint\.[0-9a-f-]{36}\.parquet$/)), path.join(kernelV2, first(kernelV2, /^00000000000000000006\.checkpoint\.[0-9a-f-]{36}\.parquet$/)), ['metaData', 'protocol', 'checkpointMetadata', 'sidecar']),
    await checkCheckpointShape(path.join(log(v2), '_sidecars', first(path.join(log(v2), '_sidecars'), /\.parquet$/)), path.join(kernelV2, '_sidecars', first(path.join(kernelV2, '_sidecars'), /^00000000000000000006\..*\.parquet$/))),
  ];
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
