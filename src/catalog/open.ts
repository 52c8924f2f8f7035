/**
 * Opens a catalog client. The clients (HTTP, OAuth2, SigV4 signing, the AWS credential chain) are
 * a bundle of their own, dist/catalogs.js, loaded only when a catalog is used.
 */
import type { HttpOptions } from '../core/storage/http';
import type { Catalog, CatalogDefinition, CatalogSecrets } from './catalog';

export async function openCatalog(def: CatalogDefinition, secrets: CatalogSecrets, opts: { http?: HttpOptions } = {}): Promise<Catalog> {
  return (await import('./clients')).openCatalogClient(def, secrets, opts);
}
