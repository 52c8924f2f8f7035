/**
 * The pool of sandboxed DuckDB instances: one per table folder (see sandbox.ts for why not one
 * per process), created on first use, closed least-recently-used when more than `maxInstances`
 * are idle. Spill files go to a temp folder the engine creates and removes (and, for processes
 * that were killed, the next engine sweeps: tempDirs.ts).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { type DuckModule, loadDuckDB } from './duckdb';
import { createSandboxedInstance } from './sandbox';
import { createEngineTempDir } from './tempDirs';

export interface EngineOptions {
  /** DuckDB memory limit per instance (default 1GB). */
  memoryLimit?: string;
  /** Threads per instance (default: min(4, CPU count)). */
  threads?: number;
  /** Instances kept open at once (default 3). */
  maxInstances?: number;
  /** Parent of the engine's temp folder (default: the OS temp folder). */
  tempRoot?: string;
}

export interface PoolEntry {
  root: string;
  instance: DuckDBInstance;
  duck: DuckModule;
  /** Operations in flight; an entry in use is never closed. */
  busy: number;
  lastUsed: number;
  /** Per-entry state owned by the engine (relations, plans). */
  state: Map<string, unknown>;
  tempDir: string;
  /** Set after a DuckDB fatal error: the instance refuses every query and must be replaced. */
  broken?: boolean;
}

/** DuckDB's message once an internal error has invalidated an instance. */
export function isFatal(err: unknown): boolean {
  return /database has been invalidated|^FATAL Error|^INTERNAL Error/m.test(err instanceof Error ? err.message : String(err));
}

export class InstancePool {
  private readonly entries = new Map<string, Promise<PoolEntry>>();
  private tempDir?: string;
  private seq = 0;
  private disposed = false;
  readonly memoryLimit: string;
  readonly threads: number;
  readonly maxInstances: number;
  private readonly cleanup = () => this.removeTemp();

  constructor(private readonly opts: EngineOptions = {}) {
    this.memoryLimit = opts.memoryLimit ?? '1GB';
    this.threads = Math.max(1, opts.threads ?? Math.min(4, os.cpus().length || 1));
    this.maxInstances = Math.max(1, opts.maxInstances ?? 3);
  }

  /** A fresh folder under the engine's temp folder. */
  newTempDir(): string {
    if (!this.tempDir) {
      this.tempDir = createEngineTempDir(this.opts.tempRoot ?? os.tmpdir());
      process.once('exit', this.cleanup);
    }
    const dir = nodePath.join(this.tempDir, `i${++this.seq}`);
    fs.mkdirSync(dir);
    return dir;
  }

  /** The instance for a table folder, marked busy until `release`. */
  async acquire(root: string): Promise<PoolEntry> {
    if (this.disposed) throw new Error('query engine disposed');
    let p = this.entries.get(root);
    const current = p && (await p.catch(() => undefined));
    if (current?.broken) {
      this.entries.delete(root);
      if (current.busy === 0) this.close(current);
      p = undefined;
    }
    if (!p) {
      p = this.open(root);
      this.entries.set(root, p);
      p.catch(() => this.entries.delete(root));
    }
    const entry = await p;
    entry.busy++;
    entry.lastUsed = Date.now();
    await this.trim();
    return entry;
  }

  release(entry: PoolEntry, err?: unknown): void {
    entry.busy = Math.max(0, entry.busy - 1);
    entry.lastUsed = Date.now();
    if (err !== undefined && isFatal(err)) entry.broken = true;
    // a broken instance no longer in the pool is closed once its last user is done
    if (entry.broken && entry.busy === 0 && this.entries.get(entry.root) === undefined) this.close(entry);
  }

  private async open(root: string): Promise<PoolEntry> {
    const duck = await loadDuckDB();
    const tempDir = this.newTempDir();
    const instance = await createSandboxedInstance(duck, { readDirs: [root], tempDir, memoryLimit: this.memoryLimit, threads: this.threads });
    return { root, instance, duck, busy: 0, lastUsed: Date.now(), state: new Map(), tempDir };
  }

  /** A one-off instance (exports): the caller closes it with `closeOneOff`. */
  async oneOff(readDirs: string[], writePaths: string[]): Promise<{ instance: DuckDBInstance; duck: DuckModule; tempDir: string }> {
    const duck = await loadDuckDB();
    const tempDir = this.newTempDir();
    const instance = await createSandboxedInstance(duck, { readDirs, writePaths, tempDir, memoryLimit: this.memoryLimit, threads: this.threads });
    return { instance, duck, tempDir };
  }

  closeOneOff(x: { instance: DuckDBInstance; tempDir: string }): void {
    x.instance.closeSync();
    fs.rmSync(x.tempDir, { recursive: true, force: true });
  }

  /** Closes idle instances beyond the limit, least recently used first. */
  private async trim(): Promise<void> {
    if (this.entries.size <= this.maxInstances) return;
    const settled: PoolEntry[] = [];
    for (const p of this.entries.values()) {
      const e = await p.catch(() => undefined);
      if (e) settled.push(e);
    }
    const idle = settled.filter((e) => e.busy === 0).sort((a, b) => a.lastUsed - b.lastUsed);
    let excess = this.entries.size - this.maxInstances;
    for (const e of idle) {
      if (excess-- <= 0) break;
      this.close(e);
    }
  }

  private close(e: PoolEntry): void {
    const current = this.entries.get(e.root);
    if (current) void current.then((c) => c === e && this.entries.delete(e.root), () => undefined);
    e.instance.closeSync();
    fs.rmSync(e.tempDir, { recursive: true, force: true });
  }

  /** Closes every instance and removes the temp folder. */
  async dispose(): Promise<void> {
    this.disposed = true;
    for (const p of [...this.entries.values()]) {
      const e = await p.catch(() => undefined);
      if (e) this.close(e);
    }
    this.entries.clear();
    this.removeTemp();
    process.removeListener('exit', this.cleanup);
  }

  private removeTemp(): void {
    if (this.tempDir) fs.rmSync(this.tempDir, { recursive: true, force: true });
    this.tempDir = undefined;
  }
}

/** Runs `fn` on a new connection of `instance`, interrupting it when `signal` fires. */
export async function withConnection<T>(instance: DuckDBInstance, signal: AbortSignal | undefined, fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
  const conn = await instance.connect();
  const onAbort = () => conn.interrupt();
  signal?.addEventListener('abort', onAbort);
  try {
    return await fn(conn);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    conn.closeSync();
  }
}
