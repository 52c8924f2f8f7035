/**
 * Host side of the file-size health view.
 */
import * as vscode from 'vscode';
import { Copy, DidChange, type Init, Ready, Refresh } from '../../protocol/health';
import { healthReport } from '../health';
import type { TableEntry } from '../registry';
import { type PanelContext, showPanel, tableRef } from './panelHost';

export function openHealth(pc: PanelContext, entry: TableEntry): void {
  const init = async (): Promise<Init> => {
    const snap = await entry.snapshot();
    return { table: tableRef(entry), version: String(snap.version), report: await healthReport(entry, snap) };
  };
  showPanel(pc, 'health', entry, (h) => {
    h.endpoint.on(Ready, init);
    h.endpoint.on(Refresh, async () => {
      entry.invalidate();
      return init();
    });
    h.endpoint.on(Copy, async ({ text }) => {
      await vscode.env.clipboard.writeText(String(text));
      void vscode.window.setStatusBarMessage('Lakelens: command copied', 2500);
    });
    h.disposables.push(
      pc.registry.onDidChange((e) => {
        if (e === entry) void init().then((i) => h.endpoint.notify(DidChange, i), (err) => pc.log.error('health refresh', err));
      }),
    );
  });
}
