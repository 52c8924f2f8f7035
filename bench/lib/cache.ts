/**
 * The folder generated benchmark tables live in: `$LAKELENS_BENCH_CACHE`, else
 * `~/.cache/lakelens-bench`. Never inside the repository: the tables are hundreds of MB and are
 * regenerated from scripts, not committed.
 *
 * Each dataset is a subfolder with a stamp file written last. A dataset is rebuilt when the stamp
 * is missing (an interrupted run) or records another generator version or other parameters, and
 * it is built in a temporary sibling folder that is renamed into place, so a half-written table is
 * never measured.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const STAMP = '.lakelens-bench.json';

export function cacheRoot(): string {
  const dir = process.env.LAKELENS_BENCH_CACHE || path.join(os.homedir(), '.cache', 'lakelens-bench');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

export interface DatasetSpec {
  /** Folder name under the cache root. */
  name: string;
  /** Bump when the generator's output changes. */
  version: number;
  /** Parameters the output depends on (sizes, counts); a change triggers a rebuild. */
  params: Record<string, unknown>;
}

/**
 * Returns the dataset folder, building it first with `build(tmpDir)` when it is missing or stale.
 * `build` must leave a complete table in `tmpDir`.
 */
export async function ensureDataset(spec: DatasetSpec, build: (dir: string) => Promise<void>): Promise<string> {
  const dir = path.join(cacheRoot(), spec.name);
  const want = JSON.stringify({ version: spec.version, params: spec.params });
  try {
    if (fs.readFileSync(path.join(dir, STAMP), 'utf8') === want) return dir;
  } catch {
    // no stamp: build
  }
  const tmp = `${dir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  const t0 = performance.now();
  process.stderr.write(`bench: generating ${spec.name} in ${dir} …\n`);
  try {
    await build(tmp);
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  fs.writeFileSync(path.join(tmp, STAMP), want);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(tmp, dir);
  process.stderr.write(`bench: generated ${spec.name} in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  return dir;
}

/** Total bytes of the files under `dir` whose path relative to it matches `filter`. */
export function folderBytes(dir: string, filter: (rel: string) => boolean = () => true): number {
  let n = 0;
  for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const abs = path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name);
    if (filter(path.relative(dir, abs))) n += fs.statSync(abs).size;
  }
  return n;
}
