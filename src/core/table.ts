/**
 * Opening a table of any format behind one interface, so the CLI and the extension never branch
 * on the format.
 */
import { DeltaTable } from './delta/table';
import { LakeError } from './errors';
import { HudiTable } from './hudi/table';
import { IcebergTable } from './iceberg/table';
import type { HistoryPage, SchemaVersion, Snapshot, TableFormat, VersionChanges, VersionId, VersionSelector } from './model';
import type { Storage } from './storage/storage';
import { detectFormats } from './detect';
import type { TableOptions } from './options';

export interface LakeTable {
  readonly format: TableFormat;
  readonly storage: Storage;
  /** Forget cached listings so the next call sees new commits. */
  refresh(): void;
  snapshot(sel?: VersionSelector, signal?: AbortSignal): Promise<Snapshot>;
  history(opts?: { limit?: number; before?: VersionId; signal?: AbortSignal }): Promise<HistoryPage>;
  /** Files added and removed by one version. */
  changes?(version: VersionId, signal?: AbortSignal): Promise<VersionChanges>;
  /** Schemas over time, oldest first, one entry per change (for lineage). */
  schemaHistory?(signal?: AbortSignal): Promise<SchemaVersion[]>;
}

/** Opens the table rooted at `storage`; `format` picks one side of a multi-format (UniForm) table. */
export async function openTable(storage: Storage, format?: TableFormat, opts?: TableOptions): Promise<LakeTable> {
  // a catalog named the Iceberg metadata file: nothing to detect (its folder need not be metadata/)
  if (format === 'iceberg' && opts?.metadataLocation !== undefined) return new IcebergTable(storage, opts);
  const formats = await detectFormats(storage, '');
  if (formats.length === 0) {
    throw new LakeError('not-a-table', 'not a Delta, Iceberg or Hudi table: no _delta_log/, metadata/*.metadata.json or .hoodie/ found', storage.root);
  }
  const chosen = format ?? formats[0]!;
  if (!formats.includes(chosen)) throw new LakeError('not-a-table', `not a ${chosen} table (found: ${formats.join(', ')})`, storage.root);
  switch (chosen) {
    case 'delta':
      return new DeltaTable(storage, opts);
    case 'iceberg':
      return new IcebergTable(storage, opts);
    case 'hudi':
      return new HudiTable(storage);
    default:
      throw new LakeError('unsupported', `${chosen} tables are not supported yet`, storage.root);
  }
}
