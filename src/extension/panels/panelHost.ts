/**
 * Webview panels: one per (view, table), revealed again when reopened. The HTML is a shell with a
 * strict CSP (`default-src 'none'`, scripts only by nonce from the extension's dist/webviews,
 * styles only from there), and all content is built by the webview script from typed messages.
 * The host registers its handlers before the page loads; the page speaks first with `ready`.
 */
import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import { Endpoint } from '../../protocol/ipc';
import type { Log } from '../log';
import type { Registry, TableEntry } from '../registry';

export type ViewKind = 'schemaDiff' | 'timeTravel' | 'health' | 'sql';

const TITLES: Record<ViewKind, string> = { schemaDiff: 'Schema diff', timeTravel: 'Rows', health: 'File health', sql: 'SQL' };

export interface PanelContext {
  extensionUri: vscode.Uri;
  log: Log;
  registry: Registry;
}

export interface HostedPanel {
  panel: vscode.WebviewPanel;
  endpoint: Endpoint;
  entry: TableEntry;
  /** Disposed with the panel. */
  disposables: vscode.Disposable[];
}

const open = new Map<string, HostedPanel>();

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, kind: ViewKind, title: string): string {
  const nonce = crypto.randomBytes(18).toString('base64');
  const dist = vscode.Uri.joinPath(extensionUri, 'dist', 'webviews');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(dist, `${kind}.js`));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(dist, `${kind}.css`));
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `img-src ${webview.cspSource} data:`,
    `font-src ${webview.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}" nonce="${nonce}">
<title>${escapeHtml(title)}</title>
</head>
<body data-view="${kind}">
<main id="app"><p class="loading">Loading…</p></main>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}

/**
 * Opens (or reveals) the `kind` view of a table. `setup` registers the message handlers on a new
 * panel; when the panel already exists, `onReveal` may update it (e.g. another version).
 */
export function showPanel(
  pc: PanelContext,
  kind: ViewKind,
  entry: TableEntry,
  setup: (h: HostedPanel) => void,
  onReveal?: (h: HostedPanel) => void,
  key = '',
): HostedPanel {
  const id = `${kind}|${entry.id}|${key}`;
  const existing = open.get(id);
  if (existing) {
    existing.panel.reveal(undefined, false);
    onReveal?.(existing);
    return existing;
  }
  const title = `${TITLES[kind]}: ${entry.name}`;
  const panel = vscode.window.createWebviewPanel(`lakelens.${kind}`, title, vscode.ViewColumn.Active, {
    enableScripts: true,
    retainContextWhenHidden: true,
    localResourceRoots: [vscode.Uri.joinPath(pc.extensionUri, 'dist', 'webviews')],
  });
  panel.iconPath = {
    light: vscode.Uri.joinPath(pc.extensionUri, 'media', `${entry.format}-light.svg`),
    dark: vscode.Uri.joinPath(pc.extensionUri, 'media', `${entry.format}-dark.svg`),
  };
  const endpoint = new Endpoint((m) => void panel.webview.postMessage(m));
  const hosted: HostedPanel = { panel, endpoint, entry, disposables: [] };
  setup(hosted); // handlers first: the page may say `ready` as soon as it loads
  hosted.disposables.push(
    panel.webview.onDidReceiveMessage((m) => void endpoint.receive(m)),
    panel.onDidDispose(() => {
      open.delete(id);
      endpoint.close('panel closed');
      for (const d of hosted.disposables) d.dispose();
    }),
  );
  panel.webview.html = webviewHtml(panel.webview, pc.extensionUri, kind, title);
  open.set(id, hosted);
  return hosted;
}

/** Reference of a table for the views. */
export function tableRef(entry: TableEntry): { id: string; name: string; format: TableEntry['format']; path: string } {
  return { id: entry.id, name: entry.name, format: entry.format, path: entry.location };
}
