/**
 * A plain DuckDB for tests to read reference data with (expected rows, exported files), apart from
 * the engine under test: in memory, at UTC like the expected files.
 */
import type { DuckDBConnection } from '@duckdb/node-api';

export { str as sqlString } from '../../src/query/sql';

export async function referenceConnection(): Promise<DuckDBConnection> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const conn = await (await DuckDBInstance.create(':memory:')).connect();
  await conn.run(`SET TimeZone = 'UTC'`);
  return conn;
}
