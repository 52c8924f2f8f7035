/**
 * The `lakelens` CLI as a user runs it: a child process over corpus tables, checking exit codes,
 * the one-line errors, and the JSON documents.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { corpusIndex, corpusPath } from './helpers/corpus';
import { json, run } from './helpers/cli';


describe('lakelens CLI', () => {
  test('detect finds every DAT table and nothing inside them', () => {
    const found = json('detect', corpusPath('open/dat')) as { path: string; format: string }[];
    const expected = corpusIndex().filter((e) => e.table_root.startsWith('open/dat/')).map((e) => e.table_root.slice('open/dat/'.length)).sort();
    assert.deepEqual(found.map((t) => t.path), expected);
    assert.ok(found.every((t) => t.format === 'delta'));
  });

  test('detect skips a folder without _delta_log', () => {
    const found = json('detect', corpusPath('open/delta-negative')) as { path: string }[];
    assert.ok(!found.some((t) => t.path.startsWith('no-delta-log-folder')));
    assert.equal(found.length, 7);
  });

  test('history: newest first, limited, with operation and metrics', () => {
    const h = json('history', corpusPath('open/delta-rs/simple_table_with_checkpoint'), '--limit', '3') as Record<string, unknown>[];
    assert.deepEqual(h.map((v) => v.version), [10, 9, 8]);
    for (const v of h) {
      assert.equal(typeof v.timestamp, 'number');
      assert.equal(typeof v.operation, 'string');
      assert.equal(typeof v.operationParameters, 'object');
    }
  });

  test('snapshot: the documented shape, at latest, by version and by timestamp', () => {
    const table = corpusPath('open/dat/multi_partitioned/delta');
    const s = json('snapshot', table) as Record<string, unknown> & { files: Record<string, unknown>[] };
    for (const k of ['format', 'version', 'timestamp', 'protocol', 'metadata', 'schema', 'partitionColumns', 'numFiles', 'sizeBytes', 'numRecords', 'files', 'tombstones']) {
      assert.ok(k in s, `missing ${k}`);
    }
    assert.equal(s.format, 'delta');
    assert.equal(s.numFiles, s.files.length);
    for (const f of s.files) {
      for (const k of ['path', 'size', 'partitionValues', 'numRecords', 'deletionVector']) assert.ok(k in f, `file lacks ${k}`);
    }
    const v1 = json('snapshot', table, '--version', '1') as { version: number; timestamp: number };
    assert.equal(v1.version, 1);
    const byTs = json('snapshot', table, '--timestamp', new Date(v1.timestamp).toISOString()) as { version: number };
    assert.equal(byTs.version, 1);
    const schema = json('schema', table, '--version', '0') as { type: string; fields: unknown[] };
    assert.equal(schema.type, 'struct');
  });

  test('human output is readable text', () => {
    const r = run('snapshot', corpusPath('open/dat/basic_append/delta'), '--files');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^format: +delta$/m);
    assert.match(r.stdout, /^PATH +SIZE +RECORDS/m);
  });

  test('errors: exit 1 and one line naming the file', () => {
    const r = run('snapshot', corpusPath('open/delta-negative/versions-not-contiguous/delta'), '--json');
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /^lakelens: delta: commit 1 is missing.*00000000000000000001\.json/);
    const nv = run('snapshot', corpusPath('open/dat/basic_append/delta'), '--version', '7');
    assert.equal(nv.code, 1);
    assert.match(nv.stderr, /version 7 does not exist; the latest version is 1/);
  });

  test('usage errors: exit 2', () => {
    assert.equal(run('snapshot').code, 2);
    assert.equal(run('snapshot', '.', '--verson', '1').code, 2);
    assert.equal(run('frobnicate', '.').code, 2);
    assert.equal(run('snapshot', '.', '--version', '1', '--timestamp', '2024-01-01').code, 2);
  });

  test('int64 beyond 2^53 is printed as a string, exactly', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lakelens-cli-'));
    try {
      fs.cpSync(corpusPath('open/delta-rs/table-without-dv-small'), dir, { recursive: true });
      const commit = path.join(dir, '_delta_log', '00000000000000000000.json');
      fs.chmodSync(commit, 0o644);
      const text = fs.readFileSync(commit, 'utf8');
      const stats = JSON.stringify(JSON.stringify({ numRecords: 10, minValues: { value: -9223372036854775808 }, maxValues: { value: 9223372036854775807 }, nullCount: { value: 0 } }))
        .replace('-9223372036854776000', '-9223372036854775808').replace('9223372036854776000', '9223372036854775807');
      fs.writeFileSync(commit, text.replace(/"stats":"(?:[^"\\]|\\.)*"/, `"stats":${stats}`));
      const r = run('snapshot', dir, '--json', '--stats');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /"value": ?"9223372036854775807"/);
      assert.match(r.stdout, /"value": ?"-9223372036854775808"/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
