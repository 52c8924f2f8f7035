/**
 * The object-store backends, in a bundle of their own (dist/remote.js): signing and credential
 * libraries load only when a remote table is opened, so activation and local tables never parse
 * them. `storageFor` reaches this module through a dynamic import.
 */
import { LakeError } from '../errors';
import type { StoreConfig } from './config';
import type { Location } from './location';
import type { ObjectStore } from './objectStore';

export async function openStore(loc: Location, cfg: StoreConfig): Promise<ObjectStore> {
  switch (loc.kind) {
    case 's3':
      return (await import('./s3')).openS3Store(loc, cfg);
    case 'azure':
      return (await import('./azure')).openAzureStore(loc, cfg);
    case 'gcs':
      return (await import('./gcs')).openGcsStore(loc, cfg);
    default:
      throw new LakeError('invalid-argument', `not an object store: ${loc.kind}`);
  }
}
