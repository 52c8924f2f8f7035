/** The catalog clients by kind (the dist/catalogs.js bundle; see open.ts). */
import { LakeError } from '../core/errors';
import type { HttpOptions } from '../core/storage/http';
import type { Catalog, CatalogDefinition, CatalogSecrets } from './catalog';

export async function openCatalogClient(def: CatalogDefinition, secrets: CatalogSecrets, opts: { http?: HttpOptions }): Promise<Catalog> {
  switch (def.type) {
    case 'iceberg-rest':
      return (await import('./icebergRest')).openIcebergRestCatalog(def, secrets, opts);
    case 'unity':
      return (await import('./unity')).openUnityCatalog(def, secrets, opts);
    case 'glue':
      return (await import('./glue')).openGlueCatalog(def, secrets, opts);
    default:
      throw new LakeError('invalid-argument', `catalog "${String((def as CatalogDefinition).name)}": unknown type ${JSON.stringify((def as CatalogDefinition).type)} (iceberg-rest, unity or glue)`);
  }
}
