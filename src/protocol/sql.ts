/** Messages of the SQL console. */
import { type TableRef, type VersionItem, call } from './ipc';
import type { Column, Row } from './rows';

const scope = 'sql';

export interface Init {
  table: TableRef;
  versions: VersionItem[];
  version: string;
  /** Column names of the table, for completion. */
  columns: string[];
  history: string[];
  initialQuery: string;
  maxRows: number;
}

export interface RunResult {
  runId: number;
  columns: Column[];
  /** First page of rows. */
  rows: Row[];
  /** Rows fetched so far (capped at maxRows). */
  rowCount: number;
  /** True when the result had more rows than maxRows. */
  truncated: boolean;
  elapsedMs: number;
  /** Shown with the result: the rows are a read-optimized view (Hudi merge-on-read), …. */
  notes: string[];
}

export const Ready = call<void, Init>(scope, 'ready');
export const Run = call<{ query: string; version: string }, RunResult>(scope, 'run');
export const Rows = call<{ runId: number; offset: number; limit: number }, { rows: Row[]; offset: number }>(scope, 'rows');
export const Cancel = call<void, void>(scope, 'cancel');
export const ExportResult = call<{ query: string; version: string; format: 'parquet' | 'csv' | 'jsonl' }, void>(scope, 'export');
export const Copy = call<{ text: string }, void>(scope, 'copy');
export const Columns = call<{ version: string }, string[]>(scope, 'columns');
export const DidChange = call<Init>(scope, 'didChange');
