/**
 * Big Delta checkpoints are read by DuckDB; the engine (and DuckDB's native module) is created
 * only when a checkpoint that big is met, so metadata commands on ordinary tables never load it.
 */
import type { ParquetActionSource, TableOptions } from '../core/options';
import type { Storage } from '../core/storage/storage';
import type { QueryEngine } from '../query/engine';

let engine: QueryEngine | undefined;

export function readerOptions(storage: Storage, shared?: QueryEngine): TableOptions {
  const source: ParquetActionSource = async function* (path, signal) {
    if (!shared && !engine) engine = new (await import('../query/engine')).QueryEngine();
    yield* (shared ?? engine)!.parquetActions(storage)(path, signal);
  };
  return { parquetActions: source };
}

/** Closes the engine if a big checkpoint made one. */
export async function closeReaders(): Promise<void> {
  const e = engine;
  engine = undefined;
  if (e) await e.dispose();
}
