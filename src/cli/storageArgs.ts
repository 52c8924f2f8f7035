/**
 * Where a CLI target lives: a folder, an object-store URI (`s3://…`, `gs://…`, `abfss://…`,
 * `az://…`, `https://account.blob.core.windows.net/…`) read with the credentials the platform's
 * standard chain finds (`--profile`, `--region`, `--endpoint`, `--anonymous` override it), or a
 * catalog table `<catalog>:<namespace>.<table>` (definitions from `--catalogs FILE`,
 * LAKELENS_CATALOGS, ~/.pyiceberg.yaml, ~/.databrickscfg), read with what the catalog vends.
 */
import type { TableFormat } from '../core/model';
import type { TableOptions } from '../core/options';
import type { StoreConfig } from '../core/storage/config';
import { isRemoteLocation, parseLocation } from '../core/storage/location';
import type { Storage } from '../core/storage/storage';
import { storageFor } from '../core/storage/storageFor';
import { type LoadedDefinitions, loadDefinitions, parseCatalogRef } from '../catalog/definitions';
import { openCatalog } from '../catalog/open';
import type { Catalog } from '../catalog/catalog';
import { UsageError } from './args';

export const STORAGE_VALUED = ['profile', 'region', 'endpoint', 'azure-account', 'catalogs'];
export const STORAGE_BOOLEANS = ['anonymous'];

/** Set when a command reached the network: the process then exits without waiting for idle connections. */
export let usedRemote = false;

export interface Target {
  storage: Storage;
  /** The format a catalog says the table has. */
  format?: TableFormat;
  /** Reader options the source implies (a catalog's current Iceberg metadata file). */
  options: TableOptions;
}

function str(flags: Map<string, string | true>, k: string): string | undefined {
  const v = flags.get(k);
  return typeof v === 'string' ? v : undefined;
}

export function storeConfig(flags: Map<string, string | true>, kind?: string): StoreConfig {
  const profile = str(flags, 'profile');
  const region = str(flags, 'region');
  const endpoint = str(flags, 'endpoint');
  const anonymous = flags.has('anonymous');
  if (endpoint !== undefined && !/^https?:\/\//.test(endpoint)) throw new UsageError(`--endpoint needs an http:// or https:// URL, got ${JSON.stringify(endpoint)}`);
  const account = str(flags, 'azure-account');
  // --endpoint names the server of whichever store the target is in
  return {
    s3: { ...(profile ? { profile } : {}), ...(region ? { region } : {}), ...(endpoint && kind === 's3' ? { endpoint } : {}), ...(anonymous ? { anonymous } : {}) },
    azure: { ...(account ? { account } : {}), ...(endpoint && kind === 'azure' ? { endpoint } : {}), ...(anonymous ? { anonymous } : {}) },
    gcs: { ...(endpoint && kind === 'gcs' ? { endpoint } : {}), ...(anonymous ? { anonymous } : {}) },
  };
}

let defs: LoadedDefinitions | undefined;

/** The catalog definitions this run sees (loaded once). */
export function catalogDefinitions(flags: Map<string, string | true>): LoadedDefinitions {
  defs ??= loadDefinitions({ file: str(flags, 'catalogs') });
  return defs;
}

/** A configured catalog by name, opened. */
export async function catalogNamed(flags: Map<string, string | true>, name: string): Promise<Catalog> {
  const c = catalogDefinitions(flags).catalogs.find((x) => x.definition.name === name);
  if (!c) throw new UsageError(`no catalog named ${JSON.stringify(name)} (see lakelens catalogs)`);
  usedRemote = true;
  return openCatalog(c.definition, c.secrets);
}

/** Storage, format and reader options of a CLI table argument. */
export async function resolveTarget(target: string, flags: Map<string, string | true>): Promise<Target> {
  // only a `name:…` string can be a catalog table: no definitions are read for paths and URIs
  if (/^[A-Za-z0-9_-]{2,}:(?!\/\/)/.test(target) || flags.has('catalogs')) {
    const names = catalogDefinitions(flags).catalogs.map((c) => c.definition.name);
    const ref = parseCatalogRef(target, names);
    if (ref) {
      const catalog = await catalogNamed(flags, ref.catalog);
      const t = await catalog.loadTable(ref.namespace, ref.table!);
      return { storage: await storageFor(t.location, t.storage), format: t.format, options: t.metadataLocation ? { metadataLocation: t.metadataLocation } : {} };
    }
  }
  return { storage: await openStorage(target, flags), options: {} };
}

/** The storage of a path or URI; an endpoint given on the command line applies to its kind of store. */
export async function openStorage(target: string, flags: Map<string, string | true>): Promise<Storage> {
  const remote = isRemoteLocation(target);
  if (remote) usedRemote = true;
  return storageFor(target, storeConfig(flags, remote ? parseLocation(target).kind : undefined));
}
