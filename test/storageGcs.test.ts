/**
 * The GCS backend against fake-gcs-server: corpus tables uploaded and read back exactly as from
 * disk (through an endpoint setting and through STORAGE_EMULATOR_HOST), paging, log tails, a big
 * object in parallel ranges, and the failures a user meets — a missing bucket, a server that
 * never answers or is not there, throttling, refused credentials (never echoing the token) —
 * and, at the end, proof that reading wrote nothing.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import * as net from 'node:net';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isLakeError } from '../src/core/errors';
import { FsStorage } from '../src/core/storage/local';
import { gcsEndpoint, openGcsStore } from '../src/core/storage/gcs';
import { parseLocation } from '../src/core/storage/location';
import { listAll } from '../src/core/storage/objectStore';
import { listAfter } from '../src/core/storage/storage';
import { storageFor } from '../src/core/storage/storageFor';
import type { StoreConfig } from '../src/core/storage/config';
import { openTable } from '../src/core/table';
import { corpusPath } from './helpers/corpus';
import { bucketFingerprint, createBucket, inParallel, uploadFolder, uploadObject } from './helpers/gcsUpload';
import { lakeError } from './helpers/lakeError';
import { closedPort, withSilentServer } from './helpers/deadServers';
import { server } from './helpers/servers';
import { assertSameAsLocal } from './helpers/storeConformance';

const BUCKET = 'lakelens-gcs';
const TABLES: Record<string, string> = {
  'delta-checkpoint': 'open/delta-rs/simple_table_with_checkpoint',
  'delta-dv': 'open/delta-rs/table-with-dv-small',
  // partition folders `letter=%2F%2520%25f`, `x=A%2FA`, `x=B%20B`, `time=1970-01-01 00%3A00%3A00`
  'delta-special': 'open/dat/multi_partitioned/delta',
  'delta-special-2': 'open/delta-rs/delta-0.8.0-special-partition',
  'delta-special-3': 'open/dat/multi_partitioned_2/delta',
  'iceberg-deletes': 'open/duckdb-iceberg/equality_deletes_mytable_partitioned',
  'hudi-cow': 'open/hudi-rs/v6_cow_trips_partitioned',
};
// fake-gcs-server's uploads slow down as a folder fills (3000 take ~8 s on 2 busy cores)
const MANY = 2000;
const BIG = 50 * 1024 * 1024 + 12345;
const FAST: StoreConfig['http'] = { timeoutMs: 300, retries: 1, backoffMs: 10 };

let endpoint = '';
let big: Buffer;
let before0: string[] = [];

/** A loopback server; closed after the file. */
async function listen(handler: http.RequestListener): Promise<{ url: string; server: http.Server }> {
  const s = http.createServer(handler);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  after(() => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); }));
  return { url: `http://127.0.0.1:${(s.address() as net.AddressInfo).port}`, server: s };
}

/** A proxy in front of fake-gcs-server answering 429 to the first `n` requests. */
async function throttlingProxy(n: number): Promise<{ url: string; seen: () => number }> {
  let count = 0;
  const up = new URL(endpoint);
  const { url } = await listen((req, res) => {
    if (count++ < n) {
      res.writeHead(429, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 429, message: 'slow down', errors: [{ reason: 'rateLimitExceeded' }] } }));
      return;
    }
    const p = http.request({ host: up.hostname, port: up.port, path: req.url, method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    p.on('error', () => res.destroy());
    req.pipe(p);
  });
  return { url, seen: () => count };
}


describe('GCS backend on fake-gcs-server', () => {
  before(async () => {
    endpoint = (await server('fakeGcs'))['LAKELENS_TEST_FAKE_GCS']!;
    await createBucket(endpoint, BUCKET);
    for (const [name, rel] of Object.entries(TABLES)) await uploadFolder(endpoint, BUCKET, `tables/${name}`, corpusPath(rel));
    // a log-like folder: many objects, a few sub-folders between them
    const keys = Array.from({ length: MANY }, (_, i) => `many/${String(i).padStart(5, '0')}.json`);
    for (let d = 0; d < 5; d++) keys.push(`many/${String(d * 400).padStart(5, '0')}.d/x`);
    await inParallel(keys, 16, (k) => uploadObject(endpoint, BUCKET, k, Buffer.from(k)));
    big = randomBytes(BIG);
    await uploadObject(endpoint, BUCKET, 'big/blob.bin', big);
    before0 = await bucketFingerprint(endpoint, BUCKET);
  });

  for (const [name, rel] of Object.entries(TABLES)) {
    test(`${name}: same as on disk through an endpoint setting`, async () => {
      await assertSameAsLocal(await storageFor(`gs://${BUCKET}/tables/${name}`, { gcs: { endpoint } }), corpusPath(rel));
    });
  }

  test('every table: same as on disk through STORAGE_EMULATOR_HOST (with and without a scheme)', async () => {
    const bare = endpoint.replace(/^http:\/\//, '');
    for (const [i, [name, rel]] of Object.entries(TABLES).entries()) {
      const env = { STORAGE_EMULATOR_HOST: i % 2 === 0 ? endpoint : bare };
      await assertSameAsLocal(await storageFor(`gs://${BUCKET}/tables/${name}`, { env }), corpusPath(rel));
    }
  });

  test('tables open and snapshot as from disk', async () => {
    for (const name of ['delta-checkpoint', 'delta-dv', 'delta-special', 'iceberg-deletes', 'hudi-cow']) {
      const remote = await (await openTable(await storageFor(`gs://${BUCKET}/tables/${name}`, { gcs: { endpoint } }))).snapshot();
      const local = await (await openTable(new FsStorage(corpusPath(TABLES[name]!)))).snapshot();
      const pick = (s: typeof local) => [s.format, s.version, s.numFiles, s.numRecords, s.numDeletedRecords, s.sizeBytes, s.files.map((f) => f.path).sort()];
      assert.deepEqual(pick(remote), pick(local), name);
    }
  });

  test(`paging: ${MANY} objects in pages of 7 and 250, no entry lost or repeated`, async () => {
    const store = await openGcsStore(parseLocation(`gs://${BUCKET}`), { gcs: { endpoint } });
    const want = Array.from({ length: MANY }, (_, i) => `many/${String(i).padStart(5, '0')}.json`);
    const wantDirs = Array.from({ length: 5 }, (_, d) => `many/${String(d * 400).padStart(5, '0')}.d/`);
    for (const maxKeys of [250, 7]) {
      const keys: string[] = [];
      const dirs: string[] = [];
      let pages = 0;
      for await (const p of listAll(store, 'many/', { delimiter: true, maxKeys })) {
        pages++;
        keys.push(...p.objects.map((o) => o.key));
        dirs.push(...p.prefixes);
        for (const o of p.objects) assert.ok(o.size > 0 && o.mtime > 0 && o.etag, o.key);
      }
      assert.deepEqual(keys, want, `keys in pages of ${maxKeys}`);
      assert.deepEqual(dirs.sort(), wantDirs, `folders in pages of ${maxKeys}`);
      assert.ok(pages >= MANY / maxKeys, `${pages} pages of ${maxKeys}`);
    }
    // without a delimiter the sub-folders' objects come back as keys
    let flat = 0;
    for await (const p of listAll(store, 'many/', { delimiter: false, maxKeys: 1000 })) flat += p.objects.length;
    assert.equal(flat, MANY + 5);
  });

  test('listFrom / startAfter: exactly the names after the given one', async () => {
    const storage = await storageFor(`gs://${BUCKET}/many`, { gcs: { endpoint } });
    const all = (await storage.list('')).map((e) => e.name).sort();
    assert.equal(all.length, MANY + 5);
    for (const afterName of ['01499.json', '01200.d', '00000.json', '01999.json', '0', '1', 'zzz']) {
      const got = (await listAfter(storage, '', afterName)).map((e) => `${e.name}${e.isDir ? '/' : ''}`);
      const want = all.filter((n) => n > afterName).map((n) => (n.endsWith('.d') ? `${n}/` : n));
      assert.deepEqual(got, want, `after ${afterName}`);
    }
    // the store itself, in small pages starting mid-folder: the start key is excluded
    const store = await openGcsStore(parseLocation(`gs://${BUCKET}`), { gcs: { endpoint } });
    const keys: string[] = [];
    for await (const p of listAll(store, 'many/', { delimiter: true, startAfter: 'many/01990.json', maxKeys: 3 })) keys.push(...p.objects.map((o) => o.key));
    assert.deepEqual(keys, Array.from({ length: 9 }, (_, i) => `many/0${1991 + i}.json`));
  });

  test('a 50 MB object read whole (parallel ranges) is byte for byte the upload', async () => {
    const storage = await storageFor(`gs://${BUCKET}/big`, { gcs: { endpoint } });
    const t = Date.now();
    const got = await storage.read('blob.bin');
    assert.equal(got.length, BIG);
    assert.ok(Buffer.from(got.buffer, got.byteOffset, got.length).equals(big), 'bytes differ');
    assert.equal((await storage.stat('blob.bin'))?.size, BIG);
    assert.deepEqual(Buffer.from(await storage.readRange('blob.bin', BIG - 10, BIG + 10)), big.subarray(BIG - 10));
    assert.equal((await storage.readRange('blob.bin', BIG, BIG + 10)).length, 0, 'a range at the end is empty (416)');
    assert.ok(Date.now() - t < 20_000, `took ${Date.now() - t} ms`);
  });

  test('a part pinned to another generation fails as corrupt', async () => {
    const store = await openGcsStore(parseLocation(`gs://${BUCKET}`), { gcs: { endpoint } });
    const meta = await store.head('big/blob.bin');
    assert.ok(meta?.etag);
    const ok = await store.get('big/blob.bin', { range: { start: 5, end: 9 }, ifMatch: meta.etag });
    assert.deepEqual(Buffer.from(ok.bytes), big.subarray(5, 9));
    assert.equal(ok.size, BIG);
    await assert.rejects(store.get('big/blob.bin', { range: { start: 0, end: 4 }, ifMatch: '12345' }), lakeError('corrupt', undefined, /gcs GetObject gs:\/\/lakelens-gcs\/big\/blob\.bin: object changed while being read/));
  });

  test('a missing bucket is "missing" and named, whatever the first call', async () => {
    const storage = await storageFor('gs://no-such-bucket-xyz/t', { gcs: { endpoint } });
    const named = lakeError('missing', undefined, /^gcs: bucket "no-such-bucket-xyz" does not exist$/);
    await assert.rejects(storage.list(''), named);
    await assert.rejects(storage.stat('_delta_log/_last_checkpoint'), named);
    await assert.rejects(storage.read('_delta_log/00000000000000000000.json'), named);
    // an absent object in a bucket that exists stays an absent object
    const here = await storageFor(`gs://${BUCKET}/tables/delta-dv`, { gcs: { endpoint } });
    assert.equal(await here.stat('nope.json'), undefined);
    await assert.rejects(here.read('nope.json'), lakeError('missing', undefined, /gcs GetObject gs:\/\/lakelens-gcs\/tables\/delta-dv\/nope\.json: not found/));
  });

  test('a server that accepts and never answers: unavailable, fast', async () => {
    await withSilentServer(async (port) => {
      const storage = await storageFor(`gs://${BUCKET}/t`, { gcs: { endpoint: `http://127.0.0.1:${port}` }, http: FAST });
      const t = Date.now();
      await assert.rejects(storage.read('x.json'), lakeError('unavailable', undefined, /^gcs GetObject gs:\/\/lakelens-gcs\/t\/x\.json: no answer within .*gave up after 2 attempts/));
      assert.ok(Date.now() - t < 3000, `took ${Date.now() - t} ms`);
    });
  });

  test('connection refused: unavailable, saying so', async () => {
    const port = await closedPort();
    const storage = await storageFor(`gs://${BUCKET}/t`, { gcs: { endpoint: `127.0.0.1:${port}` }, http: FAST });
    await assert.rejects(storage.list(''), lakeError('unavailable', undefined, /connection refused/));
  });

  test('throttling: retried until it clears; never clearing gives up as throttled', async () => {
    const clears = await throttlingProxy(3);
    const storage = await storageFor(`gs://${BUCKET}/tables/delta-dv`, { gcs: { endpoint: clears.url }, http: { retries: 5, backoffMs: 5 } });
    const local = fs.readFileSync(corpusPath('open/delta-rs/table-with-dv-small/_delta_log/00000000000000000000.json'));
    assert.deepEqual(Buffer.from(await storage.read('_delta_log/00000000000000000000.json')), local);
    assert.ok(clears.seen() >= 4);
    const never = await throttlingProxy(Infinity);
    const stuck = await storageFor(`gs://${BUCKET}/tables/delta-dv`, { gcs: { endpoint: never.url }, http: { retries: 2, backoffMs: 5 } });
    await assert.rejects(stuck.read('_delta_log/00000000000000000000.json'), lakeError('unavailable', undefined, /throttled \(HTTP 429 rateLimitExceeded\).*gave up after 3 attempts/));
    assert.equal(never.seen(), 3);
  });

  test('refused credentials: denied, naming the call and the source, never the token', async () => {
    const SECRET = 'ya29.SECRET-token-do-not-print-0123456789';
    let got = '';
    const { url } = await listen((req, res) => {
      got = String(req.headers['authorization']);
      // a hostile server echoing the credentials back in every field it can
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': got });
      res.end(JSON.stringify({ error: { code: 401, message: `bad ${got}`, errors: [{ reason: 'authError', message: got }] } }));
    });
    const cfg: StoreConfig = { gcs: { endpoint: url, token: async () => SECRET, credentialSource: 'catalog prod' }, http: FAST };
    const storage = await storageFor(`gs://${BUCKET}/t`, cfg);
    for (const call of [() => storage.read('x.json'), () => storage.list(''), () => storage.stat('a/b')]) {
      const err = await call().then(() => undefined, (e: unknown) => e);
      assert.ok(isLakeError(err), String(err));
      assert.equal(err.kind, 'denied');
      assert.match(err.message, /^gcs (GetObject|ListObjects|GetObjectMetadata) gs:\/\/lakelens-gcs\/t.*access denied with credentials from catalog prod \(HTTP 401 authError\)/);
      for (const text of [err.message, String(err.stack), JSON.stringify(err), String(err.cause ?? '')]) assert.ok(!text.includes('SECRET'), text);
    }
    assert.equal(got, `Bearer ${SECRET}`, 'the token was sent');
    // a getter that fails with the token in its message
    const failing = await storageFor(`gs://${BUCKET}/t`, { gcs: { endpoint: url, token: async () => { throw new Error(`refresh failed for ${SECRET}`); } }, http: FAST });
    await assert.rejects(failing.read('x.json'), (e: unknown) => isLakeError(e) && e.kind === 'denied' && /^gcs: the access token getter failed/.test(e.message) && !e.message.includes('SECRET'));
  });

  test('no Application Default Credentials: denied, saying what was tried and what to do', async () => {
    // the library reads process.env: an empty HOME, and no metadata-server probe (never leave 127.0.0.1)
    const saved = { ...process.env };
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'lakelens-gcs-home-'));
    try {
      delete process.env['GOOGLE_APPLICATION_CREDENTIALS'];
      delete process.env['CLOUDSDK_CONFIG'];
      Object.assign(process.env, { HOME: home, METADATA_SERVER_DETECTION: 'none', GCE_METADATA_HOST: '127.0.0.1:9' });
      const store = await openGcsStore(parseLocation('gs://some-bucket'), { env: { HOME: home }, gcs: { endpoint: 'https://127.0.0.1:9' }, http: FAST });
      assert.equal(store.credentialSource, 'Application Default Credentials (metadata server)');
      await assert.rejects(store.head('x'), lakeError('denied', undefined, /^gcs: no Google credentials found \(tried GOOGLE_APPLICATION_CREDENTIALS.*gcloud auth application-default login.*GOOGLE_APPLICATION_CREDENTIALS/));
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
      fs.rmSync(home, { recursive: true, force: true });
    }
  });

  test('endpoints and credential sources', async () => {
    assert.equal(gcsEndpoint('127.0.0.1:4443'), 'http://127.0.0.1:4443');
    assert.equal(gcsEndpoint('http://localhost:4443/'), 'http://localhost:4443');
    assert.equal(gcsEndpoint('http://localhost:4443/storage/v1/'), 'http://localhost:4443');
    assert.equal(gcsEndpoint('https://storage.googleapis.com'), 'https://storage.googleapis.com');
    assert.throws(() => gcsEndpoint('ftp://x'), lakeError('invalid-argument'));
    const loc = parseLocation('gs://b');
    assert.equal((await openGcsStore(loc, { env: { STORAGE_EMULATOR_HOST: 'localhost:1' } })).credentialSource, 'emulator');
    assert.equal((await openGcsStore(loc, { env: {}, gcs: { anonymous: true } })).credentialSource, 'anonymous');
    assert.equal((await openGcsStore(loc, { env: {}, gcs: { token: async () => 't' } })).credentialSource, 'access token');
    assert.equal((await openGcsStore(loc, { env: { GOOGLE_APPLICATION_CREDENTIALS: '/nowhere/key.json' } })).credentialSource, 'Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS)');
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'lakelens-gcs-home-'));
    fs.mkdirSync(path.join(home, '.config', 'gcloud'), { recursive: true });
    fs.writeFileSync(path.join(home, '.config', 'gcloud', 'application_default_credentials.json'), '{}');
    assert.equal((await openGcsStore(loc, { env: { HOME: home } })).credentialSource, 'Application Default Credentials (gcloud)');
    fs.rmSync(home, { recursive: true, force: true });
  });

  test('reading wrote nothing: every object, generation and etag as before', async () => {
    assert.ok(before0.length > MANY);
    assert.deepEqual(await bucketFingerprint(endpoint, BUCKET), before0);
  });
});
