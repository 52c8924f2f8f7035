/**
 * Typed access to the `lakelens.*` settings (declared in package.json).
 */
import * as vscode from 'vscode';

/**
 * Longest stretch of work (ms) before readers and analyses give the extension host's event loop a
 * turn: long enough that pausing costs little, short enough that VS Code stays responsive.
 */
export const HOST_SLICE_MS = 15;

export interface Settings {
  scanDepth: number;
  exclude: string[];
  smallFileThresholdBytes: number;
  previewRowLimit: number;
  maxResultRows: number;
  historyPageSize: number;
  listPageSize: number;
  storageCostPerGBMonth: number;
}

export function settings(scope?: vscode.ConfigurationScope): Settings {
  const c = vscode.workspace.getConfiguration('lakelens', scope);
  return {
    scanDepth: clamp(c.get<number>('scanDepth', 8), 0, 64),
    exclude: c.get<string[]>('exclude', []),
    smallFileThresholdBytes: clamp(c.get<number>('smallFileThresholdMB', 32), 0, 1 << 20) * 1024 * 1024,
    previewRowLimit: clamp(c.get<number>('previewRowLimit', 100), 1, 10_000),
    maxResultRows: clamp(c.get<number>('maxResultRows', 10_000), 1, 1_000_000),
    historyPageSize: clamp(c.get<number>('historyPageSize', 50), 5, 1000),
    listPageSize: clamp(c.get<number>('listPageSize', 500), 2, 10_000),
    storageCostPerGBMonth: Math.max(0, c.get<number>('storageCostPerGBMonth', 0.023)),
  };
}

/** The local cache of remote data files DuckDB reads (lakelens.cache.*). */
export function cacheSettings(): { maxBytes: number; dir?: string } {
  const c = vscode.workspace.getConfiguration('lakelens');
  const max = c.get<number>('cache.maxBytes', 2 * 1024 ** 3);
  const dir = c.get<string>('cache.folder', '');
  return { maxBytes: Math.max(100 * 1024 ** 2, Number.isFinite(max) ? max : 2 * 1024 ** 3), ...(dir ? { dir } : {}) };
}

/** Globs from `files.exclude` that are switched on (conditional `when` entries are skipped). */
export function filesExclude(scope?: vscode.ConfigurationScope): string[] {
  const ex = vscode.workspace.getConfiguration('files', scope).get<Record<string, boolean | { when: string }>>('exclude', {});
  return Object.entries(ex).filter(([, v]) => v === true).map(([k]) => k);
}

function clamp(n: number, lo: number, hi: number): number {
  return Number.isFinite(n) ? Math.min(hi, Math.max(lo, n)) : lo;
}
