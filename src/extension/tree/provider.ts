/**
 * The Lakehouse tree: groups (medallion layer or folder) → tables → versions (paged), partitions,
 * schema, health. Children load lazily from the table's readers; a table whose log cannot be read
 * shows the error as a child instead of failing the tree.
 */
import * as vscode from 'vscode';
import type { HistoryPage, Snapshot, VersionId, VersionInfo } from '../../core/model';
import { summarizePartitionsYielding } from '../../core/partitions';
import { Yielder } from '../../core/yielder';
import { HOST_SLICE_MS, settings } from '../config';
import type { Log } from '../log';
import type { Registry, TableEntry } from '../registry';
import { type Node, nestedFields, treeItem } from './nodes';
import { healthSummary } from '../health';
import { connections } from '../remote';
import type { Catalogs } from '../catalogs';
import { CatalogTree } from './catalogTree';

const LAYERS: [RegExp, string][] = [
  [/^(bronze|raw|landing)$/i, '1'],
  [/^(silver|curated|cleansed|refined)$/i, '2'],
  [/^(gold|features|serving|marts?)$/i, '3'],
];

/** Medallion layer of a table path, or its parent folder. */
export function groupOf(e: TableEntry, multiRoot: boolean): { label: string; order: string } {
  const segs = e.relPath.split('/');
  for (const s of segs.slice(0, -1)) {
    for (const [re, order] of LAYERS) if (re.test(s)) return { label: s.toLowerCase(), order: `${order}${s.toLowerCase()}` };
  }
  const parent = segs.length > 1 ? segs.slice(0, -1).join('/') : e.folder?.name ?? '.';
  const label = multiRoot && e.folder && segs.length > 1 ? `${e.folder.name}: ${parent}` : parent;
  return { label, order: `9${label}` };
}

interface HistoryState {
  versions: VersionInfo[];
  next?: VersionId;
  total: number;
  loading?: Promise<void>;
}

export class TablesProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly parents = new WeakMap<object, Node>();
  private readonly tableNodes = new Map<string, Node & { kind: 'table' }>();
  private readonly groups = new Map<string, Node & { kind: 'group' }>();
  private readonly sections = new Map<string, Node>();
  private readonly connectionNodes = new Map<string, Node & { kind: 'connection' }>();
  private readonly openedNode: Node & { kind: 'opened' } = { kind: 'opened', entries: [] };
  /** The Catalogs part of the tree. */
  readonly catalogTree?: CatalogTree;
  private readonly histories = new Map<string, HistoryState>();
  /** Health lines by snapshot: a new snapshot (a commit landed) gets its own. */
  private readonly healths = new WeakMap<Snapshot, { settings: string; line: Promise<Awaited<ReturnType<typeof healthSummary>> | undefined> }>();
  private readonly shown = new Map<string, { node: Node; count: number }>();
  private readonly expanded = new Set<string>();
  private loadQueue: Promise<unknown> = Promise.resolve();
  private readonly disposables: vscode.Disposable[] = [this.emitter];

  constructor(
    private readonly registry: Registry,
    private readonly log: Log,
    private readonly extensionUri: vscode.Uri,
    private readonly pages: () => { historyPageSize: number; listPageSize: number },
    catalogs?: Catalogs,
  ) {
    if (catalogs) this.catalogTree = new CatalogTree(catalogs, log, (n) => this.emitter.fire(n), (e) => this.tableChildren(e), (e, n) => void this.loadSummary(e, n));
    this.disposables.push(
      registry.onDidChange((entry) => {
        if (!entry) {
          this.emitter.fire(undefined);
          return;
        }
        this.histories.delete(entry.id);
        for (const k of [...this.sections.keys()]) if (k.startsWith(`${entry.id}|`)) this.sections.delete(k);
        const n = this.tableNodes.get(entry.id);
        this.emitter.fire(n);
        if (n) void this.loadSummary(entry, n);
      }),
    );
  }

  /** Expanded table ids stay expanded when the tree is rebuilt. */
  setExpanded(node: Node, on: boolean): void {
    if (node.kind === 'table') on ? this.expanded.add(node.entry.id) : this.expanded.delete(node.entry.id);
  }

  getTreeItem(node: Node): vscode.TreeItem {
    return treeItem(node, this.extensionUri, this.expanded);
  }

  getParent(node: Node): Node | undefined {
    const p = this.parents.get(node);
    if (p || node.kind !== 'table') return p;
    // a table revealed before its group was rendered: find the group it belongs to
    return this.roots().find((g) => (g.kind === 'group' || g.kind === 'opened') && g.entries.includes(node.entry));
  }

  /**
   * The first items of a long list and a "Show more…" node: a commit adding 100k files must not
   * send 100k tree items to the workbench. Counts are kept per list, so a refresh keeps them.
   */
  private paged<T>(parent: Node, key: string, items: readonly T[], noun: string, toNode: (item: T) => Node): Node[] {
    const st = this.shown.get(key) ?? { node: parent, count: this.pages().listPageSize };
    st.node = parent;
    this.shown.set(key, st);
    const nodes = items.slice(0, st.count).map(toNode);
    if (items.length > st.count) nodes.push({ kind: 'more', key, remaining: items.length - st.count, noun });
    return nodes;
  }

  /** "Show more…": the next page of a long list. */
  showMore(key: string): void {
    const st = this.shown.get(key);
    if (!st) return;
    st.count += this.pages().listPageSize;
    this.emitter.fire(st.node);
  }

  private adopt<T extends Node>(parent: Node | undefined, nodes: T[]): T[] {
    if (parent) for (const n of nodes) this.parents.set(n, parent);
    return nodes;
  }

  tableNode(entry: TableEntry): Node & { kind: 'table' } {
    let n = this.tableNodes.get(entry.id);
    if (!n || n.entry !== entry) {
      n = { kind: 'table', entry };
      this.tableNodes.set(entry.id, n);
    }
    return n;
  }

  /** Section node of a table (stable instance, for reveal and refresh). */
  section(entry: TableEntry, kind: 'versions' | 'partitions' | 'schema'): Node {
    const key = `${entry.id}|${kind}`;
    let n = this.sections.get(key);
    if (!n) {
      n = { kind, entry } as Node;
      this.sections.set(key, n);
      this.parents.set(n, this.tableNode(entry));
    }
    return n;
  }

  async getChildren(node?: Node): Promise<Node[]> {
    try {
      return await this.children(node);
    } catch (err) {
      const text = this.log.error('tree', err);
      return [{ kind: 'message', text, error: true, parentId: node ? JSON.stringify(this.getTreeItem(node).id ?? '') : 'root' }];
    }
  }

  private async children(node?: Node): Promise<Node[]> {
    if (!node) return this.roots();
    const fromCatalog = await this.catalogTree?.children(node);
    if (fromCatalog) return this.adopt(node, fromCatalog);
    switch (node.kind) {
      case 'group': {
        const tables = node.entries.map((e) => this.tableNode(e));
        for (const t of tables) this.parents.set(t, node);
        for (const t of tables) if (!t.entry.summary && !t.entry.error) void this.loadSummary(t.entry, t);
        return tables;
      }
      case 'connection':
        return this.connectionChildren(node);
      case 'opened': {
        const tables = node.entries.map((e) => this.tableNode(e));
        for (const t of tables) if (!t.entry.summary && !t.entry.error) void this.loadSummary(t.entry, t);
        return this.adopt(node, tables);
      }
      case 'table':
        return this.adopt(node, await this.tableChildren(node.entry));
      case 'versions':
        return this.adopt(node, await this.versionNodes(node.entry));
      case 'version':
        return this.adopt(node, await this.versionChildren(node.entry, node.info));
      case 'changes': {
        const key = `changes:${node.entry.id}:${node.version.version}:${node.which}`;
        return this.adopt(node, this.paged(node, key, node.files, 'file', (file) => ({ kind: 'file' as const, entry: node.entry, file, removed: node.which === 'removed' })));
      }
      case 'partitions': {
        const snap = await node.entry.snapshot();
        const parts = await summarizePartitionsYielding(snap, new Yielder(HOST_SLICE_MS));
        return this.adopt(node, this.paged(node, `partitions:${node.entry.id}`, parts, 'partition', (part) => ({ kind: 'partition' as const, entry: node.entry, part })));
      }
      case 'schema': {
        const snap = await node.entry.snapshot();
        return this.adopt(node, snap.schema.fields.map((field) => ({ kind: 'field' as const, entry: node.entry, field, path: [field.name] })));
      }
      case 'field':
        return this.adopt(node, nestedFields(node.field.type).map((field) => ({ kind: 'field' as const, entry: node.entry, field, path: [...node.path, field.name] })));
      default:
        return [];
    }
  }

  private roots(): Node[] {
    if (!this.registry.scanned) {
      void this.registry.scan();
      return [];
    }
    const multiRoot = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
    const groups = new Map<string, { label: string; order: string; entries: TableEntry[] }>();
    for (const e of this.registry.local()) {
      const g = groupOf(e, multiRoot);
      const cur = groups.get(g.label) ?? { ...g, entries: [] };
      cur.entries.push(e);
      groups.set(g.label, cur);
    }
    const out: Node[] = [];
    for (const g of [...groups.values()].sort((a, b) => (a.order < b.order ? -1 : 1))) {
      // stable group instances, so reveal() and refreshes address the same node
      let node = this.groups.get(g.label);
      if (!node) {
        node = { kind: 'group', label: g.label, entries: g.entries };
        this.groups.set(g.label, node);
      } else node.entries = g.entries;
      for (const e of g.entries) this.parents.set(this.tableNode(e), node);
      out.push(node);
    }
    // object stores: each connection, then the tables opened by URI
    for (const conn of connections()) {
      let node = this.connectionNodes.get(conn.name);
      if (!node || JSON.stringify(node.conn) !== JSON.stringify(conn)) {
        node = { kind: 'connection', conn };
        this.connectionNodes.set(conn.name, node);
      }
      out.push(node);
    }
    if (this.catalogTree) out.push(...this.catalogTree.roots());
    const opened = this.registry.remote(undefined);
    if (opened.length > 0) {
      this.openedNode.entries = opened;
      for (const e of opened) this.parents.set(this.tableNode(e), this.openedNode);
      out.push(this.openedNode);
    }
    return out;
  }

  /** The tables of a connection (found on first expansion), or a message saying why none show. */
  private async connectionChildren(node: Node & { kind: 'connection' }): Promise<Node[]> {
    const tables = await this.registry.discover(node.conn);
    if (tables.length === 0) return [{ kind: 'message', text: `No tables under ${node.conn.uri}`, detail: 'Tables are prefixes with _delta_log/, metadata/*.metadata.json or .hoodie/ (setting lakelens.remote.scanDepth).', parentId: `connection:${node.conn.name}` }];
    const nodes = tables.map((e) => this.tableNode(e));
    for (const t of nodes) this.parents.set(t, node);
    for (const t of nodes) if (!t.entry.summary && !t.entry.error) void this.loadSummary(t.entry, t);
    return nodes;
  }

  /** Loads a table's latest snapshot in the background (two at a time) and refreshes its label. */
  private loadSummary(entry: TableEntry, node: Node): Promise<void> {
    const run = this.loadQueue.then(() =>
      entry.snapshot().then(
        (snap) => {
          this.emitter.fire(node);
          // ready before the table is expanded: a million files take ~0.1 s to analyse
          void this.healthOf(entry, snap);
        },
        (err) => {
          this.log.error(`reading ${entry.relPath}`, err);
          this.emitter.fire(node);
        },
      ),
    );
    this.loadQueue = run;
    return run;
  }

  /** The health line of a snapshot, computed once (the snapshot object is replaced when a commit lands). */
  private healthOf(entry: TableEntry, snap: Snapshot): Promise<Awaited<ReturnType<typeof healthSummary>> | undefined> {
    // the line depends on the threshold and cost settings too
    const cfg = settings(entry.root);
    const key = `${cfg.smallFileThresholdBytes}/${cfg.storageCostPerGBMonth}`;
    let h = this.healths.get(snap);
    if (h?.settings !== key) {
      const line = healthSummary(entry, snap).catch((err) => {
        this.log.error(`health of ${entry.relPath}`, err);
        return undefined;
      });
      this.healths.set(snap, (h = { settings: key, line }));
    }
    return h.line;
  }

  private async tableChildren(entry: TableEntry): Promise<Node[]> {
    let snap;
    try {
      snap = await entry.snapshot();
    } catch (err) {
      const text = this.log.error(`reading ${entry.relPath}`, err);
      return [{ kind: 'message', text, error: true, parentId: entry.id }, this.section(entry, 'versions')];
    }
    const out: Node[] = [this.section(entry, 'versions')];
    if (snap.partitionColumns.length > 0) out.push(this.section(entry, 'partitions'));
    out.push(this.section(entry, 'schema'));
    const h = await this.healthOf(entry, snap);
    if (h) out.push({ kind: 'health', entry, text: h.text, level: h.level });
    for (const n of snap.notes) out.push({ kind: 'message', text: n, parentId: entry.id });
    return out;
  }

  private async versionNodes(entry: TableEntry): Promise<Node[]> {
    let st = this.histories.get(entry.id);
    if (!st) {
      const table = await entry.table();
      const page = await table.history({ limit: this.pages().historyPageSize });
      st = fromPage(page);
      this.histories.set(entry.id, st);
    }
    const nodes: Node[] = st.versions.map((info) => ({ kind: 'version' as const, entry, info }));
    if (st.next !== undefined) nodes.push({ kind: 'loadMore', entry, remaining: Math.max(0, st.total - st.versions.length) });
    if (st.versions.length === 0) nodes.push({ kind: 'message', text: 'No versions yet', parentId: entry.id });
    return nodes;
  }

  /** "Load more…": the next page of older versions. */
  async loadMore(entry: TableEntry): Promise<void> {
    const st = this.histories.get(entry.id);
    if (!st || st.next === undefined) return;
    st.loading ??= (async () => {
      const table = await entry.table();
      const page = await table.history({ limit: this.pages().historyPageSize, before: st.next! });
      st.versions.push(...page.versions);
      st.next = page.next;
      st.total = page.total;
    })().finally(() => {
      st.loading = undefined;
    });
    await st.loading;
    this.emitter.fire(this.section(entry, 'versions'));
  }

  /** The paging state of a table's history, if loaded. */
  historyState(entry: TableEntry): { versions: VersionInfo[]; next?: VersionId; total: number } | undefined {
    return this.histories.get(entry.id);
  }

  /** Loaded history of a table (for pickers), loading the first page if needed. */
  async history(entry: TableEntry): Promise<VersionInfo[]> {
    if (!this.histories.has(entry.id)) await this.versionNodes(entry);
    return this.histories.get(entry.id)?.versions ?? [];
  }

  private async versionChildren(entry: TableEntry, info: VersionInfo): Promise<Node[]> {
    const table = await entry.table();
    const out: Node[] = [];
    if (table.changes) {
      const ch = await table.changes(info.version);
      out.push({ kind: 'changes', entry, version: info, which: 'added', files: ch.added });
      out.push({ kind: 'changes', entry, version: info, which: 'removed', files: ch.removed });
    }
    if (entry.format === 'delta') out.push({ kind: 'commit', entry, version: Number(info.version) });
    return out;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

function fromPage(p: HistoryPage): HistoryState {
  const st: HistoryState = { versions: [...p.versions], total: p.total };
  if (p.next !== undefined) st.next = p.next;
  return st;
}
