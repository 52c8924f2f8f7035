/**
 * Catalogs in VS Code: definitions in the `lakelens.catalogs` setting (committable: no secrets),
 * tokens and client secrets in SecretStorage, clients opened on first use (dist/catalogs.js) and
 * kept per definition, and a catalog table turned into a registry entry when it is opened: one
 * loadTable (or table info + credentials) round trip, then it is a table like any other.
 */
import * as vscode from 'vscode';
import type { Catalog, CatalogDefinition, CatalogSecrets, CatalogTable } from '../catalog/catalog';
import { openCatalog } from '../catalog/open';
import type { Registry, TableEntry } from './registry';

const SECRET_PREFIX = 'lakelens.catalog/';
const KINDS = new Set(['iceberg-rest', 'unity', 'glue']);

export function catalogDefinitions(): CatalogDefinition[] {
  const raw = vscode.workspace.getConfiguration('lakelens').get<unknown[]>('catalogs', []);
  return (Array.isArray(raw) ? raw : []).filter(
    (d): d is CatalogDefinition => !!d && typeof d === 'object' && typeof (d as CatalogDefinition).name === 'string' && KINDS.has((d as CatalogDefinition).type),
  );
}

export async function saveCatalogDefinitions(list: CatalogDefinition[]): Promise<void> {
  const c = vscode.workspace.getConfiguration('lakelens');
  const target = c.inspect('catalogs')?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await c.update('catalogs', list, target);
}

export class Catalogs {
  private readonly open = new Map<string, { key: string; catalog: Promise<Catalog> }>();

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly registry: Registry,
  ) {}

  async secretsOf(name: string): Promise<CatalogSecrets> {
    const s = await this.secrets.get(SECRET_PREFIX + name);
    try {
      return s ? (JSON.parse(s) as CatalogSecrets) : {};
    } catch {
      return {};
    }
  }

  async setSecrets(name: string, s: CatalogSecrets): Promise<void> {
    if (Object.keys(s).length === 0) await this.secrets.delete(SECRET_PREFIX + name);
    else await this.secrets.store(SECRET_PREFIX + name, JSON.stringify(s));
  }

  /** The client of a definition (reopened when the definition changes). */
  client(def: CatalogDefinition): Promise<Catalog> {
    const key = JSON.stringify(def);
    const cur = this.open.get(def.name);
    if (cur?.key === key) return cur.catalog;
    const catalog = (async () => openCatalog(def, await this.secretsOf(def.name)))();
    catalog.catch(() => this.open.delete(def.name));
    this.open.set(def.name, { key, catalog });
    return catalog;
  }

  forget(name: string): void {
    this.open.delete(name);
    this.registry.dropRemote(`catalog:${name}`);
  }

  /** Loads a catalog table and registers it; the entry reads the table's storage with what the catalog vends. */
  async openTable(def: CatalogDefinition, t: CatalogTable): Promise<TableEntry> {
    const catalog = await this.client(def);
    const loaded = await catalog.loadTable(t.namespace, t.name);
    const ref = `${def.name}:${[...t.namespace, t.name].join('.')}`;
    return this.registry.addRemote(loaded.location, loaded.format, ref, {
      location: loaded.location,
      connection: `catalog:${def.name}`,
      name: t.name,
      // vended credentials are fetched again with the table (they expire): loadTable is the source
      config: async () => loaded.storage,
      ...(loaded.metadataLocation ? { options: { metadataLocation: loaded.metadataLocation } } : {}),
    });
  }
}
