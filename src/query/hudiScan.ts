/**
 * A Hudi snapshot as a scan plan: the live base files (Parquet) of its file slices, read by
 * column name with the writer schema in force at the instant (the core picks it).
 *
 * Copy-on-write: the base files are the snapshot. Merge-on-read: changes still in log files are
 * not merged here (see `readOptimizedNote`): the plan is the read-optimized view (base files
 * only, as of each file group's last compaction) and says so, so every result can be labelled.
 *
 * Partition columns: writers keep them in the data files unless
 * `hoodie.datasource.write.drop.partition.columns` is set, in which case they are missing from
 * the writer schema too; Hudi's readers then append them as nullable strings taken from the
 * partition path (TableSchemaResolver.appendPartitionColumns), and so does this plan. A partition
 * column that is in the schema but missing from a file is read from the path as a typed value
 * when the path is known to hold the column's value verbatim, else the file is refused.
 */
import { LakeError } from '../core/errors';
import type { HudiSnapshot } from '../core/hudi/snapshot';
import type { DataFile, Field, PartitionValue } from '../core/model';
import { constantSql } from './constants';
import type { PlanContext } from './engine';
import type { ScanFile, ScanPlan } from './scanPlan';
import { localFiles } from './staging';

/** Key generators whose partition path segments are the partition fields' values, verbatim. */
const VALUE_KEY_GENERATORS = /^(org\.apache\.hudi\.keygen\.)?(SimpleKeyGenerator|SimpleAvroKeyGenerator|ComplexKeyGenerator|ComplexAvroKeyGenerator|NonpartitionedKeyGenerator|NonpartitionedAvroKeyGenerator|GlobalDeleteKeyGenerator)$/;
const VALUE_KEY_GENERATOR_TYPES = new Set(['SIMPLE', 'SIMPLE_AVRO', 'COMPLEX', 'COMPLEX_AVRO', 'NON_PARTITION', 'NON_PARTITION_AVRO', 'GLOBAL_DELETE', 'GLOBAL_DELETE_AVRO']);

/** Types whose values Hudi writes into partition paths as plain text that casts back exactly. */
const PATH_TYPES = new Set(['string', 'int', 'long', 'boolean']);

export async function hudiScanPlan(snap: HudiSnapshot, ctx: PlanContext): Promise<ScanPlan> {
  const { storage } = ctx;
  const props = snap.properties;
  if (props['hoodie.bootstrap.base.path']) {
    throw new LakeError('unsupported', `hudi: bootstrapped table (hoodie.bootstrap.base.path=${props['hoodie.bootstrap.base.path']}): its base files hold only the Hudi meta columns and the rows live in the source table, which Lakelens does not read`, '.hoodie/hoodie.properties');
  }
  if ((await storage.list('.hoodie/.schema')).length > 0) {
    // schema on read (InternalSchema) lets columns be renamed or dropped; base files keep the
    // old names, so matching by name would show renamed columns as NULL
    throw new LakeError('unsupported', 'hudi: the table uses schema evolution on read (.hoodie/.schema): columns may have been renamed or dropped, which Lakelens cannot map onto the base files; rows are unavailable, metadata views still work', '.hoodie/.schema');
  }
  for (const f of snap.files) {
    const fmt = (f.fileFormat ?? '').toLowerCase();
    if (fmt !== 'parquet') {
      throw new LakeError('unsupported', `hudi: base file is ${fmt.toUpperCase() || 'of unknown format'}; the query engine reads only Parquet base files, so rows of this instant are unavailable; metadata views still work`, f.path);
    }
  }

  const schemaFields = snap.schema.fields;
  const inSchema = (name: string) => schemaFields.find((x) => x.name === name);
  const partitionFields = snap.partitionFields.filter((p, i, all) => all.indexOf(p) === i);
  // partition columns the writer schema left out: appended as strings from the path
  const appended: Field[] = partitionFields.filter((p) => !inSchema(p)).map((name) => ({ name, type: 'string', nullable: true }));
  // partition columns in the schema: from the file, else (only where exact) from the path
  const kept = partitionFields.map(inSchema).filter((f): f is Field => f !== undefined);
  const verbatim = pathHoldsValues(props);
  const fallbackColumns: string[] = [];
  const requiredColumns: Record<string, string> = {};
  for (const f of kept) {
    if (!verbatim) requiredColumns[f.name] = `the table's key generator (${keyGenerator(props)}) may write partition paths that are not the column's values`;
    else if (typeof f.type !== 'string' || !PATH_TYPES.has(f.type)) requiredColumns[f.name] = `Lakelens does not derive ${typeof f.type === 'string' ? f.type : f.type.type} values from partition paths`;
    else fallbackColumns.push(f.name);
  }

  const files: ScanFile[] = snap.files.map((f) => {
    const sf: ScanFile = { path: f.path, absPath: localPath(ctx, f), numRecords: null, constants: {} };
    for (const c of appended) sf.constants[c.name] = constantSql(pathValue(f, c.name, true), 'string', 'hudi', c.name);
    if (fallbackColumns.length > 0) {
      sf.fallbacks = {};
      for (const c of kept) {
        if (!fallbackColumns.includes(c.name)) continue;
        const v = pathValue(f, c.name, false);
        if (v === undefined) {
          // this file's path does not give the value: a file lacking the column is refused
          requiredColumns[c.name] ??= `its value cannot be read from the partition path ${JSON.stringify(f.partitionPath ?? '')}`;
        } else sf.fallbacks[c.name] = constantSql(v, c.type, 'hudi', c.name);
      }
    }
    return sf;
  });

  const plan: ScanPlan = {
    format: 'hudi',
    version: snap.version,
    schema: appended.length > 0 ? { type: 'struct', fields: [...schemaFields, ...appended] } : snap.schema,
    match: 'name',
    constantColumns: appended.map((c) => c.name),
    files,
    // row counts come from the Parquet footers (the engine reads them when a page needs them):
    // write stats count what a write did, which need not be what the file holds
    numRows: files.length === 0 ? 0 : null,
  };
  if (fallbackColumns.length > 0) plan.fallbackColumns = fallbackColumns.filter((c) => !(c in requiredColumns));
  if (Object.keys(requiredColumns).length > 0) plan.requiredColumns = requiredColumns;
  if (snap.readOptimized) {
    plan.readOptimized = true;
    plan.notes = [readOptimizedNote(snap)];
  }
  return plan;
}

/** The label every read-optimized result carries. */
export function readOptimizedNote(snap: HudiSnapshot): string {
  const slices = snap.files.filter((f) => f.logFiles?.length).length + snap.logOnlySlices.length;
  const logOnly = snap.logOnlySlices.length > 0 ? `, and ${snap.logOnlySlices.length} file group(s) exist only in log files` : '';
  return `read-optimized view (merge-on-read): rows of the base files only, not the full snapshot at ${snap.version}; ${snap.numLogFiles} log file(s) in ${slices} file slice(s) hold inserts, updates or deletes that are not merged${logOnly}`;
}

function localPath(ctx: PlanContext, f: DataFile): string {
  if (f.path.startsWith('/') || /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(f.path)) {
    throw new LakeError('out-of-root', 'hudi: base file is outside the table folder; Lakelens reads only files inside the table', f.path);
  }
  return localFiles(ctx.storage).pathOf(f.path);
}

/**
 * A partition column's value from the file's partition path (strings; null for Hive's default
 * partition). Undefined when the path does not say; `required` makes that an error.
 */
function pathValue(f: DataFile, column: string, required: boolean): PartitionValue | undefined {
  if (Object.hasOwn(f.partitionValues, column)) return f.partitionValues[column];
  if (!required) return undefined;
  throw new LakeError('unsupported', `hudi: partition column ${column} is not in the data files and its value cannot be read from the partition path ${JSON.stringify(f.partitionPath ?? '')}`, f.path);
}

function keyGenerator(props: Record<string, string>): string {
  return (props['hoodie.table.keygenerator.class'] ?? props['hoodie.table.keygenerator.type'] ?? 'default').trim();
}

/** True when the table's key generator writes partition field values into the path as they are. */
function pathHoldsValues(props: Record<string, string>): boolean {
  // CustomKeyGenerator fields carry their type (`field:TIMESTAMP`)
  if ((props['hoodie.table.partition.fields'] ?? '').includes(':')) return false;
  const cls = props['hoodie.table.keygenerator.class']?.trim();
  const type = props['hoodie.table.keygenerator.type']?.trim().toUpperCase();
  if (cls) return VALUE_KEY_GENERATORS.test(cls);
  if (type) return VALUE_KEY_GENERATOR_TYPES.has(type);
  return true;
}
