/**
 * Tables in an object store against the same tables on disk, in one run (ratios, not absolute
 * times): the real 300k-file log from ../shared/bench uploaded to a local S3 server (moto), read
 * with `lakelens snapshot s3://…` and `lakelens snapshot <folder>`, alternately; and the bytes a
 * first preview page fetches from the store against the data files it reads (the staging cache
 * copies whole files: DuckDB has no httpfs here).
 *
 * `LAKELENS_BENCH_CASES=300k|preview` runs one group.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as moto from '../scripts/servers/moto.mjs';
import { ensureSharedLog } from './generate/datasets';
import { alternate } from './lib/proc';
import { type Target, byName, casesTable, sec, targetsTable } from './lib/report';
import { S3Uploader } from '../test/helpers/s3Upload';

const repo = path.resolve(__dirname, '..', '..');
const cli = path.join(repo, 'dist', 'cli.js');
const RUNS = Number(process.env.LAKELENS_BENCH_RUNS ?? 5);

async function main(): Promise<void> {
  const lines = ['### Remote tables: S3 (moto on 127.0.0.1) against the same folder on disk', ''];
  const targets: Target[] = [];
  const only = process.env.LAKELENS_BENCH_CASES ?? '';
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'lakelens-bench-remote-'));
  await moto.install();
  const server = await moto.start({ dataDir: data, log: () => undefined });
  try {
    const endpoint = server.env['LAKELENS_TEST_MOTO']!;
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench', AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_S3: endpoint, LAKELENS_CACHE: path.join(data, 'cache') });
    const up = new S3Uploader({ endpoint, accessKeyId: 'bench', secretAccessKey: 'bench' });
    await up.createBucket('bench');
    if (only === '' || only === '300k') {
      const shared = await ensureSharedLog(repo);
      await up.uploadDir('bench', '300k', shared.dir);
      const expect = (out: string) => {
        if (!out.includes(String(shared.expect.liveFiles.toLocaleString('en-US'))) && !out.includes(String(shared.expect.liveFiles))) throw new Error(`snapshot does not list ${shared.expect.liveFiles} files`);
      };
      const cases = alternate(
        [
          { name: '300k log on disk: lakelens snapshot', argv: [process.execPath, cli, 'snapshot', shared.dir], check: expect },
          { name: '300k log in S3: lakelens snapshot', argv: [process.execPath, cli, 'snapshot', 's3://bench/300k'], check: expect },
        ],
        RUNS,
        repo,
      );
      const [l, r] = [byName(cases, '300k log on disk: lakelens snapshot'), byName(cases, '300k log in S3: lakelens snapshot')];
      targets.push({ target: 'latest snapshot of the 300k-file log, S3 vs disk', measured: `${sec(r.ms)} / ${sec(l.ms)}`, value: r.ms / l.ms, limit: 1.3, unit: '×' });
      lines.push(casesTable(cases), '');
    }
    if (only === '' || only === 'preview') {
      const table = path.join(process.env.LAKELENS_SHARED || path.resolve(repo, '..', 'shared'), 'corpus', 'open', 'delta-rs', 'COVID-19_NYT');
      await up.uploadDir('bench', 'covid', table);
      const { spawnSync } = await import('node:child_process');
      const r = spawnSync(process.execPath, [cli, 'rows', 's3://bench/covid', '--limit', '100', '--json'], { encoding: 'utf8', env: process.env, maxBuffer: 64 << 20 });
      if (r.status !== 0) throw new Error(`preview failed: ${r.stderr}`);
      const staged = fs.readdirSync(path.join(data, 'cache', 'staging'), { recursive: true }).map(String).filter((f) => f.endsWith('.parquet'));
      const fetched = staged.reduce((n, f) => n + fs.statSync(path.join(data, 'cache', 'staging', f)).size, 0);
      const { readParquetMetadata, bufferOf } = await import('../src/core/parquet');
      let needed = 0;
      for (const f of staged) {
        const bytes = fs.readFileSync(path.join(data, 'cache', 'staging', f));
        const md = await readParquetMetadata(bufferOf(bytes), f);
        // the first row group's column chunks and the footer: what a range reader needs for 100 rows
        const rg = md.row_groups[0]!;
        needed += rg.columns.reduce((n, c) => n + Number(c.meta_data?.total_compressed_size ?? 0), 0) + (bytes.readUInt32LE(bytes.length - 8) + 8);
      }
      targets.push({ target: 'first preview page (100 rows): bytes fetched vs footer + first row group', measured: `${(fetched / 2 ** 20).toFixed(2)} MB / ${(needed / 2 ** 20).toFixed(2)} MB (${staged.length} file${staged.length === 1 ? '' : 's'} staged whole)`, value: fetched / needed, limit: 1.2, unit: '×' });
    }
  } finally {
    await server.stop();
    fs.rmSync(data, { recursive: true, force: true });
  }
  process.stdout.write([...lines, targetsTable(targets), ''].join('\n'));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
