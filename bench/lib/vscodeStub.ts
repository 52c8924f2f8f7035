/**
 * Just enough of the `vscode` module for dist/extension.js to load and activate outside VS Code,
 * so activation can be timed in a plain Node process. Every API returns a disposable or a no-op.
 */
import Module from 'node:module';

const disposable = { dispose() {} };
class EventEmitter<T> {
  private listeners: ((e: T) => void)[] = [];
  event = (l: (e: T) => void) => {
    this.listeners.push(l);
    return disposable;
  };
  fire(e: T) {
    for (const l of this.listeners) l(e);
  }
  dispose() {}
}
const event = () => disposable;
class Uri {
  constructor(readonly scheme: string, readonly fsPath: string, readonly path = fsPath) {}
  static file(p: string) {
    return new Uri('file', p);
  }
  static joinPath(u: Uri, ...parts: string[]) {
    return new Uri(u.scheme, [u.fsPath, ...parts].join('/'));
  }
  toString() {
    return `${this.scheme}://${this.path}`;
  }
}

export function vscodeStub(folders: string[]): unknown {
  return {
    EventEmitter,
    Uri,
    Disposable: { from: () => disposable },
    ThemeIcon: class {},
    ThemeColor: class {},
    TreeItem: class {},
    MarkdownString: class { appendText() { return this; } appendMarkdown() { return this; } appendCodeblock() { return this; } },
    FileDecoration: class {},
    TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
    ProgressLocation: { Window: 10, Notification: 15 },
    ViewColumn: { Active: -1 },
    window: {
      createOutputChannel: () => ({ appendLine() {}, show() {}, dispose() {} }),
      createTreeView: () => ({ onDidExpandElement: event, onDidCollapseElement: event, reveal: async () => {}, dispose() {} }),
      registerFileDecorationProvider: () => disposable,
      withProgress: async (_o: unknown, task: () => Promise<unknown>) => task(),
      showErrorMessage: async () => undefined,
    },
    workspace: {
      workspaceFolders: folders.map((f, index) => ({ uri: Uri.file(f), name: f.split('/').pop(), index })),
      createFileSystemWatcher: () => ({ onDidCreate: event, onDidChange: event, onDidDelete: event, dispose() {} }),
      onDidChangeWorkspaceFolders: event,
      onDidChangeConfiguration: event,
      registerTextDocumentContentProvider: () => disposable,
      getConfiguration: () => ({ get: (_k: string, d: unknown) => d }),
      getWorkspaceFolder: () => undefined,
      isTrusted: true,
    },
    commands: { registerCommand: () => disposable, executeCommand: async () => undefined },
    env: { clipboard: { writeText: async () => {} } },
  };
}

/** Makes `require('vscode')` return the stub for the rest of the process. */
export function installVscodeStub(folders: string[]): void {
  const stub = vscodeStub(folders);
  const M = Module as unknown as { _load: (req: string, parent: unknown, isMain: boolean) => unknown };
  const load = M._load;
  M._load = function (req: string, parent: unknown, isMain: boolean) {
    return req === 'vscode' ? stub : load.call(this, req, parent, isMain);
  };
}
