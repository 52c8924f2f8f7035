/**
 * SQL overhead: the same queries through Lakelens (`TableQuery.sql` over the view t: sandboxed
 * instance, projection, partition join, deletion-vector anti-join) against raw DuckDB over the
 * same files (`read_parquet([...])` in a plain instance with the same threads and memory), in
 * alternating runs. Uses generated Delta tables in a temp folder: plain, partitioned (partition
 * values only in the log) and with deletion vectors (1% of rows deleted).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { DeltaTable } from '../src/core/delta/table';
import { FsStorage } from '../src/core/storage/local';
import { QueryEngine } from '../src/query/engine';
import { crc32 } from '../src/query/crc32';
import { median, ms, time } from './stats';

const FILES = 8;
const ROWS_PER_FILE = 500_000;
const RUNS = 9;
const THREADS = 2;
const MEMORY = '2GB';

const QUERIES: Record<string, string> = {
  'count/sum/avg': 'SELECT count(*), sum(id), avg(v) FROM t',
  'group by 1,000 keys': 'SELECT s, count(*) AS n, sum(v) FROM t GROUP BY s ORDER BY n DESC, s LIMIT 10',
  'selective filter': 'SELECT * FROM t WHERE id % 100000 = 7',
};

type Variant = 'plain' | 'partitioned' | 'deletion vectors';

const le32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
const be32 = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];

/** A Delta DV (magic + portable Roaring64 of array containers) deleting `positions` (< 2^32). */
function dvBitmap(positions: number[]): Uint8Array {
  const byKey = new Map<number, number[]>();
  for (const p of positions) {
    const k = Math.floor(p / 65536);
    (byKey.get(k) ?? byKey.set(k, []).get(k)!).push(p % 65536);
  }
  const keys = [...byKey.keys()].sort((a, b) => a - b);
  const head: number[] = [...le32(12346), ...le32(keys.length)];
  for (const k of keys) head.push(k & 0xff, k >> 8, ...[(byKey.get(k)!.length - 1) & 0xff, (byKey.get(k)!.length - 1) >> 8]);
  let offset = head.length + 4 * keys.length;
  const offsets: number[] = [];
  const bodies: number[] = [];
  for (const k of keys) {
    offsets.push(...le32(offset));
    for (const v of byKey.get(k)!) bodies.push(v & 0xff, v >> 8);
    offset += 2 * byKey.get(k)!.length;
  }
  return Uint8Array.from([...le32(1681511377), ...le32(1), ...le32(0), ...le32(0), ...head, ...offsets, ...bodies]);
}

async function generate(conn: DuckDBConnection, root: string, variant: Variant): Promise<string[]> {
  fs.mkdirSync(path.join(root, '_delta_log'), { recursive: true });
  const partitioned = variant === 'partitioned';
  const fields = [
    { name: 'id', type: 'long', nullable: true, metadata: {} },
    { name: 'v', type: 'double', nullable: true, metadata: {} },
    { name: 's', type: 'string', nullable: true, metadata: {} },
    ...(partitioned ? [{ name: 'p', type: 'string', nullable: true, metadata: {} }] : []),
  ];
  const protocol = variant === 'deletion vectors'
    ? { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ['deletionVectors'], writerFeatures: ['deletionVectors'] }
    : { minReaderVersion: 1, minWriterVersion: 2 };
  const actions: unknown[] = [
    { protocol },
    { metaData: { id: 'bench', format: { provider: 'parquet', options: {} }, schemaString: JSON.stringify({ type: 'struct', fields }), partitionColumns: partitioned ? ['p'] : [], configuration: {}, createdTime: 0 } },
  ];
  const files: string[] = [];
  for (let k = 0; k < FILES; k++) {
    const rel = partitioned ? `p=k${k % 4}/part-${k}.parquet` : `part-${k}.parquet`;
    const abs = path.join(root, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    await conn.run(`COPY (SELECT i AS id, (i * 7919 % 1000003) / 1000003.0 AS v, 'key' || (i % 1000) AS s FROM range(${k * ROWS_PER_FILE}, ${(k + 1) * ROWS_PER_FILE}) r(i)) TO '${abs}' (FORMAT parquet)`);
    files.push(abs);
    const add: Record<string, unknown> = {
      path: rel.replace(/=/g, '%3D').replace(/%3D/g, '='),
      partitionValues: partitioned ? { p: `k${k % 4}` } : {},
      size: fs.statSync(abs).size,
      modificationTime: 0,
      dataChange: true,
      stats: JSON.stringify({ numRecords: ROWS_PER_FILE }),
    };
    if (variant === 'deletion vectors') {
      const positions = Array.from({ length: ROWS_PER_FILE / 100 }, (_, i) => i * 100);
      const bitmap = dvBitmap(positions);
      const dvPath = path.join(root, `dv-${k}.bin`);
      fs.writeFileSync(dvPath, Uint8Array.from([1, ...be32(bitmap.length), ...bitmap, ...be32(crc32(bitmap))]));
      add.deletionVector = { storageType: 'p', pathOrInlineDv: `file://${dvPath}`, offset: 1, sizeInBytes: bitmap.length, cardinality: positions.length };
    }
    actions.push({ add });
  }
  fs.writeFileSync(path.join(root, '_delta_log', '00000000000000000000.json'), actions.map((a) => JSON.stringify(a)).join('\n') + '\n');
  return files;
}

async function drain(q: Promise<{ next(): Promise<unknown[][] | null> }>): Promise<number> {
  const res = await q;
  let n = 0;
  for (let rows = await res.next(); rows; rows = await res.next()) n += rows.length;
  return n;
}

async function main(): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lakelens-bench-'));
  const raw = await (await DuckDBInstance.create(':memory:', { threads: String(THREADS), memory_limit: MEMORY })).connect();
  await raw.run(`SET TimeZone = 'UTC'`);
  const engine = new QueryEngine({ threads: THREADS, memoryLimit: MEMORY });
  const out: string[] = ['### SQL overhead: Lakelens vs raw DuckDB over the same files', ''];
  out.push(`Generated Delta tables of ${FILES} files × ${ROWS_PER_FILE.toLocaleString('en')} rows; ${THREADS} threads, ${MEMORY} per instance; median of ${RUNS} alternating warm runs (after one warm-up each), rows fully fetched. Cold = first Lakelens query on the snapshot (builds the scan plan and helper tables).`, '');
  out.push('| table | query | raw DuckDB ms | Lakelens ms | ratio | Lakelens cold ms |', '|---|---|---|---|---|---|');
  try {
    for (const variant of ['plain', 'partitioned', 'deletion vectors'] as Variant[]) {
      const root = path.join(tmp, variant.replace(/ /g, '-'));
      const files = await generate(raw, root, variant);
      const list = `[${files.map((f) => `'${f}'`).join(', ')}]`;
      // the raw baseline reads the same files; partitions from the folder names, deletes with the same positions
      const rawView =
        variant === 'partitioned'
          ? `SELECT id, v, s, p FROM read_parquet(${list}, hive_partitioning = true)`
          : variant === 'deletion vectors'
            ? `SELECT id, v, s FROM read_parquet(${list}, file_row_number = true) WHERE file_row_number % 100 <> 0`
            : `SELECT * FROM read_parquet(${list})`;
      await raw.run(`CREATE OR REPLACE VIEW t AS ${rawView}`);
      const storage = new FsStorage(root);
      const snap = await new DeltaTable(storage).snapshot();
      const q = engine.table(storage);
      let first = true;
      for (const [name, sql] of Object.entries(QUERIES)) {
        let cold = NaN;
        if (first) {
          cold = (await time(() => drain(q.sql(snap, sql))))[0];
          first = false;
        }
        // warm-up, and the same answer from both
        const nRaw = (await raw.runAndReadAll(sql)).getRows().length;
        const nLake = await drain(q.sql(snap, sql));
        if (nRaw !== nLake) throw new Error(`${variant} ${name}: raw returned ${nRaw} rows, Lakelens ${nLake}`);
        const rawTimes: number[] = [];
        const lakeTimes: number[] = [];
        for (let i = 0; i < RUNS; i++) {
          const runRaw = async () => rawTimes.push((await time(async () => (await raw.runAndReadAll(sql)).getRows().length))[0]);
          const runLake = async () => lakeTimes.push((await time(() => drain(q.sql(snap, sql))))[0]);
          if (i % 2 === 0) {
            await runRaw();
            await runLake();
          } else {
            await runLake();
            await runRaw();
          }
        }
        const r = median(rawTimes);
        const l = median(lakeTimes);
        out.push(`| ${variant} | ${name} | ${ms(r)} | ${ms(l)} | ${(l / r).toFixed(2)} | ${Number.isNaN(cold) ? '' : ms(cold)} |`);
      }
    }
  } finally {
    await engine.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  out.push('');
  process.stdout.write(out.join('\n') + '\n');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
