/**
 * Extension entry point: wires services together and registers contributions. Nothing heavy runs
 * here (DuckDB and the readers load on first use) so activation stays fast.
 */
import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('Lakelens');
  context.subscriptions.push(output);
  const emitter = new vscode.EventEmitter<void>();
  context.subscriptions.push(
    vscode.window.registerTreeDataProvider('lakelens.tables', {
      onDidChangeTreeData: emitter.event,
      getTreeItem: (e: vscode.TreeItem) => e,
      getChildren: () => [],
    }),
    vscode.commands.registerCommand('lakelens.refresh', () => emitter.fire()),
  );
  output.appendLine('Lakelens activated');
}

export function deactivate(): void {}
