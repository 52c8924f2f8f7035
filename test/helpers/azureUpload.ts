/**
 * Test-only writes to Azurite: containers, blobs uploaded from corpus folders (read in place), and
 * SAS tokens. The product never writes; @azure/storage-blob is used here only, in test bundles.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BlobServiceClient, ContainerClient } from '@azure/storage-blob';
import { filesUnder } from './storeConformance';

// require, not import: esbuild would pick the package's ESM build for an import, and that build
// reads import.meta.url, which a CommonJS test bundle does not have
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const blob = require('@azure/storage-blob') as typeof import('@azure/storage-blob');
const { ContainerSASPermissions, StorageSharedKeyCredential, generateBlobSASQueryParameters } = blob;

export const DEV_ACCOUNT = 'devstoreaccount1';
export const DEV_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export function service(connectionString: string): BlobServiceClient {
  return blob.BlobServiceClient.fromConnectionString(connectionString);
}

export async function createContainer(connectionString: string, name: string): Promise<ContainerClient> {
  const c = service(connectionString).getContainerClient(name);
  await c.createIfNotExists();
  return c;
}

/** Uploads every file under `dir` to `prefix/…` (a few at a time: Azurite runs on a shared core). */
export async function uploadFolder(c: ContainerClient, dir: string, prefix: string): Promise<number> {
  const files = filesUnder(dir);
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const f = files[next++]!;
      const bytes = fs.readFileSync(path.join(dir, f));
      await c.getBlockBlobClient(prefix === '' ? f : `${prefix}/${f}`).uploadData(bytes);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return files.length;
}

export async function uploadBytes(c: ContainerClient, key: string, bytes: Uint8Array): Promise<void> {
  await c.getBlockBlobClient(key).uploadData(Buffer.from(bytes), { blockSize: 8 * 1024 * 1024, concurrency: 4 });
}

/** Many small blobs, for paging tests. */
export async function uploadMany(c: ContainerClient, keys: string[], concurrency = 16): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < keys.length) {
      const k = keys[next++]!;
      await c.getBlockBlobClient(k).upload(k, Buffer.byteLength(k));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** A container SAS with the given permissions ("rl", "r", …), valid for an hour. */
export function containerSas(container: string, permissions: string): string {
  const cred = new StorageSharedKeyCredential(DEV_ACCOUNT, DEV_KEY);
  return generateBlobSASQueryParameters(
    { containerName: container, permissions: ContainerSASPermissions.parse(permissions), startsOn: new Date(Date.now() - 5 * 60_000), expiresOn: new Date(Date.now() + 3600_000) },
    cred,
  ).toString();
}
