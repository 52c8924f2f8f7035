/**
 * Checks a freshly generated table before it is stamped complete: Lakelens (the CLI, as the
 * benchmarks run it) and, for Delta, the DuckDB replay must both find the files and version the
 * generator says it wrote. Benchmark runs check the same on every warm-up; this catches a bad
 * generator once, at generation, with a clear message.
 */
import * as path from 'node:path';
import { runOnce } from '../lib/proc';

function lakelens(dir: string): { files: number; version: string } {
  const out = runOnce({ name: 'lakelens snapshot', argv: [process.execPath, path.join(process.cwd(), 'dist', 'cli.js'), 'snapshot', dir] }, process.cwd()).stdout;
  return { files: Number(/^files:\s+(\d+)/m.exec(out)?.[1]), version: /^version:\s+(\S+)/m.exec(out)?.[1] ?? '' };
}

function fail(what: string, got: unknown, want: unknown): never {
  throw new Error(`generated table fails validation: ${what} ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
}

export function validateDelta(dir: string, expect: { latest: number; liveFiles: number }): void {
  const l = lakelens(dir);
  if (l.files !== expect.liveFiles || l.version !== String(expect.latest)) fail('Lakelens read', l, expect);
  const peer = path.join(process.cwd(), 'bench', 'peers', 'duckdbDeltaReplay.mjs');
  const d = JSON.parse(runOnce({ name: 'duckdb replay', argv: [process.execPath, peer, dir] }, process.cwd()).stdout) as { files: number; version: number };
  if (d.files !== expect.liveFiles || d.version !== expect.latest) fail('DuckDB replay', d, expect);
}

export function validateIceberg(dir: string, expect: { liveFiles: number; currentSnapshotId: string }): void {
  const l = lakelens(dir);
  if (l.files !== expect.liveFiles || l.version !== expect.currentSnapshotId) fail('Lakelens read', l, expect);
}
