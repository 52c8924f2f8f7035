/** Placeholder: the azure backend (being written). */
import { LakeError } from '../errors';
import type { StoreConfig } from './config';
import type { Location } from './location';
import type { ObjectStore } from './objectStore';

export async function openAzureStore(loc: Location, _cfg: StoreConfig): Promise<ObjectStore> {
  throw new LakeError('unsupported', 'azure: not implemented yet', loc.bucket);
}
