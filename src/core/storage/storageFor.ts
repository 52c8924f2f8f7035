/**
 * `storageFor(location)`: the one way the CLI, the extension and the query engine get a table's
 * `Storage`, for a local path or an object-store URI alike. Stores are shared per bucket and
 * configuration, so tables in one bucket share connections and credentials.
 */
import { createHash } from 'node:crypto';
import type { StoreConfig } from './config';
import { FsStorage } from './local';
import { type Location, formatLocation, isRemoteLocation, parseLocation } from './location';
import { type ObjectStore, PrefixStorage } from './objectStore';
import type { Storage } from './storage';

export interface StorageOptions {
  /** Local folders: list in batches (the extension host; see FsStorage). */
  streamListings?: boolean;
}

const stores = new Map<string, Promise<ObjectStore>>();

/** A `Storage` rooted at `location`: a local path, `file://` URL, or `s3://`, `gs://`, `abfss://`, `az://`, `https://` URI. */
export async function storageFor(location: string, cfg: StoreConfig = {}, opts: StorageOptions = {}): Promise<Storage> {
  if (!isRemoteLocation(location)) {
    const local = location.startsWith('file://') ? decodeURIComponent(new URL(location).pathname) : location;
    return new FsStorage(local, opts);
  }
  const loc = parseLocation(location);
  return new PrefixStorage(await storeFor(loc, cfg), loc);
}

/** The shared store of a location's bucket under a configuration. */
export function storeFor(loc: Location, cfg: StoreConfig = {}): Promise<ObjectStore> {
  const bucket: Location = { ...loc, path: '' };
  const key = `${formatLocation(bucket)}#${configKey(cfg)}`;
  let p = stores.get(key);
  if (!p) {
    p = import('./remote').then((m) => m.openStore(bucket, cfg));
    p.catch(() => stores.delete(key));
    stores.set(key, p);
  }
  return p;
}

/** Forgets shared stores (tests; "sign out"). */
export function clearStores(): void {
  stores.clear();
}

const fnIds = new WeakMap<object, number>();
let nextFnId = 0;

/**
 * A hash of the configuration (secrets included, never kept as text). Callbacks (token getters,
 * credential refreshers) count by identity: two catalogs' refreshers never share a store.
 */
function configKey(cfg: StoreConfig): string {
  const h = createHash('sha256');
  h.update(
    JSON.stringify(cfg, (_k, v: unknown) => {
      if (typeof v !== 'function') return v;
      let id = fnIds.get(v);
      if (id === undefined) fnIds.set(v, (id = nextFnId++));
      return `fn#${id}`;
    }),
  );
  return h.digest('hex').slice(0, 16);
}
