/**
 * The query engine, loaded on first use (DuckDB is a 70 MB native module: activation must not pay
 * for it), one per extension host, with one TableQuery per table.
 */
import * as os from 'node:os';
import type { QueryEngine, TableQuery } from '../query/engine';
import { cacheSettings } from './config';
import { query } from './lazy';
import type { TableEntry } from './registry';

let engineP: Promise<QueryEngine> | undefined;
const tables = new Map<string, TableQuery>();

export function queryEngine(): Promise<QueryEngine> {
  engineP ??= Promise.resolve().then(() => {
    const q = query();
    q.configureStaging(cacheSettings());
    return new q.QueryEngine({ tempRoot: os.tmpdir() });
  }).catch((err) => {
    engineP = undefined;
    throw err;
  });
  return engineP;
}

export async function tableQuery(entry: TableEntry): Promise<TableQuery> {
  let q = tables.get(entry.id);
  if (!q) {
    q = (await queryEngine()).table(await entry.storage());
    tables.set(entry.id, q);
  }
  return q;
}

export async function disposeEngine(): Promise<void> {
  tables.clear();
  const e = engineP;
  engineP = undefined;
  if (e) await (await e).dispose().catch(() => undefined);
}
