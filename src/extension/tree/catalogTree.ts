/**
 * The Catalogs part of the Lakehouse tree: catalog → namespaces (nested) → tables, each level
 * one request for its first page and "Load more…" for the rest; a table is loaded from the
 * catalog when expanded and then shows what any table shows.
 */
import type { CatalogDefinition, Page } from '../../catalog/catalog';
import type { Catalogs } from '../catalogs';
import { catalogDefinitions } from '../catalogs';
import type { Log } from '../log';
import type { TableEntry } from '../registry';
import type { Node } from './nodes';

interface Listing {
  parent: Node;
  nodes: Node[];
  next?: { namespaces?: string; tables?: string };
  loading?: Promise<void>;
}

const PAGE = 100;

export class CatalogTree {
  private readonly catalogNodes = new Map<string, Node & { kind: 'catalog' }>();
  private readonly listings = new Map<string, Listing>();

  constructor(
    private readonly catalogs: Catalogs,
    private readonly log: Log,
    private readonly fire: (n?: Node) => void,
    /** What a table node shows (versions, partitions, schema, health). */
    private readonly tableChildren: (entry: TableEntry) => Promise<Node[]>,
    private readonly loadSummary: (entry: TableEntry, node: Node) => void,
  ) {}

  roots(): Node[] {
    return catalogDefinitions().map((def) => {
      let n = this.catalogNodes.get(def.name);
      if (!n || JSON.stringify(n.def) !== JSON.stringify(def)) {
        n = { kind: 'catalog', def };
        this.catalogNodes.set(def.name, n);
        for (const k of [...this.listings.keys()]) if (k.startsWith(`${def.name}\u001e`)) this.listings.delete(k);
      }
      return n;
    });
  }

  /** Children of a catalog node, or undefined for nodes that are not the catalogs'. */
  async children(node: Node): Promise<Node[] | undefined> {
    switch (node.kind) {
      case 'catalog':
        return this.listing(node, node.def, []);
      case 'namespace':
        return this.listing(node, node.def, node.path);
      case 'catalogTable': {
        if (!node.entry) {
          node.entry = await this.catalogs.openTable(node.def, node.table);
          this.log.info(`catalog ${node.def.name}: opened ${[...node.table.namespace, node.table.name].join('.')} at ${node.entry.location}`);
          this.fire(node);
          this.loadSummary(node.entry, node);
        }
        return this.tableChildren(node.entry);
      }
      default:
        return undefined;
    }
  }

  private key(def: CatalogDefinition, path: string[]): string {
    return `${def.name}\u001e${path.join('\u001f')}`;
  }

  private async listing(parent: Node, def: CatalogDefinition, path: string[]): Promise<Node[]> {
    const key = this.key(def, path);
    let l = this.listings.get(key);
    if (!l) {
      l = { parent, nodes: [] };
      this.listings.set(key, l);
      try {
        await this.page(l, def, path);
      } catch (err) {
        this.listings.delete(key);
        throw err;
      }
    }
    l.parent = parent;
    return l.next ? [...l.nodes, { kind: 'catalogMore', key }] : l.nodes;
  }

  /** The next page of a level: namespaces first, then (below the top) tables. */
  private async page(l: Listing, def: CatalogDefinition, path: string[]): Promise<void> {
    const catalog = await this.catalogs.client(def);
    const first = l.nodes.length === 0 && !l.next;
    if (first || l.next?.namespaces) {
      const p: Page<string[]> = await catalog.listNamespaces(path, { pageSize: PAGE, ...(l.next?.namespaces ? { pageToken: l.next.namespaces } : {}) });
      l.nodes.push(...p.items.map((ns) => ({ kind: 'namespace' as const, def, path: ns })));
      l.next = p.next ? { namespaces: p.next } : path.length > 0 ? { tables: '' } : undefined;
      // the first request answered this level unless it is paged: tables come with the next call
      if (p.next || path.length === 0) return;
    }
    // a short page with a token (Iceberg REST lists views after tables) is topped up at once
    let added = 0;
    while (path.length > 0 && l.next && 'tables' in l.next && added < PAGE) {
      const token = l.next.tables;
      const p = await catalog.listTables(path, { pageSize: PAGE, ...(token ? { pageToken: token } : {}) });
      l.nodes.push(...p.items.map((table) => ({ kind: 'catalogTable' as const, def, table })));
      added += p.items.length;
      l.next = p.next ? { tables: p.next } : undefined;
      if (p.items.length === PAGE) break;
    }
  }

  /** "Load more…" of a catalog listing. */
  async loadMore(key: string): Promise<void> {
    const l = this.listings.get(key);
    if (!l?.next) return;
    const [name, rest] = key.split('\u001e') as [string, string];
    const def = catalogDefinitions().find((d) => d.name === name);
    if (!def) return;
    l.loading ??= this.page(l, def, rest === '' ? [] : rest.split('\u001f')).finally(() => (l.loading = undefined));
    await l.loading;
    this.fire(l.parent);
  }

  /** Forgets a catalog's listings (refresh). */
  refresh(name?: string): void {
    for (const k of [...this.listings.keys()]) if (name === undefined || k.startsWith(`${name}\u001e`)) this.listings.delete(k);
    if (name !== undefined) this.catalogs.forget(name);
    this.fire(name === undefined ? undefined : this.catalogNodes.get(name));
  }
}
