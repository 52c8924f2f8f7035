/**
 * Explorer badges on table folders: Δ for Delta, I for Iceberg, H for Hudi.
 */
import * as vscode from 'vscode';
import type { Registry } from './registry';

const BADGE = { delta: 'Δ', iceberg: 'I', hudi: 'H' } as const;
const NAME = { delta: 'Delta Lake', iceberg: 'Apache Iceberg', hudi: 'Apache Hudi' } as const;

export class TableDecorations implements vscode.FileDecorationProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri | vscode.Uri[] | undefined>();
  readonly onDidChangeFileDecorations = this.emitter.event;
  private readonly sub: vscode.Disposable;

  constructor(private readonly registry: Registry) {
    this.sub = registry.onDidChange((e) => (e?.remote ? undefined : this.emitter.fire(e ? e.root : undefined)));
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    const tables = this.registry.byRoot(uri);
    if (tables.length === 0) return undefined;
    const badge = tables.map((t) => BADGE[t.format]).join('').slice(0, 2);
    const s = tables[0]!.summary;
    const tip = tables.map((t) => `${NAME[t.format]} table${t.format === 'delta' && s ? ` (version ${s.version})` : ''}`).join(' + ');
    return new vscode.FileDecoration(badge, tip);
  }

  dispose(): void {
    this.sub.dispose();
    this.emitter.dispose();
  }
}
