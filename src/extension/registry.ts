/**
 * The tables of the workspace: found by scanning every workspace folder (honouring files.exclude,
 * lakelens.exclude and the scan depth), added by "Open as Lakehouse Table", and kept fresh by file
 * system watchers on `_delta_log`, `metadata` and `.hoodie` (debounced). Table readers and their
 * latest snapshots are created lazily and cached per table until a change lands.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { detectFormats, detectTables } from '../core/detect';
import { globMatcher } from '../core/glob';
import type { Snapshot, TableFormat, VersionSelector } from '../core/model';
import { FsStorage } from '../core/storage/local';
import type { StoreConfig } from '../core/storage/config';
import type { Storage } from '../core/storage/storage';
import { storageFor } from '../core/storage/storageFor';
import type { LakeTable } from '../core/table';
import { readers } from './lazy';
import { queryEngine } from './engine';
import type { ParquetActionSource, TableOptions } from '../core/options';
import { HOST_SLICE_MS, filesExclude, settings } from './config';
import type { Log } from './log';
import { type RemoteConnection, type RemoteSecrets, canonicalUri, remoteScanDepth } from './remote';

const GENERIC_NAMES = new Set(['delta', 'table', 'data', 'iceberg', 'hudi', 'tbl']);
const VERSION_CACHE = 4;

/** Short name of a snapshot's version: v12 (Delta), #5 (Iceberg sequence number), the Hudi instant. */
export function snapshotLabel(s: Snapshot): string {
  if (s.format === 'delta') return `v${s.version}`;
  if (s.format === 'iceberg') {
    const seq = Number((s as Snapshot & { sequenceNumber?: unknown }).sequenceNumber ?? 0);
    return s.version === '' ? 'no snapshot' : seq > 0 ? `#${seq}` : `${String(s.version).slice(0, 8)}…`;
  }
  return String(s.version);
}

/** Where a table in an object store came from: its location and how to reach it. */
export interface RemoteOrigin {
  /** The table's location URL (canonical spelling). */
  location: string;
  /** The connection it was found under (`catalog:NAME` for catalog tables), or undefined when opened by URI. */
  connection?: string;
  config: () => Promise<StoreConfig>;
  /** Reader options the source implies (a catalog's current Iceberg metadata file). */
  options?: TableOptions;
  /** The name to show (a catalog's table name) instead of the location's last segment. */
  name?: string;
}

export class TableEntry {
  readonly id: string;
  readonly name: string;
  /** A local folder's path, or an object-store URL: what the table is opened from. */
  readonly location: string;
  private storageP?: Promise<Storage>;
  /** Latest snapshot summary once loaded, for labels that must render synchronously. */
  summary?: { version: string | number; label: string; numFiles: number; sizeBytes: number; timestamp: number | null; notes: number };
  error?: string;
  private tableP?: Promise<LakeTable>;
  private latestP?: Promise<Snapshot>;
  private readonly versions = new Map<string, Promise<Snapshot>>();

  constructor(
    readonly root: vscode.Uri,
    readonly format: TableFormat,
    readonly folder: vscode.WorkspaceFolder | undefined,
    /** Path relative to its workspace folder (or the absolute path when outside any). */
    readonly relPath: string,
    /** Added explicitly by the user rather than found by the scan. */
    readonly opened: boolean,
    /** Set for tables in object stores. */
    readonly remote?: RemoteOrigin,
  ) {
    this.location = remote ? remote.location : root.fsPath;
    this.id = `${this.location}#${format}`;
    const parts = (remote ? remote.location.replace(/^[a-z0-9+.-]+:\/\/[^/]*/i, '') : root.fsPath).split(/[\\/]/).filter(Boolean);
    const last = parts.at(-1) ?? this.location;
    this.name = remote?.name ?? (GENERIC_NAMES.has(last.toLowerCase()) && parts.length > 1 ? `${parts.at(-2)}/${last}` : last);
  }

  /** The table's storage (one per entry: the query engine's cache and sandbox key on it). */
  storage(): Promise<Storage> {
    this.storageP ??= (async () =>
      // the host must stay responsive: local folders are listed in batches
      this.remote ? storageFor(this.remote.location, await this.remote.config()) : new FsStorage(this.root.fsPath, { streamListings: true }))();
    this.storageP.catch(() => (this.storageP = undefined));
    return this.storageP;
  }

  table(): Promise<LakeTable> {
    this.tableP ??= this.storage()
      .then((storage) => {
        // big checkpoints are read by the DuckDB engine, loaded only when one is met
        const parquetActions: ParquetActionSource = async function* (path, signal) {
          yield* (await queryEngine()).parquetActions(storage)(path, signal);
        };
        // readers pause for the event loop every 15 ms of parsing
        return readers().openTable(storage, this.format, { ...this.remote?.options, yieldEveryMs: HOST_SLICE_MS, parquetActions });
      })
      .catch((err) => {
        this.tableP = undefined;
        throw err;
      });
    return this.tableP;
  }

  /** Snapshot for a selector; the latest one and a few others are cached. */
  snapshot(sel: VersionSelector = {}, signal?: AbortSignal): Promise<Snapshot> {
    const isLatest = sel.version === undefined && sel.timestamp === undefined && sel.snapshotId === undefined && sel.ref === undefined;
    if (isLatest) {
      this.latestP ??= this.load({}, signal).then(
        (s) => {
          this.summary = { version: s.version, label: snapshotLabel(s), numFiles: s.numFiles, sizeBytes: s.sizeBytes, timestamp: s.timestamp, notes: s.notes.length };
          this.error = undefined;
          return s;
        },
        (err) => {
          this.latestP = undefined;
          this.error = err instanceof Error ? err.message : String(err);
          throw err;
        },
      );
      return this.latestP;
    }
    const key = JSON.stringify(sel);
    let p = this.versions.get(key);
    if (!p) {
      p = this.load(sel, signal);
      p.catch(() => this.versions.delete(key));
      this.versions.set(key, p);
      if (this.versions.size > VERSION_CACHE) this.versions.delete(this.versions.keys().next().value!);
    }
    return p;
  }

  private async load(sel: VersionSelector, signal?: AbortSignal): Promise<Snapshot> {
    return (await this.table()).snapshot(sel, signal);
  }

  /** Drops cached state after the table changed on disk. */
  invalidate(): void {
    this.latestP = undefined;
    this.versions.clear();
    this.tableP?.then((t) => t.refresh(), () => undefined);
  }
}

export class Registry implements vscode.Disposable {
  private readonly entries = new Map<string, TableEntry>();
  /** Tables in object stores, found under connections or opened by URI (kept across rescans). */
  private readonly remoteEntries = new Map<string, TableEntry>();
  private readonly emitter = new vscode.EventEmitter<TableEntry | undefined>();
  /** Fires with a table that changed, or undefined when the list itself changed. */
  readonly onDidChange = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [this.emitter];
  private scanP?: Promise<void>;
  private rescanTimer?: NodeJS.Timeout;
  private readonly pending = new Map<string, NodeJS.Timeout>();
  scanned = false;

  private readonly discovered = new Map<string, Promise<TableEntry[]>>();

  constructor(
    private readonly log: Log,
    readonly secrets?: RemoteSecrets,
  ) {
    for (const glob of ['**/_delta_log/**', '**/metadata/**', '**/.hoodie/**', '**/_delta_log', '**/metadata', '**/.hoodie']) {
      const w = vscode.workspace.createFileSystemWatcher(glob);
      w.onDidCreate((u) => this.onFsEvent(u), undefined, this.disposables);
      w.onDidChange((u) => this.onFsEvent(u), undefined, this.disposables);
      w.onDidDelete((u) => this.onFsEvent(u), undefined, this.disposables);
      this.disposables.push(w);
    }
    this.disposables.push(
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.scheduleRescan(0)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('lakelens.exclude') || e.affectsConfiguration('lakelens.scanDepth') || e.affectsConfiguration('files.exclude')) this.scheduleRescan(0);
        else if (e.affectsConfiguration('lakelens')) this.emitter.fire(undefined);
      }),
    );
  }

  all(): TableEntry[] {
    return [...this.entries.values(), ...this.remoteEntries.values()].sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : a.format < b.format ? -1 : 1));
  }

  get(id: string): TableEntry | undefined {
    return this.entries.get(id) ?? this.remoteEntries.get(id);
  }

  /** Local tables (the workspace's and those opened from folders). */
  local(): TableEntry[] {
    return this.all().filter((e) => !e.remote);
  }

  /** Remote tables found under a connection (by name), or opened by URI (undefined). */
  remote(connection: string | undefined): TableEntry[] {
    return [...this.remoteEntries.values()].filter((e) => e.remote?.connection === connection);
  }

  /** Adds (or returns) the entry of a remote table. */
  addRemote(location: string, format: TableFormat, relPath: string, origin: RemoteOrigin): TableEntry {
    const id = `${location}#${format}`;
    const existing = this.remoteEntries.get(id);
    if (existing && existing.remote?.connection === origin.connection) return existing;
    const e = new TableEntry(vscode.Uri.parse(location), format, undefined, relPath, true, origin);
    this.remoteEntries.set(id, e);
    this.emitter.fire(undefined);
    return e;
  }

  /**
   * The tables under a connection's prefix: a delimiter listing per level, to the connection's
   * scan depth (never a recursive listing of the bucket); cached until refreshed.
   */
  discover(conn: RemoteConnection): Promise<TableEntry[]> {
    let p = this.discovered.get(conn.name);
    if (!p) {
      p = (async () => {
        const t0 = Date.now();
        const config = () => (this.secrets ? this.secrets.config(conn) : Promise.resolve({}));
        const base = canonicalUri(conn.uri);
        const storage = await storageFor(base, await config());
        const tables = await vscode.window.withProgress({ location: { viewId: 'lakelens.tables' }, title: `Listing ${conn.name}` }, () =>
          detectTables(storage, { maxDepth: remoteScanDepth(conn) }),
        );
        this.log.info(`connection ${conn.name}: ${tables.length} table(s) under ${base} in ${Date.now() - t0} ms`);
        return tables.map((t) => {
          const location = t.path === '' ? base : `${base}/${t.path}`;
          return this.addRemote(location, t.format, t.path === '' ? '.' : t.path, { location, connection: conn.name, config });
        });
      })();
      p.catch(() => this.discovered.delete(conn.name));
      this.discovered.set(conn.name, p);
    }
    return p;
  }

  /** Opens the table at a URI ("Open Table from URI…"), with the store's default credentials. */
  async openUri(uri: string): Promise<TableEntry[]> {
    const location = canonicalUri(uri);
    const formats = await detectFormats(await storageFor(location, {}), '');
    return formats.map((f) => this.addRemote(location, f, location, { location, config: async () => ({}) }));
  }

  /** Forgets the remote tables of a connection (or the ones opened by URI). */
  dropRemote(connection: string | undefined): void {
    if (connection !== undefined) this.discovered.delete(connection);
    for (const [k, e] of this.remoteEntries) if (e.remote?.connection === connection) this.remoteEntries.delete(k);
    this.emitter.fire(undefined);
  }

  /** Tables rooted at a folder (one per format). */
  byRoot(uri: vscode.Uri): TableEntry[] {
    return this.local().filter((e) => e.root.fsPath === uri.fsPath);
  }

  /** Scans all workspace folders (joins a scan already running). */
  scan(): Promise<void> {
    this.scanP ??= (async () => {
      try {
        await vscode.window.withProgress({ location: { viewId: 'lakelens.tables' }, title: 'Scanning for tables' }, () =>
          vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Lakelens: scanning for tables' }, () => this.doScan()),
        );
      } catch (err) {
        this.log.notify('scanning the workspace failed', err);
      } finally {
        this.scanP = undefined;
      }
    })();
    return this.scanP;
  }

  private async doScan(): Promise<void> {
    const t0 = Date.now();
    const found = new Map<string, TableEntry>();
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (folder.uri.scheme !== 'file') {
        this.log.info(`skipped workspace folder ${folder.uri.toString()}: only local folders are scanned`);
        continue;
      }
      const cfg = settings(folder);
      const excluded = globMatcher([...filesExclude(folder), ...cfg.exclude]);
      const tables = await detectTables(new FsStorage(folder.uri.fsPath), { maxDepth: cfg.scanDepth, exclude: (rel) => excluded(rel) });
      for (const t of tables) {
        const root = t.path === '' ? folder.uri : vscode.Uri.joinPath(folder.uri, ...t.path.split('/'));
        const prev = this.entries.get(`${root.fsPath}#${t.format}`);
        const entry = prev && !prev.opened ? prev : new TableEntry(root, t.format, folder, t.path === '' ? '.' : t.path, false);
        found.set(entry.id, entry);
      }
    }
    // tables the user opened explicitly stay while their folder is still a table
    for (const e of this.entries.values()) {
      if (e.opened && !found.has(e.id)) found.set(e.id, e);
    }
    this.entries.clear();
    for (const [k, v] of found) this.entries.set(k, v);
    this.scanned = true;
    this.log.info(`scan found ${found.size} table(s) in ${Date.now() - t0} ms`);
    this.emitter.fire(undefined);
  }

  /** "Open as Lakehouse Table": adds the folder's table(s) even outside the scanned set. */
  async openFolder(uri: vscode.Uri): Promise<TableEntry[]> {
    const formats = await detectFormats(new FsStorage(uri.fsPath), '');
    const out: TableEntry[] = [];
    for (const format of formats) out.push(this.add(uri, format, true));
    if (out.length) this.emitter.fire(undefined);
    return out;
  }

  /** "Scan Folder for Tables": every table under a folder, added to the tree. */
  async scanFolder(uri: vscode.Uri): Promise<TableEntry[]> {
    const cfg = settings(uri);
    const excluded = globMatcher([...filesExclude(uri), ...cfg.exclude]);
    const tables = await detectTables(new FsStorage(uri.fsPath), { maxDepth: cfg.scanDepth, exclude: (rel) => excluded(rel) });
    const out = tables.map((t) => this.add(t.path === '' ? uri : vscode.Uri.joinPath(uri, ...t.path.split('/')), t.format, true));
    if (out.length) this.emitter.fire(undefined);
    return out;
  }

  private add(root: vscode.Uri, format: TableFormat, opened: boolean): TableEntry {
    const id = `${root.fsPath}#${format}`;
    const existing = this.entries.get(id);
    if (existing) return existing;
    const folder = vscode.workspace.getWorkspaceFolder(root);
    const rel = folder ? path.relative(folder.uri.fsPath, root.fsPath).split(path.sep).join('/') || '.' : root.fsPath;
    const e = new TableEntry(root, format, folder, rel, opened);
    this.entries.set(id, e);
    return e;
  }

  /** A file changed under some table's log: refresh that table, or rescan when it is new. */
  private onFsEvent(uri: vscode.Uri): void {
    const parts = uri.fsPath.split(path.sep);
    const i = parts.findIndex((p) => p === '_delta_log' || p === 'metadata' || p === '.hoodie');
    if (i <= 0) return;
    const root = parts.slice(0, i).join(path.sep) || path.sep;
    const known = this.local().filter((e) => e.root.fsPath === root);
    if (known.length === 0) {
      this.scheduleRescan(1000);
      return;
    }
    clearTimeout(this.pending.get(root));
    this.pending.set(
      root,
      setTimeout(() => {
        this.pending.delete(root);
        void this.refreshRoot(root, known);
      }, 400),
    );
  }

  private async refreshRoot(root: string, known: TableEntry[]): Promise<void> {
    const formats = await detectFormats(new FsStorage(root), '').catch(() => [] as TableFormat[]);
    if (known.some((e) => !formats.includes(e.format))) {
      this.scheduleRescan(0);
      return;
    }
    for (const e of known) {
      e.invalidate();
      this.log.info(`${e.relPath}: changed on disk, refreshing`);
      this.emitter.fire(e);
    }
  }

  private scheduleRescan(ms: number): void {
    clearTimeout(this.rescanTimer);
    this.rescanTimer = setTimeout(() => void this.scan(), ms);
  }

  /** Invalidates one table (or all) and tells the tree. */
  refresh(entry?: TableEntry): void {
    if (entry) {
      entry.invalidate();
      this.emitter.fire(entry);
    } else {
      for (const e of this.entries.values()) e.invalidate();
      for (const e of this.remoteEntries.values()) e.invalidate();
      this.discovered.clear();
      void this.scan();
    }
  }

  dispose(): void {
    clearTimeout(this.rescanTimer);
    for (const t of this.pending.values()) clearTimeout(t);
    for (const d of this.disposables) d.dispose();
  }
}
