/**
 * Unity Catalog (the OSS server and Databricks): catalogs, then schemas, as namespaces; tables
 * paged; loadTable reads the table's info and asks for temporary READ credentials, mapped onto the
 * storage configuration. Auth: a personal access token, OAuth M2M (client credentials at
 * {host}/oidc/v1/token) or a profile of ~/.databrickscfg, read only when the definition names one.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LakeError } from '../core/errors';
import type { TableFormat } from '../core/model';
import type { S3Credentials, StoreConfig } from '../core/storage/config';
import { HttpClient, type HttpOptions, type HttpRequest } from '../core/storage/http';
import type { Catalog, CatalogDefinition, CatalogSecrets, CatalogTable, ListOptions, LoadedTable, Page } from './catalog';

export interface UnityOptions {
  http?: HttpOptions;
  /** Environment read for DATABRICKS_CONFIG_FILE and HOME (default process.env). */
  env?: Record<string, string | undefined>;
}

const API = '/api/2.1/unity-catalog';
/** The API's page-size limits: 1000 for catalogs and schemas, 50 for tables. */
const MAX_NS = 1000;
const MAX_TABLES = 50;

export interface TableInfo {
  name?: string;
  catalog_name?: string;
  schema_name?: string;
  table_type?: string;
  data_source_format?: string;
  columns?: { name?: string; type_text?: string; comment?: string }[];
  storage_location?: string;
  comment?: string;
  owner?: string;
  table_id?: string;
  created_at?: number;
  updated_at?: number;
  properties?: Record<string, string>;
}

export interface TemporaryCredentials {
  aws_temp_credentials?: { access_key_id?: string; secret_access_key?: string; session_token?: string };
  azure_user_delegation_sas?: { sas_token?: string };
  gcp_oauth_token?: { oauth_token?: string };
  expiration_time?: number;
  url?: string;
}

interface Auth {
  /** Named in "access denied" errors; never the secret. */
  method: string;
  header(signal?: AbortSignal): Promise<string | undefined>;
}

export async function openUnityCatalog(def: CatalogDefinition, secrets: CatalogSecrets = {}, opts: UnityOptions = {}): Promise<Catalog> {
  const env = opts.env ?? process.env;
  let host = def.uri;
  let token = secrets.token;
  let clientId = def.clientId;
  let clientSecret = secrets.clientSecret;
  let from = '';
  if (def.profile) {
    const p = readDatabricksProfile(def.name, def.profile, env);
    host ??= p['host'];
    token ??= p['token'];
    clientId ??= p['client_id'];
    clientSecret ??= p['client_secret'];
    from = ` from profile "${def.profile}"`;
  }
  if (!host) throw new LakeError('invalid-argument', `unity "${def.name}": no server URL (set uri${def.profile ? `, or host in profile "${def.profile}"` : ''})`);
  let base: URL;
  try {
    base = new URL(/^https?:\/\//i.test(host) ? host : `https://${host}`);
  } catch {
    throw new LakeError('invalid-argument', `unity "${def.name}": uri is not a URL`);
  }
  const root = base.href.replace(/\/+$/, '').replace(/\/api\/2\.1\/unity-catalog$/, '');
  const http = new HttpClient({ ...opts.http, allowPost: true });

  const kind = def.auth ?? (token ? 'pat' : clientId && clientSecret ? 'oauth2' : 'none');
  let auth: Auth;
  if (kind === 'pat' || kind === 'bearer') {
    if (!token) throw new LakeError('invalid-argument', `unity "${def.name}": auth ${kind} needs a token${def.tokenEnv ? ` (${def.tokenEnv} is not set)` : ''}`);
    const t = token;
    auth = { method: `personal access token${from}`, header: () => Promise.resolve(`Bearer ${t}`) };
  } else if (kind === 'oauth2') {
    if (!clientId || !clientSecret) throw new LakeError('invalid-argument', `unity "${def.name}": OAuth M2M needs a client id and a client secret${def.clientSecretEnv ? ` (${def.clientSecretEnv})` : ''}`);
    auth = oauthM2M(def, http, def.oauth2ServerUri ?? `${root}/oidc/v1/token`, clientId, clientSecret, from);
  } else if (kind === 'none') {
    auth = { method: 'no credentials', header: () => Promise.resolve(undefined) };
  } else throw new LakeError('invalid-argument', `unity "${def.name}": auth "${kind}" is not one Unity Catalog takes (pat, oauth2 or none)`);
  return new UnityCatalog(def, http, `${root}${API}`, auth);
}

class UnityCatalog implements Catalog {
  constructor(
    readonly definition: CatalogDefinition,
    private readonly http: HttpClient,
    private readonly api: string,
    private readonly auth: Auth,
  ) {}

  private get prefix(): string {
    return `unity "${this.definition.name}"`;
  }

  async listNamespaces(parent: string[], opts: ListOptions = {}): Promise<Page<string[]>> {
    if (parent.length === 0) {
      const r = await this.get<{ catalogs?: { name?: string }[]; next_page_token?: string }>('/catalogs', page(opts, MAX_NS), 'listCatalogs', opts.signal);
      return paged((r.catalogs ?? []).flatMap((c) => (c.name !== undefined ? [[c.name]] : [])), r.next_page_token, opts.filter);
    }
    // schemas are the second and last level: nothing below them
    if (parent.length > 1) return { items: [] };
    const catalog = parent[0]!;
    const r = await this.get<{ schemas?: { name?: string }[]; next_page_token?: string }>('/schemas', { catalog_name: catalog, ...page(opts, MAX_NS) }, `listSchemas (catalog "${catalog}")`, opts.signal);
    return paged((r.schemas ?? []).flatMap((s) => (s.name !== undefined ? [[catalog, s.name]] : [])), r.next_page_token, opts.filter);
  }

  async listTables(namespace: string[], opts: ListOptions = {}): Promise<Page<CatalogTable>> {
    const [catalog, schema] = this.schemaOf(namespace);
    const r = await this.get<{ tables?: TableInfo[]; next_page_token?: string }>(
      '/tables',
      { catalog_name: catalog, schema_name: schema, ...page(opts, MAX_TABLES) },
      `listTables (schema "${catalog}.${schema}")`,
      opts.signal,
    );
    const items = (r.tables ?? []).filter((t) => t.name !== undefined).map((t) => ({ namespace: [catalog, schema], name: t.name!, ...classify(t) }));
    return paged(items, r.next_page_token, opts.filter, (t) => t.name);
  }

  async loadTable(namespace: string[], name: string, signal?: AbortSignal): Promise<LoadedTable> {
    const [catalog, schema] = this.schemaOf(namespace);
    const full = `${catalog}.${schema}.${name}`;
    const t = await this.get<TableInfo>(`/tables/${encodeURIComponent(full)}`, {}, `getTable "${full}"`, signal);
    const c = classify(t);
    if (c.kind !== 'table' || !c.format) throw new LakeError('unsupported', `${this.prefix}: ${full} is ${c.note ?? 'not a table Lakelens reads'}`);
    if (!t.storage_location) throw new LakeError('unsupported', `${this.prefix}: ${full} has no storage_location (getTable)`);
    const info = describe(t);
    const storage = await this.vended(t, full, info, signal);
    return { format: c.format, location: t.storage_location.replace(/\/+$/, ''), storage, info };
  }

  /** The definition's storage settings with the table's temporary READ credentials over them. */
  private async vended(t: TableInfo, full: string, info: Record<string, string>, signal?: AbortSignal): Promise<StoreConfig> {
    const base: StoreConfig = { ...this.definition.storage };
    const fallback = 'reading with the connection\'s storage settings and the default credential chain';
    if (!t.table_id) {
      info['note'] = `the catalog gave no table_id, so no credentials were vended; ${fallback}`;
      return base;
    }
    const ask = async (): Promise<TemporaryCredentials | { refused: string }> => {
      const res = await this.send({ method: 'POST', path: '/temporary-table-credentials', body: JSON.stringify({ table_id: t.table_id, operation: 'READ' }) }, `temporary-table-credentials "${full}"`, signal, [400, 403, 404, 501]);
      if (res.status === 200) return res.json as TemporaryCredentials;
      return { refused: errorReason(res.status, res.text) ?? `HTTP ${res.status}` };
    };
    const first = await ask();
    if ('refused' in first) {
      // the OSS server without cloud configuration, a Databricks user without EXTERNAL USE SCHEMA
      info['note'] = `credential vending not available (${first.refused}); ${fallback}`;
      return base;
    }
    const source = `unity catalog "${this.definition.name}"`;
    const refetch = async (): Promise<TemporaryCredentials> => {
      const r = await ask();
      if ('refused' in r) throw new LakeError('denied', `${this.prefix}: refreshing credentials for ${full} failed (${r.refused})`);
      return r;
    };
    const out = mapTemporaryCredentials(first, base, source, refetch);
    if (first.expiration_time) info['credentialsExpire'] = new Date(first.expiration_time).toISOString();
    if (out === base) info['note'] = `the catalog vended no credentials (as for local file:// tables); ${fallback}`;
    return out;
  }

  private schemaOf(namespace: string[]): [string, string] {
    if (namespace.length !== 2) throw new LakeError('invalid-argument', `${this.prefix}: a table namespace is [catalog, schema], got ${JSON.stringify(namespace)}`);
    return [namespace[0]!, namespace[1]!];
  }

  private async get<T>(p: string, query: Record<string, string | undefined>, what: string, signal?: AbortSignal): Promise<T> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) qs.set(k, v);
    const q = qs.toString();
    return (await this.send({ method: 'GET', path: q ? `${p}?${q}` : p }, what, signal)).json as T;
  }

  private async send(r: { method: 'GET' | 'POST'; path: string; body?: string }, what: string, signal?: AbortSignal, accept?: number[]): Promise<{ status: number; json: unknown; text: string }> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (r.body !== undefined) headers['content-type'] = 'application/json';
    const req: HttpRequest = { method: r.method, url: new URL(`${this.api}${r.path}`), headers, ...(r.body !== undefined ? { body: r.body } : {}) };
    const res = await this.http.send(req, {
      signal,
      what: `${this.prefix}: ${what}`,
      credentialSource: this.auth.method,
      reason: errorReason,
      ...(accept ? { accept } : {}),
      authorize: async (a) => {
        const h = await this.auth.header(signal);
        if (h) a.headers['authorization'] = h;
      },
    });
    const text = new TextDecoder().decode(res.body);
    if (res.status !== 200) return { status: res.status, json: undefined, text };
    try {
      return { status: res.status, json: JSON.parse(text) as unknown, text };
    } catch {
      throw new LakeError('unavailable', `${this.prefix}: ${what}: the answer is not JSON`);
    }
  }
}

/** A table's kind and format as its info says (no I/O). */
export function classify(t: TableInfo): Pick<CatalogTable, 'kind' | 'format' | 'note'> {
  const type = (t.table_type ?? '').toUpperCase();
  if (type === 'VIEW' || type === 'MATERIALIZED_VIEW' || type === 'METRIC_VIEW') return { kind: 'view', note: `a ${type.toLowerCase().replace('_', ' ')}: it has no files to read` };
  const fmt = (t.data_source_format ?? '').toUpperCase();
  const known: Record<string, TableFormat> = { DELTA: 'delta', ICEBERG: 'iceberg', HUDI: 'hudi' };
  const format = known[fmt];
  if (format) return { kind: 'table', format };
  return { kind: 'other', note: `${fmt ? `a ${fmt} table` : 'a table of no stated format'}: not a Delta, Iceberg or Hudi table` };
}

/**
 * Temporary credentials (the generateTemporaryTableCredentials answer) over `base`: AWS keys with
 * their expiration and a refresher, an Azure user-delegation SAS, a GCS OAuth token. `base` itself
 * when the answer holds none (the OSS server for file:// tables).
 */
export function mapTemporaryCredentials(c: TemporaryCredentials, base: StoreConfig, source: string, refetch: () => Promise<TemporaryCredentials>): StoreConfig {
  const exp = typeof c.expiration_time === 'number' && c.expiration_time > 0 ? c.expiration_time : undefined;
  const aws = c.aws_temp_credentials;
  if (aws?.access_key_id && aws.secret_access_key) {
    const toS3 = (r: TemporaryCredentials): S3Credentials => {
      const a = r.aws_temp_credentials;
      if (!a?.access_key_id || !a.secret_access_key) throw new LakeError('denied', `${source}: refreshed credentials hold no AWS keys`);
      const e = typeof r.expiration_time === 'number' && r.expiration_time > 0 ? r.expiration_time : undefined;
      return { accessKeyId: a.access_key_id, secretAccessKey: a.secret_access_key, ...(a.session_token ? { sessionToken: a.session_token } : {}), ...(e !== undefined ? { expiration: e } : {}) };
    };
    return { ...base, s3: { ...base.s3, credentials: toS3(c), refreshCredentials: async () => toS3(await refetch()), credentialSource: source } };
  }
  const sas = c.azure_user_delegation_sas?.sas_token;
  if (sas) return { ...base, azure: { ...base.azure, sas, credentialSource: source } };
  const gcp = c.gcp_oauth_token?.oauth_token;
  if (gcp) {
    let current = { token: gcp, exp };
    const token = async (): Promise<string> => {
      // a token that is about to expire is fetched anew: reads in flight outlive a few seconds
      if (current.exp !== undefined && current.exp - 60_000 < Date.now()) {
        const r = await refetch();
        const t = r.gcp_oauth_token?.oauth_token;
        if (!t) throw new LakeError('denied', `${source}: refreshed credentials hold no GCS token`);
        current = { token: t, exp: typeof r.expiration_time === 'number' && r.expiration_time > 0 ? r.expiration_time : undefined };
      }
      return current.token;
    };
    return { ...base, gcs: { ...base.gcs, token, credentialSource: source } };
  }
  return base;
}

function describe(t: TableInfo): Record<string, string> {
  const info: Record<string, string> = {};
  const put = (k: string, v: unknown) => {
    if (v !== undefined && v !== null && v !== '') info[k] = String(v);
  };
  put('owner', t.owner);
  put('comment', t.comment);
  put('tableType', t.table_type);
  put('dataSourceFormat', t.data_source_format);
  put('tableId', t.table_id);
  if (typeof t.created_at === 'number') put('createdAt', new Date(t.created_at).toISOString());
  if (typeof t.updated_at === 'number') put('updatedAt', new Date(t.updated_at).toISOString());
  if (t.columns?.length) put('columns', t.columns.map((c) => `${c.name ?? '?'} ${c.type_text ?? ''}`.trim()).join(', '));
  for (const [k, v] of Object.entries(t.properties ?? {})) put(`property.${k}`, v);
  return info;
}

/** OAuth M2M: a client-credentials token (scope all-apis), kept until a minute before it expires. */
function oauthM2M(def: CatalogDefinition, http: HttpClient, endpoint: string, clientId: string, clientSecret: string, from: string): Auth {
  const method = `OAuth M2M (client id ${clientId}${from})`;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new LakeError('invalid-argument', `unity "${def.name}": OAuth token endpoint is not a URL`);
  }
  let cached: { value: string; until: number } | undefined;
  let pending: Promise<string> | undefined;
  const fetchToken = async (signal?: AbortSignal): Promise<string> => {
    const body = new URLSearchParams({ grant_type: 'client_credentials', scope: def.scope ?? 'all-apis' }).toString();
    const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64');
    const what = `unity "${def.name}": OAuth token request`;
    const res = await http.send(
      { method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', authorization: `Basic ${basic}` }, body },
      { signal, what, credentialSource: method, accept: [400], reason: errorReason },
    );
    const text = new TextDecoder().decode(res.body);
    // RFC 6749: a refused client is a 400 invalid_client as often as a 401
    if (res.status === 400) throw new LakeError('denied', `${what}: refused for ${method} (HTTP 400 ${errorReason(400, text) ?? ''})`.trim());
    let j: { access_token?: unknown; expires_in?: unknown };
    try {
      j = JSON.parse(text) as typeof j;
    } catch {
      throw new LakeError('unavailable', `${what}: the answer is not JSON`);
    }
    if (typeof j.access_token !== 'string' || !j.access_token) throw new LakeError('unavailable', `${what}: no access_token in the answer`);
    const ttl = typeof j.expires_in === 'number' ? j.expires_in : Number(j.expires_in) || 3600;
    cached = { value: j.access_token, until: Date.now() + Math.max(0, ttl - 60) * 1000 };
    return j.access_token;
  };
  return {
    method,
    header: async (signal) => {
      if (cached && cached.until > Date.now()) return `Bearer ${cached.value}`;
      pending ??= fetchToken(signal).finally(() => (pending = undefined));
      return `Bearer ${await pending}`;
    },
  };
}

/** A profile of ~/.databrickscfg (or DATABRICKS_CONFIG_FILE): INI sections of key = value. */
export function readDatabricksProfile(catalog: string, profile: string, env: Record<string, string | undefined> = process.env): Record<string, string> {
  const file = env['DATABRICKS_CONFIG_FILE'] || path.join(env['HOME'] || env['USERPROFILE'] || os.homedir(), '.databrickscfg');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new LakeError('invalid-argument', `unity "${catalog}": profile "${profile}" asked for, but ${file} cannot be read`);
  }
  const sections = parseIni(text);
  const p = sections.get(profile);
  if (!p) throw new LakeError('invalid-argument', `unity "${catalog}": no profile "${profile}" in ${file} (found: ${[...sections.keys()].join(', ') || 'none'})`);
  return p;
}

export function parseIni(text: string): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  let cur: Record<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const sec = /^\[([^\]]+)\]$/.exec(line);
    if (sec) {
      const name = sec[1]!.trim();
      cur = out.get(name) ?? {};
      out.set(name, cur);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0 || !cur) continue;
    cur[line.slice(0, eq).trim().toLowerCase()] = line.slice(eq + 1).trim();
  }
  return out;
}

/** The error code and message of a Unity Catalog (or OAuth) error body, short. */
function errorReason(_status: number, body: string): string | undefined {
  try {
    const j = JSON.parse(body) as { error_code?: unknown; message?: unknown; error?: unknown; error_description?: unknown };
    const code = typeof j.error_code === 'string' ? j.error_code : typeof j.error === 'string' ? j.error : undefined;
    const msg = typeof j.message === 'string' ? j.message : typeof j.error_description === 'string' ? j.error_description : undefined;
    const s = [code, msg].filter(Boolean).join(': ');
    return s ? (s.length > 200 ? `${s.slice(0, 197)}…` : s) : undefined;
  } catch {
    return undefined;
  }
}

function page(opts: ListOptions, max: number): Record<string, string | undefined> {
  const size = opts.pageSize !== undefined ? Math.max(1, Math.min(max, Math.floor(opts.pageSize))) : max;
  return { max_results: String(size), page_token: opts.pageToken };
}

function paged<T>(items: T[], next: string | undefined, filter: string | undefined, nameOf: (t: T) => string = (t) => (t as string[])[(t as string[]).length - 1]!): Page<T> {
  const f = filter?.toLowerCase();
  const kept = f ? items.filter((t) => nameOf(t).toLowerCase().includes(f)) : items;
  return { items: kept, ...(next ? { next } : {}) };
}
