// Runs the benchmarks (bench/*.bench.ts, bundled with esbuild like the tests) one after the other
// and appends their reports to bench/RESULTS.md under a heading with the date, the git commit and
// the machine. `node bench/run.mjs [name-filter]` (`npm run bench -- iceberg`); each script prints
// Markdown on stdout. In-process probes (bench/probes/*.ts) are bundled alongside, for benchmarks
// that time one operation in a fresh process. Generated tables live in the cache folder
// ($LAKELENS_BENCH_CACHE, default ~/.cache/lakelens-bench), built on first use.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');
const filter = process.argv[2] ?? '';
const scripts = fs.readdirSync(here).filter((f) => f.endsWith('.bench.ts') && f.includes(filter)).sort();
if (scripts.length === 0) {
  console.error(`no bench/*.bench.ts matching ${JSON.stringify(filter)}`);
  process.exit(1);
}

const outdir = path.join(repo, 'out', 'bench');
fs.rmSync(outdir, { recursive: true, force: true });
const probes = fs.readdirSync(path.join(here, 'probes')).filter((f) => f.endsWith('.ts')).map((f) => path.join(here, 'probes', f));
await esbuild.build({
  entryPoints: [...scripts.map((s) => path.join(here, s)), ...probes],
  outdir,
  outbase: here,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['@duckdb/node-api', '@duckdb/node-bindings'],
  logLevel: 'warning',
});

const git = (...args) => {
  try {
    return execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
  } catch {
    return '?';
  }
};
// RESULTS.md itself is left out: an earlier run's unsaved results say nothing about the code measured;
// scripts/lib is in: the table generators write their Avro with it
const dirty = git('status', '--porcelain', '--', 'src', 'bench', 'scripts/lib', ':!bench/RESULTS.md') !== '' ? ' (uncommitted changes)' : '';
const cpus = os.cpus();
const heading = `## ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')} — ${git('rev-parse', '--short', 'HEAD')}${dirty}\n\n` +
  `Machine: ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cpus.length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GB RAM, ${os.platform()} ${os.arch()}, Node ${process.version}; ` +
  `load average at start ${os.loadavg().map((x) => x.toFixed(1)).join(' / ')} (other work on the machine skews timings)\n`;

let report = heading;
let failed = false;
for (const s of scripts) {
  const js = path.join(outdir, s.replace(/\.ts$/, '.js'));
  process.stderr.write(`bench: ${s}\n`);
  const r = spawnSync(process.execPath, ['--expose-gc', js], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 });
  if (r.status !== 0) {
    failed = true;
    report += `\n### ${s}\n\nFAILED (exit ${r.status})\n`;
    continue;
  }
  report += `\n${r.stdout.trim()}\n`;
}
const results = path.join(here, 'RESULTS.md');
if (!fs.existsSync(results)) fs.writeFileSync(results, '# Benchmark results\n\nAppended by `npm run bench` (bench/run.mjs); newest last.\n');
fs.appendFileSync(results, `\n${report}`);
process.stdout.write(report);
process.exitCode = failed ? 1 : 0;
