/**
 * Every command of the extension in one table, registered as `lakelens.<name>`. Commands that
 * need a table take it from the tree node they were invoked on, a table id, a folder URI, or ask
 * with a quick pick; failures are logged and shown with the file named.
 */
import * as vscode from 'vscode';
import { countOf } from '../core/format';
import type { VersionId } from '../core/model';
import type { Node } from './tree/nodes';
import type { Ctx, Handler } from './ctx';
import { REMOTE_COMMANDS } from './remoteCommands';
import { CATALOG_COMMANDS } from './catalogCommands';
import { commitUri, parquetUri } from './documents';
import { pickTable, pickVersion } from './pick';
import type { TableEntry } from './registry';


/** Resolves the table a command is about from its arguments, or asks. */
async function tableArg(ctx: Ctx, arg: unknown, placeHolder?: string): Promise<TableEntry | undefined> {
  if (typeof arg === 'string') return ctx.registry.get(arg);
  if (arg && typeof arg === 'object' && 'entry' in arg) return (arg as { entry: TableEntry }).entry;
  if (arg instanceof vscode.Uri) return ctx.registry.byRoot(arg)[0] ?? (await ctx.registry.openFolder(arg))[0];
  return pickTable(ctx.registry, placeHolder);
}

/** A version from a version node, else asked for. */
async function versionArg(ctx: Ctx, entry: TableEntry, arg: unknown, placeHolder: string): Promise<VersionId | undefined> {
  const node = arg as Node | undefined;
  if (node && typeof node === 'object' && 'kind' in node && node.kind === 'version') return node.info.version;
  return (await pickVersion(ctx.tree, entry, placeHolder))?.version;
}

function requireTrust(what: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage(
    `Lakelens: ${what} is disabled in Restricted Mode: it runs the DuckDB engine over files of this workspace. Trust the workspace to enable it; browsing metadata keeps working.`,
    'Manage Workspace Trust',
  ).then((pick) => {
    if (pick) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return false;
}

export const COMMANDS: Record<string, Handler> = {
  refresh: (ctx, arg) => {
    const entry = arg && typeof arg === 'object' && 'entry' in arg ? (arg as { entry: TableEntry }).entry : undefined;
    ctx.registry.refresh(entry);
  },

  openTable: async (ctx) => {
    const browse = { label: '$(folder-opened) Browse for a folder…', entry: undefined as TableEntry | undefined };
    if (!ctx.registry.scanned) await ctx.registry.scan();
    const items = [
      ...ctx.registry.all().map((e) => ({ label: e.name, description: e.format, detail: e.relPath, entry: e as TableEntry | undefined })),
      browse,
    ];
    const pick = await vscode.window.showQuickPick(items, { placeHolder: 'Open a Delta, Iceberg or Hudi table', matchOnDetail: true });
    if (!pick) return;
    let entry = pick.entry;
    if (!entry) {
      const folder = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Open as Lakehouse Table' });
      if (!folder?.[0]) return;
      entry = await openFolderAsTable(ctx, folder[0]);
    }
    if (entry) await ctx.reveal(entry, 'table');
  },

  openAsTable: async (ctx, uri) => {
    const folder = uri instanceof vscode.Uri ? uri : (await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false }))?.[0];
    if (!folder) return;
    const entry = await openFolderAsTable(ctx, folder);
    if (entry) await ctx.reveal(entry, 'table');
  },

  scanFolder: async (ctx, uri) => {
    const folder = uri instanceof vscode.Uri ? uri : (await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false }))?.[0];
    if (!folder) return;
    const found = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Lakelens: scanning ${vscode.workspace.asRelativePath(folder)}`, cancellable: false }, () =>
      ctx.registry.scanFolder(folder),
    );
    ctx.log.info(`scanned ${folder.fsPath}: ${found.length} table(s)`);
    void vscode.window.showInformationMessage(found.length ? `Lakelens: found ${countOf(found.length, 'table')} in ${vscode.workspace.asRelativePath(folder)}.` : `Lakelens: no tables in ${vscode.workspace.asRelativePath(folder)}.`);
    if (found[0]) await ctx.reveal(found[0], 'table');
  },

  showHistory: async (ctx, arg) => {
    const entry = await tableArg(ctx, arg, 'Show the history of which table?');
    if (entry) await ctx.reveal(entry, 'versions');
  },

  loadMoreVersions: async (ctx, id) => {
    const entry = await tableArg(ctx, id);
    if (entry) await ctx.tree.loadMore(entry);
  },

  showMore: (ctx, key) => {
    if (typeof key === 'string') ctx.tree.showMore(key);
  },

  previewRows: async (ctx, arg) => {
    if (!requireTrust('Previewing rows')) return;
    const entry = await tableArg(ctx, arg, 'Preview rows of which table?');
    if (!entry) return;
    const version = await versionArg(ctx, entry, arg, 'Preview rows at which version?');
    if (version === undefined) return;
    ctx.panels.preview(entry, version);
  },

  compareSchemas: async (ctx, arg) => {
    const entry = await tableArg(ctx, arg, 'Compare schemas of which table?');
    if (entry) ctx.panels.schemaDiff(entry);
  },

  compareWithPrevious: async (ctx, arg) => {
    const node = arg as Node;
    if (!node || node.kind !== 'version') return;
    ctx.panels.schemaDiff(node.entry, undefined, node.info.version);
  },

  showHealth: async (ctx, arg) => {
    const entry = await tableArg(ctx, arg, 'Show the file health of which table?');
    if (entry) ctx.panels.health(entry);
  },

  newSqlQuery: async (ctx, arg) => {
    if (!requireTrust('SQL')) return;
    const entry = await tableArg(ctx, arg, 'Query which table?');
    if (!entry) return;
    const node = arg as Node | undefined;
    ctx.panels.sql(entry, node && typeof node === 'object' && 'kind' in node && node.kind === 'version' ? node.info.version : undefined);
  },

  exportVersion: async (ctx, arg) => {
    if (!requireTrust('Export')) return;
    const entry = await tableArg(ctx, arg, 'Export which table?');
    if (!entry) return;
    const version = await versionArg(ctx, entry, arg, 'Export which version?');
    if (version === undefined) return;
    await ctx.exportVersion(entry, version);
  },

  copyTablePath: async (ctx, arg) => {
    const entry = await tableArg(ctx, arg, 'Copy the path of which table?');
    if (!entry) return;
    await vscode.env.clipboard.writeText(entry.location);
    void vscode.window.setStatusBarMessage(`Copied ${entry.location}`, 3000);
  },

  revealInExplorer: async (ctx, arg) => {
    const entry = await tableArg(ctx, arg, 'Reveal which table?');
    if (entry?.remote) void vscode.window.showInformationMessage(`Lakelens: ${entry.location} is in an object store, not in the Explorer.`);
    else if (entry) await vscode.commands.executeCommand('revealInExplorer', entry.root);
  },

  inspectFile: async (ctx, id, path) => {
    const entry = await tableArg(ctx, id);
    if (!entry || typeof path !== 'string') return;
    if (!/\.parquet$/i.test(path)) {
      void vscode.window.showInformationMessage(`Lakelens: ${path} is not a Parquet file; only Parquet footers can be inspected.`);
      return;
    }
    const doc = await vscode.workspace.openTextDocument(parquetUri(entry.location, path));
    await vscode.window.showTextDocument(doc, { preview: true });
  },

  openCommit: async (ctx, id, version) => {
    const entry = await tableArg(ctx, id);
    if (!entry || typeof version !== 'number') return;
    const doc = await vscode.workspace.openTextDocument(commitUri(entry.location, version));
    await vscode.languages.setTextDocumentLanguage(doc, 'json');
    await vscode.window.showTextDocument(doc, { preview: true });
  },
};

/** Adds a folder's table to the tree, or says clearly why it is not a table. */
async function openFolderAsTable(ctx: Ctx, folder: vscode.Uri): Promise<TableEntry | undefined> {
  const entries = await ctx.registry.openFolder(folder);
  if (entries.length === 0) {
    void vscode.window.showWarningMessage(
      `Lakelens: ${vscode.workspace.asRelativePath(folder)} is not a Delta, Iceberg or Hudi table: it has no _delta_log/ folder, no metadata/ folder with *.metadata.json, and no .hoodie/hoodie.properties.`,
      'Scan Folder for Tables',
    ).then((pick) => {
      if (pick) void vscode.commands.executeCommand('lakelens.scanFolder', folder);
    });
    return undefined;
  }
  ctx.log.info(`opened ${folder.fsPath} as ${entries.map((e) => e.format).join(' + ')} table`);
  return entries[0];
}

export function registerCommands(ctx: Ctx): vscode.Disposable[] {
  return Object.entries({ ...COMMANDS, ...REMOTE_COMMANDS, ...CATALOG_COMMANDS }).map(([name, handler]) =>
    vscode.commands.registerCommand(`lakelens.${name}`, async (...args: unknown[]) => {
      try {
        return await handler(ctx, ...args);
      } catch (err) {
        ctx.log.notify(name.replace(/([A-Z])/g, ' $1').toLowerCase(), err);
        return undefined;
      }
    }),
  );
}
