/**
 * Local files for DuckDB. A table on the local disk is read in place; a table in an object store
 * is read through a bounded read-through cache of its data files, because DuckDB's bundled binary
 * has no httpfs and Lakelens never downloads extensions at run time.
 *
 * The cache: one folder per table (its URL hashed) holding one file per object (its path hashed,
 * so any key is a valid file name on every OS); an index of URL → ETag, size and last use, kept
 * in `index.json` beside them; least recently used files are evicted past `maxBytes`. An object
 * whose ETag changed is fetched again, never served stale. Downloads land in a temporary file and
 * are renamed into place, so a reader never sees half a file.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { LakeError, checkAborted } from '../core/errors';
import { type Storage, resolveInRoot } from '../core/storage/storage';

export interface StagingOptions {
  /** Cache folder (default LAKELENS_CACHE/staging, else ~/.cache/lakelens/staging). */
  dir?: string;
  /** Bound on the cache's bytes (default 2 GiB). */
  maxBytes?: number;
}

export interface Progress {
  /** Bytes fetched so far of `total` still to fetch. */
  (done: number, total: number, file: string): void;
}

export interface LocalFiles {
  /** The one folder DuckDB may read for this table (its sandbox allows exactly this). */
  readonly root: string;
  /** Whether the table's files are copies in the cache. */
  readonly staged: boolean;
  /** The local path DuckDB opens for a table path (in the cache: fetched by `ensure`). */
  pathOf(path: string): string;
  /**
   * Makes sure each file exists locally and is current: checks it exists (a vacuumed file is an
   * error naming it) and, for remote tables, fetches what is missing or changed.
   */
  ensure(files: readonly { path: string }[], what: string, signal?: AbortSignal, progress?: Progress): Promise<void>;
}

interface IndexEntry {
  etag: string;
  size: number;
  used: number;
}

const DEFAULT_MAX = 2 * 1024 ** 3;
const PARALLEL_FETCHES = 4;

let options: StagingOptions = {};
let shared: StagingCache | undefined;

/** Sets where the cache lives and how big it may grow (the extension's lakelens.cache.* settings). */
export function configureStaging(opts: StagingOptions): void {
  options = opts;
  if (shared && (shared.dir !== defaultDir(opts) || shared.maxBytes !== (opts.maxBytes ?? DEFAULT_MAX))) shared = undefined;
}

export function stagingCache(): StagingCache {
  shared ??= new StagingCache(defaultDir(options), options.maxBytes ?? DEFAULT_MAX);
  return shared;
}

function defaultDir(opts: StagingOptions): string {
  const base = process.env['LAKELENS_CACHE'] ?? nodePath.join(os.homedir(), '.cache', 'lakelens');
  return nodePath.resolve(opts.dir ?? nodePath.join(base, 'staging'));
}

const byStorage = new WeakMap<Storage, LocalFiles>();

/** The local files of a table's storage: in place for a folder, the cache for an object store. */
export function localFiles(storage: Storage): LocalFiles {
  let lf = byStorage.get(storage);
  if (!lf) {
    lf = storage.localPath ? inPlace(storage) : stagingCache().table(storage);
    byStorage.set(storage, lf);
  }
  return lf;
}

function inPlace(storage: Storage): LocalFiles {
  const localPath = storage.localPath!.bind(storage);
  return {
    root: localPath(''),
    staged: false,
    pathOf: localPath,
    async ensure(files, what) {
      const BATCH = 256;
      for (let i = 0; i < files.length; i += BATCH) {
        const batch = files.slice(i, i + BATCH);
        const stats = await Promise.all(batch.map((f) => storage.stat(f.path)));
        stats.forEach((st, j) => checkStat(st, batch[j]!.path, what));
      }
    },
  };
}

function checkStat(st: { isDir: boolean } | undefined, path: string, what: string): asserts st {
  if (!st) throw new LakeError('missing', `${what} is missing (removed by VACUUM or never copied); this version cannot be read`, path);
  if (st.isDir) throw new LakeError('corrupt', `${what} is a folder`, path);
}

export class StagingCache {
  private index: Record<string, IndexEntry> | undefined;
  private readonly inflight = new Map<string, Promise<void>>();
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  /** Bytes fetched by this process, for benchmarks and tests. */
  fetchedBytes = 0;

  constructor(
    readonly dir: string,
    readonly maxBytes: number,
  ) {}

  private load(): Record<string, IndexEntry> {
    if (!this.index) {
      try {
        this.index = JSON.parse(fs.readFileSync(nodePath.join(this.dir, 'index.json'), 'utf8')) as Record<string, IndexEntry>;
      } catch {
        this.index = {};
      }
    }
    return this.index;
  }

  private save(): void {
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => this.flush(), 200);
    this.saveTimer.unref?.();
  }

  /** Writes the index now (atomically: a temporary file renamed over the old one). */
  flush(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    if (!this.index) return;
    fs.mkdirSync(this.dir, { recursive: true });
    const tmp = nodePath.join(this.dir, `index.json.${process.pid}.tmp`);
    fs.writeFileSync(tmp, JSON.stringify(this.index));
    fs.renameSync(tmp, nodePath.join(this.dir, 'index.json'));
  }

  /** Bytes held, per the index. */
  usedBytes(): number {
    return Object.values(this.load()).reduce((n, e) => n + e.size, 0);
  }

  /** Empties the cache ("Lakelens: Clear Remote Cache"). Files in use by DuckDB stay readable until closed. */
  clear(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    this.index = {};
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  table(storage: Storage): LocalFiles {
    const root = nodePath.join(this.dir, `t-${hash(storage.url).slice(0, 20)}`);
    const pathOf = (p: string) => nodePath.join(root, fileName(resolveInRoot(p)));
    return {
      root,
      staged: true,
      pathOf,
      ensure: (files, what, signal, progress) => this.ensure(storage, root, pathOf, files, what, signal, progress),
    };
  }

  private async ensure(storage: Storage, root: string, pathOf: (p: string) => string, files: readonly { path: string }[], what: string, signal?: AbortSignal, progress?: Progress): Promise<void> {
    const index = this.load();
    fs.mkdirSync(root, { recursive: true });
    // which files are missing or changed: a stat (HEAD) each, as the local check stats each
    const todo: { path: string; etag: string; size: number }[] = [];
    const needed = new Set<string>();
    const BATCH = 64;
    for (let i = 0; i < files.length; i += BATCH) {
      checkAborted(signal);
      const batch = files.slice(i, i + BATCH);
      const stats = await Promise.all(batch.map((f) => storage.stat(f.path)));
      stats.forEach((st, j) => {
        const path = batch[j]!.path;
        checkStat(st, path, what);
        const key = `${storage.url}\n${resolveInRoot(path)}`;
        needed.add(key);
        const etag = st.etag ?? `${st.size}@${st.mtime}`;
        const have = index[key];
        if (have && have.etag === etag && have.size === st.size && fs.existsSync(pathOf(path))) have.used = Date.now();
        else todo.push({ path, etag, size: st.size });
      });
    }
    const total = todo.reduce((n, f) => n + f.size, 0);
    const neededBytes = [...needed].reduce((n, k) => n + (index[k]?.size ?? 0), 0) + total;
    if (neededBytes > this.maxBytes) {
      throw new LakeError('too-large', `this needs ${gib(neededBytes)} of data files from ${storage.root}, more than the local cache may hold (${gib(this.maxBytes)}, setting lakelens.cache.maxBytes): raise it, narrow the query, or run it on a remote engine`);
    }
    this.evict(total, needed);
    let done = 0;
    let next = 0;
    const worker = async () => {
      while (next < todo.length) {
        const f = todo[next++]!;
        checkAborted(signal);
        await this.fetch(storage, f, pathOf(f.path), `${storage.url}\n${resolveInRoot(f.path)}`, signal);
        done += f.size;
        progress?.(done, total, f.path);
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_FETCHES, todo.length) }, worker));
    this.save();
  }

  private fetch(storage: Storage, f: { path: string; etag: string; size: number }, dest: string, key: string, signal?: AbortSignal): Promise<void> {
    let p = this.inflight.get(key);
    if (!p) {
      p = (async () => {
        const bytes = await storage.read(f.path);
        checkAborted(signal);
        if (bytes.length !== f.size) throw new LakeError('corrupt', `changed while being fetched: expected ${f.size} bytes, got ${bytes.length}`, f.path);
        const tmp = `${dest}.${process.pid}.${Math.random().toString(36).slice(2)}.part`;
        await fs.promises.writeFile(tmp, bytes);
        await fs.promises.rename(tmp, dest);
        this.fetchedBytes += bytes.length;
        this.load()[key] = { etag: f.etag, size: f.size, used: Date.now() };
      })().finally(() => this.inflight.delete(key));
      this.inflight.set(key, p);
    }
    return p;
  }

  /** Drops least recently used files not needed now until `incoming` more bytes fit. */
  private evict(incoming: number, keep: Set<string>): void {
    const index = this.load();
    let used = this.usedBytes();
    if (used + incoming <= this.maxBytes) return;
    const victims = Object.entries(index).filter(([k]) => !keep.has(k)).sort((a, b) => a[1].used - b[1].used);
    for (const [k, e] of victims) {
      if (used + incoming <= this.maxBytes) break;
      const [url, rel] = k.split('\n') as [string, string];
      fs.rmSync(nodePath.join(this.dir, `t-${hash(url).slice(0, 20)}`, fileName(rel)), { force: true });
      delete index[k];
      used -= e.size;
    }
  }
}

function hash(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

/** A file name for a table path: its hash, keeping the extension (DuckDB reads by content, but people look). */
function fileName(rel: string): string {
  const base = rel.slice(rel.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  const ext = dot > 0 && base.length - dot <= 10 ? base.slice(dot).replace(/[^A-Za-z0-9.]/g, '') : '';
  return `${hash(rel).slice(0, 32)}${ext}`;
}

function gib(n: number): string {
  return n >= 1024 ** 3 ? `${(n / 1024 ** 3).toFixed(1)} GiB` : `${(n / 1024 ** 2).toFixed(1)} MiB`;
}
