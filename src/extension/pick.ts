/**
 * Quick picks: a table among the detected ones, a version of a table.
 */
import * as vscode from 'vscode';
import { formatBytes, inertText, relativeTime } from '../core/format';
import type { VersionInfo } from '../core/model';
import type { Registry, TableEntry } from './registry';
import type { TablesProvider } from './tree/provider';
import { versionLabel } from './tree/nodes';

export async function pickTable(registry: Registry, placeHolder = 'Select a table'): Promise<TableEntry | undefined> {
  if (!registry.scanned) await registry.scan();
  const items = registry.all().map((e) => ({
    label: inertText(e.name),
    description: `${e.format}${e.summary ? ` · ${formatBytes(e.summary.sizeBytes)}` : ''}`,
    detail: e.relPath,
    entry: e,
  }));
  if (items.length === 0) {
    void vscode.window.showInformationMessage('Lakelens: no Delta, Iceberg or Hudi tables in this workspace. Right-click a folder → "Open as Lakehouse Table" to add one.');
    return undefined;
  }
  if (items.length === 1) return items[0]!.entry;
  return (await vscode.window.showQuickPick(items, { placeHolder, matchOnDetail: true }))?.entry;
}

export async function pickVersion(tree: TablesProvider, entry: TableEntry, placeHolder = 'Select a version'): Promise<VersionInfo | undefined> {
  const versions = await tree.history(entry);
  const items = versions.map((v) => ({
    label: versionLabel(entry, v),
    description: `${inertText(v.operation ?? '')} · ${relativeTime(v.timestamp)}`,
    detail: v.snapshotId ? `snapshot ${v.snapshotId}` : undefined,
    v,
  }));
  return (await vscode.window.showQuickPick(items, { placeHolder, matchOnDescription: true, matchOnDetail: true }))?.v;
}
