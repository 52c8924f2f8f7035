/**
 * Rows as JSON, losslessly. DuckDB's JSON converter (`JsonDuckDBValueConverter`) keeps what JSON
 * numbers cannot: BIGINT/HUGEINT/DECIMAL values, dates, times and timestamps become strings
 * (`"9007199254740993"`, `"123.4500"`, `"2024-01-01 12:00:00.123456+00"`), BLOBs DuckDB's escaped
 * text (`"\\xAA"`), FLOAT/DOUBLE stay numbers except NaN and ±Infinity (strings), structs become
 * objects, lists arrays and maps arrays of `{key, value}`. Rows are arrays in column order, so
 * duplicate column names in SQL results survive.
 */
import type { DuckDBDataChunk, DuckDBResult, Json } from '@duckdb/node-api';
import type { DuckModule } from './duckdb';

export type JsonValue = Json | null;
export type Row = JsonValue[];

export interface ColumnInfo {
  name: string;
  /** DuckDB type, e.g. `BIGINT`, `DECIMAL(10,2)`, `STRUCT("a" INTEGER)`. */
  type: string;
}

export function columnsOf(result: DuckDBResult): ColumnInfo[] {
  const names = result.columnNames();
  return result.columnTypes().map((t, i) => ({ name: names[i]!, type: t.toString() }));
}

export function chunkRows(duck: DuckModule, chunk: DuckDBDataChunk): Row[] {
  return chunk.convertRows(duck.JsonDuckDBValueConverter) as Row[];
}
