/**
 * Whole-process measurements: wall time of a child process from spawn to exit, and its peak RSS
 * from GNU time (`/usr/bin/time -f %M`; both sides pay the same tiny wrapper cost). Cases are run
 * alternately (ABBA order) after one untimed warm-up each, so a noisy neighbour or a cold page
 * cache hurts both sides alike rather than whichever ran second.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { median } from '../stats';

export interface Case {
  name: string;
  argv: string[];
  /** Send stdout to /dev/null instead of capturing it (huge outputs such as `--json` file lists). */
  discardStdout?: boolean;
  /** Called with the warm-up run's stdout: throws when the output is wrong. */
  check?: (stdout: string) => void;
}

export interface Run {
  ms: number;
  rssMB: number;
  stdout: string;
}

const TIME = '/usr/bin/time';

export function runOnce(c: Case, cwd: string): Run {
  const rssFile = path.join(os.tmpdir(), `lakelens-bench-rss-${process.pid}`);
  const hasTime = fs.existsSync(TIME);
  const argv = hasTime ? [TIME, '-f', '%M', '-o', rssFile, ...c.argv] : c.argv;
  const devnull = c.discardStdout ? fs.openSync('/dev/null', 'w') : undefined;
  const t0 = performance.now();
  const r = spawnSync(argv[0]!, argv.slice(1), { cwd, encoding: 'utf8', stdio: ['ignore', devnull ?? 'pipe', 'pipe'], maxBuffer: 256 << 20 });
  const ms = performance.now() - t0;
  if (devnull !== undefined) fs.closeSync(devnull);
  if (r.status !== 0) throw new Error(`${c.name}: exit ${r.status ?? r.signal}: ${(r.stderr ?? '').trim().slice(0, 2000)}`);
  const rssKB = hasTime ? Number(fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop()) : NaN;
  return { ms, rssMB: rssKB / 1024, stdout: r.stdout ?? '' };
}

export interface Measured {
  name: string;
  runs: Run[];
  /** Medians; NaN when the case failed. */
  ms: number;
  rssMB: number;
  /** Why the case has no timings: its warm-up run failed (crash, out of memory, wrong output). */
  error?: string;
}

/**
 * Warm-up (checked) then `runs` timed runs of every case, alternating ABBA. Medians per case.
 * A case whose warm-up fails is reported with its error and left out of the timed runs, so one
 * reader running out of memory does not hide the other results.
 */
export function alternate(cases: Case[], runs: number, cwd: string, opts: { warmup?: boolean } = {}): Measured[] {
  const out = cases.map((c) => ({ c, runs: [] as Run[], error: undefined as string | undefined }));
  // without a warm-up (a case taking minutes), the first timed run is the checked one
  const warmup = opts.warmup ?? true;
  for (const o of out) {
    const t0 = performance.now();
    try {
      const r = runOnce(o.c, cwd);
      o.c.check?.(r.stdout);
      if (!warmup) o.runs.push(r);
    } catch (err) {
      o.error = `${firstLine((err as Error).message)} (after ${((performance.now() - t0) / 1000).toFixed(1)} s)`;
      process.stderr.write(`bench: ${o.c.name} failed: ${(err as Error).message.slice(0, 300)}\n`);
    }
  }
  const ok = out.filter((o) => o.error === undefined);
  for (let i = warmup ? 0 : 1; i < runs; i++) {
    const order = i % 2 === 0 ? ok : [...ok].reverse();
    for (const o of order) o.runs.push(runOnce(o.c, cwd));
  }
  return out.map((o) => {
    const m: Measured = { name: o.c.name, runs: o.runs, ms: o.error ? NaN : median(o.runs.map((r) => r.ms)), rssMB: o.error ? NaN : median(o.runs.map((r) => r.rssMB)) };
    if (o.error) m.error = o.error;
    return m;
  });
}

/** The informative line of an error: V8's out-of-memory report starts with GC traces. */
function firstLine(msg: string): string {
  if (/heap out of memory/.test(msg)) return `${msg.split(':')[0]}: JavaScript heap out of memory`;
  return msg.split('\n')[0]!.slice(0, 200);
}

/** Runs an in-process probe (a bundled script printing one JSON line) `runs` times, one process each. */
export function probe<T>(script: string, args: string[], runs: number, cwd: string): T[] {
  const out: T[] = [];
  for (let i = 0; i < runs; i++) {
    const r = runOnce({ name: path.basename(script), argv: [process.execPath, script, ...args] }, cwd);
    out.push(JSON.parse(r.stdout.trim().split('\n').pop()!) as T);
  }
  return out;
}
