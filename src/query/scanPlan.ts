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
  /** by Parquet field id (Delta id mode, Iceberg); physical name when a file has no ids */
  | 'id';

export interface ScanFile {
  /** Path as the table names it, for messages. */
  path: string;
  /** Absolute local path DuckDB opens. */
  absPath: string;
  /** Rows physically in the file, when the metadata says. */
  numRecords: number | null;
  /**
   * Values of top-level columns the file does not store, as typed SQL expressions such as
   * `CAST('2024-01-01' AS DATE)` (partition values; Iceberg identity partitions and initial
   * defaults). A column listed in `ScanPlan.constantColumns` is always taken from here, never from
   * the file; a missing entry is NULL.
   */
  constants: Record<string, string>;
  /** Deleted row positions, ascending (deletion vectors, position deletes). */
  deleted?: number[];
}

export interface ScanPlan {
  format: TableFormat;
  version: string | number;
  /** The table schema in force at this version: the columns and types of the result. */
  schema: StructType;
  match: ColumnMatch;
  /** Top-level columns whose values come from `ScanFile.constants`. */
  constantColumns: string[];
  files: ScanFile[];
  /** Rows the result holds, when known without reading data (records minus deletes). */
  numRows: number | null;
  /**
   * Extra SQL filters that remove deleted rows and need row data (Iceberg equality deletes).
   * Each is a boolean expression over the result's columns and the hidden file columns.
   */
  rowFilters?: string[];
}
