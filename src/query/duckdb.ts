/**
 * Loads `@duckdb/node-api` on first use. The module pulls in a ~70 MB native library; the
 * extension must activate and the CLI must run its metadata commands without it, so nothing else
 * imports it at runtime (other modules use `import type` only).
 */
export type DuckModule = typeof import('@duckdb/node-api');

let loading: Promise<DuckModule> | undefined;

export function loadDuckDB(): Promise<DuckModule> {
  loading ??= import('@duckdb/node-api').catch((err: unknown) => {
    loading = undefined;
    throw new Error(`cannot load DuckDB (@duckdb/node-api): ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  });
  return loading;
}

/** True once DuckDB has been requested (for tests that check it is not loaded eagerly). */
export function duckDBRequested(): boolean {
  return loading !== undefined;
}
