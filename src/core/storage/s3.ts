/** Placeholder: the s3 backend (being written). */
import { LakeError } from '../errors';
import type { StoreConfig } from './config';
import type { Location } from './location';
import type { ObjectStore } from './objectStore';

export async function openS3Store(loc: Location, _cfg: StoreConfig): Promise<ObjectStore> {
  throw new LakeError('unsupported', 's3: not implemented yet', loc.bucket);
}
