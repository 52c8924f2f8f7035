/**
 * A Delta snapshot as a scan plan: its live files with partition values as constants and the
 * positions their deletion vectors delete. The snapshot carries the metaData in force at its
 * version, so time travel reads old versions with their own schema.
 */
import type { DeltaSnapshot } from '../core/delta/snapshot';
import { LakeError } from '../core/errors';
import type { DataFile } from '../core/model';
import type { Storage } from '../core/storage/storage';
import { constantSql } from './constants';
import { readDeletionVector } from './deletionVectors';
import type { ColumnMatch, ScanFile, ScanPlan } from './scanPlan';
import { localFiles } from './staging';

const PARALLEL_DV_READS = 16;

export async function deltaScanPlan(snap: DeltaSnapshot, storage: Storage, signal?: AbortSignal): Promise<ScanPlan> {
  const match: ColumnMatch = snap.columnMapping === 'id' ? 'id' : snap.columnMapping === 'name' ? 'physical' : 'name';
  const partitionFields = snap.partitionColumns.map((c) => {
    const f = snap.schema.fields.find((x) => x.name === c);
    if (!f) throw new LakeError('corrupt', `delta: partition column ${c} is not in the schema at version ${snap.version}`);
    return f;
  });
  const files: ScanFile[] = snap.files.map((f) => {
    const constants: Record<string, string> = {};
    for (const p of partitionFields) constants[p.name] = constantSql(f.partitionValues[p.name], p.type, 'delta', p.name);
    return { path: f.path, absPath: localPath(storage, f), numRecords: f.numRecords, constants };
  });
  for (let i = 0; i < snap.files.length; i += PARALLEL_DV_READS) {
    if (signal?.aborted) throw new LakeError('cancelled', 'cancelled');
    await Promise.all(
      snap.files.slice(i, i + PARALLEL_DV_READS).map(async (f, j) => {
        if (!f.deletionVector) return;
        const deleted = await readDeletionVector(storage, f, f.deletionVector);
        const scan = files[i + j]!;
        if (scan.numRecords !== null && deleted.length > 0 && deleted[deleted.length - 1]! >= scan.numRecords) {
          throw new LakeError('corrupt', `delta: deletion vector deletes row ${deleted[deleted.length - 1]} but the file has ${scan.numRecords} rows`, f.path);
        }
        scan.deleted = deleted;
      }),
    );
  }
  let numRows: number | null = 0;
  for (const f of files) {
    if (f.numRecords === null) numRows = null;
    else if (numRows !== null) numRows += f.numRecords - (f.deleted?.length ?? 0);
  }
  return { format: 'delta', version: snap.version, schema: snap.schema, match, constantColumns: snap.partitionColumns, files, numRows };
}

function localPath(storage: Storage, f: DataFile): string {
  if (f.path.startsWith('/') || /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(f.path)) {
    throw new LakeError('out-of-root', 'delta: data file is outside the table folder; Lakelens reads only files inside the table', f.path);
  }
  return localFiles(storage).pathOf(f.path);
}
