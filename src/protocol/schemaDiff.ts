/** Messages of the schema diff view. */
import type { LineageEvent, SchemaDiff } from '../core/schemaDiff';
import { type TableRef, type VersionItem, call } from './ipc';

const scope = 'schemaDiff';

export interface Init {
  table: TableRef;
  versions: VersionItem[];
  /** More (older) versions exist than listed. */
  more: boolean;
  from: string;
  to: string;
}

export interface DiffResult {
  from: string;
  to: string;
  diff: SchemaDiff;
}

export const Ready = call<void, Init>(scope, 'ready');
export const Diff = call<{ from: string; to: string }, DiffResult>(scope, 'diff');
export const Lineage = call<{ path: string[] }, LineageEvent[]>(scope, 'lineage');
export const MoreVersions = call<void, { versions: VersionItem[]; more: boolean }>(scope, 'moreVersions');
/** host → webview: the table changed on disk; the view re-requests what it shows. */
export const DidChange = call<Init>(scope, 'didChange');
