/**
 * What a format reader hands the engine: the live data files of one snapshot, each with the rows
 * it no longer holds and the values it holds only in metadata. The engine turns a plan into SQL
 * without knowing which format it came from (see relation.ts).
 */
import type { StructType, TableFormat } from '../core/model';

/** How a file's columns are found for a table column. */
export type ColumnMatch =
  /** by the table column's name (Delta without column mapping) */
  | 'name'
  /** by the field's physical name (Delta column mapping, name mode) */
  | 'physical'
  /** by Parquet field id (Delta id mode, Iceberg); Iceberg falls back to its name mapping */
  | 'id';

export interface ScanFile {
  /** Path as the table names it, for messages. */
  path: string;
  /** Absolute local path DuckDB opens. */
  absPath: string;
  /** Rows physically in the file, when the metadata says. */
  numRecords: number | null;
  /**
   * Values of top-level columns never read from the file, as typed SQL expressions such as
   * `CAST('2024-01-01' AS DATE)` (Delta partition values). Columns of `ScanPlan.constantColumns`
   * come from here; a missing entry is NULL.
   */
  constants: Record<string, string>;
  /**
   * Values of top-level columns used only when the file lacks them (Iceberg identity partition
   * values, spec "Column Projection"), as typed SQL. Columns of `ScanPlan.fallbackColumns`.
   */
  fallbacks?: Record<string, string>;
  /** Deleted row positions, ascending (deletion vectors, position deletes). */
  deleted?: number[];
  /** Data sequence number (Iceberg), for equality deletes. */
  sequenceNumber?: string;
  /** Partition identity (spec id and values), for equality deletes. */
  partitionKey?: string;
}

/** Equality delete files sharing one set of equality columns (Iceberg). */
export interface EqualityDeletes {
  /** Top-level table columns compared (by the delete files' field ids). */
  columns: string[];
  files: { path: string; absPath: string; sequenceNumber: string; /** null: unpartitioned spec, applies to every partition */ partitionKey: string | null }[];
}

export interface ScanPlan {
  format: TableFormat;
  version: string | number;
  /** The table schema in force at this version: the columns and types of the result. */
  schema: StructType;
  match: ColumnMatch;
  /** Iceberg `schema.name-mapping.default` (field id → names), for files without field ids. */
  nameMapping?: Map<number, string[]>;
  /** Top-level columns whose values come from `ScanFile.constants`. */
  constantColumns: string[];
  /** Top-level columns taken from `ScanFile.fallbacks` when a file lacks them. */
  fallbackColumns?: string[];
  files: ScanFile[];
  /** Rows the result holds, when known without reading data (records minus deletes). */
  numRows: number | null;
  equalityDeletes?: EqualityDeletes[];
  /**
   * Iceberg v3 row lineage columns appended to the schema (when asked for): a stored value wins,
   * else `_row_id` is the file's fallback (its first_row_id) plus the row position and
   * `_last_updated_sequence_number` the fallback (its data sequence number).
   */
  lineage?: { rowId: string; sequence: string };
  /**
   * Top-level columns every file must hold, with why no value can stand in when one does not
   * (Hudi partition columns whose path values are not the column's values): a file without one
   * is an error naming it, never a column of NULLs.
   */
  requiredColumns?: Record<string, string>;
  /**
   * The rows are not the snapshot's full content: Hudi merge-on-read read through its base files
   * only (the read-optimized view). Every result built from this plan says so.
   */
  readOptimized?: boolean;
  /** What every result of this plan must show with its rows (e.g. the read-optimized view). */
  notes?: string[];
}
