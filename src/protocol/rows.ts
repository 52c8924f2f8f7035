/** Row data as it travels to the views: JSON values, exact (int64, decimals, timestamps as strings). */
export type Cell = string | number | boolean | null | Cell[] | { [k: string]: Cell };
export type Row = Cell[];

export interface Column {
  name: string;
  /** DuckDB type name, e.g. BIGINT, DECIMAL(10,2), STRUCT(...). */
  type: string;
}
