/**
 * Where a CLI target lives: a folder, or an object-store URI (`s3://…`, `gs://…`, `abfss://…`,
 * `az://…`, `https://account.blob.core.windows.net/…`), read with the credentials the platform's
 * standard chain finds. `--profile`, `--region`, `--endpoint` and `--anonymous` override it.
 */
import type { StoreConfig } from '../core/storage/config';
import { isRemoteLocation, parseLocation } from '../core/storage/location';
import type { Storage } from '../core/storage/storage';
import { storageFor } from '../core/storage/storageFor';
import { UsageError } from './args';

export const STORAGE_VALUED = ['profile', 'region', 'endpoint', 'azure-account'];
export const STORAGE_BOOLEANS = ['anonymous'];

/** Set when a command opened a remote table: the process then exits without waiting for idle connections. */
export let usedRemote = false;

export function storeConfig(flags: Map<string, string | true>): StoreConfig {
  const str = (k: string) => {
    const v = flags.get(k);
    return typeof v === 'string' ? v : undefined;
  };
  const cfg: StoreConfig = {};
  const profile = str('profile');
  const region = str('region');
  const endpoint = str('endpoint');
  const anonymous = flags.has('anonymous');
  if (endpoint !== undefined && !/^https?:\/\//.test(endpoint)) throw new UsageError(`--endpoint needs an http:// or https:// URL, got ${JSON.stringify(endpoint)}`);
  cfg.s3 = { ...(profile ? { profile } : {}), ...(region ? { region } : {}), ...(endpoint ? { endpoint } : {}), ...(anonymous ? { anonymous } : {}) };
  const account = str('azure-account');
  cfg.azure = { ...(account ? { account } : {}), ...(anonymous ? { anonymous } : {}) };
  cfg.gcs = { ...(anonymous ? { anonymous } : {}) };
  // --endpoint names the server of whichever store the target is in
  return cfg;
}

/** The storage of a target; an endpoint given on the command line applies to its kind of store. */
export async function openStorage(target: string, flags: Map<string, string | true>): Promise<Storage> {
  const cfg = storeConfig(flags);
  if (isRemoteLocation(target)) {
    usedRemote = true;
    const endpoint = cfg.s3?.endpoint;
    if (endpoint) {
      const kind = parseLocation(target).kind;
      if (kind === 'azure') cfg.azure = { ...cfg.azure, endpoint };
      if (kind === 'gcs') cfg.gcs = { ...cfg.gcs, endpoint };
    }
  }
  return storageFor(target, cfg);
}
