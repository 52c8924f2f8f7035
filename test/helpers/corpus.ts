/**
 * Where the shared corpus lives (../shared beside the repo, read in place) and what its index says.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MemStorage } from '../../src/core/storage/memory';

/** Repo root: tests run from out/test/*.js, bundled from test/*.ts. */
export const REPO = path.resolve(__dirname, '..', '..');
export const SHARED = process.env.LAKELENS_SHARED ?? path.resolve(REPO, '..', 'shared');
export const CORPUS = path.join(SHARED, 'corpus');

export interface IndexEntry {
  name: string;
  source: string;
  table_root: string;
  format: string;
  note: string;
  delta?: {
    latest_version: number;
    min_commit: number;
    max_commit: number;
    active_files: number;
    protocol: string;
    checkpoints: Record<string, unknown>;
    features: string[];
    complete: boolean;
  };
  iceberg?: Record<string, unknown> & { location: string; features?: string[] };
}

let index: IndexEntry[] | undefined;
export function corpusIndex(): IndexEntry[] {
  index ??= JSON.parse(fs.readFileSync(path.join(CORPUS, 'index.json'), 'utf8')) as IndexEntry[];
  return index;
}

export function tableRoot(e: IndexEntry): string {
  return path.join(CORPUS, e.table_root);
}

export function corpusPath(rel: string): string {
  return path.join(CORPUS, rel);
}

/** Copies a corpus folder into a MemStorage (for tests that alter a table). */
export function memCopy(dir: string): MemStorage {
  const mem = new MemStorage(dir);
  const walk = (rel: string) => {
    for (const d of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) walk(r);
      else mem.put(r, fs.readFileSync(path.join(dir, r)), fs.statSync(path.join(dir, r)).mtimeMs);
    }
  };
  walk('');
  return mem;
}
