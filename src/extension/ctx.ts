/**
 * The extension's services in one place, handed to every command: log, table registry, tree,
 * panels, and the lazily loaded query engine.
 */
import * as vscode from 'vscode';
import type { VersionId } from '../core/model';
import type { Log } from './log';
import type { Registry, TableEntry } from './registry';
import type { Catalogs } from './catalogs';
import type { TablesProvider } from './tree/provider';
import type { Node } from './tree/nodes';

/** A command: its context, then the arguments VS Code passes (a tree node, a URI, an id…). */
export type Handler = (ctx: Ctx, ...args: unknown[]) => unknown;

export interface Panels {
  schemaDiff(entry: TableEntry, from?: VersionId, to?: VersionId): void;
  preview(entry: TableEntry, version?: VersionId): void;
  health(entry: TableEntry): void;
  sql(entry: TableEntry, version?: VersionId): void;
}

export class Ctx {
  constructor(
    readonly context: vscode.ExtensionContext,
    readonly log: Log,
    readonly registry: Registry,
    readonly tree: TablesProvider,
    readonly view: vscode.TreeView<Node>,
    readonly panels: Panels,
    readonly exportVersion: (entry: TableEntry, version: VersionId) => Promise<void>,
    readonly catalogs?: Catalogs,
  ) {}

  /** Shows a table (or its versions) in the Lakehouse tree. */
  async reveal(entry: TableEntry, what: 'table' | 'versions'): Promise<void> {
    await vscode.commands.executeCommand('workbench.view.extension.lakelens');
    const tableNode = this.tree.tableNode(entry);
    this.tree.setExpanded(tableNode, true);
    await this.view.reveal(tableNode, { select: what === 'table', focus: true, expand: true });
    if (what === 'versions') await this.view.reveal(this.tree.section(entry, 'versions'), { select: true, focus: true, expand: true });
  }
}
