// s3rver (npm, a devDependency), an S3 server on the file system, on 127.0.0.1 in a child node
// process. See lib.mjs for the module contract.
//
// s3rver 3.7 checks only that a SigV4 request's access key exists ("Signature version 4
// calculation is unimplemented" in its authentication middleware): a wrong secret passes. So the
// child puts a SigV4 verifier of its own in front — written from the AWS spec with node:crypto,
// independent of the signing library the product uses — and answers 403 SignatureDoesNotMatch
// when the signature is wrong. Keys: S3RVER / S3RVER (s3rver's default account).
// --openssl-legacy-provider: its ListObjectsV2 continuation tokens are DES-encrypted, which
// OpenSSL 3 only has in the legacy provider (without it every truncated listing is a 500).
import { createRequire } from 'node:module';
import path from 'node:path';
import { freePort, spawnListening } from './lib.mjs';

export const name = 's3rver';

export async function install() {
  moduleDir();
}

/** s3rver as installed in the repo's node_modules (tests and run.mjs run with cwd = repo root). */
function moduleDir() {
  try {
    return createRequire(path.join(process.cwd(), 'noop.js')).resolve('s3rver');
  } catch {
    throw new Error(`s3rver: not found from ${process.cwd()}: run npm install in the repo (it is a devDependency)`);
  }
}

const CHILD = String.raw`
const http = require('node:http');
const crypto = require('node:crypto');
const S3rver = require(process.env.S3RVER_MODULE);
const SECRETS = { S3RVER: 'S3RVER' };
const app = new S3rver({ directory: process.env.S3RVER_DIR, silent: true, address: '127.0.0.1', port: Number(process.env.S3RVER_PORT) });
const handle = app.callback();
const enc = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
const dec = (s) => { try { return decodeURIComponent(s); } catch { return s; } };
const hmac = (k, s) => crypto.createHmac('sha256', k).update(s).digest();
const sha = (s) => crypto.createHash('sha256').update(s).digest('hex');
const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
function verify(req) {
  const auth = req.headers.authorization;
  if (!auth) return undefined;
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m) return undefined;
  const [, ak, date, region, service, signedHeaders, sig] = m;
  const secret = SECRETS[ak];
  if (secret === undefined) return undefined;
  const amzDate = String(req.headers['x-amz-date'] || '');
  const t = Date.parse(amzDate.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'));
  if (!Number.isFinite(t) || Math.abs(Date.now() - t) > 15 * 60000) return 'RequestTimeTooSkewed';
  const names = signedHeaders.split(';');
  if (!names.includes('host')) return 'SignatureDoesNotMatch';
  const q = req.url.indexOf('?');
  const rawPath = q < 0 ? req.url : req.url.slice(0, q);
  const rawQuery = q < 0 ? '' : req.url.slice(q + 1);
  const path = rawPath.split('/').map((s) => enc(dec(s))).join('/');
  const query = rawQuery.split('&').filter((p) => p !== '').map((p) => {
    const i = p.indexOf('=');
    return [enc(dec(i < 0 ? p : p.slice(0, i))), enc(dec(i < 0 ? '' : p.slice(i + 1)))];
  }).sort((a, b) => cmp(a[0], b[0]) || cmp(a[1], b[1])).map(([k, v]) => k + '=' + v).join('&');
  const headers = names.map((h) => h + ':' + String(req.headers[h] ?? '').trim().replace(/\s+/g, ' ') + '\n').join('');
  const canonical = [req.method, path, query, headers, signedHeaders, String(req.headers['x-amz-content-sha256'] || 'UNSIGNED-PAYLOAD')].join('\n');
  const toSign = ['AWS4-HMAC-SHA256', amzDate, date + '/' + region + '/' + service + '/aws4_request', sha(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac('AWS4' + secret, date), region), service), 'aws4_request');
  const want = hmac(key, toSign).toString('hex');
  return crypto.timingSafeEqual(Buffer.from(want), Buffer.from(sig)) ? undefined : 'SignatureDoesNotMatch';
}
const server = http.createServer((req, res) => {
  const bad = verify(req);
  if (!bad) return handle(req, res);
  const body = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>' + bad + '</Code><Message>The request signature we calculated does not match the signature you provided.</Message></Error>';
  res.writeHead(403, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
  res.end(req.method === 'HEAD' ? undefined : body);
  req.resume();
});
server.keepAliveTimeout = 30000;
server.listen(Number(process.env.S3RVER_PORT), '127.0.0.1');
`;

export async function start({ dataDir }) {
  const port = await freePort();
  const s = await spawnListening(process.execPath, ['--openssl-legacy-provider', '-e', CHILD], {
    cwd: dataDir,
    env: { S3RVER_MODULE: moduleDir(), S3RVER_DIR: path.join(dataDir, 'buckets'), S3RVER_PORT: String(port) },
    logFile: path.join(dataDir, 's3rver.log'),
  }, port, 30_000);
  return { env: { LAKELENS_TEST_S3RVER: `http://127.0.0.1:${port}` }, stop: s.stop };
}
