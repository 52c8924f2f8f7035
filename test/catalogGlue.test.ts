/**
 * The AWS Glue client on moto (the real AWS API mock, scripts/servers/moto.mjs): databases and
 * tables over the signed JSON 1.1 protocol, paging as moto does it, format recognition (Iceberg's
 * table_type + metadata_location, Spark's delta provider, Hudi's input format, `_delta_log/` found
 * in storage, plain Parquet named as such), tables uploaded to moto's S3 opened through the catalog
 * and compared with the same folder on disk, and errors. Fixtures are made with Glue's own write
 * calls (test code, test/helpers/glueAws.ts); the client only reads.
 */
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { before, describe, test, type TestContext } from 'node:test';
import type { Catalog, CatalogDefinition } from '../src/catalog/catalog';
import { classifyGlue, openGlueCatalog } from '../src/catalog/glue';
import { isLakeError } from '../src/core/errors';
import type { Snapshot } from '../src/core/model';
import { FsStorage } from '../src/core/storage/local';
import { storageFor } from '../src/core/storage/storageFor';
import { openTable } from '../src/core/table';
import { corpusPath } from './helpers/corpus';
import { createBucket, glueCall, uploadFolder } from './helpers/glueAws';
import { server } from './helpers/servers';

// the AWS default chain finds these (this test process only); never a real account
process.env['AWS_ACCESS_KEY_ID'] = 'testing';
process.env['AWS_SECRET_ACCESS_KEY'] = 'testing';
process.env['AWS_EC2_METADATA_DISABLED'] = 'true';
delete process.env['AWS_PROFILE'];

const BUCKET = 'lakelens-glue';
const DELTA = corpusPath('open/dat/basic_append/delta');
const ICEBERG = corpusPath('open/impala/iceberg_v3_deletion_vectors');
const PARQUET_DIR = corpusPath('open/unitycatalog/numbers');
const DBS = ['lake', 'db01', 'db02', 'db03', 'db04', 'db05'];
const FAST = { timeoutMs: 3000, retries: 0 };

let moto = '';
let uploaded = false;
let s3Why = '';
let motoWhy = '';

/** Skips a test when moto could not be started (its module may still be a placeholder in this tree). */
function needMoto(t: TestContext): boolean {
  if (moto) return true;
  t.skip(`moto is not available: ${motoWhy}`);
  return false;
}

before(async () => {
  const t0 = Date.now();
  try {
    moto = (await server('moto'))['LAKELENS_TEST_MOTO']!;
  } catch (err) {
    motoWhy = (err as Error).message.split('\n')[0]!;
    return;
  }
  process.stderr.write(`[glue] moto up in ${Date.now() - t0} ms\n`);
  for (const Name of DBS) await glueCall(moto, 'CreateDatabase', { DatabaseInput: { Name, Description: `${Name} db` } });
  await createBucket(moto, BUCKET);
  await uploadFolder(moto, BUCKET, 'delta', DELTA);
  await uploadFolder(moto, BUCKET, 'delta_sniffed', DELTA);
  await uploadFolder(moto, BUCKET, 'ice', ICEBERG);
  // the Parquet files alone: a plain Hive table
  await uploadFolder(moto, BUCKET, 'plain', PARQUET_DIR, (rel) => rel === '_delta_log');
  const table = (Name: string, extra: Record<string, unknown>) => glueCall(moto, 'CreateTable', { DatabaseName: 'lake', TableInput: { Name, Owner: 'etl', Description: `${Name} table`, ...extra } });
  const sd = (Location: string, InputFormat?: string) => ({ Location, ...(InputFormat ? { InputFormat } : {}), Columns: [{ Name: 'id', Type: 'int' }] });
  await table('ice', { TableType: 'EXTERNAL_TABLE', Parameters: { table_type: 'iceberg', metadata_location: `s3://${BUCKET}/ice/metadata/v3.metadata.json` }, StorageDescriptor: sd(`s3://${BUCKET}/ice`) });
  await table('delta_param', { TableType: 'EXTERNAL_TABLE', Parameters: { 'spark.sql.sources.provider': 'DELTA' }, StorageDescriptor: sd(`s3://${BUCKET}/delta`) });
  await table('delta_sniffed', { TableType: 'EXTERNAL_TABLE', Parameters: {}, StorageDescriptor: sd(`s3://${BUCKET}/delta_sniffed/`, 'org.apache.hadoop.mapred.SequenceFileInputFormat') });
  await table('hudi', { TableType: 'EXTERNAL_TABLE', StorageDescriptor: sd(`s3://${BUCKET}/hudi`, 'org.apache.hudi.hadoop.HoodieParquetInputFormat') });
  await table('plain', { TableType: 'EXTERNAL_TABLE', Parameters: { classification: 'parquet' }, StorageDescriptor: sd(`s3://${BUCKET}/plain`, 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat') });
  await table('a_view', { TableType: 'VIRTUAL_VIEW', ViewOriginalText: 'SELECT 1' });
  for (let i = 0; i < 12; i++) await table(`many_${String(i).padStart(2, '0')}`, { TableType: 'EXTERNAL_TABLE', Parameters: { table_type: 'ICEBERG', metadata_location: `s3://${BUCKET}/ice/metadata/v3.metadata.json` }, StorageDescriptor: sd(`s3://${BUCKET}/ice`) });
  // does the S3 backend in this tree read moto?
  try {
    const st = await storageFor(`s3://${BUCKET}/delta`, storageCfg());
    await st.list('_delta_log');
    uploaded = true;
  } catch (err) {
    s3Why = (err as Error).message;
  }
});

function storageCfg() {
  return { s3: { endpoint: moto, region: 'us-east-1', pathStyle: true } };
}

async function glue(extra: Partial<CatalogDefinition> = {}): Promise<Catalog> {
  return openGlueCatalog({ name: 'g', type: 'glue', uri: moto, region: 'us-east-1', storage: storageCfg(), ...extra }, {}, { http: FAST });
}

async function lakeErr(p: Promise<unknown>, kind: string, ...parts: string[]): Promise<string> {
  try {
    await p;
  } catch (err) {
    assert.ok(isLakeError(err), `not a LakeError: ${String(err)}`);
    assert.equal((err as { kind: string }).kind, kind, (err as Error).message);
    for (const s of parts) assert.ok((err as Error).message.includes(s), `${(err as Error).message} lacks ${s}`);
    return (err as Error).message;
  }
  assert.fail('expected an error');
}

/** What a snapshot says about the table, not where its files were read from. */
function essence(s: Snapshot) {
  return {
    format: s.format,
    version: s.version,
    schema: s.schema,
    partitionColumns: s.partitionColumns,
    numFiles: s.numFiles,
    sizeBytes: s.sizeBytes,
    numRecords: s.numRecords,
    numDeletedRecords: s.numDeletedRecords,
    files: s.files.map((f) => [f.path.replace(/^.*?\/(?=[^/]*$)/, ''), f.size]).sort(),
  };
}

describe('AWS Glue client on moto', () => {
  test('databases as namespaces, paged as moto pages them', async (t) => {
    if (!needMoto(t)) return;
    const g = await glue();
    const names: string[] = [];
    const sizes: number[] = [];
    let token: string | undefined;
    do {
      const p = await g.listNamespaces([], { pageSize: 2, ...(token ? { pageToken: token } : {}) });
      names.push(...p.items.map((n) => n[0]!));
      sizes.push(p.items.length);
      token = p.next;
    } while (token && sizes.length < 20);
    assert.deepEqual([...names].sort(), [...DBS].sort());
    process.stderr.write(`[glue] GetDatabases MaxResults=2 pages: ${sizes.join(',')}\n`);
    assert.ok(sizes.every((n) => n <= 2) || sizes.length === 1, `pages ${sizes.join(',')}`);
    assert.deepEqual((await g.listNamespaces(['lake'])).items, [], 'one level');
    assert.deepEqual((await g.listNamespaces([], { filter: 'DB0' })).items.length, 5);
  });

  test('tables: formats recognised from parameters, input format and storage; others named', async (t) => {
    if (!needMoto(t)) return;
    const g = await glue();
    const items = [];
    const sizes: number[] = [];
    let token: string | undefined;
    do {
      const p = await g.listTables(['lake'], { pageSize: 5, ...(token ? { pageToken: token } : {}) });
      items.push(...p.items);
      sizes.push(p.items.length);
      token = p.next;
    } while (token && sizes.length < 20);
    process.stderr.write(`[glue] GetTables MaxResults=5 pages: ${sizes.join(',')}\n`);
    // moto 5.2 answers GetTables (and GetDatabases) whole, without a NextToken: paging is checked below on a scripted server
    assert.ok(sizes.length === 1 || sizes.every((n) => n <= 5), `pages ${sizes.join(',')}`);
    const by = new Map(items.map((t) => [t.name, t]));
    assert.equal(by.size, 18);
    assert.deepEqual([by.get('ice')?.kind, by.get('ice')?.format], ['table', 'iceberg']);
    assert.deepEqual([by.get('many_07')?.kind, by.get('many_07')?.format], ['table', 'iceberg']);
    assert.deepEqual([by.get('delta_param')?.kind, by.get('delta_param')?.format], ['table', 'delta']);
    assert.deepEqual([by.get('hudi')?.kind, by.get('hudi')?.format], ['table', 'hudi']);
    assert.equal(by.get('a_view')?.kind, 'view');
    assert.equal(by.get('plain')?.kind, 'other');
    assert.equal(by.get('plain')?.note, 'parquet (Hive table): not a lakehouse table');
    assert.deepEqual(by.get('ice')?.namespace, ['lake']);
    if (uploaded) assert.deepEqual([by.get('delta_sniffed')?.kind, by.get('delta_sniffed')?.format], ['table', 'delta']);
    else assert.match(by.get('delta_sniffed')?.note ?? '', /could not be checked/);
    const f = await g.listTables(['lake'], { filter: 'many_0' });
    assert.ok(f.items.every((t) => t.name.startsWith('many_0')));
  });

  test('classification without I/O: case-insensitive table_type, Athena DELTA, Hudi realtime, ORC and CSV named', () => {
    assert.equal(classifyGlue({ Parameters: { TABLE_TYPE: 'Iceberg' } }).format, 'iceberg');
    assert.equal(classifyGlue({ Parameters: { table_type: 'DELTA' } }).format, 'delta');
    assert.equal(classifyGlue({ StorageDescriptor: { InputFormat: 'org.apache.hudi.hadoop.realtime.HoodieParquetRealtimeInputFormat' } }).format, 'hudi');
    assert.equal(classifyGlue({ StorageDescriptor: { InputFormat: 'org.apache.hadoop.hive.ql.io.orc.OrcInputFormat' } }).note, 'orc (Hive table): not a lakehouse table');
    assert.equal(classifyGlue({ StorageDescriptor: { SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.serde2.OpenCSVSerde' } } }).note, 'csv (Hive table): not a lakehouse table');
  });

  test('loadTable: format, location, metadataLocation, storage with the same region; info', async (t) => {
    if (!needMoto(t)) return;
    const g = await glue({ profile: undefined });
    const ice = await g.loadTable(['lake'], 'ice');
    assert.equal(ice.format, 'iceberg');
    assert.equal(ice.location, `s3://${BUCKET}/ice`);
    assert.equal(ice.metadataLocation, `s3://${BUCKET}/ice/metadata/v3.metadata.json`);
    assert.equal(ice.storage.s3?.endpoint, moto);
    assert.equal(ice.storage.s3?.region, 'us-east-1');
    assert.equal(ice.info['owner'], 'etl');
    assert.equal(ice.info['comment'], 'ice table');
    assert.equal(ice.info['columns'], 'id int');
    const d = await g.loadTable(['lake'], 'delta_param');
    assert.deepEqual([d.format, d.location], ['delta', `s3://${BUCKET}/delta`]);
    await lakeErr(g.loadTable(['lake'], 'plain'), 'unsupported', 'glue "g"', 'lake.plain', 'parquet (Hive table)');
    await lakeErr(g.loadTable(['lake'], 'a_view'), 'unsupported', 'a view');
  });

  test('Delta and Iceberg tables on moto S3, opened through the catalog, equal the local folders', async (t) => {
    if (!needMoto(t)) return;
    if (!uploaded) return t.skip(`the S3 backend in this tree does not read moto: ${s3Why}`);
    const g = await glue();
    for (const [name, dir] of [['delta_param', DELTA], ['delta_sniffed', DELTA], ['ice', ICEBERG]] as const) {
      const l = await g.loadTable(['lake'], name);
      const remote = await (await openTable(await storageFor(l.location, l.storage), l.format, l.metadataLocation ? { metadataLocation: l.metadataLocation } : {})).snapshot();
      const local = await (await openTable(new FsStorage(dir), l.format)).snapshot();
      assert.deepEqual(essence(remote), essence(local), name);
    }
  });

  test('unknown database or table: missing, naming the catalog and the call', async (t) => {
    if (!needMoto(t)) return;
    const g = await glue();
    await lakeErr(g.listTables(['no_such_db']), 'missing', 'glue "g"', 'GetTables', 'no_such_db');
    await lakeErr(g.loadTable(['lake'], 'no_such_table'), 'missing', 'glue "g"', 'GetTable', 'lake.no_such_table');
    await lakeErr(g.loadTable(['no_such_db'], 'x'), 'missing', 'glue "g"', 'GetTable');
    await lakeErr(g.listTables(['a', 'b']), 'invalid-argument', '[database]');
  });

  test('no credentials: denied naming the source; no region: asks for one; unreachable: unavailable, fast', async (t) => {
    if (!needMoto(t)) return;
    const none = await openGlueCatalog({ name: 'g', type: 'glue', uri: moto, region: 'us-east-1' }, {}, { http: FAST, credentials: () => Promise.reject(new Error('Could not load credentials from any providers')) });
    await lakeErr(none.listNamespaces([]), 'denied', 'glue "g"', 'configured credentials');
    await lakeErr(openGlueCatalog({ name: 'g', type: 'glue' }, {}, { env: { AWS_CONFIG_FILE: '/nonexistent' } }), 'invalid-argument', 'no region');
    const t0 = Date.now();
    const gone = await openGlueCatalog({ name: 'gone', type: 'glue', uri: 'http://127.0.0.1:9', region: 'us-east-1' }, {}, { http: { timeoutMs: 1000, retries: 1, backoffMs: 10 } });
    await lakeErr(gone.listNamespaces([]), 'unavailable', 'glue "gone"', 'GetDatabases');
    assert.ok(Date.now() - t0 < 3000);
  });

  test('NextToken paging: MaxResults and NextToken sent in the JSON body, next page until no token (scripted server)', async () => {
    const seen: any[] = [];
    const srv = http.createServer((req, res) => {
      let b = '';
      req.on('data', (d: Buffer) => (b += d.toString()));
      req.on('end', () => {
        const j = JSON.parse(b);
        seen.push({ target: req.headers['x-amz-target'], type: req.headers['content-type'], auth: /^AWS4-HMAC-SHA256 Credential=testing\/\d{8}\/us-east-1\/glue\/aws4_request/.test(String(req.headers['authorization'])), ...j });
        const page = j.NextToken ? Number(j.NextToken) : 0;
        const out = { TableList: [{ Name: `t${page}`, Parameters: { table_type: 'ICEBERG' }, StorageDescriptor: { Location: `s3://b/t${page}` } }], ...(page < 2 ? { NextToken: String(page + 1) } : {}) };
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(out));
      });
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    try {
      const g = await openGlueCatalog({ name: 'p', type: 'glue', uri: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`, region: 'us-east-1', catalogId: '123456789012' }, {}, { http: FAST });
      const names: string[] = [];
      let token: string | undefined;
      do {
        const p = await g.listTables(['db'], { pageSize: 1, ...(token ? { pageToken: token } : {}) });
        names.push(...p.items.map((t) => t.name));
        token = p.next;
      } while (token);
      assert.deepEqual(names, ['t0', 't1', 't2']);
      assert.deepEqual(seen.map((s) => [s.target, s.type, s.auth, s.CatalogId, s.DatabaseName, s.MaxResults, s.NextToken]), [
        ['AWSGlue.GetTables', 'application/x-amz-json-1.1', true, '123456789012', 'db', 1, undefined],
        ['AWSGlue.GetTables', 'application/x-amz-json-1.1', true, '123456789012', 'db', 1, '1'],
        ['AWSGlue.GetTables', 'application/x-amz-json-1.1', true, '123456789012', 'db', 1, '2'],
      ]);
    } finally {
      await new Promise((r) => srv.close(r));
    }
  });

  test('the default endpoint is Glue in the region (not contacted: the client is only built)', async () => {
    const g = await openGlueCatalog({ name: 'aws', type: 'glue', region: 'eu-west-1' }, {});
    assert.equal(g.definition.name, 'aws');
  });
});
