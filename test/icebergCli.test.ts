/**
 * `lakelens` on Iceberg tables as a user runs it: exact snapshot ids in JSON, version selection
 * flags, history paging, the schema with field ids, the UniForm table's Iceberg side, and errors.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { parseJson } from '../src/core/json';
import { corpusPath } from './helpers/corpus';
import { json, run } from './helpers/cli';


const DV = corpusPath('open/impala/iceberg_v3_deletion_vectors');
const EQ = corpusPath('open/duckdb-iceberg/equality_deletes_mytable');
const metadataOf = (dir: string, file: string) => parseJson(fs.readFileSync(path.join(dir, 'metadata', file), 'utf8')) as any;

describe('lakelens on Iceberg tables', () => {
  test('snapshot --json: the exact snapshot id as a string, files with content kinds', () => {
    const md = metadataOf(DV, 'v3.metadata.json');
    const s = json('snapshot', DV);
    assert.equal(s.format, 'iceberg');
    assert.equal(s.version, String(md['current-snapshot-id']));
    assert.equal(typeof s.version, 'string');
    assert.equal(s.files.filter((f: any) => f.content === 'deletion-vector').length, 2);
    assert.equal(s.locationMapping.from, md.location);
    assert.equal(s.files[0].stats, undefined, 'stats only with --stats');
    const withStats = json('snapshot', DV, '--stats');
    assert.ok(withStats.files.some((f: any) => f.stats && f.stats.minValues));
  });

  test('history --json: newest first, string ids, paging with --before', () => {
    const md = metadataOf(EQ, 'v7.metadata.json');
    const all = json('history', EQ);
    assert.equal(all.length, md.snapshots.length);
    assert.ok(all.every((v: any) => typeof v.version === 'string' && v.snapshotId === v.version));
    const first = json('history', EQ, '--limit', '2');
    const next = json('history', EQ, '--limit', '2', '--before', first[1].version);
    assert.deepEqual([...first, ...next].map((v: any) => v.version), all.slice(0, 4).map((v: any) => v.version));
  });

  test('--snapshot-id, --version, --ref and --timestamp choose snapshots', () => {
    const md = metadataOf(EQ, 'v7.metadata.json');
    const log = md['snapshot-log'] as { 'snapshot-id': bigint | number; 'timestamp-ms': number }[];
    const older = String(log[log.length - 2]!['snapshot-id']);
    assert.equal(json('snapshot', EQ, '--snapshot-id', older).version, older);
    assert.equal(json('snapshot', EQ, '--version', older).version, older);
    assert.equal(json('snapshot', EQ, '--ref', 'main').version, String(md['current-snapshot-id']));
    const at = new Date(log[log.length - 2]!['timestamp-ms']).toISOString();
    assert.equal(json('snapshot', EQ, '--timestamp', at).version, older);
  });

  test('schema --json keeps field ids; the UniForm table shows its Iceberg side with --format iceberg', () => {
    const schema = json('schema', corpusPath('open/impala/iceberg_v2_equality_delete_schema_evolution'));
    assert.deepEqual(schema.fields.map((f: any) => [f.id, f.name]), [[1, 'i'], [2, 'd'], [3, 'str'], [4, 'j']]);
    const uni = corpusPath('open/unitycatalog/marksheet_uniform');
    assert.equal(json('snapshot', uni, '--format', 'iceberg').format, 'iceberg');
    assert.equal(json('snapshot', uni).format, 'delta');
  });

  test('human output names the Iceberg specifics', () => {
    const r = run('snapshot', DV);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /iceberg: +format v3, delete, sequence 2/);
    assert.match(r.stdout, /deletes: +2 file\(s\): 2 position deletes \(2 deletion vectors\)/);
    assert.match(r.stdout, /location: +hdfs:\/\/localhost:20500\/test-warehouse\/iceberg_v3_deletion_vectors → /);
  });

  test('errors: one line naming the problem, exit code 1', () => {
    const r = run('snapshot', EQ, '--snapshot-id', '42');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^lakelens: iceberg: snapshot 42 is not in the table metadata; known snapshots: .*\(metadata\/v7\.metadata\.json\)\n$/);
    const missing = run('snapshot', EQ, '--snapshot-id', '7342794868382145167');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /manifest list of snapshot 7342794868382145167 not found \(metadata\/snap-7342794868382145167-.*\.avro\)/);
  });
});
