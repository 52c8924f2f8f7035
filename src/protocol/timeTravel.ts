/** Messages of the time-travel row preview. */
import { type TableRef, type VersionItem, call } from './ipc';
import type { Column, Row } from './rows';

const scope = 'timeTravel';

/** How the user picked a version: one of these. */
export interface Selection {
  version?: string;
  /** ms since epoch */
  timestamp?: number;
  snapshotId?: string;
  ref?: string;
}

export interface Init {
  table: TableRef;
  versions: VersionItem[];
  more: boolean;
  /** Iceberg branch and tag names. */
  refs: string[];
  selection: Selection;
  pageSize: number;
}

export interface Opened {
  /** Identifies the loaded snapshot in later requests. */
  token: number;
  version: VersionItem;
  columns: Column[];
  totalRows: number;
  /** Things the user must know about these rows (read-optimized Hudi view, …). */
  notes: string[];
}

export interface DiffCounts {
  against: VersionItem | null;
  added: number;
  removed: number;
  /** How the rows were compared. */
  method: string;
}

export const Ready = call<void, Init>(scope, 'ready');
export const Open = call<Selection, Opened>(scope, 'open');
export const Page = call<{ token: number; offset: number; limit: number }, { rows: Row[]; offset: number }>(scope, 'page');
export const Diff = call<{ token: number }, DiffCounts>(scope, 'diff');
export const DiffRows = call<{ token: number; kind: 'added' | 'removed'; offset: number; limit: number }, { columns: Column[]; rows: Row[]; total: number }>(scope, 'diffRows');
export const Export = call<{ token: number; format: 'parquet' | 'csv' | 'jsonl' }, void>(scope, 'export');
export const Copy = call<{ text: string }, void>(scope, 'copy');
export const Cancel = call<void, void>(scope, 'cancel');
export const MoreVersions = call<void, { versions: VersionItem[]; more: boolean }>(scope, 'moreVersions');
/** host → webview */
export const DidChange = call<Init>(scope, 'didChange');
