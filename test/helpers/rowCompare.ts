/**
 * Typed multiset comparison of two Parquet results in DuckDB: the actual file must have the
 * expected columns with the same types, and the same rows with the same multiplicities.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from './duck';

const q = sqlString;
const id = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** Undefined when equal, else a one-line description of the first difference. */
export async function compareWithExpected(conn: DuckDBConnection, actualFile: string, expectedDir: string): Promise<string | undefined> {
  const fs = await import('node:fs');
  const expectedFiles = fs.readdirSync(expectedDir).filter((f) => f.endsWith('.parquet')).map((f) => `${expectedDir}/${f}`);
  const actual = `read_parquet(${q(actualFile)})`;
  if (expectedFiles.length === 0) {
    const n = Number((await conn.runAndReadAll(`SELECT count(*) FROM ${actual}`)).getRowsJS()[0]![0]);
    return n === 0 ? undefined : `expected no rows, got ${n}`;
  }
  const expected = `read_parquet([${expectedFiles.map(q).join(', ')}], union_by_name = true)`;
  const types = async (rel: string) => new Map((await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${rel}`)).getRowsJS().map((r) => [String(r[0]), String(r[1])]));
  const et = await types(expected);
  const at = await types(actual);
  for (const [name, t] of et) {
    const a = at.get(name);
    if (a === undefined) return `column ${name} missing (have ${[...at.keys()].join(', ')})`;
    if (a !== t) return `column ${name} is ${a}, expected ${t}`;
  }
  const extra = [...at.keys()].filter((k) => !et.has(k));
  if (extra.length > 0) return `unexpected columns ${extra.join(', ')}`;
  const cols = [...et.keys()].map(id).join(', ');
  const count = async (sql: string) => Number((await conn.runAndReadAll(`SELECT count(*) FROM (${sql})`)).getRowsJS()[0]![0]);
  const missing = await count(`SELECT ${cols} FROM ${expected} EXCEPT ALL SELECT ${cols} FROM ${actual}`);
  const unexpected = await count(`SELECT ${cols} FROM ${actual} EXCEPT ALL SELECT ${cols} FROM ${expected}`);
  if (missing || unexpected) {
    const total = await count(`SELECT * FROM ${actual}`);
    const want = await count(`SELECT * FROM ${expected}`);
    return `${missing} expected rows missing, ${unexpected} unexpected rows (got ${total}, expected ${want})`;
  }
  return undefined;
}
