/**
 * Builds throw-away workspaces for e2e tests: copies of real corpus tables (from ../shared/corpus,
 * never written to) arranged into a lakehouse layout, plus ordinary folders and files. Everything
 * goes into the run's temp folder; the copies are writable so tests may change them.
 *
 * Test authors: add tables to LAKE below, or pass your own layout to buildWorkspace().
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateDemoLakehouse } from '../../../scripts/demo/generate';
import { e2eEnv } from './env';

/** One entry of a workspace: a corpus table/folder to copy, or a file with given text. */
export type WorkspaceEntry = { corpus: string } | { text: string } | { dir: true };

/** Workspace-relative path → what goes there. */
export type WorkspaceLayout = Record<string, WorkspaceEntry>;

/** The default lakehouse: Delta, Iceberg and Hudi tables in bronze/silver/gold, and a non-table folder. */
export const LAKE: WorkspaceLayout = {
  'lake/bronze/trips_hudi': { corpus: 'open/hudi-rs/v6_cow_trips_partitioned' },
  'lake/bronze/events_partitioned': { corpus: 'open/dat/basic_partitioned/delta' },
  'lake/silver/simple_checkpointed': { corpus: 'open/delta-rs/simple_table_with_checkpoint' },
  'lake/silver/mytable_iceberg': { corpus: 'open/duckdb-iceberg/equality_deletes_mytable' },
  'lake/gold/positional_deletes_iceberg': { corpus: 'open/impala/iceberg_v2_delete_positional' },
  'notes/README.md': { text: '# Notes\n\nNot a table: a plain folder with a markdown file.\n' },
  'notes/queries/example.sql': { text: 'SELECT 1;\n' },
  'empty': { dir: true },
};

/** Labels (folder names) of the tables in LAKE, by format. */
export const LAKE_TABLES = {
  delta: ['events_partitioned', 'simple_checkpointed'],
  iceberg: ['mytable_iceberg', 'positional_deletes_iceberg'],
  hudi: ['trips_hudi'],
} as const;

/** Copies a folder tree, making the copies writable (the corpus is read-only). */
export function copyTree(from: string, to: string): void {
  const st = fs.statSync(from);
  if (st.isDirectory()) {
    fs.mkdirSync(to, { recursive: true, mode: 0o755 });
    for (const name of fs.readdirSync(from)) copyTree(path.join(from, name), path.join(to, name));
  } else {
    fs.copyFileSync(from, to);
    fs.chmodSync(to, 0o644);
    fs.utimesSync(to, st.atime, st.mtime); // keep mtimes: Delta falls back to them for commit times
  }
}

/**
 * Creates `<run dir>/workspaces/<name>` from a layout and returns its absolute path. A name used
 * twice in a run gets a fresh folder each time.
 */
export function buildWorkspace(name: string, layout: WorkspaceLayout = LAKE): string {
  const env = e2eEnv();
  const dir = newWorkspaceDir(name);
  for (const [rel, entry] of Object.entries(layout)) {
    const target = path.join(dir, ...rel.split('/'));
    if ('corpus' in entry) {
      const src = path.join(env.corpus, entry.corpus);
      if (!fs.existsSync(src)) throw new Error(`corpus table missing: ${src} (LAKELENS_SHARED=${env.shared})`);
      copyTree(src, target);
    } else if ('text' in entry) {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, entry.text);
    } else {
      fs.mkdirSync(target, { recursive: true });
    }
  }
  return dir;
}

/** A new empty folder <run dir>/workspaces/<name>[-N]. */
export function newWorkspaceDir(name: string): string {
  const base = path.join(e2eEnv().runDir, 'workspaces');
  fs.mkdirSync(base, { recursive: true });
  let dir = path.join(base, name);
  for (let i = 2; fs.existsSync(dir); i++) dir = path.join(base, `${name}-${i}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * A workspace holding the generated demo lakehouse (scripts/demo: bronze/events, silver/customers,
 * gold/orders, landing/) — deterministic tables a test may also change.
 */
export async function buildDemoWorkspace(name = 'demo'): Promise<string> {
  const dir = newWorkspaceDir(name);
  await generateDemoLakehouse(dir);
  return dir;
}
