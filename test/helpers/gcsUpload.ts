/**
 * Puts test data into fake-gcs-server over its JSON API (bucket insert, media upload). Test code
 * only: the product has no call that writes. Corpus tables are read in place, never copied.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { filesUnder } from './storeConformance';

export async function createBucket(endpoint: string, bucket: string): Promise<void> {
  const res = await fetch(`${endpoint}/storage/v1/b?project=test`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: bucket }) });
  if (!res.ok && res.status !== 409) throw new Error(`create bucket ${bucket}: HTTP ${res.status} ${await res.text()}`);
}

export async function uploadObject(endpoint: string, bucket: string, key: string, bytes: Uint8Array): Promise<void> {
  const url = `${endpoint}/upload/storage/v1/b/${encodeURIComponent(bucket)}/o?uploadType=media&name=${encodeURIComponent(key)}`;
  const res = await fetch(url, { method: 'POST', body: bytes });
  if (!res.ok) throw new Error(`upload ${key}: HTTP ${res.status} ${await res.text()}`);
  await res.arrayBuffer();
}

/** Runs `fn` over `items`, `limit` at a time. */
export async function inParallel<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Every file below `dir` as `prefix/relative/path`; returns the number of objects. */
export async function uploadFolder(endpoint: string, bucket: string, prefix: string, dir: string, limit = 8): Promise<number> {
  const files = filesUnder(dir);
  await inParallel(files, limit, (f) => uploadObject(endpoint, bucket, `${prefix}/${f}`, fs.readFileSync(path.join(dir, f))));
  return files.length;
}

/** Every object of a bucket as `name generation etag size`, sorted: the "nothing was written" fingerprint. */
export async function bucketFingerprint(endpoint: string, bucket: string): Promise<string[]> {
  const out: string[] = [];
  let token: string | undefined;
  do {
    const u = new URL(`${endpoint}/storage/v1/b/${encodeURIComponent(bucket)}/o`);
    u.searchParams.set('maxResults', '1000');
    if (token) u.searchParams.set('pageToken', token);
    const res = await fetch(u);
    if (!res.ok) throw new Error(`list ${bucket}: HTTP ${res.status}`);
    const j = (await res.json()) as { items?: { name: string; generation: string; etag: string; size: string; metageneration: string }[]; nextPageToken?: string };
    for (const o of j.items ?? []) out.push(`${o.name} ${o.generation} ${o.metageneration} ${o.etag} ${o.size}`);
    token = j.nextPageToken;
  } while (token);
  return out.sort();
}
