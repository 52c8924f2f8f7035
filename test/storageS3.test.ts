/**
 * The S3 backend against real servers: moto (fast, does not check signatures) and s3rver behind
 * a SigV4 verifier (scripts/servers/s3rver.mjs). Corpus tables are uploaded from the shared corpus
 * in place and must read exactly as the local folders do; failures (wrong keys, missing bucket,
 * throttling, cut bodies, silent and closed servers, wrong region) surface as short LakeErrors;
 * credentials come from configuration, the environment, profiles and credential_process.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isLakeError } from '../src/core/errors';
import type { StoreConfig } from '../src/core/storage/config';
import { FsStorage } from '../src/core/storage/local';
import { type ObjectStore, PrefixStorage, listAll } from '../src/core/storage/objectStore';
import { parseListing } from '../src/core/storage/s3';
import type { Storage } from '../src/core/storage/storage';
import { clearStores, storageFor } from '../src/core/storage/storageFor';
import { openTable } from '../src/core/table';
import { S3Uploader } from './helpers/s3Upload';
import { server } from './helpers/servers';
import { assertSameAsLocal } from './helpers/storeConformance';

const CORPUS = path.join(process.env.LAKELENS_SHARED ?? path.resolve(process.cwd(), '..', 'shared'), 'corpus', 'open');
const TABLES: Record<string, string> = {
  checkpoint: 'delta-rs/simple_table_with_checkpoint',
  dv: 'delta-rs/table-with-dv-small',
  colmap: 'delta-rs/table_with_column_mapping',
  special: 'delta-kernel-rs-golden/hive-deltatbl-special-chars-in-partition-column',
  iceberg: 'impala/iceberg_v2_delete_positional',
  hudi: 'hudi-rs/v6_cow_trips_partitioned',
};
const BUCKET = 'lakelens-s3';
const MANY_BUCKET = 'lakelens-s3-many';
const FAKE_SECRET = 'fake-SECRET-do-not-print-7Q2x';
/** Keys for the big listing; 100k take ~6 min to PUT into moto here (~250/s), see the test. */
const MANY = Number(process.env.LAKELENS_S3_LIST_KEYS ?? 8000);

type Stats = { requests: number; retries: number; bytes: number };
const storeOf = (s: Storage): ObjectStore & { stats: Stats } => (s as PrefixStorage).store as ObjectStore & { stats: Stats };
const lakeErr = (kind: string, ...pats: RegExp[]) => (e: unknown) => {
  assert.ok(isLakeError(e), `expected a LakeError, got ${String(e)}`);
  assert.equal(e.kind, kind, e.message);
  for (const p of pats) assert.match(e.message, p);
  assert.ok(!e.message.includes(FAKE_SECRET) && !/[0-9a-f]{64}/.test(e.message) && !/Signature=|X-Amz-/i.test(e.message), `no secret in: ${e.message}`);
  return true;
};

const savedEnv = { ...process.env };
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lakelens-s3-'));
let moto = '';
let s3rver = '';
const motoCfg = (extra: Partial<NonNullable<StoreConfig['s3']>> = {}, rest: Omit<StoreConfig, 's3'> = {}): StoreConfig => ({ s3: { endpoint: moto, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, credentialSource: 'test keys', ...extra }, ...rest });
const s3rverCfg = (extra: Partial<NonNullable<StoreConfig['s3']>> = {}): StoreConfig => ({ s3: { endpoint: s3rver, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }, credentialSource: 's3rver keys', ...extra } });

before(async () => {
  // no instance-metadata probes (169.254.169.254) and no machine profile leaking in
  for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
  process.env['AWS_EC2_METADATA_DISABLED'] = 'true';
  process.env['AWS_CONFIG_FILE'] = path.join(tmp, 'none-config');
  process.env['AWS_SHARED_CREDENTIALS_FILE'] = path.join(tmp, 'none-credentials');
  [moto, s3rver] = await Promise.all([server('moto').then((e) => e['LAKELENS_TEST_MOTO']!), server('s3rver').then((e) => e['LAKELENS_TEST_S3RVER']!)]);
  const up = [new S3Uploader({ endpoint: moto, accessKeyId: 'test', secretAccessKey: 'test' }), new S3Uploader({ endpoint: s3rver, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' })];
  await Promise.all(
    up.map(async (u) => {
      await u.createBucket(BUCKET);
      for (const [name, rel] of Object.entries(TABLES)) await u.uploadDir(BUCKET, `tables/${name}`, path.join(CORPUS, rel));
      await u.put(BUCKET, 'junk/readme.txt', 'not a table');
      await u.put(BUCKET, 'junk/data/x.bin', 'x');
    }),
  );
});

after(() => {
  for (const k of Object.keys(process.env)) if (!(k in savedEnv)) delete process.env[k];
  Object.assign(process.env, savedEnv);
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Every key and ETag of the bucket: the reads below must leave it exactly so. */
async function bucketState(cfg: StoreConfig): Promise<string[]> {
  const store = storeOf(await storageFor(`s3://${BUCKET}`, cfg));
  const out: string[] = [];
  for await (const p of listAll(store, '', { delimiter: false })) for (const o of p.objects) out.push(`${o.key} ${o.etag} ${o.size}`);
  return out;
}

describe('S3 storage on moto and s3rver', () => {
  const initial: Record<string, string[]> = {};
  test('bucket listings before the reads', async () => {
    initial['moto'] = await bucketState(motoCfg());
    initial['s3rver'] = await bucketState(s3rverCfg());
    assert.ok(initial['moto'].length > 60 && initial['moto'].length === initial['s3rver'].length);
  });

  for (const srv of ['moto', 's3rver'] as const) {
    test(`${srv}: corpus tables read exactly as the local folders`, async () => {
      const cfg = srv === 'moto' ? motoCfg() : s3rverCfg();
      for (const [name, rel] of Object.entries(TABLES)) {
        // s3rver lists no common prefix for a folder that holds only folders (.hoodie/metadata/):
        // its file-system walk skips directories below a prefix and derives prefixes from files
        if (srv === 's3rver' && name === 'hudi') continue;
        const remote = await storageFor(`s3://${BUCKET}/tables/${name}`, cfg);
        await assertSameAsLocal(remote, path.join(CORPUS, rel));
        const [a, b] = await Promise.all([openTable(remote), openTable(new FsStorage(path.join(CORPUS, rel)))]);
        const [sa, sb] = await Promise.all([a.snapshot(), b.snapshot()]);
        assert.deepEqual([sa.format, sa.version, sa.numFiles, sa.numRecords, sa.sizeBytes], [sb.format, sb.version, sb.numFiles, sb.numRecords, sb.sizeBytes], `${srv} ${name} snapshot`);
      }
    });
  }

  test('s3a:// reads the same objects as s3://', async () => {
    const a = await storageFor(`s3a://${BUCKET}/tables/special`, motoCfg());
    assert.equal(a.url, `s3://${BUCKET}/tables/special`);
    await assertSameAsLocal(a, path.join(CORPUS, TABLES['special']!));
  });

  test('a path that holds no table: not-a-table', async () => {
    await assert.rejects(openTable(await storageFor(`s3://${BUCKET}/junk`, motoCfg())), lakeErr('not-a-table'));
  });

  test('no such bucket: missing, naming the bucket', async () => {
    const st = await storageFor('s3://no-such-bucket-here/t', motoCfg());
    await assert.rejects(st.list(''), lakeErr('missing', /bucket "no-such-bucket-here" does not exist/));
    await assert.rejects(openTable(st), lakeErr('missing', /no-such-bucket-here/));
    await assert.rejects(st.read('x.json'), lakeErr('missing', /no-such-bucket-here/));
  });

  test('ranges: past the end is empty with the size; If-Match on a changed ETag is corrupt', async () => {
    const st = await storageFor(`s3://${BUCKET}/junk`, motoCfg());
    const store = storeOf(st);
    const past = await store.get('junk/readme.txt', { range: { start: 100, end: 200 } });
    assert.deepEqual([past.bytes.length, past.size], [0, 11]);
    await assert.rejects(store.get('junk/readme.txt', { range: { start: 0, end: 4 }, ifMatch: '"0123456789abcdef0123456789abcdef"' }), lakeErr('corrupt', /changed while being read/));
    assert.equal(Buffer.from((await store.get('junk/readme.txt', { range: { start: 4, end: 5 } })).bytes).toString(), 'a');
  });

  test('wrong secret on s3rver: denied, names the credential source, no secret or signature', async () => {
    const st = await storageFor(`s3://${BUCKET}/tables/dv`, s3rverCfg({ credentials: { accessKeyId: 'S3RVER', secretAccessKey: FAKE_SECRET }, credentialSource: 'the test config' }));
    await assert.rejects(st.list(''), lakeErr('denied', /access denied with credentials from the test config/, /SignatureDoesNotMatch/, /s3 ListObjectsV2 s3:\/\/lakelens-s3\/tables\/dv/));
    await assert.rejects(st.read('_delta_log/00000000000000000000.json'), lakeErr('denied', /GetObject/));
  });

  test('a server that echoes the request in its 403 body leaks nothing into the error', async () => {
    let auth = '';
    const srv = await listen(http.createServer((req, res) => {
      auth = String(req.headers.authorization);
      res.writeHead(403, { 'content-type': 'application/xml' }).end(`<Error><Code>AccessDenied</Code><Message>${auth} ${req.url}</Message></Error>`);
    }));
    try {
      const st = await storageFor(`s3://${BUCKET}/t`, { s3: { endpoint: srv.url, region: 'us-east-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: FAKE_SECRET, sessionToken: 'TOKEN-xyz' } } });
      await assert.rejects(st.read('a.json'), (e: unknown) => lakeErr('denied', /AccessDenied/)(e) && !(e as Error).message.includes('TOKEN-xyz') && !(e as Error).message.includes(auth.slice(-64)));
      assert.match(auth, /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\//);
    } finally {
      await srv.close();
    }
  });

  test(`a listing of ${MANY} keys pages in order`, async () => {
    const up = new S3Uploader({ endpoint: moto, accessKeyId: 'test', secretAccessKey: 'test' });
    await up.createBucket(MANY_BUCKET);
    const names = Array.from({ length: MANY }, (_, i) => `${String(i).padStart(20, '0')}.json`);
    const t0 = Date.now();
    await up.putAll(MANY_BUCKET, names.map((n) => [`t/_delta_log/${n}`, () => '{}'] as [string, () => string]), 16);
    const upMs = Date.now() - t0;
    const st = await storageFor(`s3://${MANY_BUCKET}/t`, motoCfg());
    const stats = storeOf(st).stats;
    assert.equal(await storeOf(st).head('t/absent'), undefined); // the region lookup, out of the count
    const r0 = stats.requests;
    const t1 = Date.now();
    const got = await st.list('_delta_log');
    const listMs = Date.now() - t1;
    const listReqs = stats.requests - r0;
    assert.deepEqual(got.map((e) => e.name), names);
    assert.equal(listReqs, Math.ceil(MANY / 1000), 'pages of 1000');
    const tail = await st.listFrom!('_delta_log', names[MANY - 3]!);
    assert.deepEqual(tail.map((e) => e.name), names.slice(MANY - 2));
    let pages = 0;
    let n = 0;
    for await (const p of listAll(storeOf(st), 't/_delta_log/', { delimiter: false, maxKeys: 250 })) {
      pages++;
      n += p.objects.length;
    }
    assert.deepEqual([n, pages], [MANY, Math.ceil(MANY / 250)]);
    process.stderr.write(`# s3 listing: ${MANY} keys uploaded to moto in ${upMs} ms (${Math.round(MANY / (upMs / 1000))}/s), listed in ${listMs} ms, ${listReqs} requests\n`);
  });

  test('a 50 MB object reads whole through parallel ranges', async () => {
    const bytes = randomBytes(50 * 1024 * 1024 + 12_345);
    await new S3Uploader({ endpoint: moto, accessKeyId: 'test', secretAccessKey: 'test' }).put(MANY_BUCKET, 'big/blob.bin', bytes);
    const st = await storageFor(`s3://${MANY_BUCKET}/big`, motoCfg());
    const stats = storeOf(st).stats;
    const r0 = stats.requests;
    const t = Date.now();
    const got = await st.read('blob.bin');
    assert.ok(Buffer.from(got).equals(bytes), 'same bytes');
    const parts = Math.ceil(bytes.length / (8 * 1024 * 1024));
    assert.equal(stats.requests - r0, parts);
    process.stderr.write(`# s3 50 MB read: ${stats.requests - r0} requests in ${Date.now() - t} ms\n`);
  });

  test('wrong region: the answer naming the bucket’s region is followed once; an unset region is discovered', async () => {
    const scopes: string[] = [];
    const p = await proxy(moto, (req) => {
      const scope = /Credential=[^/]+\/\d+\/([^/]+)\//.exec(String(req.headers.authorization))?.[1] ?? '';
      scopes.push(`${req.method} ${scope}`);
      if (req.method === 'HEAD' && !req.url!.includes('?') && req.url!.split('/').length === 2) return { status: 200, headers: { 'x-amz-bucket-region': 'eu-west-3' } };
      if (scope !== 'eu-west-3') return { status: 400, body: '<Error><Code>AuthorizationHeaderMalformed</Code><Message>the region is wrong; expecting eu-west-3</Message><Region>eu-west-3</Region></Error>' };
      return 'forward';
    });
    try {
      const fixed = await storageFor(`s3://${BUCKET}/junk`, motoCfg({ endpoint: p.url, region: 'us-east-1' }));
      assert.equal(Buffer.from(await fixed.read('readme.txt')).toString(), 'not a table');
      assert.equal(Buffer.from(await fixed.read('readme.txt')).toString(), 'not a table');
      assert.deepEqual(scopes, ['GET us-east-1', 'GET eu-west-3', 'GET eu-west-3']);
      scopes.length = 0;
      const found = await storageFor(`s3://${BUCKET}/junk`, motoCfg({ endpoint: p.url }));
      assert.equal((await found.list('')).length, 2);
      assert.deepEqual(scopes, ['HEAD us-east-1', 'GET eu-west-3']);
    } finally {
      await p.close();
    }
  });

  test('throttling that clears is retried; throttling that does not gives up saying so', async () => {
    let n = 0;
    const p = await proxy(moto, () => (n++ < 3 ? { status: 503, body: '<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>' } : 'forward'));
    try {
      const st = await storageFor(`s3://${BUCKET}/junk`, motoCfg({ endpoint: p.url, region: 'us-east-1' }, { http: { backoffMs: 5 } }));
      assert.equal(Buffer.from(await st.read('readme.txt')).toString(), 'not a table');
      assert.equal(storeOf(st).stats.retries, 3);
      n = -1e9;
      const never = await storageFor(`s3://${BUCKET}/junk`, motoCfg({ endpoint: p.url, region: 'us-east-1' }, { http: { backoffMs: 5, retries: 2 } }));
      await assert.rejects(never.read('readme.txt'), lakeErr('unavailable', /throttled \(HTTP 503 SlowDown\)/, /gave up after 3 attempts/, /GetObject s3:\/\/lakelens-s3\/junk\/readme.txt/));
    } finally {
      await p.close();
    }
  });

  test('a body cut short is retried', async () => {
    let cut = 0;
    const p = await proxy(moto, (req) => (req.method === 'GET' && !req.url!.includes('?') && cut++ === 0 ? 'truncate' : 'forward'));
    try {
      const st = await storageFor(`s3://${BUCKET}/tables/dv`, motoCfg({ endpoint: p.url, region: 'us-east-1' }, { http: { backoffMs: 5 } }));
      const f = '_delta_log/00000000000000000000.json';
      assert.deepEqual(Buffer.from(await st.read(f)), fs.readFileSync(path.join(CORPUS, TABLES['dv']!, f)));
      assert.equal(cut, 2);
      assert.equal(storeOf(st).stats.retries, 1);
    } finally {
      await p.close();
    }
  });

  test('a server that never answers, and a closed port: unavailable, quickly', async () => {
    const sockets: net.Socket[] = [];
    const silent = await listen(net.createServer((s) => sockets.push(s)));
    try {
      const t = Date.now();
      const st = await storageFor(`s3://${BUCKET}/t`, motoCfg({ endpoint: silent.url, region: 'us-east-1' }, { http: { timeoutMs: 300, retries: 1, backoffMs: 1 } }));
      await assert.rejects(st.list(''), lakeErr('unavailable', /no answer within/, /gave up after 2 attempts/));
      assert.ok(Date.now() - t < 3000, `gave up after ${Date.now() - t} ms`);
    } finally {
      for (const s of sockets) s.destroy();
      await silent.close();
    }
    const closed = await listen(net.createServer());
    await closed.close();
    const st = await storageFor(`s3://${BUCKET}/t`, motoCfg({ endpoint: closed.url, region: 'us-east-1' }, { http: { retries: 1, backoffMs: 1 } }));
    await assert.rejects(st.read('x'), lakeErr('unavailable', /connection refused/));
  });

  test('bucket listings after the reads are unchanged (nothing was written)', async () => {
    assert.deepEqual(await bucketState(motoCfg()), initial['moto']);
    assert.deepEqual(await bucketState(s3rverCfg()), initial['s3rver']);
  });
});

describe('S3 credentials (read from s3rver, which checks the signature)', () => {
  const cfgFile = path.join(tmp, 'aws-config');
  const credFile = path.join(tmp, 'aws-credentials');
  const listing = async (s: Storage) => (await s.list('')).map((e) => e.name).sort();
  const want = fs.readdirSync(path.join(CORPUS, TABLES['dv']!)).sort();
  before(() => {
    const proc = path.join(tmp, 'cred-process.js');
    fs.writeFileSync(proc, `process.stdout.write(JSON.stringify({ Version: 1, AccessKeyId: 'S3RVER', SecretAccessKey: 'S3RVER' }))`);
    fs.writeFileSync(cfgFile, [
      '[profile dev]', 'region = us-east-1', 'aws_access_key_id = S3RVER', 'aws_secret_access_key = S3RVER', `endpoint_url = ${s3rver}`,
      '[profile bad]', 'aws_access_key_id = S3RVER', `aws_secret_access_key = ${FAKE_SECRET}`, `endpoint_url = ${s3rver}`,
      '[profile proc]', `credential_process = ${process.execPath} ${proc}`, `endpoint_url = ${s3rver}`,
      '[profile svc]', 'services = local-s3', 'aws_access_key_id = S3RVER', 'aws_secret_access_key = S3RVER',
      '[services local-s3]', 's3 =', `  endpoint_url = ${s3rver}`, '',
    ].join('\n'));
    fs.writeFileSync(credFile, '');
    process.env['AWS_CONFIG_FILE'] = cfgFile;
    process.env['AWS_SHARED_CREDENTIALS_FILE'] = credFile;
  });
  after(() => clearStores());

  test('fixed credentials; refreshed when they are about to expire', async () => {
    assert.ok(want.includes('_delta_log') && want.length >= 3);
    let refreshed = 0;
    const st = await storageFor(`s3://${BUCKET}/tables/dv`, s3rverCfg({
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: FAKE_SECRET, expiration: Date.now() + 60_000 },
      refreshCredentials: async () => (refreshed++, { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', expiration: Date.now() + 3600_000 }),
    }));
    assert.deepEqual(await listing(st), want);
    await st.read('_delta_log/00000000000000000000.json');
    assert.equal(refreshed, 1);
  });

  test('from the environment', async () => {
    const env = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_ENDPOINT_URL_S3: s3rver, AWS_REGION: 'us-east-1' };
    const st = await storageFor(`s3://${BUCKET}/tables/dv`, { env });
    assert.equal(storeOf(st).credentialSource, 'environment');
    assert.deepEqual(await listing(st), want);
    const bad = await storageFor(`s3://${BUCKET}/tables/dv`, { env: { ...env, AWS_SECRET_ACCESS_KEY: FAKE_SECRET } });
    await assert.rejects(bad.list(''), lakeErr('denied', /credentials from environment/));
  });

  test('from a profile: keys and endpoint_url from the config file, by setting and by AWS_PROFILE', async () => {
    clearStores();
    const st = await storageFor(`s3://${BUCKET}/tables/dv`, { s3: { profile: 'dev' } });
    assert.equal(storeOf(st).credentialSource, 'profile dev');
    assert.deepEqual(await listing(st), want);
    await assert.rejects((await storageFor(`s3://${BUCKET}/tables/dv`, { s3: { profile: 'bad' } })).list(''), lakeErr('denied', /credentials from profile bad/));
    process.env['AWS_PROFILE'] = 'dev';
    try {
      clearStores();
      const viaEnv = await storageFor(`s3://${BUCKET}/tables/dv`);
      assert.equal(storeOf(viaEnv).credentialSource, 'profile dev');
      assert.deepEqual(await listing(viaEnv), want);
    } finally {
      delete process.env['AWS_PROFILE'];
      clearStores();
    }
  });

  test('from credential_process, and an endpoint from a services section', async () => {
    assert.deepEqual(await listing(await storageFor(`s3://${BUCKET}/tables/dv`, { s3: { profile: 'proc' } })), want);
    assert.deepEqual(await listing(await storageFor(`s3://${BUCKET}/tables/dv`, { s3: { profile: 'svc' } })), want);
  });

  test('anonymous requests are unsigned', async () => {
    const st = await storageFor(`s3://${BUCKET}/tables/dv`, { s3: { endpoint: s3rver, anonymous: true } });
    assert.equal(storeOf(st).credentialSource, 'anonymous');
    assert.deepEqual(await listing(st), want);
  });

  test('nothing in the chain: denied, saying what was tried and what to do', async () => {
    const st = await storageFor(`s3://${BUCKET}/t`, { s3: { endpoint: moto }, env: { AWS_CONFIG_FILE: path.join(tmp, 'empty'), AWS_SHARED_CREDENTIALS_FILE: path.join(tmp, 'empty') } });
    assert.equal(storeOf(st).credentialSource, 'AWS default chain');
    await assert.rejects(st.list(''), lakeErr('denied', /no AWS credentials for bucket "lakelens-s3" from AWS default chain/, /profile "default"/, /aws sso login/));
  });
});

describe('ListObjectsV2 parsing', () => {
  test('one entry or many, numeric-looking keys stay text, entities and url-encoding decoded', () => {
    const one = parseListing(Buffer.from('<?xml version="1.0"?><ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>007</Key><Size>3</Size><ETag>&quot;e&quot;</ETag><LastModified>2024-01-01T00:00:00.000Z</LastModified></Contents><CommonPrefixes><Prefix>1e5/</Prefix></CommonPrefixes></ListBucketResult>'), 'x');
    assert.deepEqual(one, { objects: [{ key: '007', size: 3, mtime: Date.UTC(2024, 0, 1), etag: '"e"' }], prefixes: ['1e5/'] });
    const raw = parseListing(Buffer.from("<ListBucketResult><Contents><Key> a&amp;b&#x27;c%20+ </Key><Size>1</Size></Contents><Contents><Key>x</Key><Size>2</Size></Contents><IsTruncated>true</IsTruncated><NextContinuationToken>tok</NextContinuationToken></ListBucketResult>"), 'x');
    assert.deepEqual([raw.objects.map((o) => o.key), raw.next], [[" a&b'c%20+ ", 'x'], 'tok']);
    const url = parseListing(Buffer.from('<ListBucketResult><EncodingType>url</EncodingType><Contents><Key>c2%3D%2B+%253D</Key><Size>1</Size></Contents></ListBucketResult>'), 'x');
    assert.equal(url.objects[0]!.key, 'c2=+ %3D');
    assert.throws(() => parseListing(Buffer.from('<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>'), 'x'), lakeErr('corrupt', /continuation token/));
    assert.throws(() => parseListing(Buffer.from('<Error><Code>x</Code></Error>'), 'x'), lakeErr('corrupt'));
  });
});

// ---- loopback helpers: a fault injector in front of a real server, and bare listeners

async function listen(srv: net.Server): Promise<{ url: string; close(): Promise<void> }> {
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as net.AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((r) => { (srv as http.Server).closeAllConnections?.(); srv.close(() => r()); }) };
}

type Act = 'forward' | 'truncate' | { status: number; headers?: Record<string, string>; body?: string };

/** Answers each request as `decide` says: forward to `target`, forward with the body cut in half, or a canned answer. */
function proxy(target: string, decide: (req: http.IncomingMessage) => Act) {
  const t = new URL(target);
  return listen(http.createServer((req, res) => {
    const act = decide(req);
    if (typeof act === 'object') {
      res.writeHead(act.status, { 'content-type': 'application/xml', ...act.headers });
      res.end(req.method === 'HEAD' ? undefined : act.body);
      req.resume();
      return;
    }
    const up = http.request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers }, (ur) => {
      if (act === 'truncate') {
        const chunks: Buffer[] = [];
        ur.on('data', (c: Buffer) => chunks.push(c));
        ur.on('end', () => {
          const body = Buffer.concat(chunks);
          res.writeHead(ur.statusCode!, { ...ur.headers, 'content-length': String(body.length) });
          res.write(body.subarray(0, body.length >> 1), () => res.destroy());
        });
        return;
      }
      res.writeHead(ur.statusCode!, ur.headers);
      ur.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  }));
}
