/**
 * Test-side AWS calls against moto: Glue's JSON 1.1 write calls (CreateDatabase, CreateTable) and
 * S3 uploads, signed with SigV4 like real clients (moto does not check signatures). Test code: the
 * catalog client never writes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';

export const TEST_KEYS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const REGION = 'us-east-1';

async function signedFetch(service: 'glue' | 's3', url: URL, method: string, headers: Record<string, string>, body: string | Uint8Array | undefined): Promise<Response> {
  const signer = new SignatureV4({ service, region: REGION, credentials: TEST_KEYS, sha256: Hash.bind(null, 'sha256'), uriEscapePath: service !== 's3', applyChecksum: service === 's3' });
  const query: Record<string, string> = {};
  url.searchParams.forEach((v, k) => (query[k] = v));
  const signed = await signer.sign({ method, protocol: url.protocol, hostname: url.hostname, port: Number(url.port), path: url.pathname, query, headers: { ...headers, host: url.host }, body });
  const h: Record<string, string> = {};
  for (const [k, v] of Object.entries(signed.headers)) if (k !== 'host') h[k] = v;
  return fetch(url, { method, headers: h, ...(body !== undefined ? { body } : {}) });
}

export async function glueCall(endpoint: string, op: string, input: unknown): Promise<any> {
  const res = await signedFetch('glue', new URL(endpoint), 'POST', { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSGlue.${op}` }, JSON.stringify(input));
  const text = await res.text();
  if (!res.ok) throw new Error(`glue ${op}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : {};
}

export async function createBucket(endpoint: string, bucket: string): Promise<void> {
  const res = await signedFetch('s3', new URL(`${endpoint}/${bucket}`), 'PUT', {}, undefined);
  if (!res.ok && res.status !== 409) throw new Error(`s3 CreateBucket ${bucket}: HTTP ${res.status} ${await res.text()}`);
}

/** Uploads every file under `dir` (but those `skip` names) to s3://bucket/prefix/… (path-style). */
export async function uploadFolder(endpoint: string, bucket: string, prefix: string, dir: string, skip: (rel: string) => boolean = () => false): Promise<number> {
  let n = 0;
  const walk = async (rel: string): Promise<void> => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (skip(r)) continue;
      if (e.isDirectory()) await walk(r);
      else if (e.isFile()) {
        const key = `${prefix}/${r}`.split('/').map(encodeURIComponent).join('/');
        const res = await signedFetch('s3', new URL(`${endpoint}/${bucket}/${key}`), 'PUT', {}, fs.readFileSync(path.join(dir, r)));
        if (!res.ok) throw new Error(`s3 PutObject ${key}: HTTP ${res.status} ${await res.text()}`);
        n++;
      }
    }
  };
  await walk('');
  return n;
}
