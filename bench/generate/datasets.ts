/**
 * Every generated benchmark table: where it lives in the cache, the parameters it depends on,
 * and what a correct reader must find in it. `ensure*` builds a table the first time (or when
 * its generator changed), validates it with the readers (validate.ts) and returns its folder.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureDataset } from '../lib/cache';
import { CHECKPOINTED_DEFAULTS, type DeltaExpect, generateClassic, generateV2 } from './deltaCheckpointed';
import { MANY_COMMITS_DEFAULTS, generateManyCommits } from './deltaManyCommits';
import { ICEBERG_DEFAULTS, ICEBERG_LOCATION, type IcebergExpect, generateIcebergTable } from './icebergTable';
import { SHARED_LOG_NAME, sharedArchive, unpackSharedLog } from './sharedLog';
import { validateDelta, validateIceberg } from './validate';

export interface Table<E> {
  dir: string;
  expect: E;
}

const EXPECT = 'expect.json';

/** Builds with `build` when needed, validates, and stores the expectations next to the table. */
async function ensure<E>(name: string, version: number, params: Record<string, unknown>, build: (dir: string) => Promise<E> | E, validate?: (dir: string, expect: E) => void): Promise<Table<E>> {
  const root = await ensureDataset({ name, version, params }, async (tmp) => {
    const expect = await build(tmp);
    validate?.(tmp, expect);
    fs.writeFileSync(path.join(tmp, EXPECT), JSON.stringify(expect));
  });
  return { dir: root, expect: JSON.parse(fs.readFileSync(path.join(root, EXPECT), 'utf8')) as E };
}

export const ensureDeltaClassic = () => ensure('delta-1m-classic-checkpoint', 1, { ...CHECKPOINTED_DEFAULTS }, (d) => generateClassic(d), validateDelta);
export const ensureDeltaV2 = () => ensure('delta-1m-v2-sidecars', 1, { ...CHECKPOINTED_DEFAULTS }, (d) => generateV2(d), validateDelta);
export const ensureDeltaManyCommits = () => ensure('delta-100k-commits', 1, { ...MANY_COMMITS_DEFAULTS }, (d) => generateManyCommits(d), validateDelta);
export const ensureIceberg = () => ensure<IcebergExpect & { location: string }>('iceberg-10k-snapshots', 1, { ...ICEBERG_DEFAULTS }, (d) => ({ ...generateIcebergTable(d), location: ICEBERG_LOCATION }), validateIceberg);
/** The same history with 10 files per snapshot (100k files): a size icebird lists without exhausting its heap. */
export const ICEBERG_100K = { ...ICEBERG_DEFAULTS, filesPerSnapshot: 10 };
export const ensureIceberg100k = () => ensure<IcebergExpect & { location: string }>('iceberg-10k-snapshots-100k-files', 1, { ...ICEBERG_100K }, (d) => ({ ...generateIcebergTable(d, ICEBERG_100K), location: ICEBERG_LOCATION }), validateIceberg);

/** The shared 300k-file log; `dir` is the table folder inside the unpacked archive. */
export async function ensureSharedLog(repo: string): Promise<Table<DeltaExpect & { logBytes: number }>> {
  const archive = sharedArchive(repo);
  const st = fs.statSync(archive);
  const t = await ensure('delta-300k-shared-log', 1, { archive: path.basename(archive), size: st.size, mtime: st.mtimeMs }, (d) => {
    unpackSharedLog(archive, d);
    const log = path.join(d, SHARED_LOG_NAME, '_delta_log');
    const files = fs.readdirSync(log).filter((f) => f.endsWith('.json'));
    const logBytes = files.reduce((n, f) => n + fs.statSync(path.join(log, f)).size, 0);
    // what the log itself says: adds minus removes (all paths are distinct in this log)
    let adds = 0;
    let removes = 0;
    for (const f of files) {
      const text = fs.readFileSync(path.join(log, f), 'utf8');
      adds += text.split('{"add":').length - 1;
      removes += text.split('{"remove":').length - 1;
    }
    const expect = { latest: Math.max(...files.map((f) => Number(f.slice(0, 20)))), liveFiles: adds - removes, logBytes };
    validateDelta(path.join(d, SHARED_LOG_NAME), expect);
    return expect;
  });
  return { dir: path.join(t.dir, SHARED_LOG_NAME), expect: t.expect };
}
