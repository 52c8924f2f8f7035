/**
 * Puts test fixtures into a local S3 server (moto, s3rver): create a bucket, PUT objects signed
 * with SigV4, upload a corpus folder in place with bounded parallelism. Test code only — the
 * product never writes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { filesUnder } from './storeConformance';

export interface S3Target {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region?: string;
}

class Sha256 extends Hash {
  constructor(secret?: Parameters<typeof Hash.prototype.update>[0]) {
    super('sha256', secret);
  }
}

const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export class S3Uploader {
  private readonly signer: SignatureV4;
  /** PUTs sent so far. */
  puts = 0;

  constructor(readonly t: S3Target) {
    this.signer = new SignatureV4({ service: 's3', region: t.region ?? 'us-east-1', sha256: Sha256, uriEscapePath: false, credentials: { accessKeyId: t.accessKeyId, secretAccessKey: t.secretAccessKey } });
  }

  private async send(method: string, bucket: string, key: string | undefined, body?: Uint8Array | string): Promise<Response> {
    const u = new URL(this.t.endpoint);
    const p = `/${enc(bucket)}${key === undefined ? '' : `/${key.split('/').map(enc).join('/')}`}`;
    const signed = await this.signer.sign({
      method,
      protocol: u.protocol,
      hostname: u.hostname,
      ...(u.port ? { port: Number(u.port) } : {}),
      path: p,
      query: {},
      headers: { host: u.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', ...(body !== undefined ? { 'content-length': String(typeof body === 'string' ? Buffer.byteLength(body) : body.length) } : {}) },
    });
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(signed.headers)) if (k !== 'host') headers[k] = v;
    for (let attempt = 0; ; attempt++) {
      try {
        return await fetch(`${u.protocol}//${u.host}${p}`, { method, headers, ...(body !== undefined ? { body } : {}) });
      } catch (err) {
        // a busy local server may reset a connection under parallel uploads
        if (attempt >= 3) throw err;
        await new Promise((r) => setTimeout(r, 50 * (attempt + 1)));
      }
    }
  }

  async createBucket(bucket: string, region?: string): Promise<void> {
    const body = region && region !== 'us-east-1' ? `<CreateBucketConfiguration><LocationConstraint>${region}</LocationConstraint></CreateBucketConfiguration>` : undefined;
    const res = await this.send('PUT', bucket, undefined, body);
    const text = await res.text();
    if (!res.ok && !/BucketAlreadyOwnedByYou|BucketAlreadyExists/.test(text)) throw new Error(`create bucket ${bucket}: HTTP ${res.status} ${text.slice(0, 300)}`);
  }

  async put(bucket: string, key: string, body: Uint8Array | string): Promise<void> {
    const res = await this.send('PUT', bucket, key, body);
    this.puts++;
    const text = await res.text();
    if (!res.ok) throw new Error(`put ${bucket}/${key}: HTTP ${res.status} ${text.slice(0, 300)}`);
  }

  /** PUTs many objects, `parallel` at a time. */
  async putAll(bucket: string, items: Iterable<[key: string, body: () => Uint8Array | string]>, parallel = 16): Promise<void> {
    const it = items[Symbol.iterator]();
    const worker = async () => {
      for (let n = it.next(); !n.done; n = it.next()) await this.put(bucket, n.value[0], n.value[1]());
    };
    await Promise.all(Array.from({ length: parallel }, worker));
  }

  /** Every file under `dir` (read in place) as `prefix/relative/path`. */
  async uploadDir(bucket: string, prefix: string, dir: string, parallel = 8): Promise<number> {
    const files = filesUnder(dir);
    await this.putAll(bucket, files.map((f) => [`${prefix}/${f}`, () => fs.readFileSync(path.join(dir, f))] as [string, () => Uint8Array]), parallel);
    return files.length;
  }
}
