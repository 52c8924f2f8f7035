/**
 * Options every table reader accepts, set by the host: the extension wants pauses for its event
 * loop; CLI and extension both hand in a fast reader for big checkpoint Parquet files.
 */

/** Raw checkpoint actions (`{ add: {...} }`, `{ metaData: {...} }`, …) of one Parquet file, in batches. */
export type ParquetActionSource = (path: string, signal?: AbortSignal) => AsyncIterable<Record<string, unknown>[]>;

export interface TableOptions {
  /** Give the event loop a turn after this many ms of uninterrupted work (unset: never). */
  yieldEveryMs?: number;
  /**
   * Reader for checkpoint and sidecar Parquet files larger than `bigParquetBytes` (the DuckDB
   * engine: hyparquet decodes a million-row checkpoint in over a minute). Without it, or below the
   * size, hyparquet reads them.
   */
  parquetActions?: ParquetActionSource;
  bigParquetBytes?: number;
  /**
   * Iceberg: the current metadata file as a catalog says (an absolute URI inside the table's
   * store, or a path relative to the table root). Used instead of the version hint and the
   * listing of metadata/, which a catalog-managed table need not keep up to date.
   */
  metadataLocation?: string;
}
