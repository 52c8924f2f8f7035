/**
 * Versions as the views list them, and the schema in force at a version (cheap for Delta: from
 * the schema history, not a full snapshot).
 */
import type { SchemaVersion, VersionId, VersionInfo } from '../../core/model';
import type { VersionItem } from '../../protocol/ipc';
import type { TableEntry } from '../registry';
import { versionLabel } from '../tree/nodes';

export function versionItem(entry: TableEntry, v: VersionInfo): VersionItem {
  const item: VersionItem = { version: String(v.version), label: versionLabel(entry, v), timestamp: v.timestamp, operation: v.operation ?? v.action ?? null };
  if (v.snapshotId) item.snapshotId = v.snapshotId;
  return item;
}

/** The model's version id from the string the views use. */
export function versionId(entry: TableEntry, v: string): VersionId {
  return entry.format === 'delta' ? Number(v) : v;
}

/** Schema, partitioning and properties at a version. */
export async function schemaAt(entry: TableEntry, version: VersionId, signal?: AbortSignal): Promise<SchemaVersion> {
  const table = await entry.table();
  if (entry.format === 'delta' && table.schemaHistory) {
    const hist = await table.schemaHistory(signal);
    const v = Number(version);
    let found: SchemaVersion | undefined;
    for (const h of hist) if (Number(h.version) <= v) found = h;
    if (found) return found;
  }
  const s = await entry.snapshot({ version }, signal);
  return { version: s.version, timestamp: s.timestamp, schema: s.schema, partitionColumns: s.partitionColumns, properties: s.properties };
}
