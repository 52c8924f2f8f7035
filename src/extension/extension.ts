/**
 * Extension entry point: builds the services and registers contributions. Nothing heavy runs
 * here: tables are scanned when the view first shows or on `workspaceContains`, readers load per
 * table on first use, DuckDB only when rows or SQL are asked for.
 */
import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { Ctx } from './ctx';
import { TableDecorations } from './decorations';
import { registerDocuments } from './documents';
import { Log } from './log';
import { disposeEngine } from './engine';
import { createPanels } from './panels';
import { Registry } from './registry';
import { settings } from './config';
import type { Node } from './tree/nodes';
import { TablesProvider } from './tree/provider';

export function activate(context: vscode.ExtensionContext): void {
  const t0 = Date.now();
  const log = new Log();
  const registry = new Registry(log);
  const tree = new TablesProvider(registry, log, context.extensionUri, () => settings());
  const view = vscode.window.createTreeView<Node>('lakelens.tables', { treeDataProvider: tree, showCollapseAll: true });
  const pc = { extensionUri: context.extensionUri, log, registry, state: context.workspaceState };
  const { panels, exportVersion } = createPanels(pc, tree);
  const ctx = new Ctx(context, log, registry, tree, view, panels, exportVersion);
  context.subscriptions.push(
    log,
    registry,
    tree,
    view,
    view.onDidExpandElement((e) => tree.setExpanded(e.element, true)),
    view.onDidCollapseElement((e) => tree.setExpanded(e.element, false)),
    registerDocuments(log, async (root) => registry.all().find((e) => e.location === root)?.storage()),
    vscode.window.registerFileDecorationProvider(new TableDecorations(registry)),
    ...registerCommands(ctx),
  );
  void vscode.commands.executeCommand('setContext', 'lakelens.activated', true);
  // a workspace that contains tables is scanned right away, so badges and the view are ready
  void registry.scan();
  log.info(`activated in ${Date.now() - t0} ms`);
}

export function deactivate(): Promise<void> {
  return disposeEngine();
}
