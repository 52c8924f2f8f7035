/**
 * Read-only virtual documents: a commit's JSON formatted for reading (`lakelens-commit:`), and the
 * Parquet footer inspector (`lakelens-parquet:`). Both name the table root and the file in the
 * URI query, so reads go through the table's Storage and stay inside it.
 */
import * as vscode from 'vscode';
import { commitPath } from '../core/delta/logPath';
import { forEachJsonLine } from '../core/ndjson';
import { stringifyJson } from '../core/json';
import { FsStorage } from '../core/storage/local';
import type { Storage } from '../core/storage/storage';
import { readers } from './lazy';
import type { Log } from './log';

export const COMMIT_SCHEME = 'lakelens-commit';
export const PARQUET_SCHEME = 'lakelens-parquet';

interface Target {
  root: string;
  path: string;
}

function target(uri: vscode.Uri): Target {
  const q = new URLSearchParams(uri.query);
  return { root: q.get('root') ?? '', path: q.get('path') ?? '' };
}

/** URI of a virtual document for a file of a table; the URI path only sets the tab title. */
export function virtualUri(scheme: string, root: string, path: string, title: string): vscode.Uri {
  return vscode.Uri.from({ scheme, path: `/${title}`, query: new URLSearchParams({ root, path }).toString() });
}

export function commitUri(root: string, version: number): vscode.Uri {
  const path = commitPath(version);
  return virtualUri(COMMIT_SCHEME, root, path, `${path.split('/').pop()}`);
}

export function parquetUri(root: string, path: string): vscode.Uri {
  return virtualUri(PARQUET_SCHEME, root, path, `${path.split('/').pop()} (footer).yaml`);
}

/**
 * `storageOf(root)` gives the storage of a table the registry knows (remote tables need their
 * connection's credentials); a root it does not know is read as a local folder.
 */
export function registerDocuments(log: Log, storageOf: (root: string) => Promise<Storage | undefined>): vscode.Disposable {
  const open = async (root: string) => (await storageOf(root)) ?? new FsStorage(root);
  const commits: vscode.TextDocumentContentProvider = {
    async provideTextDocumentContent(uri) {
      const t = target(uri);
      try {
        const bytes = await (await open(t.root)).read(t.path);
        const actions: unknown[] = [];
        forEachJsonLine(bytes, t.path, 'delta', (v) => actions.push(expandStats(v)));
        return stringifyJson(actions, 2) + '\n';
      } catch (err) {
        return `// ${log.error(`opening ${t.path}`, err)}\n`;
      }
    },
  };
  const parquet: vscode.TextDocumentContentProvider = {
    async provideTextDocumentContent(uri) {
      const t = target(uri);
      try {
        return await readers().describeParquet(await open(t.root), t.path);
      } catch (err) {
        return `# ${log.error(`inspecting ${t.path}`, err)}\n`;
      }
    },
  };
  return vscode.Disposable.from(
    vscode.workspace.registerTextDocumentContentProvider(COMMIT_SCHEME, commits),
    vscode.workspace.registerTextDocumentContentProvider(PARQUET_SCHEME, parquet),
  );
}

/** The `stats` JSON string of add/remove actions shown as the object it encodes. */
function expandStats(v: unknown): unknown {
  if (!v || typeof v !== 'object') return v;
  for (const key of ['add', 'remove']) {
    const a = (v as Record<string, Record<string, unknown> | undefined>)[key];
    if (a && typeof a.stats === 'string') {
      try {
        a.stats = JSON.parse(a.stats);
      } catch {
        // leave it as written: the raw text is what the user should see
      }
    }
  }
  return v;
}
