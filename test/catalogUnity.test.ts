/**
 * The Unity Catalog client: catalogs and schemas as namespaces, tables paged, loadTable's format,
 * location and storage opening the same snapshot as the folder itself, temporary credentials,
 * PAT / OAuth M2M / ~/.databrickscfg auth, and errors naming the call and never the secret.
 *
 * The same suite runs against the real Unity Catalog OSS server (scripts/servers/unity.mjs) when
 * it can be installed, and always against test/helpers/unityStub.ts, which answers as the spec and
 * the server's sources do (the server's jar does not resolve on the Maven Central reached here).
 * Fixtures are created over the server's write API (test code); the client only reads.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import type { CatalogDefinition, CatalogSecrets } from '../src/catalog/catalog';
import { mapTemporaryCredentials, openUnityCatalog, parseIni } from '../src/catalog/unity';
import { isLakeError } from '../src/core/errors';
import { FsStorage } from '../src/core/storage/local';
import { storageFor } from '../src/core/storage/storageFor';
import { openTable } from '../src/core/table';
import { corpusPath } from './helpers/corpus';
import { server } from './helpers/servers';
import { type UnityStub, startUnityStub } from './helpers/unityStub';

const API = '/api/2.1/unity-catalog';
const TABLES = {
  marksheet: { dir: corpusPath('open/unitycatalog/marksheet'), format: 'DELTA' },
  basic_append: { dir: corpusPath('open/dat/basic_append/delta'), format: 'DELTA' },
  ice: { dir: corpusPath('open/impala/iceberg_v3_deletion_vectors'), format: 'ICEBERG' },
  numbers_parquet: { dir: corpusPath('open/unitycatalog/numbers'), format: 'PARQUET' },
};
const SCHEMAS = Array.from({ length: 26 }, (_, i) => `s${String(i).padStart(2, '0')}`);
const fileUrl = (dir: string) => `file://${dir}`;
const FAST = { timeoutMs: 2000, retries: 0 };

async function post(base: string, p: string, body: unknown, token?: string): Promise<any> {
  const res = await fetch(`${base}${API}${p}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`fixture POST ${p}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/** Catalog, 26 schemas, and tables in s00 pointing at corpus folders, read in place. Returns what could not be created. */
async function fixture(base: string, catalog: string, token?: string): Promise<string[]> {
  const skipped: string[] = [];
  await post(base, '/catalogs', { name: catalog, comment: 'lakelens test' }, token);
  for (const s of SCHEMAS) await post(base, '/schemas', { name: s, catalog_name: catalog }, token);
  const column = { name: 'id', type_text: 'int', type_name: 'INT', type_json: '{"name":"id","type":"integer","nullable":true,"metadata":{}}', position: 0, nullable: true };
  for (const [name, t] of Object.entries(TABLES)) {
    try {
      await post(base, '/tables', { name, catalog_name: catalog, schema_name: 's00', table_type: 'EXTERNAL', data_source_format: t.format, storage_location: fileUrl(t.dir), columns: [column], comment: `${name} comment` }, token);
    } catch (err) {
      skipped.push(`${name}: ${(err as Error).message}`);
    }
  }
  try {
    await post(base, '/tables', { name: 'a_view', catalog_name: catalog, schema_name: 's00', table_type: 'VIEW', columns: [column], view_definition: 'SELECT 1 AS id' }, token);
  } catch (err) {
    skipped.push(`a_view: ${(err as Error).message}`);
  }
  return skipped;
}

async function all<T>(pageFn: (token?: string) => Promise<{ items: T[]; next?: string }>): Promise<{ items: T[]; pages: number; sizes: number[] }> {
  const items: T[] = [];
  const sizes: number[] = [];
  let token: string | undefined;
  do {
    const p = await pageFn(token);
    items.push(...p.items);
    sizes.push(p.items.length);
    token = p.next;
  } while (token);
  return { items, pages: sizes.length, sizes };
}

async function lakeErr(p: Promise<unknown>, kind: string, ...parts: (string | RegExp)[]): Promise<string> {
  try {
    await p;
  } catch (err) {
    assert.ok(isLakeError(err), `not a LakeError: ${String(err)}`);
    assert.equal((err as { kind: string }).kind, kind, (err as Error).message);
    for (const s of parts) assert.match((err as Error).message, typeof s === 'string' ? new RegExp(s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : s);
    return (err as Error).message;
  }
  assert.fail('expected an error');
}

async function folderSnapshot(dir: string, format?: 'delta' | 'iceberg') {
  return (await openTable(new FsStorage(dir), format)).snapshot();
}

/** One suite against a server (real or stub): `target()` gives its URL, or skips the test. */
function suite(label: string, target: (t: TestContext) => { url: string; catalog: string; skipped: string[] } | undefined) {
  describe(`Unity Catalog client on ${label}`, () => {
    const open = (url: string, extra: Partial<CatalogDefinition> = {}, secrets: CatalogSecrets = {}) => openUnityCatalog({ name: 'uc', type: 'unity', uri: url, ...extra }, secrets, { http: FAST });

    test('catalogs, then schemas, paged by max_results', async (t) => {
      const s = target(t);
      if (!s) return;
      const uc = await open(s.url);
      const cats = await all((pageToken) => uc.listNamespaces([], { pageSize: 1, ...(pageToken ? { pageToken } : {}) }));
      assert.ok(cats.items.some((c) => c[0] === s.catalog), JSON.stringify(cats.items));
      assert.ok(cats.sizes.every((n) => n <= 1));
      const schemas = await all((pageToken) => uc.listNamespaces([s.catalog], { pageSize: 10, ...(pageToken ? { pageToken } : {}) }));
      assert.deepEqual(schemas.items.map((n) => n.join('.')).filter((x) => !x.endsWith('.default')).sort(), SCHEMAS.map((x) => `${s.catalog}.${x}`));
      assert.ok(schemas.pages >= 3 && schemas.sizes.every((n) => n <= 10), `pages ${schemas.sizes.join(',')}`);
      assert.deepEqual((await uc.listNamespaces([s.catalog, 's00'])).items, [], 'schemas have no children');
      const filtered = await uc.listNamespaces([s.catalog], { filter: 'S2' });
      assert.ok(filtered.items.every((n) => n[1]!.includes('s2')) && filtered.items.length >= 1);
    });

    test('tables: kinds and formats from the listing, paged', async (t) => {
      const s = target(t);
      if (!s) return;
      const uc = await open(s.url);
      const got = await all((pageToken) => uc.listTables([s.catalog, 's00'], { pageSize: 2, ...(pageToken ? { pageToken } : {}) }));
      assert.ok(got.sizes.every((n) => n <= 2) && got.pages >= 2, `pages ${got.sizes.join(',')}`);
      const by = new Map(got.items.map((x) => [x.name, x]));
      assert.deepEqual([by.get('marksheet')?.kind, by.get('marksheet')?.format], ['table', 'delta']);
      assert.deepEqual(by.get('marksheet')?.namespace, [s.catalog, 's00']);
      assert.equal(by.get('numbers_parquet')?.kind, 'other');
      assert.match(by.get('numbers_parquet')?.note ?? '', /PARQUET/);
      if (by.has('ice')) assert.deepEqual([by.get('ice')?.kind, by.get('ice')?.format], ['table', 'iceberg']);
      if (by.has('a_view')) assert.equal(by.get('a_view')?.kind, 'view');
      assert.deepEqual((await uc.listTables([s.catalog, 's01'])).items, []);
    });

    test('loadTable → openTable(storageFor(location, storage)) equals the folder, with a note that nothing was vended', async (t) => {
      const s = target(t);
      if (!s) return;
      const uc = await open(s.url);
      for (const name of ['marksheet', 'basic_append']) {
        const l = await uc.loadTable([s.catalog, 's00'], name);
        assert.equal(l.format, 'delta');
        assert.equal(l.location, fileUrl(TABLES[name as 'marksheet'].dir));
        assert.match(l.info['note'] ?? '', /vended no credentials|credential vending not available/);
        assert.equal(l.info['comment'], `${name} comment`);
        assert.ok(l.info['tableId']);
        const snap = await (await openTable(await storageFor(l.location, l.storage), l.format)).snapshot();
        assert.deepEqual(snap, await folderSnapshot(TABLES[name as 'marksheet'].dir));
      }
      if (!s.skipped.some((x) => x.startsWith('ice:'))) {
        const l = await uc.loadTable([s.catalog, 's00'], 'ice');
        assert.equal(l.format, 'iceberg');
        const snap = await (await openTable(await storageFor(l.location, l.storage), l.format)).snapshot();
        assert.deepEqual(snap, await folderSnapshot(TABLES.ice.dir, 'iceberg'));
      }
    });

    test('a PARQUET table and a view are refused by name and kind', async (t) => {
      const s = target(t);
      if (!s) return;
      const uc = await open(s.url);
      await lakeErr(uc.loadTable([s.catalog, 's00'], 'numbers_parquet'), 'unsupported', 'unity "uc"', `${s.catalog}.s00.numbers_parquet`, 'PARQUET');
      if (!s.skipped.some((x) => x.startsWith('a_view:'))) await lakeErr(uc.loadTable([s.catalog, 's00'], 'a_view'), 'unsupported', 'a view');
    });

    test('unknown catalog, schema or table: missing, naming the catalog and the call', async (t) => {
      const s = target(t);
      if (!s) return;
      const uc = await open(s.url);
      await lakeErr(uc.listNamespaces(['no_such_catalog']), 'missing', 'unity "uc"', 'listSchemas', 'no_such_catalog');
      await lakeErr(uc.listTables([s.catalog, 'no_such_schema']), 'missing', 'unity "uc"', 'listTables', `${s.catalog}.no_such_schema`);
      await lakeErr(uc.loadTable([s.catalog, 's00'], 'no_such_table'), 'missing', 'unity "uc"', 'getTable', `${s.catalog}.s00.no_such_table`);
      await lakeErr(uc.listTables(['just_one']), 'invalid-argument', '[catalog, schema]');
    });
  });
}

// ---- the real server, when it installs ----
let real: { url: string; catalog: string; skipped: string[] } | undefined;
let realWhy = '';
// ---- the stub, always ----
let stub: UnityStub;
let stubFixture: { url: string; catalog: string; skipped: string[] };

before(async () => {
  const t0 = Date.now();
  try {
    const env = await server('unity');
    const url = env['LAKELENS_TEST_UNITY']!;
    const catalog = `lakelens_${Date.now().toString(36)}`;
    real = { url, catalog, skipped: await fixture(url, catalog) };
    process.stderr.write(`[unity] real server up and fixture made in ${Date.now() - t0} ms; not created: ${real.skipped.join('; ') || 'none'}\n`);
  } catch (err) {
    realWhy = (err as Error).message.split('\n')[0]!;
  }
  stub = await startUnityStub();
  stubFixture = { url: stub.url, catalog: 'lakelens', skipped: await fixture(stub.url, 'lakelens') };
  // catalogs to page through
  for (const c of ['zz_other1', 'zz_other2']) await post(stub.url, '/catalogs', { name: c });
});
after(async () => {
  await stub?.close();
});

suite('the Unity Catalog OSS server', (t) => {
  if (!real) t.skip(`the real server is not available: ${realWhy}`);
  return real;
});
suite('the spec-shaped stub (test/helpers/unityStub.ts)', () => stubFixture);

describe('Unity Catalog auth and credentials (stub server: spec-shaped, not the real server)', () => {
  let authStub: UnityStub;
  let tmp: string;
  before(async () => {
    authStub = await startUnityStub({
      token: 'dapi-right-token',
      client: { id: 'sp-client', secret: 'sp-secret' },
      vend: { s3: () => ({ aws_temp_credentials: { access_key_id: 'AKIAVENDED', secret_access_key: 'vended-secret', session_token: 'vended-session' }, expiration_time: Date.now() + 3600_000 }) },
    });
    await fixture(authStub.url, 'main', 'dapi-right-token');
    await post(authStub.url, '/tables', { name: 'on_s3', catalog_name: 'main', schema_name: 's01', table_type: 'EXTERNAL', data_source_format: 'DELTA', storage_location: 's3://bucket/warehouse/on_s3', columns: [] }, 'dapi-right-token');
    await post(authStub.url, '/tables', { name: 'on_gcs', catalog_name: 'main', schema_name: 's01', table_type: 'EXTERNAL', data_source_format: 'DELTA', storage_location: 'gs://bucket/on_gcs', columns: [] }, 'dapi-right-token');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lakelens-uc-'));
  });
  after(async () => {
    await authStub.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('PAT: the right token reads; a wrong one is denied naming the method, never the token', async () => {
    const ok = await openUnityCatalog({ name: 'ws', type: 'unity', uri: authStub.url, auth: 'pat' }, { token: 'dapi-right-token' }, { http: FAST });
    assert.ok((await ok.listNamespaces([])).items.some((c) => c[0] === 'main'));
    const bad = await openUnityCatalog({ name: 'ws', type: 'unity', uri: authStub.url }, { token: 'dapi-WRONG-token' }, { http: FAST });
    const msg = await lakeErr(bad.listNamespaces([]), 'denied', 'unity "ws"', 'listCatalogs', 'personal access token');
    assert.doesNotMatch(msg, /WRONG|dapi/);
    await lakeErr(openUnityCatalog({ name: 'ws', type: 'unity', uri: authStub.url, auth: 'pat' }, {}), 'invalid-argument', 'needs a token');
  });

  test('OAuth M2M: client credentials at {host}/oidc/v1/token with scope all-apis, token reused; a wrong secret is denied', async () => {
    authStub.calls.length = 0;
    const uc = await openUnityCatalog({ name: 'ws', type: 'unity', uri: authStub.url, auth: 'oauth2', clientId: 'sp-client' }, { clientSecret: 'sp-secret' }, { http: FAST });
    await uc.listNamespaces([]);
    await uc.listNamespaces(['main']);
    assert.equal(authStub.calls.filter((c) => c.path === '/oidc/v1/token').length, 1);
    const bad = await openUnityCatalog({ name: 'ws', type: 'unity', uri: authStub.url, clientId: 'sp-client' }, { clientSecret: 'nope-secret' }, { http: FAST });
    const msg = await lakeErr(bad.listNamespaces([]), 'denied', 'unity "ws"', 'OAuth', 'sp-client');
    assert.doesNotMatch(msg, /nope-secret/);
  });

  test('~/.databrickscfg profiles: host and token, or client id and secret, read when the definition names a profile', async () => {
    const cfg = path.join(tmp, 'databrickscfg');
    fs.writeFileSync(cfg, `; comment\n[DEFAULT]\nhost = http://127.0.0.1:1\n\n[dev]\nhost = ${authStub.url}\ntoken = dapi-right-token\n\n[sp]\nhost = ${authStub.url}/\nclient_id = sp-client\nclient_secret = sp-secret\n`);
    const env = { DATABRICKS_CONFIG_FILE: cfg };
    for (const profile of ['dev', 'sp']) {
      const uc = await openUnityCatalog({ name: 'p', type: 'unity', profile }, {}, { http: FAST, env });
      assert.ok((await uc.listNamespaces([])).items.some((c) => c[0] === 'main'), profile);
    }
    await lakeErr(openUnityCatalog({ name: 'p', type: 'unity', profile: 'nope' }, {}, { env }), 'invalid-argument', 'no profile "nope"', 'found: DEFAULT, dev, sp');
    await lakeErr(openUnityCatalog({ name: 'p', type: 'unity', profile: 'dev' }, {}, { env: { DATABRICKS_CONFIG_FILE: path.join(tmp, 'absent') } }), 'invalid-argument', 'cannot be read');
    assert.deepEqual(parseIni('[a]\nX = 1 = 2\n# c\n')?.get('a'), { x: '1 = 2' });
    // no profile named: the file is not read (the DEFAULT host would be unreachable)
    await lakeErr(openUnityCatalog({ name: 'p', type: 'unity' }, {}, { env }), 'invalid-argument', 'no server URL');
  });

  test('vended AWS credentials land in s3.credentials with expiration and a refresher; an unconfigured cloud path falls back with a note', async () => {
    const uc = await openUnityCatalog({ name: 'ws', type: 'unity', uri: authStub.url, storage: { s3: { endpoint: 'http://127.0.0.1:9', region: 'us-east-1' } } }, { token: 'dapi-right-token' }, { http: FAST });
    const l = await uc.loadTable(['main', 's01'], 'on_s3');
    assert.equal(l.location, 's3://bucket/warehouse/on_s3');
    assert.equal(l.storage.s3?.endpoint, 'http://127.0.0.1:9', 'definition storage kept');
    assert.equal(l.storage.s3?.credentials?.accessKeyId, 'AKIAVENDED');
    assert.equal(l.storage.s3?.credentials?.sessionToken, 'vended-session');
    assert.ok((l.storage.s3?.credentials?.expiration ?? 0) > Date.now());
    assert.equal(l.storage.s3?.credentialSource, 'unity catalog "ws"');
    assert.equal((await l.storage.s3!.refreshCredentials!()).accessKeyId, 'AKIAVENDED');
    assert.ok(l.info['credentialsExpire']);
    assert.equal(JSON.stringify(l.info).includes('vended-secret'), false);
    const g = await uc.loadTable(['main', 's01'], 'on_gcs');
    assert.match(g.info['note'] ?? '', /credential vending not available \(FAILED_PRECONDITION: gs storage configuration not found\.\)/);
    assert.equal(g.storage.gcs, undefined);
  });

  test('unit, against the spec response shape (TemporaryCredentials): Azure SAS, GCP token with refresh, empty answer', async () => {
    const base = { azure: { account: 'acct' }, http: FAST };
    const az = mapTemporaryCredentials({ azure_user_delegation_sas: { sas_token: 'sv=2024&sig=x' }, expiration_time: Date.now() + 1000 }, base, 'uc', () => Promise.reject(new Error('no')));
    assert.deepEqual(az.azure, { account: 'acct', sas: 'sv=2024&sig=x', credentialSource: 'uc' });
    let calls = 0;
    const gcs = mapTemporaryCredentials({ gcp_oauth_token: { oauth_token: 'ya29.first' }, expiration_time: Date.now() + 30_000 }, {}, 'uc', async () => ({ gcp_oauth_token: { oauth_token: `ya29.fresh${++calls}` }, expiration_time: Date.now() + 3600_000 }));
    // within a minute of expiring: fetched anew, then kept
    assert.equal(await gcs.gcs!.token!(), 'ya29.fresh1');
    assert.equal(await gcs.gcs!.token!(), 'ya29.fresh1');
    const lasting = mapTemporaryCredentials({ gcp_oauth_token: { oauth_token: 'ya29.long' }, expiration_time: Date.now() + 3600_000 }, {}, 'uc', () => Promise.reject(new Error('no')));
    assert.equal(await lasting.gcs!.token!(), 'ya29.long');
    const empty = {};
    assert.equal(mapTemporaryCredentials({ url: 'file:///x' }, empty, 'uc', () => Promise.reject(new Error('no'))), empty);
    const s3 = mapTemporaryCredentials({ aws_temp_credentials: { access_key_id: 'A', secret_access_key: 'S' } }, {}, 'uc', () => Promise.reject(new Error('no')));
    assert.deepEqual(s3.s3?.credentials, { accessKeyId: 'A', secretAccessKey: 'S' });
  });

  test('an unreachable server: unavailable, fast', async () => {
    const t0 = Date.now();
    const uc = await openUnityCatalog({ name: 'gone', type: 'unity', uri: 'http://127.0.0.1:9' }, {}, { http: { timeoutMs: 1000, retries: 1, backoffMs: 10 } });
    await lakeErr(uc.listNamespaces([]), 'unavailable', 'unity "gone"', 'listCatalogs');
    assert.ok(Date.now() - t0 < 3000, `${Date.now() - t0} ms`);
  });
});
