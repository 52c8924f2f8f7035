/**
 * Nodes of the Lakehouse tree. Each node builds its own TreeItem; contextValue constants here are
 * what package.json menus match on (`viewItem == lakelens.version`, `viewItem =~ /^lakelens\.table/`).
 */
import * as vscode from 'vscode';
import { countOf, formatBytes, formatCount, inertText, isoTime, relativeTime } from '../../core/format';
import type { DataFile, Field, Tombstone, VersionInfo } from '../../core/model';
import { isArray, isMap, isStruct, typeToString } from '../../core/model';
import type { PartitionSummary } from '../../core/partitions';
import type { TableEntry } from '../registry';
import type { RemoteConnection } from '../remote';
import type { CatalogDefinition, CatalogTable } from '../../catalog/catalog';

export const CTX = {
  group: 'lakelens.group',
  connection: 'lakelens.connection',
  opened: 'lakelens.openedUris',
  catalog: 'lakelens.catalog',
  namespace: 'lakelens.namespace',
  catalogTable: 'lakelens.catalogTable',
  catalogOther: 'lakelens.catalogOther',
  table: (format: string) => `lakelens.table.${format}`,
  versions: 'lakelens.versions',
  version: 'lakelens.version',
  loadMore: 'lakelens.loadMore',
  more: 'lakelens.more',
  changes: 'lakelens.changes',
  file: 'lakelens.file',
  removedFile: 'lakelens.file.removed',
  commit: 'lakelens.commit',
  partitions: 'lakelens.partitions',
  partition: 'lakelens.partition',
  schema: 'lakelens.schema',
  field: 'lakelens.field',
  health: 'lakelens.health',
  message: 'lakelens.message',
} as const;

export type Node =
  | { kind: 'group'; label: string; entries: TableEntry[] }
  /** A remote connection: a bucket prefix whose tables are listed below it. */
  | { kind: 'connection'; conn: RemoteConnection }
  /** Tables opened by URI ("Open Table from URI…"). */
  | { kind: 'opened'; entries: TableEntry[] }
  /** A catalog (Iceberg REST, Unity, Glue), its namespaces, and its tables (opened on expansion). */
  | { kind: 'catalog'; def: CatalogDefinition }
  | { kind: 'namespace'; def: CatalogDefinition; path: string[] }
  | { kind: 'catalogTable'; def: CatalogDefinition; table: CatalogTable; entry?: TableEntry }
  /** The next page of a catalog listing. */
  | { kind: 'catalogMore'; key: string }
  | { kind: 'table'; entry: TableEntry }
  | { kind: 'versions'; entry: TableEntry }
  | { kind: 'version'; entry: TableEntry; info: VersionInfo }
  | { kind: 'loadMore'; entry: TableEntry; remaining: number }
  /** The rest of a long list (a commit's files, a table's partitions), shown a page at a time. */
  | { kind: 'more'; key: string; remaining: number; /** singular: "file" */ noun: string }
  | { kind: 'changes'; entry: TableEntry; version: VersionInfo; which: 'added' | 'removed'; files: (DataFile | Tombstone)[] }
  | { kind: 'file'; entry: TableEntry; file: DataFile | Tombstone; removed: boolean }
  | { kind: 'commit'; entry: TableEntry; version: number }
  | { kind: 'partitions'; entry: TableEntry }
  | { kind: 'partition'; entry: TableEntry; part: PartitionSummary }
  | { kind: 'schema'; entry: TableEntry; version?: VersionInfo }
  | { kind: 'field'; entry: TableEntry; field: Field; path: string[] }
  | { kind: 'health'; entry: TableEntry; text: string; level: 'healthy' | 'attention' | 'action' }
  | { kind: 'message'; text: string; detail?: string; error?: boolean; parentId: string };

const FORMAT_NAME = { delta: 'Delta Lake', iceberg: 'Apache Iceberg', hudi: 'Apache Hudi' } as const;
const CATALOG_NAME = { 'iceberg-rest': 'Iceberg REST', unity: 'Unity Catalog', glue: 'AWS Glue' } as const;

export function formatIcon(extensionUri: vscode.Uri, format: string): { light: vscode.Uri; dark: vscode.Uri } {
  return { light: vscode.Uri.joinPath(extensionUri, 'media', `${format}-light.svg`), dark: vscode.Uri.joinPath(extensionUri, 'media', `${format}-dark.svg`) };
}

/** Untrusted text in a tooltip: appended as text, never interpreted as Markdown or HTML. */
function tip(lines: [string, string | undefined][]): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.supportHtml = false;
  md.isTrusted = false;
  for (const [k, v] of lines) {
    if (v === undefined || v === '') continue;
    md.appendMarkdown(`**${k}**: `);
    md.appendText(inertText(v));
    md.appendMarkdown('  \n');
  }
  return md;
}

export function versionLabel(entry: TableEntry, info: VersionInfo): string {
  if (entry.format === 'delta') return `v${info.version}`;
  if (entry.format === 'iceberg') return info.sequenceNumber !== undefined && Number(info.sequenceNumber) > 0 ? `#${info.sequenceNumber}` : `${String(info.version).slice(0, 8)}…`;
  return String(info.version);
}

function fileName(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

function partitionText(pv: Record<string, unknown> | undefined): string {
  if (!pv) return '';
  return Object.entries(pv).map(([k, v]) => `${k}=${v === null ? 'null' : String(v)}`).join(', ');
}

function shortType(t: Field['type']): string {
  if (isStruct(t)) return 'struct';
  if (isArray(t) && isStruct(t.elementType)) return 'array<struct>';
  if (isMap(t) && isStruct(t.valueType)) return `map<${typeToString(t.keyType)}, struct>`;
  return typeToString(t);
}

export function nestedFields(t: Field['type']): Field[] {
  if (isStruct(t)) return t.fields;
  if (isArray(t) && isStruct(t.elementType)) return t.elementType.fields;
  if (isMap(t) && isStruct(t.valueType)) return t.valueType.fields;
  return [];
}

/** The TreeItem of a node; labels and descriptions carry table text, shown inert (see inertText). */
export function treeItem(node: Node, extensionUri: vscode.Uri, expanded: Set<string>): vscode.TreeItem {
  const it = buildTreeItem(node, extensionUri, expanded);
  if (typeof it.label === 'string') it.label = inertText(it.label);
  if (typeof it.description === 'string') it.description = inertText(it.description);
  return it;
}

function buildTreeItem(node: Node, extensionUri: vscode.Uri, expanded: Set<string>): vscode.TreeItem {
  const C = vscode.TreeItemCollapsibleState;
  switch (node.kind) {
    case 'group': {
      const it = new vscode.TreeItem(node.label, C.Expanded);
      it.id = `group:${node.label}`;
      it.contextValue = CTX.group;
      it.iconPath = new vscode.ThemeIcon(/bronze|raw/i.test(node.label) ? 'layers' : /silver|curated/i.test(node.label) ? 'layers-active' : /gold|features/i.test(node.label) ? 'star-full' : 'folder');
      it.description = countOf(node.entries.length, 'table');
      return it;
    }
    case 'connection': {
      const it = new vscode.TreeItem(node.conn.name, C.Collapsed);
      it.id = `connection:${node.conn.name}`;
      it.contextValue = CTX.connection;
      it.iconPath = new vscode.ThemeIcon(/^(az|abfss?|wasbs?|azure):/.test(node.conn.uri) ? 'azure' : 'cloud');
      it.description = node.conn.uri;
      it.tooltip = tip([
        ['Connection', node.conn.name],
        ['Prefix', node.conn.uri],
        ['Endpoint', node.conn.endpoint],
        ['Profile', node.conn.profile],
        ['Credentials', node.conn.auth ?? 'default chain'],
      ]);
      return it;
    }
    case 'opened': {
      const it = new vscode.TreeItem('Opened from URI', C.Expanded);
      it.id = 'opened-uris';
      it.contextValue = CTX.opened;
      it.iconPath = new vscode.ThemeIcon('link');
      it.description = countOf(node.entries.length, 'table');
      return it;
    }
    case 'catalog': {
      const it = new vscode.TreeItem(node.def.name, C.Collapsed);
      it.id = `catalog:${node.def.name}`;
      it.contextValue = CTX.catalog;
      it.iconPath = new vscode.ThemeIcon('library');
      it.description = `${CATALOG_NAME[node.def.type]}${node.def.uri ? ` · ${node.def.uri}` : ''}`;
      it.tooltip = tip([['Catalog', node.def.name], ['Type', CATALOG_NAME[node.def.type]], ['URI', node.def.uri], ['Warehouse', node.def.warehouse], ['Auth', node.def.auth ?? 'none']]);
      return it;
    }
    case 'namespace': {
      const it = new vscode.TreeItem(node.path.at(-1) ?? '', C.Collapsed);
      it.id = `namespace:${node.def.name}:${node.path.join('\u001f')}`;
      it.contextValue = CTX.namespace;
      it.iconPath = new vscode.ThemeIcon('symbol-namespace');
      return it;
    }
    case 'catalogMore': {
      const it = new vscode.TreeItem('Load more…', C.None);
      it.id = `catalogMore:${node.key}`;
      it.contextValue = CTX.loadMore;
      it.iconPath = new vscode.ThemeIcon('ellipsis');
      it.command = { command: 'lakelens.catalogLoadMore', title: 'Load more', arguments: [node.key] };
      return it;
    }
    case 'catalogTable': {
      if (node.entry) {
        const it = buildTreeItem({ kind: 'table', entry: node.entry }, extensionUri, expanded);
        it.id = `catalogTable:${node.def.name}:${[...node.table.namespace, node.table.name].join('\u001f')}`;
        it.label = node.table.name;
        return it;
      }
      const t = node.table;
      const openable = t.kind === 'table';
      const it = new vscode.TreeItem(t.name, openable ? C.Collapsed : C.None);
      it.id = `catalogTable:${node.def.name}:${[...t.namespace, t.name].join('\u001f')}`;
      it.contextValue = openable ? CTX.catalogTable : CTX.catalogOther;
      it.iconPath = t.kind === 'view' ? new vscode.ThemeIcon('eye') : t.format ? formatIcon(extensionUri, t.format) : new vscode.ThemeIcon(openable ? 'table' : 'circle-slash');
      it.description = t.kind === 'view' ? 'view' : t.kind === 'other' ? t.note ?? 'not a lakehouse table' : t.format ? FORMAT_NAME[t.format] : '';
      it.tooltip = tip([['Table', `${node.def.name}:${[...t.namespace, t.name].join('.')}`], ['Kind', t.kind], ['Note', t.note]]);
      return it;
    }
    case 'table': {
      const e = node.entry;
      const it = new vscode.TreeItem(e.name, expanded.has(e.id) ? C.Expanded : C.Collapsed);
      it.id = `table:${e.id}`;
      it.contextValue = CTX.table(e.format);
      it.iconPath = formatIcon(extensionUri, e.format);
      if (!e.remote) it.resourceUri = e.root;
      const s = e.summary;
      it.description = e.error ? '⚠ cannot read' : s ? `${s.label} · ${countOf(s.numFiles, 'file')} · ${formatBytes(s.sizeBytes)}` : 'loading…';
      it.tooltip = tip([
        ['Format', FORMAT_NAME[e.format]],
        ['Location', e.location],
        ['Connection', e.remote?.connection],
        ['Version', s ? String(s.version) : undefined],
        ['Updated', s?.timestamp ? `${isoTime(s.timestamp)} (${relativeTime(s.timestamp)})` : undefined],
        ['Error', e.error],
      ]);
      return it;
    }
    case 'versions': {
      const it = new vscode.TreeItem(node.entry.format === 'iceberg' ? 'Snapshots' : node.entry.format === 'hudi' ? 'Timeline' : 'Versions', C.Collapsed);
      it.id = `versions:${node.entry.id}`;
      it.contextValue = CTX.versions;
      it.iconPath = new vscode.ThemeIcon('history');
      return it;
    }
    case 'version': {
      const v = node.info;
      const it = new vscode.TreeItem(versionLabel(node.entry, v), C.Collapsed);
      it.id = `version:${node.entry.id}:${v.version}`;
      it.contextValue = CTX.version;
      it.iconPath = new vscode.ThemeIcon(v.state === 'pending' ? 'loading' : 'git-commit');
      it.description = `${v.operation ?? v.action ?? 'unknown operation'} · ${relativeTime(v.timestamp)}`;
      const md = tip([
        ['Version', String(v.version)],
        ['Snapshot id', v.snapshotId],
        ['Sequence number', v.sequenceNumber !== undefined ? String(v.sequenceNumber) : undefined],
        ['Time', v.timestamp !== null ? isoTime(v.timestamp) : undefined],
        ['Operation', v.operation ?? undefined],
        ['Engine', v.engineInfo ?? undefined],
        ['Files', `+${v.addedFiles} / −${v.removedFiles}  (${formatBytes(v.addedBytes)} added, ${formatBytes(v.removedBytes)} removed)`],
      ]);
      const params = Object.entries(v.operationParameters);
      if (params.length) {
        md.appendMarkdown('\n**Parameters**\n\n');
        md.appendCodeblock(inertText(params.map(([k, x]) => `${k}: ${typeof x === 'string' ? x : JSON.stringify(x)}`).join('\n')), 'text');
      }
      const metrics = Object.entries(v.operationMetrics);
      if (metrics.length) {
        md.appendMarkdown('\n**Metrics**\n\n');
        md.appendCodeblock(inertText(metrics.map(([k, x]) => `${k}: ${String(x)}`).join('\n')), 'text');
      }
      if (v.summary) {
        md.appendMarkdown('\n**Summary**\n\n');
        md.appendCodeblock(inertText(Object.entries(v.summary).map(([k, x]) => `${k}: ${x}`).join('\n')), 'text');
      }
      it.tooltip = md;
      return it;
    }
    case 'loadMore': {
      const it = new vscode.TreeItem(`Load more… (${formatCount(node.remaining)} older)`, C.None);
      it.id = `loadMore:${node.entry.id}`;
      it.contextValue = CTX.loadMore;
      it.iconPath = new vscode.ThemeIcon('ellipsis');
      it.command = { command: 'lakelens.loadMoreVersions', title: 'Load more versions', arguments: [node.entry.id] };
      return it;
    }
    case 'more': {
      const it = new vscode.TreeItem(`Show more… (${countOf(node.remaining, `more ${node.noun}`)})`, C.None);
      it.id = `more:${node.key}`;
      it.contextValue = CTX.more;
      it.iconPath = new vscode.ThemeIcon('ellipsis');
      it.command = { command: 'lakelens.showMore', title: 'Show more', arguments: [node.key] };
      return it;
    }
    case 'changes': {
      const bytes = node.files.reduce((a, f) => a + (f.size ?? 0), 0);
      const it = new vscode.TreeItem(`${node.which === 'added' ? 'Files added' : 'Files removed'} (${formatCount(node.files.length)})`, node.files.length ? C.Collapsed : C.None);
      it.id = `changes:${node.entry.id}:${node.version.version}:${node.which}`;
      it.contextValue = CTX.changes;
      it.iconPath = new vscode.ThemeIcon(node.which === 'added' ? 'diff-added' : 'diff-removed');
      it.description = formatBytes(bytes);
      return it;
    }
    case 'file': {
      const f = node.file;
      const it = new vscode.TreeItem(fileName(f.path), C.None);
      it.contextValue = node.removed ? CTX.removedFile : CTX.file;
      it.iconPath = new vscode.ThemeIcon(node.removed ? 'file' : 'file-binary');
      const records = 'numRecords' in f ? f.numRecords : null;
      const pv = partitionText(f.partitionValues);
      it.description = [formatBytes(f.size ?? null), records !== null ? countOf(records, 'row') : '', pv].filter(Boolean).join(' · ');
      const dv = f.deletionVector;
      it.tooltip = tip([
        ['Path', f.path],
        ['Size', f.size !== null ? `${formatBytes(f.size)} (${formatCount(f.size)} bytes)` : undefined],
        ['Rows', records !== null ? formatCount(records) : undefined],
        ['Partition', pv || undefined],
        ['Content', 'content' in f ? f.content : undefined],
        ['Deletion vector', dv ? `${formatCount(dv.cardinality)} rows deleted (${dv.storageType}${dv.path ? ' ' + dv.path : ''})` : undefined],
        ['Removed at', 'deletionTimestamp' in f && f.deletionTimestamp ? isoTime(f.deletionTimestamp) : undefined],
      ]);
      it.command = { command: 'lakelens.inspectFile', title: 'Inspect Parquet file', arguments: [node.entry.id, f.path] };
      return it;
    }
    case 'commit': {
      const it = new vscode.TreeItem('Commit JSON', C.None);
      it.contextValue = CTX.commit;
      it.iconPath = new vscode.ThemeIcon('json');
      it.command = { command: 'lakelens.openCommit', title: 'Open commit JSON', arguments: [node.entry.id, node.version] };
      return it;
    }
    case 'partitions': {
      const it = new vscode.TreeItem('Partitions', C.Collapsed);
      it.id = `partitions:${node.entry.id}`;
      it.contextValue = CTX.partitions;
      it.iconPath = new vscode.ThemeIcon('symbol-namespace');
      return it;
    }
    case 'partition': {
      const p = node.part;
      const it = new vscode.TreeItem(p.key || '(unpartitioned)', C.None);
      it.contextValue = CTX.partition;
      it.iconPath = new vscode.ThemeIcon('folder');
      it.description = `${countOf(p.files, 'file')} · ${formatBytes(p.bytes)}${p.rows !== null ? ` · ${countOf(p.rows, 'row')}` : ''}`;
      it.tooltip = tip([['Partition', p.key], ['Files', formatCount(p.files)], ['Bytes', formatCount(p.bytes)], ['Rows', p.rows !== null ? formatCount(p.rows) : 'unknown'], ['With deletes', p.filesWithDeletes ? formatCount(p.filesWithDeletes) : undefined]]);
      return it;
    }
    case 'schema': {
      const it = new vscode.TreeItem('Schema', C.Collapsed);
      it.id = `schema:${node.entry.id}`;
      it.contextValue = CTX.schema;
      it.iconPath = new vscode.ThemeIcon('symbol-structure');
      return it;
    }
    case 'field': {
      const f = node.field;
      const kids = nestedFields(f.type);
      const it = new vscode.TreeItem(f.name, kids.length ? C.Collapsed : C.None);
      it.id = `field:${node.entry.id}:${node.path.join('\u0000')}`;
      it.contextValue = CTX.field;
      it.iconPath = new vscode.ThemeIcon(f.metaColumn ? 'symbol-constant' : kids.length ? 'symbol-struct' : 'symbol-field');
      it.description = [shortType(f.type), f.nullable ? '' : 'not null', f.id !== undefined ? `id ${f.id}` : ''].filter(Boolean).join(' · ');
      it.tooltip = tip([
        ['Column', node.path.join('.')],
        ['Type', typeToString(f.type)],
        ['Nullable', f.nullable ? 'yes' : 'no'],
        ['Field id', f.id !== undefined ? String(f.id) : undefined],
        ['Physical name', f.physicalName],
        ['Comment', f.doc],
        ['Meta column', f.metaColumn ? 'yes (written by Hudi)' : undefined],
        ['Default', f.writeDefault !== undefined ? JSON.stringify(f.writeDefault) : undefined],
      ]);
      return it;
    }
    case 'health': {
      const it = new vscode.TreeItem(node.text, C.None);
      it.id = `health:${node.entry.id}`;
      it.contextValue = CTX.health;
      it.iconPath = new vscode.ThemeIcon(node.level === 'healthy' ? 'pass' : node.level === 'attention' ? 'warning' : 'error');
      it.command = { command: 'lakelens.showHealth', title: 'Show File Health', arguments: [node.entry.id] };
      return it;
    }
    case 'message': {
      const it = new vscode.TreeItem(node.text, C.None);
      it.id = `message:${node.parentId}:${node.text}`;
      it.contextValue = CTX.message;
      it.iconPath = new vscode.ThemeIcon(node.error ? 'error' : 'info');
      if (node.detail) it.tooltip = tip([['Details', node.detail]]);
      return it;
    }
  }
}
