/**
 * Locations: every spelling engines write for one object parses to the same store and key, the
 * canonical form round-trips, files are placed relative to a table only inside its own store, and
 * a Delta log's absolute URIs map onto a table read from an object store.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { canonicalDeltaPath } from '../src/core/delta/paths';
import { isLakeError } from '../src/core/errors';
import { formatLocation, isRemoteLocation, parseLocation, relativeTo, sameStore } from '../src/core/storage/location';

describe('parseLocation', () => {
  const cases: [string, ReturnType<typeof parseLocation>][] = [
    ['s3://bucket/wh/db/t', { kind: 's3', bucket: 'bucket', path: 'wh/db/t' }],
    ['s3a://bucket/wh/db/t/', { kind: 's3', bucket: 'bucket', path: 'wh/db/t' }],
    ['s3n://bucket', { kind: 's3', bucket: 'bucket', path: '' }],
    ['https://bucket.s3.eu-west-1.amazonaws.com/wh/t', { kind: 's3', bucket: 'bucket', path: 'wh/t' }],
    ['gs://b/lake/t', { kind: 'gcs', bucket: 'b', path: 'lake/t' }],
    ['https://storage.googleapis.com/b/lake/t', { kind: 'gcs', bucket: 'b', path: 'lake/t' }],
    ['abfss://cont@acct.dfs.core.windows.net/lake/t', { kind: 'azure', bucket: 'cont', account: 'acct', path: 'lake/t' }],
    ['abfs://cont@acct.dfs.core.windows.net/lake/t', { kind: 'azure', bucket: 'cont', account: 'acct', path: 'lake/t' }],
    ['wasbs://cont@acct.blob.core.windows.net/lake/t', { kind: 'azure', bucket: 'cont', account: 'acct', path: 'lake/t' }],
    ['https://acct.blob.core.windows.net/cont/lake/t', { kind: 'azure', bucket: 'cont', account: 'acct', path: 'lake/t' }],
    ['https://acct.dfs.core.windows.net/cont/lake/t', { kind: 'azure', bucket: 'cont', account: 'acct', path: 'lake/t' }],
    ['az://cont/lake/t', { kind: 'azure', bucket: 'cont', path: 'lake/t' }],
    ['s3://bucket/p/letter=%2F%2520%25f', { kind: 's3', bucket: 'bucket', path: 'p/letter=/%20%f' }],
    ['/home/me/lake/t', { kind: 'file', bucket: '', path: 'home/me/lake/t' }],
  ];
  for (const [s, want] of cases) test(s, () => assert.deepEqual(parseLocation(s), want));

  test('local paths are not remote, URIs are', () => {
    for (const s of ['/x/y', 'x/y', 'C:\\x\\y', 'file:///x']) assert.equal(isRemoteLocation(s), false, s);
    for (const s of ['s3://b/x', 'gs://b', 'abfss://c@a.dfs.core.windows.net/x', 'az://c/x']) assert.equal(isRemoteLocation(s), true, s);
  });

  test('unknown schemes and hosts are refused, naming the string', () => {
    for (const s of ['ftp://host/x', 'https://example.com/x', 's3:///nobucket']) {
      assert.throws(() => parseLocation(s), (e: unknown) => isLakeError(e) && e.kind === 'invalid-argument' && e.message.includes(s), s);
    }
  });

  test('canonical form round-trips', () => {
    for (const s of ['s3://bucket/wh/t', 'gs://b/lake/t', 'abfss://cont@acct.dfs.core.windows.net/lake/t', 'az://cont/lake/t', 's3://b/p/letter=%2F%2520%25f']) {
      assert.deepEqual(parseLocation(formatLocation(parseLocation(s))), parseLocation(s), s);
    }
    assert.equal(formatLocation(parseLocation('s3a://b/t/')), 's3://b/t');
    assert.equal(formatLocation(parseLocation('https://acct.blob.core.windows.net/cont/t')), 'abfss://cont@acct.dfs.core.windows.net/t');
  });
});

describe('relativeTo and sameStore', () => {
  const table = parseLocation('s3://b/wh/t');
  test('inside the table, whatever the spelling', () => {
    assert.equal(relativeTo(table, parseLocation('s3a://b/wh/t/data/x.parquet')), 'data/x.parquet');
    assert.equal(relativeTo(table, parseLocation('s3://b/wh/t')), '');
  });
  test('another bucket, a sibling prefix or another kind of store is not inside', () => {
    assert.equal(relativeTo(table, parseLocation('s3://other/wh/t/data/x.parquet')), undefined);
    assert.equal(relativeTo(table, parseLocation('s3://b/wh/t2/x.parquet')), undefined);
    assert.equal(relativeTo(table, parseLocation('gs://b/wh/t/x.parquet')), undefined);
  });
  test('Azure accounts compare case-insensitively; another account is another store', () => {
    const a = parseLocation('abfss://c@Acct.dfs.core.windows.net/t');
    assert.ok(sameStore(a, parseLocation('https://acct.blob.core.windows.net/c/t')));
    assert.ok(!sameStore(a, parseLocation('abfss://c@other.dfs.core.windows.net/t')));
  });
});

describe('Delta paths of a table in an object store', () => {
  test('absolute URIs inside the table become relative; elsewhere they stay absolute (and are refused later)', () => {
    assert.equal(canonicalDeltaPath('s3a://b/wh/t/part-0.parquet', 's3://b/wh/t'), 'part-0.parquet');
    assert.equal(canonicalDeltaPath('s3://b/wh/t/p%3D1/part-0.parquet', 's3://b/wh/t'), 'p=1/part-0.parquet');
    assert.equal(canonicalDeltaPath('s3://other/wh/t/part-0.parquet', 's3://b/wh/t'), 's3://other/wh/t/part-0.parquet');
    assert.equal(canonicalDeltaPath('part-0.parquet', 's3://b/wh/t'), 'part-0.parquet');
  });
});
