/**
 * The Azure Blob backend against Azurite (a real Blob API server that checks Shared Key and SAS
 * signatures): corpus tables read through every location spelling and every credential kind
 * answer as the local folders do; paging, listFrom, a 50 MB read in parallel ranges; errors for a
 * missing container, denied credentials (without leaking them), dead and refused servers; and
 * nothing written by the reader. Signing, token and error details also run against a tiny local
 * fake where Azurite cannot show them (bearer tokens, error bodies that quote the signature).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import * as net from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { ContainerClient } from '@azure/storage-blob';
import { isLakeError } from '../src/core/errors';
import { openTable } from '../src/core/table';
import { AzureStore, openAzureStore } from '../src/core/storage/azure';
import { cachedToken, parseConnectionString, sharedKeySignature } from '../src/core/storage/azureAuth';
import type { StoreConfig } from '../src/core/storage/config';
import { FsStorage } from '../src/core/storage/local';
import { parseLocation } from '../src/core/storage/location';
import { listAll } from '../src/core/storage/objectStore';
import { clearStores, storageFor } from '../src/core/storage/storageFor';
import { type Storage, listAfter } from '../src/core/storage/storage';
import { DEV_ACCOUNT, DEV_KEY, blob, containerSas, createContainer, uploadBytes, uploadFolder, uploadMany } from './helpers/azureUpload';
import { corpusPath } from './helpers/corpus';
import { lakeError } from './helpers/lakeError';
import { closedPort, withSilentServer } from './helpers/deadServers';
import { server } from './helpers/servers';
import { assertSameAsLocal } from './helpers/storeConformance';

const C = 'lakelens';
const TABLES: Record<string, string> = {
  'delta-checkpoint': corpusPath('open/delta-rs/simple_table_with_checkpoint'),
  'delta-dv': corpusPath('open/delta-rs/table-with-dv-small'),
  'delta-special': corpusPath('open/delta-kernel-rs-golden/hive-deltatbl-special-chars-in-partition-column'),
  'delta-special-2': corpusPath('open/delta-rs/delta-0.8.0-special-partition'),
  'iceberg-deletes': corpusPath('open/impala/iceberg_v2_partitioned_position_deletes'),
  'hudi-cow': corpusPath('open/hudi-rs/v6_cow_trips_partitioned'),
};
const BIG = 'big/fifty.bin';
const BIG_BYTES = randomBytes(50 * 1024 * 1024 + 12345);
const MANY = 2300;
const FAST: StoreConfig['http'] = { timeoutMs: 5_000, retries: 1, backoffMs: 20 };

let endpoint = '';
let conn = '';
let container: ContainerClient;

/** Key auth against Azurite, nothing read from the process environment. */
const keyCfg = (extra: StoreConfig['azure'] = {}): StoreConfig => ({ azure: { endpoint, key: DEV_KEY, ...extra }, env: {}, http: FAST });

async function snapshotOf(s: Storage): Promise<unknown> {
  const t = await openTable(s);
  const snap = await t.snapshot();
  return { format: t.format, version: snap.version, numFiles: snap.numFiles, numRecords: snap.numRecords, files: snap.files.map((f) => f.path).sort() };
}

/** Names and ETags of every blob in a container, for "nothing was written". */
async function inventory(): Promise<string[]> {
  const store = await openAzureStore({ kind: 'azure', bucket: C, account: DEV_ACCOUNT, path: '' }, keyCfg());
  const out: string[] = [];
  for await (const p of listAll(store, '', { delimiter: false })) for (const o of p.objects) out.push(`${o.key} ${o.etag} ${o.size}`);
  return out;
}

describe('Azure Blob backend on Azurite', { timeout: 600_000 }, () => {
  let before_: string[] = [];

  before(async () => {
    const env = await server('azurite');
    endpoint = env['LAKELENS_TEST_AZURITE']!;
    conn = env['LAKELENS_TEST_AZURITE_CONNECTION_STRING']!;
    container = await createContainer(conn, C);
    for (const [name, dir] of Object.entries(TABLES)) await uploadFolder(container, dir, `tables/${name}`);
    await uploadBytes(container, BIG, BIG_BYTES);
    await uploadMany(container, Array.from({ length: MANY }, (_, i) => `many/${String(i).padStart(5, '0')}.json`));
    // odd names: XML entities, spaces at both ends, digits only, non-ASCII. (A control character
    // makes Azurite 3.35 fail the whole listing with HTTP 500; the fake below covers Encoded="true".)
    await uploadMany(container, ['odd/a&b<c>.txt', 'odd/ spaced .txt', 'odd/007', 'odd/ünï😀.txt', 'odd/sub/x']);
    before_ = await inventory();
    clearStores();
  });

  after(() => clearStores());

  for (const [name, dir] of Object.entries(TABLES)) {
    test(`${name}: same as the local folder through every spelling`, async () => {
      const p = `tables/${name}`;
      const spellings: [string, StoreConfig][] = [
        [`abfss://${C}@${DEV_ACCOUNT}.dfs.core.windows.net/${p}`, keyCfg()],
        [`wasbs://${C}@${DEV_ACCOUNT}.blob.core.windows.net/${p}`, keyCfg()],
        [`az://${C}/${p}`, keyCfg({ account: DEV_ACCOUNT })],
        [`https://${DEV_ACCOUNT}.blob.core.windows.net/${C}/${p}`, keyCfg()],
        [`az://${C}/${p}`, { env: { AZURE_STORAGE_CONNECTION_STRING: conn }, http: FAST }],
      ];
      const local = await snapshotOf(new FsStorage(dir));
      for (const [url, cfg] of spellings) {
        const s = await storageFor(url, cfg);
        await assertSameAsLocal(s, dir);
        assert.deepEqual(await snapshotOf(s), local, `${url}: the table reads as the local one`);
      }
    });
  }

  describe('credentials', () => {
    const table = TABLES['delta-checkpoint']!;
    const url = `abfss://${C}@${DEV_ACCOUNT}.dfs.core.windows.net/tables/delta-checkpoint`;

    test('connection string (settings), account + key (environment), SAS (settings and environment)', async () => {
      const cases: [StoreConfig, string][] = [
        [{ azure: { connectionString: conn }, env: {} }, 'connection string'],
        [{ azure: { endpoint }, env: { AZURE_STORAGE_ACCOUNT: DEV_ACCOUNT, AZURE_STORAGE_KEY: DEV_KEY } }, 'account key'],
        [{ azure: { endpoint, sas: `?${containerSas(C, 'rl')}` }, env: {} }, 'SAS token'],
        [{ azure: { endpoint }, env: { AZURE_STORAGE_SAS_TOKEN: containerSas(C, 'rl') } }, 'SAS token'],
        [{ azure: { endpoint, key: DEV_KEY, credentialSource: 'catalog prod' }, env: {} }, 'catalog prod'],
      ];
      for (const [cfg, source] of cases) {
        const s = await storageFor(url, cfg);
        assert.equal((s as unknown as { store: AzureStore }).store.credentialSource, source);
        await assertSameAsLocal(s, table);
      }
    });

    test('a wrong key: denied, naming the source, never the key or the signature', async () => {
      const wrong = Buffer.alloc(64, 7).toString('base64');
      const s = await storageFor(url, { azure: { endpoint, key: wrong }, env: {}, http: FAST });
      for (const call of [() => s.list(''), () => s.read('_delta_log/00000000000000000000.json')]) {
        await assert.rejects(call(), (e: unknown) => {
          assert.ok(isLakeError(e) && e.kind === 'denied', String(e));
          assert.match(e.message, /^azure (ListBlobs|GetBlob) abfss:\/\/lakelens@devstoreaccount1\.dfs\.core\.windows\.net\/tables\/delta-checkpoint/);
          assert.match(e.message, /account key/);
          assert.match(e.message, /AuthorizationFailure|AuthenticationFailed/);
          assert.ok(!e.message.includes(wrong) && !e.message.includes(DEV_KEY) && !e.message.includes('SharedKey'), e.message);
          return true;
        });
      }
    });

    test('a SAS without list permission: reads work, listing is denied naming the call, the SAS stays out', async () => {
      const sas = containerSas(C, 'r');
      const s = await storageFor(url, { azure: { endpoint, sas }, env: {}, http: FAST });
      const bytes = await s.read('_delta_log/00000000000000000000.json');
      assert.ok(bytes.length > 0);
      await assert.rejects(s.list('_delta_log'), (e: unknown) => {
        assert.ok(isLakeError(e) && e.kind === 'denied', String(e));
        assert.match(e.message, /^azure ListBlobs abfss:\/\/lakelens@devstoreaccount1\.dfs\.core\.windows\.net\/tables\/delta-checkpoint\/_delta_log\/: access denied with credentials from SAS token/);
        const sig = new URLSearchParams(sas).get('sig')!;
        assert.ok(!e.message.includes(sig) && !e.message.includes(encodeURIComponent(sig)) && !e.message.includes('sv='), e.message);
        return true;
      });
    });
  });

  test('paging: a few thousand blobs with small pages, listFrom and startAfter', async () => {
    const store = await openAzureStore(parseLocation(`abfss://${C}@${DEV_ACCOUNT}.dfs.core.windows.net`), keyCfg());
    const want = Array.from({ length: MANY }, (_, i) => `many/${String(i).padStart(5, '0')}.json`);
    let pages = 0;
    const got: string[] = [];
    for await (const p of listAll(store, 'many/', { delimiter: true, maxKeys: 97 })) {
      pages++;
      assert.ok(p.objects.length <= 97);
      got.push(...p.objects.map((o) => o.key));
    }
    assert.deepEqual(got, want);
    assert.equal(pages, Math.ceil(MANY / 97));
    const startAfter = want[1500]!;
    const tail: string[] = [];
    for await (const p of listAll(store, 'many/', { delimiter: true, maxKeys: 200, startAfter })) tail.push(...p.objects.map((o) => o.key));
    assert.deepEqual(tail, want.slice(1501));
    // folders: one whose keys lie after startAfter stays, folders sorting before it go
    const top: string[] = [];
    for await (const p of listAll(store, '', { delimiter: true, startAfter: 'many/00010.json' })) top.push(...p.prefixes, ...p.objects.map((o) => o.key));
    assert.deepEqual(top.sort(), ['many/', 'odd/', 'tables/']);
    const s = await storageFor(`az://${C}/many`, keyCfg({ account: DEV_ACCOUNT }));
    assert.equal((await s.list('')).length, MANY);
    assert.deepEqual((await listAfter(s, '', '02250.json')).map((e) => e.name), want.slice(2251).map((k) => k.slice(5)));
    assert.deepEqual(await listAfter(s, '', '99999.json'), []);
  });

  test('names XML cannot hold raw, entities, spaces, digits-only names: listed and read back exactly', async () => {
    const s = await storageFor(`az://${C}/odd`, keyCfg({ account: DEV_ACCOUNT }));
    const names = (await s.list('')).map((e) => `${e.name}${e.isDir ? '/' : ''}`).sort();
    assert.deepEqual(names, [' spaced .txt', '007', 'a&b<c>.txt', 'sub/', 'ünï😀.txt'].sort());
    for (const n of names.filter((x) => !x.endsWith('/'))) {
      assert.equal(Buffer.from(await s.read(n)).toString(), `odd/${n}`);
      assert.equal((await s.stat(n))?.size, Buffer.byteLength(`odd/${n}`));
    }
  });

  test('a 50 MB blob read whole in parallel ranges equals the bytes', async () => {
    const s = await storageFor(`az://${C}`, keyCfg({ account: DEV_ACCOUNT }));
    const store = (s as unknown as { store: AzureStore }).store;
    const before = store.http.stats.requests;
    const t = Date.now();
    const got = await s.read(BIG);
    assert.equal(got.length, BIG_BYTES.length);
    assert.ok(Buffer.from(got.buffer, got.byteOffset, got.byteLength).equals(BIG_BYTES));
    assert.equal(store.http.stats.requests - before, 7, 'one request per 8 MiB part');
    const st = await s.stat(BIG);
    assert.equal(st?.size, BIG_BYTES.length);
    const listed = (await s.list('big')).find((e) => e.name === 'fifty.bin') as { etag?: string } | undefined;
    assert.equal(listed?.etag, st?.etag, 'a listing and a HEAD spell the ETag alike');
    const r = await store.get(BIG, { range: { start: 100, end: 200 }, ifMatch: st!.etag! });
    assert.deepEqual(Buffer.from(r.bytes), BIG_BYTES.subarray(100, 200));
    await assert.rejects(store.get(BIG, { range: { start: 0, end: 10 }, ifMatch: '"0x8D0000000000000"' }), lakeError('corrupt', undefined, /object changed while being read/));
    assert.ok(Date.now() - t < 60_000);
  });

  test('a missing container is named; a missing blob is missing, its stat undefined', async () => {
    const s = await storageFor(`abfss://nope@${DEV_ACCOUNT}.dfs.core.windows.net/t`, keyCfg());
    const re = /^azure: container "nope" does not exist in account "devstoreaccount1"$/;
    await assert.rejects(s.list(''), lakeError('missing', undefined, re));
    await assert.rejects(s.read('x.json'), lakeError('missing', undefined, re));
    await assert.rejects(s.stat('x.json'), lakeError('missing', undefined, re));
    const ok = await storageFor(`az://${C}/tables`, keyCfg({ account: DEV_ACCOUNT }));
    await assert.rejects(ok.read('nothing/here.json'), lakeError('missing', undefined, /^azure GetBlob az:\/\/lakelens\/tables\/nothing\/here\.json|^azure GetBlob abfss:\/\/lakelens@devstoreaccount1\.dfs\.core\.windows\.net\/tables\/nothing\/here\.json: not found \(HTTP 404 BlobNotFound\)/));
    assert.equal(await ok.stat('nothing/here.json'), undefined);
  });

  test('nothing was written: every blob and ETag as before the reads', async () => {
    assert.deepEqual(await inventory(), before_);
  });
});

describe('Azure Blob backend: failures without a server', () => {
  test('a server that accepts and never answers: unavailable, fast', async () => {
    await withSilentServer(async (port) => {
      const s = await storageFor(`az://${C}/t`, { azure: { account: DEV_ACCOUNT, key: DEV_KEY, endpoint: `http://127.0.0.1:${port}/${DEV_ACCOUNT}` }, env: {}, http: { timeoutMs: 300, retries: 1, backoffMs: 10 } });
      const t = Date.now();
      await assert.rejects(s.read('x.json'), lakeError('unavailable', undefined, /^azure GetBlob abfss:\/\/lakelens@devstoreaccount1\.dfs\.core\.windows\.net\/t\/x\.json: no answer within/));
      assert.ok(Date.now() - t < 2_000, `took ${Date.now() - t} ms`);
    });
  });

  test('connection refused: unavailable, saying so', async () => {
    const port = await closedPort();
    const s = await storageFor(`az://${C}/t`, { azure: { account: DEV_ACCOUNT, key: DEV_KEY, endpoint: `http://127.0.0.1:${port}/${DEV_ACCOUNT}` }, env: {}, http: { timeoutMs: 300, retries: 1, backoffMs: 10 } });
    await assert.rejects(s.list(''), lakeError('unavailable', undefined, /connection refused/));
  });
});

/** A local HTTP server answering every request with `reply`, recording what it was sent. */
async function fake(reply: (req: http.IncomingMessage) => { status: number; body: string; headers?: Record<string, string> }) {
  const seen: http.IncomingMessage[] = [];
  const srv = http.createServer((req, res) => {
    seen.push(req);
    const r = reply(req);
    res.writeHead(r.status, { 'content-type': 'application/xml', ...r.headers });
    res.end(req.method === 'HEAD' ? undefined : r.body);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  return { seen, endpoint: `http://127.0.0.1:${port}/acct`, close: () => new Promise((r) => srv.close(r)) };
}

const EMPTY_LIST = '<?xml version="1.0" encoding="utf-8"?><EnumerationResults><Blobs /><NextMarker /></EnumerationResults>';

describe('Azure Blob backend: auth and errors in detail', () => {
  test('denied errors never carry the key, the SAS or the signature, even when the body quotes them', async () => {
    const key = Buffer.from('a-very-secret-key-of-sixty-four-bytes-for-this-test-0123456789ab').toString('base64');
    const sas = 'sv=2021-12-02&ss=b&srt=sco&sp=rl&se=2099-01-01T00%3A00%3A00Z&sig=SECRETSIGNATURE%2Babc%3D';
    let lastAuth = '';
    const f = await fake((req) => {
      lastAuth = String(req.headers['authorization'] ?? '');
      // as Azure does: the detail quotes the signature it got and the string it signed
      const body = `<?xml version="1.0" encoding="utf-8"?><Error><Code>AuthenticationFailed</Code><Message>Server failed to authenticate the request.</Message><AuthenticationErrorDetail>The MAC signature found in the HTTP request '${lastAuth}' is not the same as any computed signature. ${req.url}</AuthenticationErrorDetail></Error>`;
      return { status: 403, body };
    });
    try {
      for (const [azure, source] of [[{ account: 'acct', key }, 'account key'], [{ account: 'acct', sas }, 'SAS token']] as const) {
        const s = await storageFor(`az://cont1/t`, { azure: { ...azure, endpoint: f.endpoint }, env: {}, http: FAST });
        for (const call of [() => s.list(''), () => s.read('x.json'), () => s.stat('x.json')]) {
          await assert.rejects(call(), (e: unknown) => {
            assert.ok(isLakeError(e) && e.kind === 'denied', String(e));
            assert.ok(e.message.includes(source), e.message);
            const text = `${e.message} ${e.stack ?? ''} ${JSON.stringify(e)}`;
            for (const secret of [key, sas, 'SECRETSIGNATURE', 'sig=', lastAuth.split(':')[1] ?? 'none', 'SharedKey'].filter((x) => x.length > 3)) {
              assert.ok(!text.includes(secret), `${secret} leaked: ${e.message}`);
            }
            return true;
          });
        }
      }
    } finally {
      await f.close();
    }
  });

  test('a token getter sends a bearer token with x-ms-version ≥ 2017-11-09; anonymous sends nothing', async () => {
    const f = await fake(() => ({ status: 200, body: EMPTY_LIST }));
    try {
      let calls = 0;
      const s = await storageFor('az://cont2/t', { azure: { account: 'acct', endpoint: f.endpoint, token: async () => `tok-${++calls}` }, env: {}, http: FAST });
      assert.deepEqual(await s.list(''), []);
      const req = f.seen.at(-1)!;
      assert.equal(req.headers['authorization'], 'Bearer tok-1');
      assert.ok(String(req.headers['x-ms-version']) >= '2017-11-09');
      assert.ok(req.headers['x-ms-date']);
      assert.match(req.url!, /^\/acct\/cont2\?restype=container&comp=list&prefix=t%2F&delimiter=%2F&maxresults=5000$/);
      assert.equal((s as unknown as { store: AzureStore }).store.credentialSource, 'token getter');
      const anon = await storageFor('az://cont3/t', { azure: { account: 'acct', endpoint: f.endpoint, anonymous: true, key: DEV_KEY }, env: { AZURE_STORAGE_CONNECTION_STRING: conn || 'AccountName=x;AccountKey=eA==' } });
      await anon.list('');
      assert.equal(f.seen.at(-1)!.headers['authorization'], undefined);
      assert.equal((anon as unknown as { store: AzureStore }).store.credentialSource, 'anonymous');
    } finally {
      await f.close();
    }
  });

  test('DefaultAzureCredential-style tokens: cached until shortly before expiry; failure is one short denied error', async () => {
    let n = 0;
    let expires = Date.now() + 60_000; // inside the refresh margin: the next call renews
    const get = cachedToken(async () => ({ getToken: async () => ({ token: `t${++n}`, expiresOnTimestamp: expires }) }), 'acct');
    assert.deepEqual(await Promise.all([get(), get(), get()]), ['t1', 't1', 't1'], 'concurrent calls share one fetch');
    expires = Date.now() + 60 * 60_000;
    assert.equal(await get(), 't2');
    assert.equal(await get(), 't2');
    assert.equal(n, 2);
    const internals = 'EnvironmentCredential: missing AZURE_TENANT_ID\nManagedIdentityCredential: IMDS at 169.254.169.254 … stack …';
    const failing = cachedToken(async () => ({
      getToken: async () => {
        const e = new Error(internals);
        e.name = 'AggregateAuthenticationError';
        throw e;
      },
    }), 'acct');
    await assert.rejects(failing(), (e: unknown) => {
      assert.ok(isLakeError(e) && e.kind === 'denied');
      assert.match(e.message, /^azure: no credentials for account "acct" \(AggregateAuthenticationError\): tried .*DefaultAzureCredential.*az login.*AZURE_STORAGE_CONNECTION_STRING/);
      assert.ok(!e.message.includes('169.254') && !e.message.includes('AZURE_TENANT_ID'));
      return true;
    });
  });

  test('connection strings: keys, SAS, endpoints, development storage; malformed ones are not echoed', () => {
    assert.deepEqual(parseConnectionString('DefaultEndpointsProtocol=https;AccountName=acc;AccountKey=a2V5==;EndpointSuffix=core.chinacloudapi.cn'), { account: 'acc', key: 'a2V5==', endpoint: 'https://acc.blob.core.chinacloudapi.cn' });
    assert.deepEqual(parseConnectionString('BlobEndpoint=https://acc.blob.core.windows.net/;SharedAccessSignature=?sv=1&sig=x%3D'), { sas: 'sv=1&sig=x%3D', endpoint: 'https://acc.blob.core.windows.net' });
    assert.deepEqual(parseConnectionString('UseDevelopmentStorage=true'), { account: DEV_ACCOUNT, key: DEV_KEY, endpoint: `http://127.0.0.1:10000/${DEV_ACCOUNT}` });
    assert.throws(() => parseConnectionString('AccountName=acc;SECRETPART'), (e: unknown) => isLakeError(e) && e.kind === 'invalid-argument' && !e.message.includes('SECRETPART'));
    assert.throws(() => parseConnectionString('AccountName=acc'), lakeError('invalid-argument', undefined, /neither AccountKey nor SharedAccessSignature/));
  });

  test('listing XML: Encoded="true" names, numeric references, one element or many, names kept as strings', async () => {
    const xml = `<?xml version="1.0" encoding="utf-8"?>
<EnumerationResults ContainerName="cont5">
  <Prefix>t/</Prefix>
  <Blobs>
    <Blob><Name Encoded="true">t%2Fctl%01.txt</Name><Properties><Last-Modified>Fri, 04 Dec 2026 21:00:00 GMT</Last-Modified><Etag>0x8DC1</Etag><Content-Length>12</Content-Length></Properties></Blob>
    <Blob><Name>t/007</Name><Properties><Last-Modified>Fri, 04 Dec 2026 21:00:00 GMT</Last-Modified><Etag>"0x8DC2"</Etag><Content-Length>0</Content-Length></Properties></Blob>
    <Blob><Name>t/a&amp;b&#x41;&#128512; </Name><Properties><Last-Modified>Fri, 04 Dec 2026 21:00:00 GMT</Last-Modified><Etag>0x8DC3</Etag><Content-Length>3</Content-Length></Properties></Blob>
    <BlobPrefix><Name>t/true/</Name></BlobPrefix>
  </Blobs>
  <NextMarker />
</EnumerationResults>`;
    const one = `<?xml version="1.0" encoding="utf-8"?><EnumerationResults><Blobs><BlobPrefix><Name>t/1e3/</Name></BlobPrefix></Blobs><NextMarker>2!72!abc</NextMarker></EnumerationResults>`;
    const f = await fake((req) => ({ status: 200, body: req.url!.includes('marker=') || req.url!.includes('prefix=u') ? one : xml }));
    try {
      const store = await openAzureStore(parseLocation('az://cont5'), { azure: { account: 'acct', endpoint: f.endpoint, anonymous: true }, env: {} });
      const p = await store.listPage('t/', { delimiter: true });
      assert.deepEqual(p.objects.map((o) => [o.key, o.size, o.etag]), [['t/ctl\u0001.txt', 12, '"0x8DC1"'], ['t/007', 0, '"0x8DC2"'], ['t/a&bA😀 ', 3, '"0x8DC3"']]);
      assert.deepEqual(p.prefixes, ['t/true/']);
      assert.equal(p.next, undefined);
      const q = await store.listPage('u/', { delimiter: true, token: '2!72!abc' });
      assert.deepEqual([q.objects, q.prefixes, q.next], [[], ['t/1e3/'], '2!72!abc']);
      assert.match(f.seen.at(-1)!.url!, /&marker=2!72!abc&/);
      const later = await store.listPage('t/', { delimiter: true, startAfter: 't/007' });
      assert.deepEqual(later.objects.map((o) => o.key), ['t/ctl\u0001.txt', 't/a&bA😀 ']);
    } finally {
      await f.close();
    }
  });

  test('az:// without any account is refused with what to set', async () => {
    await assert.rejects(openAzureStore(parseLocation('az://cont4/t'), { env: {} }), lakeError('invalid-argument', undefined, /AZURE_STORAGE_ACCOUNT/));
    await assert.rejects(openAzureStore(parseLocation('az://Bad_Name/t'), { env: {} }), lakeError('invalid-argument', undefined, /not a valid container name/));
  });

  test('Shared Key: the documented string-to-sign (same signature as @azure/storage-blob computes)', async () => {
    const { StorageSharedKeyCredential } = blob;
    const url = new URL('http://127.0.0.1:10000/devstoreaccount1/c?restype=container&comp=list&prefix=a%2Fb%20c%2B&delimiter=%2F&maxresults=10');
    const headers = { 'x-ms-version': '2021-12-02', 'x-ms-date': 'Fri, 04 Dec 2026 21:00:00 GMT', 'x-ms-range': 'bytes=0-9', 'if-match': '"0x1"' };
    const toSign = ['GET', '', '', '', '', '', '', '', '"0x1"', '', '', '', 'x-ms-date:Fri, 04 Dec 2026 21:00:00 GMT', 'x-ms-range:bytes=0-9', 'x-ms-version:2021-12-02', '/devstoreaccount1/devstoreaccount1/c', 'comp:list', 'delimiter:/', 'maxresults:10', 'prefix:a/b c+', 'restype:container'].join('\n');
    const want = new StorageSharedKeyCredential(DEV_ACCOUNT, DEV_KEY).computeHMACSHA256(toSign);
    assert.equal(sharedKeySignature({ method: 'GET', url, headers }, DEV_ACCOUNT, Buffer.from(DEV_KEY, 'base64')), want);
  });
});
