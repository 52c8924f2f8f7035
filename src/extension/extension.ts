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
import { Catalogs } from './catalogs';
import { RemoteSecrets, pollSeconds } from './remote';
import { settings } from './config';
import type { Node } from './tree/nodes';
import { TablesProvider } from './tree/provider';

export function activate(context: vscode.ExtensionContext): void {
  const t0 = Date.now();
  const log = new Log();
  const registry = new Registry(log, new RemoteSecrets(context.secrets));
  const catalogs = new Catalogs(context.secrets, registry);
  const tree = new TablesProvider(registry, log, context.extensionUri, () => settings(), catalogs);
  const view = vscode.window.createTreeView<Node>('lakelens.tables', { treeDataProvider: tree, showCollapseAll: true });
  const pc = { extensionUri: context.extensionUri, log, registry, state: context.workspaceState };
  const { panels, exportVersion } = createPanels(pc, tree);
  const ctx = new Ctx(context, log, registry, tree, view, panels, exportVersion, catalogs);
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
  context.subscriptions.push(startPolling(registry));
  void vscode.commands.executeCommand('setContext', 'lakelens.activated', true);
  // a workspace that contains tables is scanned right away, so badges and the view are ready
  void registry.scan();
  log.info(`activated in ${Date.now() - t0} ms`);
}

/**
 * Remote tables have no file watcher: with lakelens.remote.pollSeconds set, loaded ones are
 * refreshed on that period (a Delta table extends its snapshot with the new commits).
 */
function startPolling(registry: Registry): vscode.Disposable {
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearInterval(timer);
    const s = pollSeconds();
    if (s > 0) timer = setInterval(() => {
      for (const e of registry.all()) if (e.remote && e.summary) registry.refresh(e);
    }, s * 1000);
  };
  arm();
  const sub = vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('lakelens.remote.pollSeconds') && arm());
  return { dispose: () => (clearInterval(timer), sub.dispose()) };
}

export function deactivate(): Promise<void> {
  return disposeEngine();
}
