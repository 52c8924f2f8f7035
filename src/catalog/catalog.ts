/**
 * One catalog interface (Iceberg REST, Unity Catalog, AWS Glue behind it): namespaces and tables,
 * paged and lazily listed, and `loadTable`, which gives everything the rest of Lakelens needs to
 * open the table as if it had been given by URI — its format, location, the catalog's current
 * metadata file (Iceberg) and the storage credentials the catalog vends. Nothing downstream knows
 * a table came from a catalog. Read only: no client calls a create, commit, drop or update API.
 */
import type { TableFormat } from '../core/model';
import type { StoreConfig } from '../core/storage/config';

export type CatalogKind = 'iceberg-rest' | 'unity' | 'glue';

/** A catalog as configured (settings, the CLI's catalogs file). Secrets are not here. */
export interface CatalogDefinition {
  name: string;
  type: CatalogKind;
  /** Iceberg REST: the catalog URI; Unity: the workspace/server URL; Glue: optional endpoint. */
  uri?: string;
  /** Iceberg REST: the warehouse (sent to /v1/config). */
  warehouse?: string;
  /** Auth: none | bearer | oauth2 (client credentials) | sigv4 | pat (Unity) | aws (Glue: the AWS chain). */
  auth?: 'none' | 'bearer' | 'oauth2' | 'sigv4' | 'pat' | 'aws';
  /** OAuth2: token endpoint (else the catalog's own /v1/oauth/tokens), client id, scope. */
  oauth2ServerUri?: string;
  clientId?: string;
  scope?: string;
  /** AWS (Glue, SigV4): profile, region; Glue: catalog id (account). */
  profile?: string;
  region?: string;
  catalogId?: string;
  /** CLI: environment variables holding the secrets (token, client secret). */
  tokenEnv?: string;
  clientSecretEnv?: string;
  /** Storage settings merged under what the catalog vends (an S3 endpoint for a local store…). */
  storage?: StoreConfig;
}

/** Secrets of a catalog, from SecretStorage (VS Code) or the environment (CLI). Never logged. */
export interface CatalogSecrets {
  token?: string;
  clientSecret?: string;
}

export interface Page<T> {
  items: T[];
  /** Token of the next page; absent on the last. */
  next?: string;
}

export interface ListOptions {
  pageToken?: string;
  /** Page size hint. */
  pageSize?: number;
  /** Name filter (server-side where the API has one, else applied to the page). */
  filter?: string;
  signal?: AbortSignal;
}

export interface CatalogTable {
  /** Namespace path (Iceberg nested namespaces; Unity [catalog, schema]; Glue [database]). */
  namespace: string[];
  name: string;
  /** 'table' opens; 'view' is listed and marked; 'other' is a table Lakelens does not read (its format named in `note`). */
  kind: 'table' | 'view' | 'other';
  /** Known from the listing (Unity, Glue); Iceberg REST tables are always Iceberg. */
  format?: TableFormat;
  note?: string;
}

export interface LoadedTable {
  format: TableFormat;
  /** The table's root location (a URI the storage layer reads). */
  location: string;
  /** Iceberg: the current metadata file as the catalog says (wins over a version hint). */
  metadataLocation?: string;
  /** Storage configuration for the table's files: the catalog's vended credentials merged over the definition's. */
  storage: StoreConfig;
  /** What the catalog says about the table, for display (owner, comment, type, properties…). */
  info: Record<string, string>;
}

export interface Catalog {
  readonly definition: CatalogDefinition;
  /** Child namespaces of `parent` ([] for the top level). */
  listNamespaces(parent: string[], opts?: ListOptions): Promise<Page<string[]>>;
  listTables(namespace: string[], opts?: ListOptions): Promise<Page<CatalogTable>>;
  loadTable(namespace: string[], name: string, signal?: AbortSignal): Promise<LoadedTable>;
}
