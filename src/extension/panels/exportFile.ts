/**
 * Export with a save dialog and a cancellable progress notification.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatCount } from '../../core/format';
import type { Log } from '../log';
import type { TableEntry } from '../registry';

export type ExportFormat = 'parquet' | 'csv' | 'jsonl';

const FILTERS: Record<ExportFormat, Record<string, string[]>> = {
  parquet: { Parquet: ['parquet'] },
  csv: { CSV: ['csv'] },
  jsonl: { 'JSON Lines': ['jsonl'] },
};

/** Asks where to save, then runs `write` with progress; reports the row count. */
export async function exportWithDialog(
  log: Log,
  entry: TableEntry,
  format: ExportFormat | undefined,
  baseName: string,
  write: (format: ExportFormat, dest: string, signal: AbortSignal) => Promise<{ rows: number }>,
): Promise<void> {
  const fmt = format ?? ((await vscode.window.showQuickPick(['parquet', 'csv', 'jsonl'], { placeHolder: 'Export format' })) as ExportFormat | undefined);
  if (!fmt) return;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? (entry.remote ? vscode.Uri.file(os.homedir()) : vscode.Uri.file(path.dirname(entry.root.fsPath)));
  const target = await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.joinPath(folder, `${baseName.replace(/[^\w.-]+/g, '_')}.${fmt}`),
    filters: FILTERS[fmt],
    saveLabel: 'Export',
  });
  if (!target) return;
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Lakelens: exporting ${entry.name} to ${path.basename(target.fsPath)}`, cancellable: true },
    async (_p, token) => {
      const ac = new AbortController();
      token.onCancellationRequested(() => ac.abort());
      try {
        const { rows } = await write(fmt, target.fsPath, ac.signal);
        log.info(`exported ${formatCount(rows)} rows of ${entry.relPath} to ${target.fsPath}`);
        void vscode.window.showInformationMessage(`Lakelens: exported ${formatCount(rows)} rows to ${target.fsPath}`, 'Reveal').then((pick) => {
          if (pick) void vscode.commands.executeCommand('revealFileInOS', target);
        });
      } catch (err) {
        log.notify('export', err);
      }
    },
  );
}
