/** Placeholder: the gcs backend (being written). */
import { LakeError } from '../errors';
import type { StoreConfig } from './config';
import type { Location } from './location';
import type { ObjectStore } from './objectStore';

export async function openGcsStore(loc: Location, _cfg: StoreConfig): Promise<ObjectStore> {
  throw new LakeError('unsupported', 'gcs: not implemented yet', loc.bucket);
}
