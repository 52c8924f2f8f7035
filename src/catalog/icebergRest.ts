/**
 * The Apache Iceberg REST catalog client (open-api/rest-catalog-open-api.yaml): /v1/config with
 * the warehouse (defaults and overrides, the `prefix` paths go under, the `endpoints` the server
 * offers), nested namespaces (`parent`, parts joined by the unit separator, %1F), paged tables and
 * views, and loadTable with vended credentials, mapped to a StoreConfig (icebergRestStorage.ts).
 *
 * Read only: catalog calls are GETs; the one POST is the OAuth2 token request. Redirects are
 * answers, not followed (HttpClient): a catalog cannot point the client at another host.
 */
import type { Catalog, CatalogDefinition, CatalogSecrets, CatalogTable, ListOptions, LoadedTable, Page } from './catalog';
import { type RestAuth, restAuth, restReason } from './icebergRestAuth';
import { type Props, type StorageCredential, describeVended, tableProps, vendedStorage } from './icebergRestStorage';
import { LakeError } from '../core/errors';
import { parseJson } from '../core/json';
import { HttpClient, type HttpOptions } from '../core/storage/http';
import { isRemoteLocation, parseLocation, relativeTo } from '../core/storage/location';

const UNIT_SEPARATOR = '\u001f';

const EP = {
  namespaces: 'GET /v1/{prefix}/namespaces',
  tables: 'GET /v1/{prefix}/namespaces/{namespace}/tables',
  views: 'GET /v1/{prefix}/namespaces/{namespace}/views',
  table: 'GET /v1/{prefix}/namespaces/{namespace}/tables/{table}',
};

export async function openIcebergRestCatalog(def: CatalogDefinition, secrets: CatalogSecrets, opts: { http?: HttpOptions } = {}): Promise<Catalog> {
  const label = `iceberg-rest "${def.name}"`;
  if (!def.uri) throw new LakeError('invalid-argument', `${label}: no catalog URI`);
  let base: URL;
  try {
    base = new URL(def.uri);
  } catch {
    throw new LakeError('invalid-argument', `${label}: the catalog URI is not a URL`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new LakeError('invalid-argument', `${label}: the catalog URI must be http:// or https://`);
  // credentials or a query in the URI would end up in every message that names a call
  if (base.username || base.password || base.search || base.hash) throw new LakeError('invalid-argument', `${label}: the catalog URI must not hold credentials, a query or a fragment (use the catalog's auth settings)`);
  const http = new HttpClient({ ...(opts.http ?? {}), allowPost: true });
  const auth = restAuth(def, secrets, http, base, label);
  const rest = new RestClient(base, http, auth, label);
  const config = await rest.getJson('/v1/config', def.warehouse ? { warehouse: def.warehouse } : {});
  const props: Props = { ...strings(config['defaults']), ...(def.warehouse ? { warehouse: def.warehouse } : {}), ...strings(config['overrides']) };
  const endpoints = Array.isArray(config['endpoints']) ? new Set((config['endpoints'] as unknown[]).filter((e): e is string => typeof e === 'string').map(normalizeEndpoint)) : undefined;
  return new IcebergRestCatalog(def, rest, props, endpoints, label);
}

/** `GET v1/x` and `GET /v1/x` alike (the reference fixture advertises both spellings). */
function normalizeEndpoint(e: string): string {
  const [method, ...rest] = e.trim().split(/\s+/);
  const path = rest.join(' ');
  return `${(method ?? '').toUpperCase()} ${path.startsWith('/') || /^https?:/i.test(path) ? path : `/${path}`}`;
}

function strings(v: unknown): Props {
  const out: Props = {};
  if (v && typeof v === 'object' && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

class RestClient {
  constructor(
    private readonly base: URL,
    private readonly http: HttpClient,
    private readonly auth: RestAuth,
    private readonly label: string,
  ) {}

  /** GETs `path` (already encoded, under the catalog URI) and parses the JSON answer; one retry with a fresh token after a 401. */
  async getJson(path: string, query: Record<string, string>, opts: { signal?: AbortSignal | undefined; headers?: Record<string, string> } = {}): Promise<Record<string, unknown>> {
    const url = new URL(this.base.href);
    url.pathname = `${this.base.pathname.replace(/\/+$/, '')}${path}`;
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const what = `${this.label}: GET ${url.pathname}`;
    for (let attempt = 0; ; attempt++) {
      const res = await this.http.send(
        { method: 'GET', url, headers: { accept: 'application/json', ...(opts.headers ?? {}) } },
        { what, signal: opts.signal, authorize: (req) => this.auth.authorize(req), reason: restReason, accept: [401], credentialSource: this.auth.source },
      );
      const text = new TextDecoder().decode(res.body);
      if (res.status === 401) {
        if (attempt === 0 && this.auth.invalidate()) continue;
        const why = restReason(401, text.slice(0, 4096));
        throw new LakeError('denied', `${what}: access denied with credentials from ${this.auth.source} (HTTP 401${why ? ` ${why}` : ''}): check the catalog's auth settings`);
      }
      let body: unknown;
      try {
        body = parseJson(text);
      } catch {
        throw new LakeError('unavailable', `${what}: the answer is not JSON (is the URI an Iceberg REST catalog?)`);
      }
      if (!body || typeof body !== 'object' || Array.isArray(body)) throw new LakeError('unavailable', `${what}: the answer is not a JSON object`);
      return body as Record<string, unknown>;
    }
  }
}

interface LoadResult {
  metadataLocation?: string;
  metadata: Record<string, unknown>;
  config: Props;
  credentials: StorageCredential[];
}

class IcebergRestCatalog implements Catalog {
  private readonly root: string;
  private readonly viewsListed: boolean;

  constructor(
    readonly definition: CatalogDefinition,
    private readonly rest: RestClient,
    private readonly props: Props,
    private readonly endpoints: Set<string> | undefined,
    private readonly label: string,
  ) {
    const prefix = (props['prefix'] ?? '').replace(/^\/+|\/+$/g, '');
    if (prefix && (!/^[A-Za-z0-9._~!$&'()*+,;=:@%/-]+$/.test(prefix) || prefix.split('/').some((s) => s === '..' || s === '.'))) {
      throw new LakeError('unavailable', `${label}: /v1/config gives a prefix that is not a URL path`);
    }
    this.root = prefix ? `/v1/${prefix}` : '/v1';
    // views are only listed where the server says it has them (older servers 404 or 400 on /views)
    this.viewsListed = endpoints ? endpoints.has(EP.views) : /^true$/i.test(props['view-endpoints-supported'] ?? '');
  }

  private need(endpoint: string): void {
    if (this.endpoints && !this.endpoints.has(endpoint)) throw new LakeError('unsupported', `${this.label}: the catalog does not offer ${endpoint} (not in /v1/config endpoints)`);
  }

  private nsPath(namespace: string[]): string {
    if (namespace.length === 0) throw new LakeError('invalid-argument', `${this.label}: empty namespace`);
    return `${this.root}/namespaces/${namespace.map(encodeURIComponent).join('%1F')}`;
  }

  async listNamespaces(parent: string[], opts: ListOptions = {}): Promise<Page<string[]>> {
    this.need(EP.namespaces);
    const q = pageQuery(opts);
    if (parent.length > 0) q['parent'] = parent.join(UNIT_SEPARATOR);
    const body = await this.rest.getJson(`${this.root}/namespaces`, q, { signal: opts.signal });
    const list = Array.isArray(body['namespaces']) ? (body['namespaces'] as unknown[]) : [];
    let items = list.filter((n): n is string[] => Array.isArray(n) && n.length > 0 && n.every((p) => typeof p === 'string'));
    if (opts.filter) items = items.filter((n) => matches(n[n.length - 1]!, opts.filter!));
    return page(items, nextToken(body));
  }

  /** Tables, then views (when the server lists them), each paged; the token says which list it continues. */
  async listTables(namespace: string[], opts: ListOptions = {}): Promise<Page<CatalogTable>> {
    const token = opts.pageToken;
    const views = token?.startsWith('v:') ?? false;
    this.need(views ? EP.views : EP.tables);
    const q = pageQuery({ ...opts, pageToken: token === undefined ? '' : token.slice(2) });
    const body = await this.rest.getJson(`${this.nsPath(namespace)}/${views ? 'views' : 'tables'}`, q, { signal: opts.signal });
    const ids = Array.isArray(body['identifiers']) ? (body['identifiers'] as unknown[]) : [];
    let items: CatalogTable[] = [];
    for (const id of ids) {
      const { namespace: ns, name } = (id ?? {}) as { namespace?: unknown; name?: unknown };
      if (typeof name !== 'string') continue;
      const nsParts = Array.isArray(ns) && ns.every((p) => typeof p === 'string') ? (ns as string[]) : namespace;
      items.push(views ? { namespace: nsParts, name, kind: 'view', note: 'Iceberg view' } : { namespace: nsParts, name, kind: 'table', format: 'iceberg' });
    }
    if (opts.filter) items = items.filter((t) => matches(t.name, opts.filter!));
    const next = nextToken(body);
    if (next !== undefined) return page(items, `${views ? 'v' : 't'}:${next}`);
    return page(items, !views && this.viewsListed ? 'v:' : undefined);
  }

  private async load(namespace: string[], name: string, signal?: AbortSignal): Promise<LoadResult> {
    this.need(EP.table);
    const body = await this.rest.getJson(`${this.nsPath(namespace)}/tables/${encodeURIComponent(name)}`, {}, { signal, headers: { 'x-iceberg-access-delegation': 'vended-credentials' } });
    const metadata = body['metadata'];
    if (!metadata || typeof metadata !== 'object') throw new LakeError('unavailable', `${this.label}: loadTable ${[...namespace, name].join('.')}: the answer has no table metadata`);
    const ml = body['metadata-location'];
    const creds = Array.isArray(body['storage-credentials'])
      ? (body['storage-credentials'] as unknown[]).flatMap((c) => {
          const { prefix, config } = (c ?? {}) as { prefix?: unknown; config?: unknown };
          return typeof prefix === 'string' ? [{ prefix, config: strings(config) }] : [];
        })
      : [];
    return { ...(typeof ml === 'string' && ml !== '' ? { metadataLocation: ml } : {}), metadata: metadata as Record<string, unknown>, config: strings(body['config']), credentials: creds };
  }

  async loadTable(namespace: string[], name: string, signal?: AbortSignal): Promise<LoadedTable> {
    const r = await this.load(namespace, name, signal);
    const recorded = typeof r.metadata['location'] === 'string' ? javaFileUri(r.metadata['location']) : undefined;
    const metadataLocation = r.metadataLocation !== undefined ? javaFileUri(r.metadataLocation) : undefined;
    const { location, moved } = tableLocation(recorded, metadataLocation);
    if (location === undefined) throw new LakeError('unavailable', `${this.label}: loadTable ${[...namespace, name].join('.')}: neither a table location nor a metadata location`);
    const props = tableProps(this.props, r.config, r.credentials, location);
    const source = `catalog "${this.definition.name}" (vended)`;
    const reload = async () => {
      const again = await this.load(namespace, name);
      return tableProps(this.props, again.config, again.credentials, location);
    };
    const info: Record<string, string> = { catalog: this.definition.name, namespace: namespace.join('.'), name };
    if (metadataLocation) info['metadata-location'] = metadataLocation;
    if (moved) info['recorded-location'] = recorded!;
    const md = r.metadata;
    for (const k of ['table-uuid', 'format-version', 'current-snapshot-id', 'last-updated-ms']) if (md[k] !== undefined && md[k] !== null) info[k] = String(md[k]);
    const mdProps = strings(md['properties']);
    // table properties are for display; a writer that left credentials in them does not get them shown
    for (const [k, v] of Object.entries(mdProps)) if (!/secret|token|password|access-key|sas|credential/i.test(k)) info[`property ${k}`] = v;
    info['vended credentials'] = describeVended(props);
    return {
      format: 'iceberg',
      location,
      ...(metadataLocation !== undefined ? { metadataLocation } : {}),
      storage: vendedStorage(props, this.definition.storage, location, source, reload),
      info,
    };
  }
}

/** Java writes local files as `file:/path`; the storage layer reads `file:///path`. */
function javaFileUri(s: string): string {
  return s.replace(/^file:\/(?!\/)/i, 'file:///');
}

/**
 * Where the table is read from: its recorded location when the current metadata file lies under
 * it; else the folder above the metadata file's `metadata/` (a table registered after being
 * copied or moved keeps its old location in the metadata; its files are read where they are,
 * through the reader's location mapping).
 */
function tableLocation(recorded: string | undefined, metadataLocation: string | undefined): { location: string | undefined; moved: boolean } {
  if (metadataLocation === undefined || recorded === undefined) return { location: recorded ?? metadataDir(metadataLocation), moved: false };
  try {
    if (isAbsolute(recorded) && relativeTo(parseLocation(recorded), parseLocation(metadataLocation)) !== undefined) return { location: recorded, moved: false };
  } catch {
    // an unparseable recorded location (hdfs://…): the metadata file's folder decides
  }
  const dir = metadataDir(metadataLocation);
  return dir === undefined ? { location: recorded, moved: false } : { location: dir, moved: true };
}

function metadataDir(ml: string | undefined): string | undefined {
  const i = ml?.lastIndexOf('/metadata/') ?? -1;
  return i > 0 ? ml!.slice(0, i) : undefined;
}

function isAbsolute(s: string): boolean {
  return isRemoteLocation(s) || /^file:\/\//i.test(s) || s.startsWith('/');
}

function pageQuery(opts: ListOptions): Record<string, string> {
  const q: Record<string, string> = {};
  // an empty pageToken asks a server that pages to start paging (the spec's convention)
  q['pageToken'] = opts.pageToken ?? '';
  if (opts.pageSize !== undefined) q['pageSize'] = String(Math.max(1, Math.floor(opts.pageSize)));
  return q;
}

function nextToken(body: Record<string, unknown>): string | undefined {
  const t = body['next-page-token'];
  return typeof t === 'string' && t !== '' ? t : undefined;
}

function page<T>(items: T[], next: string | undefined): Page<T> {
  return next !== undefined ? { items, next } : { items };
}

function matches(name: string, filter: string): boolean {
  return name.toLowerCase().includes(filter.toLowerCase());
}
