/**
 * The Iceberg REST catalog client against Apache Iceberg's own REST fixture (a real server, JDBC
 * catalog), with corpus tables copied into a temporary folder and registered into nested
 * namespaces: namespaces and tables paged, loadTable opened through storageFor/openTable equal
 * to the same folder opened directly, the catalog's metadata file winning over a stale version
 * hint, the fixture's errors, an unreachable catalog, and auth (bearer, OAuth2 client credentials
 * with expiry and revocation) enforced by a proxy in front of the fixture, which has none.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Catalog, CatalogDefinition, CatalogSecrets, CatalogTable, Page } from '../src/catalog/catalog';
import { openIcebergRestCatalog } from '../src/catalog/icebergRest';
import { bestCredential, describeVended, tableProps, vendedStorage } from '../src/catalog/icebergRestStorage';
import { LakeError } from '../src/core/errors';
import { CHOSEN_BY_CATALOG } from '../src/core/iceberg/metadataFiles';
import { IcebergTable } from '../src/core/iceberg/table';
import type { IcebergSnapshot } from '../src/core/iceberg/snapshot';
import { FsStorage } from '../src/core/storage/local';
import { storageFor } from '../src/core/storage/storageFor';
import { openTable } from '../src/core/table';
import { corpusIndex, tableRoot } from './helpers/corpus';
import { restProxy, tokenIssuer } from './helpers/icebergRestProxy';
import { lakeError } from './helpers/lakeError';
import { S3Uploader } from './helpers/s3Upload';
import { server } from './helpers/servers';
import * as icebergRestServer from '../scripts/servers/icebergRest.mjs';

/** Corpus tables registered, by namespace: Hadoop and metastore names, gzipped metadata, deletes, DVs. */
const TABLES: { ns: string[]; name: string; corpus: string }[] = [
  { ns: ['lake', 'duck'], name: 'eq_deletes', corpus: 'equality_deletes_mytable' },
  { ns: ['lake', 'duck'], name: 'defaults', corpus: 'add_columns_with_defaults' },
  { ns: ['lake', 'duck'], name: 'lineitem_gz', corpus: 'lineitem_iceberg_gz' },
  { ns: ['lake', 'duck'], name: 'part_time', corpus: 'partition_time' },
  { ns: ['lake', 'duck'], name: 'uuid', corpus: 'uuid' },
  { ns: ['lake', 'impala'], name: 'pos_deletes', corpus: 'iceberg_v2_partitioned_position_deletes' },
  { ns: ['lake', 'impala', 'v3'], name: 'dvs', corpus: 'iceberg_v3_deletion_vectors' },
];
const PAGED = 32;

let uri = '';
let work = '';
const copies = new Map<string, { dir: string; metadataLocation: string }>();
const enc = (ns: string[]) => ns.map(encodeURIComponent).join('%1F');

async function admin(method: string, p: string, body: unknown): Promise<unknown> {
  const res = await fetch(`${uri}${p}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

const def = (over: Partial<CatalogDefinition> = {}): CatalogDefinition => ({ name: 'fixture', type: 'iceberg-rest', uri, ...over });
const open = (over: Partial<CatalogDefinition> = {}, secrets: CatalogSecrets = {}) => openIcebergRestCatalog(def(over), secrets, { http: { retries: 1, backoffMs: 10, timeoutMs: 10_000 } });

async function all<T>(list: (token?: string) => Promise<Page<T>>): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let pages = 0;
  let token: string | undefined;
  do {
    const p = await list(token);
    pages++;
    items.push(...p.items);
    token = p.next;
    assert.ok(pages < 100, 'paging ends');
  } while (token !== undefined);
  return { items, pages };
}

/** A snapshot without how its metadata file was found: what must be equal either way. */
function comparable(s: IcebergSnapshot): unknown {
  const { metadataChosenBy: _m, notes: _n, ...rest } = s;
  return rest;
}

before(async () => {
  const t0 = Date.now();
  uri = (await server('icebergRest'))['LAKELENS_TEST_ICEBERG_REST']!;
  process.stderr.write(`iceberg REST fixture ready in ${Date.now() - t0} ms\n`);
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'lakelens-irc-'));
  const index = corpusIndex();
  const made = new Set<string>();
  const mkns = async (ns: string[]) => {
    for (let i = 1; i <= ns.length; i++) {
      const key = ns.slice(0, i).join('.');
      if (made.has(key)) continue;
      made.add(key);
      await admin('POST', '/v1/namespaces', { namespace: ns.slice(0, i), properties: {} }).catch((e: Error) => {
        if (!/AlreadyExists/.test(e.message)) throw e;
      });
    }
  };
  for (const t of TABLES) {
    const e = index.find((x) => x.name === t.corpus && x.iceberg);
    assert.ok(e, t.corpus);
    const dir = path.join(work, t.ns.join('.'), t.name);
    fs.cpSync(tableRoot(e), dir, { recursive: true });
    const metadataLocation = `file://${dir}/metadata/${e.iceberg!['current_metadata'] as string}`;
    copies.set(`${t.ns.join('.')}.${t.name}`, { dir, metadataLocation });
    await mkns(t.ns);
    await admin('POST', `/v1/namespaces/${enc(t.ns)}/register`, { name: t.name, 'metadata-location': metadataLocation });
  }
  for (let i = 0; i < PAGED; i++) await mkns(['paged', `n${String(i).padStart(2, '0')}`]);
  // a view beside the tables: listed with kind 'view'
  await admin('POST', `/v1/namespaces/${enc(['lake', 'duck'])}/views`, {
    name: 'v_ids',
    schema: { type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'id', required: false, type: 'int' }] },
    'view-version': { 'version-id': 1, 'timestamp-ms': Date.now(), 'schema-id': 0, summary: { 'engine-name': 'test' }, representations: [{ type: 'sql', sql: 'select id from eq_deletes', dialect: 'spark' }], 'default-namespace': ['lake', 'duck'] },
    properties: {},
  });
});

after(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('Iceberg REST catalog (Apache Iceberg REST fixture)', () => {
  test('namespaces: top level, nested by parent, paged over 32 children', async () => {
    const cat = await open();
    const top = await all((t) => cat.listNamespaces([], { ...(t ? { pageToken: t } : {}) }));
    assert.deepEqual(top.items.map((n) => n.join('.')).sort(), ['lake', 'paged']);
    const lake = await all((t) => cat.listNamespaces(['lake'], { ...(t ? { pageToken: t } : {}) }));
    assert.deepEqual(lake.items.map((n) => n.join('.')).sort(), ['lake.duck', 'lake.impala']);
    const deep = await cat.listNamespaces(['lake', 'impala']);
    assert.deepEqual(deep.items, [['lake', 'impala', 'v3']]);
    const paged = await all((t) => cat.listNamespaces(['paged'], { pageSize: 5, ...(t ? { pageToken: t } : {}) }));
    assert.equal(paged.items.length, PAGED);
    assert.equal(new Set(paged.items.map((n) => n.join('.'))).size, PAGED, 'no namespace twice across pages');
    assert.equal(paged.pages, Math.ceil(PAGED / 5), 'pages of 5');
    const filtered = await cat.listNamespaces(['paged'], { filter: 'N3' });
    assert.deepEqual(filtered.items.map((n) => n[1]).sort(), ['n30', 'n31']);
  });

  test('tables paged, then views (kind view)', async () => {
    const cat = await open();
    const listed = await all<CatalogTable>((t) => cat.listTables(['lake', 'duck'], { pageSize: 2, ...(t ? { pageToken: t } : {}) }));
    const tables = listed.items.filter((t) => t.kind === 'table');
    assert.deepEqual(tables.map((t) => t.name).sort(), ['defaults', 'eq_deletes', 'lineitem_gz', 'part_time', 'uuid']);
    assert.ok(tables.every((t) => t.format === 'iceberg' && t.namespace.join('.') === 'lake.duck'));
    assert.deepEqual(listed.items.filter((t) => t.kind === 'view').map((t) => t.name), ['v_ids']);
    assert.ok(listed.pages >= 4, `5 tables in pages of 2, then the views (${listed.pages} pages)`);
    const v3 = await cat.listTables(['lake', 'impala', 'v3']);
    assert.deepEqual(v3.items.map((t) => [t.namespace, t.name]), [[['lake', 'impala', 'v3'], 'dvs']]);
  });

  test('loadTable → openTable: the same snapshot, schema, version and history as the folder opened directly', async () => {
    const cat = await open();
    for (const t of TABLES) {
      const copy = copies.get(`${t.ns.join('.')}.${t.name}`)!;
      const loaded = await cat.loadTable(t.ns, t.name);
      assert.equal(loaded.format, 'iceberg');
      assert.equal(loaded.metadataLocation, copy.metadataLocation);
      // corpus metadata names the location it was written at, never this copy: read where the metadata is
      assert.equal(loaded.location, `file://${copy.dir}`, t.name);
      assert.ok(loaded.info['recorded-location'], 'the recorded location is kept for display');
      assert.equal(loaded.info['vended credentials'], 'none');
      const viaCatalog = await openTable(await storageFor(loaded.location, loaded.storage), 'iceberg', { metadataLocation: loaded.metadataLocation! });
      const direct = new IcebergTable(new FsStorage(copy.dir));
      const a = (await viaCatalog.snapshot()) as IcebergSnapshot;
      const b = await direct.snapshot();
      assert.equal(a.metadataChosenBy, CHOSEN_BY_CATALOG);
      assert.deepEqual(comparable(a), comparable(b), t.name);
      assert.deepEqual(await viaCatalog.history(), await direct.history(), t.name);
      assert.deepEqual(await viaCatalog.schemaHistory!(), await direct.schemaHistory(), t.name);
    }
  });

  test("a stale version hint loses to the catalog's metadata location", async () => {
    const src = copies.get('lake.duck.defaults')!;
    const dir = path.join(work, 'stale');
    fs.cpSync(src.dir, dir, { recursive: true });
    const names = fs.readdirSync(path.join(dir, 'metadata')).filter((n) => n.endsWith('.metadata.json')).sort();
    // the hint names the second of four metadata files by stem, as Impala and some tools write it
    fs.writeFileSync(path.join(dir, 'metadata', 'version-hint.text'), names[1]!.replace('.metadata.json', ''));
    await admin('POST', `/v1/namespaces/${enc(['lake'])}/register`, { name: 'stale', 'metadata-location': `file://${dir}/metadata/${names[3]}` });
    const direct = await new IcebergTable(new FsStorage(dir)).snapshot();
    assert.equal(direct.metadataFile, `metadata/${names[1]}`, 'the folder alone follows the hint');
    const cat = await open();
    const loaded = await cat.loadTable(['lake'], 'stale');
    const s = (await (await openTable(await storageFor(loaded.location, loaded.storage), 'iceberg', { metadataLocation: loaded.metadataLocation! })).snapshot()) as IcebergSnapshot;
    assert.equal(s.metadataFile, `metadata/${names[3]}`);
    assert.equal(s.metadataChosenBy, CHOSEN_BY_CATALOG);
    assert.ok(s.notes.some((n) => /catalog's current metadata file/.test(n)), s.notes.join('\n'));
    // the same table without the hint lists metadata/ and finds the newest file, as the catalog says
    const current = await new IcebergTable(new FsStorage(src.dir)).snapshot();
    assert.equal(current.metadataFile, `metadata/${names[3]}`);
    assert.equal(String(s.version), String(current.version));
    assert.notEqual(String(direct.version), String(s.version));
  });

  test('the metadata locator: relative paths, and absolute ones outside the table refused', async () => {
    const copy = copies.get('lake.duck.eq_deletes')!;
    const rel = await new IcebergTable(new FsStorage(copy.dir), { metadataLocation: 'metadata/v5.metadata.json' }).snapshot();
    assert.equal(rel.metadataFile, 'metadata/v5.metadata.json');
    const java = await new IcebergTable(new FsStorage(copy.dir), { metadataLocation: `file:${copy.dir}/metadata/v6.metadata.json` }).snapshot();
    assert.equal(java.metadataFile, 'metadata/v6.metadata.json', 'Java-style file:/ URIs');
    const other = copies.get('lake.duck.uuid')!.metadataLocation;
    await assert.rejects(new IcebergTable(new FsStorage(copy.dir), { metadataLocation: other }).snapshot(), lakeError('out-of-root', undefined, /catalog's metadata file .* is not inside the table's location/));
    await assert.rejects(new IcebergTable(new FsStorage(copy.dir), { metadataLocation: 's3://bucket/t/metadata/v1.metadata.json' }).snapshot(), lakeError('out-of-root'));
    await assert.rejects(new IcebergTable(new FsStorage(copy.dir), { metadataLocation: '../x/metadata/v1.metadata.json' }).snapshot(), lakeError('out-of-root'));
  });

  test('errors name the catalog and the call: missing namespace, missing table', async () => {
    const cat = await open();
    await assert.rejects(cat.listTables(['nope']), lakeError('missing', undefined, /^iceberg-rest "fixture": GET \/v1\/namespaces\/nope\/tables: not found \(HTTP 404 NoSuchNamespaceException: Namespace does not exist: nope\)/));
    await assert.rejects(cat.loadTable(['lake', 'duck'], 'absent'), lakeError('missing', undefined, /iceberg-rest "fixture": GET \/v1\/namespaces\/lake%1Fduck\/tables\/absent: not found \(HTTP 404 NoSuchTableException: Table does not exist: lake\.duck\.absent/));
    await assert.rejects(cat.listNamespaces(['nope']), lakeError('missing', undefined, /GET \/v1\/namespaces: not found .*NoSuchNamespaceException/));
  });

  test('an unreachable catalog is unavailable, fast', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const t0 = Date.now();
    await assert.rejects(
      openIcebergRestCatalog(def({ uri: `http://127.0.0.1:${port}` }), {}, { http: { retries: 1, backoffMs: 10, timeoutMs: 1000 } }),
      lakeError('unavailable', undefined, /^iceberg-rest "fixture": GET \/v1\/config: connection refused/),
    );
    assert.ok(Date.now() - t0 < 2000, `${Date.now() - t0} ms`);
  });

  test('a prefix from /v1/config puts every path under /v1/{prefix}; a missing endpoint is named', async () => {
    const proxy = await restProxy(uri, { prefix: 'wh-one', dropEndpoints: ['GET /v1/{prefix}/namespaces/{namespace}/views', 'GET /v1/{prefix}/namespaces/{namespace}/tables/{table}'] });
    try {
      const cat = await open({ uri: proxy.url, warehouse: 'one' });
      const listed = await all<CatalogTable>((t) => cat.listTables(['lake', 'duck'], { ...(t ? { pageToken: t } : {}) }));
      assert.equal(listed.items.length, 5, 'views not listed when the endpoint is not offered');
      assert.ok(proxy.seen.includes('GET /v1/wh-one/namespaces/lake%1Fduck/tables'), proxy.seen.join('\n'));
      assert.ok(!proxy.seen.some((s) => s.endsWith('/views')));
      await assert.rejects(cat.loadTable(['lake', 'duck'], 'uuid'), lakeError('unsupported', undefined, /iceberg-rest "fixture": the catalog does not offer GET \/v1\/\{prefix\}\/namespaces\/\{namespace\}\/tables\/\{table\}/));
    } finally {
      await proxy.close();
    }
  });

  test('bearer token: accepted, and a wrong one denied naming the method, not the token', async () => {
    const proxy = await restProxy(uri, { check: (t) => t === 'right-token' });
    try {
      const cat = await open({ uri: proxy.url, auth: 'bearer' }, { token: 'right-token' });
      assert.ok((await cat.listNamespaces([])).items.length > 0);
      const err = await open({ uri: proxy.url, auth: 'bearer' }, { token: 'wrong-token-123' }).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(err instanceof LakeError && err.kind === 'denied', String(err));
      assert.match(err.message, /iceberg-rest "fixture": GET \/v1\/config: access denied with credentials from bearer token \(HTTP 401 NotAuthorizedException/);
      assert.doesNotMatch(err.message, /wrong-token-123/);
      await assert.rejects(open({ uri: proxy.url }), lakeError('denied', undefined, /credentials from no auth/));
    } finally {
      await proxy.close();
    }
  });

  test('OAuth2 client credentials: token fetched once, refreshed after it expires and after a 401; a wrong secret is denied without the secret', async () => {
    const issuer = await tokenIssuer('lakelens', 'client-secret-xyz', 1);
    const proxy = await restProxy(uri, { check: (t) => issuer.isValid(t) });
    try {
      const oauth = { uri: proxy.url, auth: 'oauth2' as const, oauth2ServerUri: issuer.url, clientId: 'lakelens', scope: 'PRINCIPAL_ROLE:ALL' };
      const cat: Catalog = await open(oauth, { clientSecret: 'client-secret-xyz' });
      await cat.listNamespaces([]);
      await cat.listTables(['lake', 'duck']);
      assert.equal(issuer.requests, 1, 'one token for several calls');
      await new Promise((r) => setTimeout(r, 1100));
      await cat.listNamespaces(['lake']);
      assert.equal(issuer.requests, 2, 'a new token once the first expired');
      assert.equal(proxy.refused, 0, 'refreshed before use, not after a refusal');
      issuer.revokeAll();
      assert.equal((await cat.listNamespaces(['lake'])).items.length, 2);
      assert.equal(issuer.requests, 3, 'a 401 asks for a new token once');
      assert.equal(proxy.refused, 1);

      const err = await open(oauth, { clientSecret: 'not-the-secret-987' }).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(err instanceof LakeError && err.kind === 'denied', String(err));
      assert.match(err.message, /^iceberg-rest "fixture": POST http:\/\/127\.0\.0\.1:\d+\/token \(OAuth2 token\): OAuth2 client credentials \(client "lakelens"\) refused \(HTTP 401 invalid_client/);
      assert.doesNotMatch(err.message, /not-the-secret-987|client-secret-xyz/);
      await assert.rejects(open(oauth, {}), lakeError('denied', undefined, /no client secret is set/));
    } finally {
      await proxy.close();
      await issuer.close();
    }
  });
});

/**
 * The vended path end to end: a second fixture with an S3 warehouse on s3rver (behind its SigV4
 * verifier, key S3RVER) and CATALOG_INCLUDE__CREDENTIALS, which puts the catalog's S3 keys into
 * loadTable's config. The client's own storage settings name the endpoint only, with an empty
 * environment: the table reads only if the vended keys are used.
 */
describe('vended S3 credentials from the fixture (s3rver warehouse)', () => {
  const BUCKET = 'irc-vended';
  let s3 = '';
  let vendingUri = '';
  let stop: (() => Promise<void>) | undefined;
  let dataDir = '';
  const local = () => copies.get('lake.duck.eq_deletes')!.dir;

  before(async () => {
    s3 = (await server('s3rver'))['LAKELENS_TEST_S3RVER']!;
    const up = new S3Uploader({ endpoint: s3, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });
    await up.createBucket(BUCKET);
    await up.uploadDir(BUCKET, 'wh/db/eq', local());
    await icebergRestServer.install();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lakelens-irc-s3-'));
    const t0 = Date.now();
    const started = await icebergRestServer.start({
      dataDir,
      log: () => undefined,
      env: {
        CATALOG_WAREHOUSE: `s3://${BUCKET}/wh`,
        CATALOG_IO__IMPL: 'org.apache.iceberg.aws.s3.S3FileIO',
        CATALOG_S3_ENDPOINT: s3,
        CATALOG_S3_PATH__STYLE__ACCESS: 'true',
        CATALOG_S3_ACCESS__KEY__ID: 'S3RVER',
        CATALOG_S3_SECRET__ACCESS__KEY: 'S3RVER',
        CATALOG_CLIENT_REGION: 'us-east-1',
        CATALOG_INCLUDE__CREDENTIALS: 'true',
      },
    });
    process.stderr.write(`second fixture (S3 warehouse) up in ${Date.now() - t0} ms\n`);
    stop = started.stop;
    vendingUri = started.env['LAKELENS_TEST_ICEBERG_REST']!;
    const post = async (p: string, body: unknown) => {
      const res = await fetch(`${vendingUri}${p}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (!res.ok) throw new Error(`${p}: ${res.status} ${(await res.text()).slice(0, 400)}`);
    };
    await post('/v1/namespaces', { namespace: ['db'], properties: {} });
    await post('/v1/namespaces/db/register', { name: 'eq', 'metadata-location': `s3://${BUCKET}/wh/db/eq/metadata/v7.metadata.json` });
  });

  after(async () => {
    await stop?.();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('loadTable vends the keys; the table read with them equals the local copy', async () => {
    const storage = { s3: { endpoint: s3, pathStyle: true, region: 'us-east-1' }, env: {} };
    const cat = await openIcebergRestCatalog({ name: 'vending', type: 'iceberg-rest', uri: vendingUri, storage }, {}, { http: { retries: 1, backoffMs: 10 } });
    const loaded = await cat.loadTable(['db'], 'eq');
    assert.equal(loaded.location, `s3://${BUCKET}/wh/db/eq`);
    assert.equal(loaded.metadataLocation, `s3://${BUCKET}/wh/db/eq/metadata/v7.metadata.json`);
    assert.equal(loaded.info['vended credentials'], 'S3 keys');
    assert.equal(loaded.storage.s3?.credentials?.accessKeyId, 'S3RVER');
    assert.equal(loaded.storage.s3?.credentialSource, 'catalog "vending" (vended)');
    assert.equal(loaded.storage.s3?.endpoint, s3, 'the definition supplies the endpoint the fixture does not vend');
    assert.ok(!JSON.stringify(loaded.info).includes('S3RVER'), 'info never holds the keys');
    const remote = await openTable(await storageFor(loaded.location, loaded.storage), 'iceberg', { metadataLocation: loaded.metadataLocation! });
    const a = (await remote.snapshot()) as IcebergSnapshot;
    const b = await new IcebergTable(new FsStorage(local())).snapshot();
    assert.equal(a.metadataFile, 'metadata/v7.metadata.json');
    assert.equal(String(a.version), String(b.version));
    assert.deepEqual(a.schema, b.schema);
    assert.deepEqual(a.files, b.files);
    assert.deepEqual(await remote.history(), await new IcebergTable(new FsStorage(local())).history());
    // the verifier checks signatures: other keys are refused, so the read above used the vended ones
    const wrong = { ...loaded.storage, s3: { ...loaded.storage.s3, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'wrong' } } };
    await assert.rejects((async () => (await openTable(await storageFor(loaded.location, wrong), 'iceberg', { metadataLocation: loaded.metadataLocation! })).snapshot())(), lakeError('denied', undefined, /catalog "vending" \(vended\)/));
  });
});

describe('vended storage mapping (loadTable config and storage-credentials → StoreConfig)', () => {
  test('S3 keys, session token, expiry with refresh, endpoint, path style, region over the definition', async () => {
    let reloads = 0;
    const props = tableProps(
      { 's3.endpoint': 'http://127.0.0.1:9000', 'client.region': 'eu-west-1' },
      { 's3.access-key-id': 'AK', 's3.secret-access-key': 'SK', 's3.session-token': 'ST', 's3.session-token-expires-at-ms': '1700000000000', 's3.path-style-access': 'true' },
      [
        { prefix: 's3://bucket/', config: { 's3.access-key-id': 'AK-bucket', 's3.secret-access-key': 'SK-bucket' } },
        { prefix: 's3://bucket/wh/db/', config: { 's3.access-key-id': 'AK-db', 's3.secret-access-key': 'SK-db' } },
        { prefix: 's3://other/', config: { 's3.access-key-id': 'AK-other', 's3.secret-access-key': 'SK-other' } },
      ],
      's3a://bucket/wh/db/t',
    );
    const cfg = vendedStorage(props, { s3: { profile: 'p', region: 'us-east-1' }, http: { retries: 2 } }, 's3a://bucket/wh/db/t', 'catalog "prod" (vended)', async () => {
      reloads++;
      return { 's3.access-key-id': 'AK2', 's3.secret-access-key': 'SK2', 's3.session-token-expires-at-ms': '1800000000000' };
    });
    assert.equal(cfg.s3!.credentials!.accessKeyId, 'AK-db', 'the longest matching prefix, s3a:// matching s3://');
    assert.equal(cfg.s3!.credentials!.sessionToken, 'ST');
    assert.equal(cfg.s3!.credentials!.expiration, 1700000000000);
    assert.equal(cfg.s3!.endpoint, 'http://127.0.0.1:9000');
    assert.equal(cfg.s3!.pathStyle, true);
    assert.equal(cfg.s3!.region, 'eu-west-1');
    assert.equal(cfg.s3!.profile, 'p', 'the definition stays underneath');
    assert.equal(cfg.s3!.credentialSource, 'catalog "prod" (vended)');
    assert.deepEqual(cfg.http, { retries: 2 });
    const fresh = await cfg.s3!.refreshCredentials!();
    assert.deepEqual(fresh, { accessKeyId: 'AK2', secretAccessKey: 'SK2', expiration: 1800000000000 });
    assert.equal(reloads, 1);
    assert.equal(describeVended(props), 'S3 session credentials');
    assert.equal(bestCredential([{ prefix: 's3://bucket/wh/x', config: {} }], 's3://bucket/wh/db/t'), undefined);
  });

  test('ADLS SAS token for the table account, GCS token with expiry', async () => {
    const az = vendedStorage(
      { 'adls.sas-token.other.dfs.core.windows.net': 'sv=other', 'adls.sas-token.acct.dfs.core.windows.net': 'sv=2024&sig=x', 'adls.connection-string.acct.dfs.core.windows.net': 'http://127.0.0.1:10000/acct' },
      {},
      'abfss://container@acct.dfs.core.windows.net/wh/t',
      'catalog "az" (vended)',
    );
    assert.equal(az.azure!.sas, 'sv=2024&sig=x');
    assert.equal(az.azure!.account, 'acct');
    assert.equal(az.azure!.endpoint, 'http://127.0.0.1:10000/acct');
    let reloads = 0;
    const gcs = vendedStorage({ 'gcs.oauth2.token': 'ya29.one', 'gcs.oauth2.token-expires-at': String(Date.now() + 30_000) }, {}, 'gs://b/t', 'catalog "g" (vended)', async () => {
      reloads++;
      return { 'gcs.oauth2.token': 'ya29.two', 'gcs.oauth2.token-expires-at': String(Date.now() + 3_600_000) };
    });
    assert.equal(await gcs.gcs!.token!(), 'ya29.two', 'a token within a minute of expiry is fetched again');
    assert.equal(await gcs.gcs!.token!(), 'ya29.two');
    assert.equal(reloads, 1);
    assert.equal(describeVended({ 'gcs.oauth2.token': 'x', 'adls.sas-token.a': 'y' }), 'ADLS SAS token, GCS token');
  });
});
