/**
 * Conformance of the query engine on Delta: every DAT case (each expected version) and every
 * delta-kernel-rs golden table with expected data. The engine exports the snapshot to Parquet;
 * a separate, unsandboxed DuckDB compares it with the expected Parquet as a typed multiset
 * (EXCEPT ALL both ways, on the expected columns), after checking the column types agree.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { DuckDBConnection } from '@duckdb/node-api';
import { referenceConnection } from './helpers/duck';
import { DeltaTable } from '../src/core/delta/table';
import { LakeError } from '../src/core/errors';
import { FsStorage } from '../src/core/storage/local';
import { QueryEngine } from '../src/query/engine';
import { CORPUS } from './helpers/corpus';
import { checkPages } from './helpers/pages';
import { compareWithExpected } from './helpers/rowCompare';

interface Case {
  name: string;
  table: string;
  version?: number;
  expected: string;
}

function cases(): Case[] {
  const out: Case[] = [];
  const dat = path.join(CORPUS, 'open/dat');
  for (const name of fs.readdirSync(dat).sort()) {
    const exp = path.join(dat, name, 'expected');
    if (!fs.existsSync(exp)) continue;
    for (const v of fs.readdirSync(exp).sort()) {
      const meta = JSON.parse(fs.readFileSync(path.join(exp, v, 'table_version_metadata.json'), 'utf8')) as { version: number };
      out.push({ name: `dat/${name}@${v}`, table: path.join(dat, name, 'delta'), version: meta.version, expected: path.join(exp, v, 'table_content') });
    }
  }
  const golden = path.join(CORPUS, 'open/delta-kernel-rs-golden');
  for (const name of fs.readdirSync(golden).sort()) {
    const exp = path.join(golden, name, 'expected');
    if (fs.existsSync(exp)) out.push({ name: `golden/${name}`, table: path.join(golden, name, 'delta'), expected: exp });
  }
  return out;
}

const engine = new QueryEngine({ memoryLimit: '512MB', threads: 2 });
let tmp: string;
let conn: DuckDBConnection;
const results: { name: string; ok: boolean; reason?: string }[] = [];

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lakelens-conf-'));
  conn = await referenceConnection();
});

after(async () => {
  await engine.dispose();
  fs.rmSync(tmp, { recursive: true, force: true });
  const passed = results.filter((r) => r.ok).length;
  process.stdout.write(`# delta conformance: ${passed}/${results.length} passed\n`);
  for (const r of results.filter((x) => !x.ok)) process.stdout.write(`#   FAIL ${r.name}: ${r.reason}\n`);
});

const all = cases();

/**
 * Cases whose expected data Lakelens deliberately does not reproduce. Reported as failures in the
 * summary (and as todo to node:test), each with its reason.
 */
const KNOWN: Record<string, string> = {
  'golden/data-reader-partition-values':
    'timestamp partition value "2021-09-08 11:11:11" has no zone; PROTOCOL.md says it is in the writer\'s zone, which the log does not record. ' +
    'Lakelens reads it as UTC (like delta-kernel-rs, which skips this table, and as kernel-timestamp-pst expects); this table\'s expected data assumed America/Los_Angeles.',
};

test('DAT and golden expected cases are present', () => {
  assert.ok(all.length >= 80, `found ${all.length}`);
});

for (const [i, c] of all.entries()) {
  const known = KNOWN[c.name];
  test(`rows of ${c.name} equal the expected rows`, known ? { todo: known } : {}, async () => {
    try {
      const storage = new FsStorage(c.table);
      const snap = await new DeltaTable(storage).snapshot(c.version === undefined ? {} : { version: c.version });
      const q = engine.table(storage);
      const out = path.join(tmp, `case${i}.parquet`);
      const exported = await q.export(snap, 'parquet', out);
      const diff = await compareWithExpected(conn, out, c.expected);
      assert.equal(diff, undefined, diff);
      const page = await q.preview(snap, 0, 100);
      assert.equal(page.totalRows, exported.rows, 'preview total equals the exported row count');
      await checkPages(q, snap, Math.min(10_000, Math.max(7, Math.ceil(exported.rows / 8))));
      results.push({ name: c.name, ok: true });
    } catch (err) {
      results.push({ name: c.name, ok: false, reason: `${(err as Error).message.split('\n')[0]}${known ? ` — known: ${known}` : ''}` });
      throw err;
    }
  });
}

test('a vacuumed data file is an error naming it, never a smaller result', async () => {
  const storage = new FsStorage(path.join(CORPUS, 'open/delta-kernel-rs-golden/snapshot-vacuumed/delta'));
  const snap = await new DeltaTable(storage).snapshot({ version: 0 });
  const missing = snap.files.find((f) => !fs.existsSync(path.join(storage.root, f.path)))!;
  assert.ok(missing, 'version 0 lacks a data file');
  const q = engine.table(storage);
  const named = (e: unknown) => e instanceof LakeError && e.kind === 'missing' && e.message.includes(missing.path);
  await assert.rejects(q.preview(snap, 0, 10), named);
  await assert.rejects(q.sql(snap, 'SELECT count(*) FROM t'), named);
  await assert.rejects(q.export(snap, 'parquet', path.join(tmp, 'vacuumed.parquet')), named);
});
