/**
 * AWS Glue Data Catalog: databases as namespaces, tables paged by NextToken, over the AWS JSON 1.1
 * protocol (POST with X-Amz-Target), signed with SigV4 and credentials from the AWS chain S3 uses.
 * A table's format is read from its parameters (Iceberg's table_type and metadata_location,
 * Spark's provider, Hudi's input format); a table that says nothing is looked at in storage
 * (`_delta_log/`, `.hoodie/`, `metadata/`). Glue vends no credentials: the table's files are read
 * with the definition's storage settings and the same AWS profile and region.
 */
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Hash } from '@smithy/hash-node';
import { loadSharedConfigFiles } from '@smithy/shared-ini-file-loader';
import { SignatureV4 } from '@smithy/signature-v4';
import { detectFormats } from '../core/detect';
import { LakeError } from '../core/errors';
import type { TableFormat } from '../core/model';
import type { StoreConfig } from '../core/storage/config';
import { HttpClient, type HttpOptions, type HttpRequest } from '../core/storage/http';
import { storageFor } from '../core/storage/storageFor';
import type { Catalog, CatalogDefinition, CatalogSecrets, CatalogTable, ListOptions, LoadedTable, Page } from './catalog';

export interface AwsIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

export interface GlueOptions {
  http?: HttpOptions;
  /** Environment read for the region (default process.env). */
  env?: Record<string, string | undefined>;
  /** Credentials instead of the AWS default chain (tests). */
  credentials?: () => Promise<AwsIdentity>;
}

export interface GlueTable {
  Name?: string;
  DatabaseName?: string;
  TableType?: string;
  Owner?: string;
  Description?: string;
  CreateTime?: number | string;
  UpdateTime?: number | string;
  Parameters?: Record<string, string>;
  StorageDescriptor?: {
    Location?: string;
    InputFormat?: string;
    OutputFormat?: string;
    SerdeInfo?: { SerializationLibrary?: string; Parameters?: Record<string, string> };
    Columns?: { Name?: string; Type?: string }[];
  };
  PartitionKeys?: { Name?: string; Type?: string }[];
}

/** Glue's page-size limit (GetDatabases and GetTables take 1–100). */
const MAX_DB = 100;
const MAX_TABLES = 100;

export async function openGlueCatalog(def: CatalogDefinition, _secrets: CatalogSecrets = {}, opts: GlueOptions = {}): Promise<Catalog> {
  const env = opts.env ?? process.env;
  const region = def.region ?? nonEmpty(env['AWS_REGION']) ?? nonEmpty(env['AWS_DEFAULT_REGION']) ?? (await profileRegion(def.profile ?? nonEmpty(env['AWS_PROFILE']) ?? 'default', env));
  if (!region) throw new LakeError('invalid-argument', `glue "${def.name}": no region (set region in the catalog, AWS_REGION, or region in the AWS profile)`);
  if (def.auth && def.auth !== 'aws' && def.auth !== 'sigv4') throw new LakeError('invalid-argument', `glue "${def.name}": auth "${def.auth}" is not one Glue takes (aws)`);
  let endpoint: URL;
  try {
    endpoint = new URL(def.uri ?? `https://glue.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`);
  } catch {
    throw new LakeError('invalid-argument', `glue "${def.name}": uri is not a URL`);
  }
  const credentialSource = opts.credentials ? 'configured credentials' : def.profile ? `AWS profile "${def.profile}"` : 'AWS default chain';
  const provider = opts.credentials ?? defaultProvider(def.profile ? { profile: def.profile } : {});
  const credentials = async (): Promise<AwsIdentity> => {
    try {
      return await provider();
    } catch (err) {
      throw new LakeError('denied', `glue "${def.name}": no AWS credentials from ${credentialSource}: ${firstLine(err)}`);
    }
  };
  const signer = new SignatureV4({ service: 'glue', region, credentials, sha256: Hash.bind(null, 'sha256') });
  const http = new HttpClient({ ...opts.http, allowPost: true });
  // the table files: the definition's storage with the same profile and region as the catalog
  const s3 = { ...def.storage?.s3 };
  if (def.profile && !s3.profile) s3.profile = def.profile;
  if (!s3.region) s3.region = region;
  const storage: StoreConfig = { ...def.storage, s3 };
  return new GlueCatalog(def, http, endpoint, signer, credentialSource, storage);
}

class GlueCatalog implements Catalog {
  constructor(
    readonly definition: CatalogDefinition,
    private readonly http: HttpClient,
    private readonly endpoint: URL,
    private readonly signer: SignatureV4,
    private readonly credentialSource: string,
    private readonly storage: StoreConfig,
  ) {}

  private get prefix(): string {
    return `glue "${this.definition.name}"`;
  }

  private get catalogId(): { CatalogId?: string } {
    return this.definition.catalogId ? { CatalogId: this.definition.catalogId } : {};
  }

  async listNamespaces(parent: string[], opts: ListOptions = {}): Promise<Page<string[]>> {
    // databases are Glue's only level
    if (parent.length > 0) return { items: [] };
    const r = await this.call<{ DatabaseList?: { Name?: string }[]; NextToken?: string }>('GetDatabases', { ...this.catalogId, ...paging(opts, MAX_DB) }, 'GetDatabases', opts.signal);
    const f = opts.filter?.toLowerCase();
    const items = (r.DatabaseList ?? []).flatMap((d) => (d.Name !== undefined && (!f || d.Name.toLowerCase().includes(f)) ? [[d.Name]] : []));
    return { items, ...(r.NextToken ? { next: r.NextToken } : {}) };
  }

  async listTables(namespace: string[], opts: ListOptions = {}): Promise<Page<CatalogTable>> {
    const db = this.databaseOf(namespace);
    const r = await this.call<{ TableList?: GlueTable[]; NextToken?: string }>(
      'GetTables',
      { ...this.catalogId, DatabaseName: db, ...paging(opts, MAX_TABLES), ...(opts.filter ? { Expression: `.*${opts.filter.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*` } : {}) },
      `GetTables (database "${db}")`,
      opts.signal,
    );
    const f = opts.filter?.toLowerCase();
    const tables = (r.TableList ?? []).filter((t) => t.Name !== undefined && (!f || t.Name.toLowerCase().includes(f)));
    // tables whose parameters name no format are looked at in storage, a few at a time
    const items: CatalogTable[] = new Array(tables.length);
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < tables.length; i = next++) {
        const t = tables[i]!;
        items[i] = { namespace: [db], name: t.Name!, ...(await this.classifyWithStorage(t, opts.signal)).table };
      }
    };
    await Promise.all(Array.from({ length: Math.min(8, tables.length) }, worker));
    return { items, ...(r.NextToken ? { next: r.NextToken } : {}) };
  }

  async loadTable(namespace: string[], name: string, signal?: AbortSignal): Promise<LoadedTable> {
    const db = this.databaseOf(namespace);
    const r = await this.call<{ Table?: GlueTable }>('GetTable', { ...this.catalogId, DatabaseName: db, Name: name }, `GetTable "${db}.${name}"`, signal);
    const t = r.Table;
    if (!t) throw new LakeError('unavailable', `${this.prefix}: GetTable "${db}.${name}": no Table in the answer`);
    const { table: c, location } = await this.classifyWithStorage(t, signal);
    if (c.kind !== 'table' || !c.format || !location) throw new LakeError('unsupported', `${this.prefix}: ${db}.${name} is ${c.note ?? 'not a table Lakelens reads'}`);
    const metadataLocation = c.format === 'iceberg' ? paramCI(t.Parameters, 'metadata_location') : undefined;
    return { format: c.format, location, ...(metadataLocation ? { metadataLocation } : {}), storage: this.storage, info: describe(t) };
  }

  private async classifyWithStorage(t: GlueTable, signal?: AbortSignal): Promise<{ table: Pick<CatalogTable, 'kind' | 'format' | 'note'>; location?: string }> {
    const c = classifyGlue(t);
    const location = tableLocation(t);
    if (c.kind !== 'other' || !location) return { table: c, ...(location ? { location } : {}) };
    try {
      const found = await detectFormats(await storageFor(location, this.storage), '');
      const format = (['delta', 'iceberg', 'hudi'] as TableFormat[]).find((f) => found.includes(f));
      if (format) return { table: { kind: 'table', format }, location };
    } catch (err) {
      if (signal?.aborted) throw err;
      return { table: { ...c, note: `${c.note} (its location could not be checked: ${firstLine(err)})` }, location };
    }
    return { table: c, location };
  }

  private databaseOf(namespace: string[]): string {
    if (namespace.length !== 1) throw new LakeError('invalid-argument', `${this.prefix}: a table namespace is [database], got ${JSON.stringify(namespace)}`);
    return namespace[0]!;
  }

  /** One JSON 1.1 call: POST / with X-Amz-Target, signed per attempt. */
  private async call<T>(op: string, input: Record<string, unknown>, what: string, signal?: AbortSignal): Promise<T> {
    const body = JSON.stringify(input);
    const req: HttpRequest = {
      method: 'POST',
      url: this.endpoint,
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSGlue.${op}`, accept: 'application/json' },
      body,
    };
    const res = await this.http.send(req, {
      signal,
      what: `${this.prefix}: ${what}`,
      credentialSource: this.credentialSource,
      // Glue answers most refusals (unknown entity, bad signature, no permission) with a 400
      accept: [400],
      reason: (_s, b) => glueError(b)?.text,
      authorize: async (a) => {
        const u = a.url;
        const signed = await this.signer.sign({
          method: a.method,
          protocol: u.protocol,
          hostname: u.hostname,
          ...(u.port ? { port: Number(u.port) } : {}),
          path: u.pathname || '/',
          query: {},
          headers: { ...a.headers, host: u.host },
          body: a.body,
        });
        for (const [k, v] of Object.entries(signed.headers)) if (k !== 'host') a.headers[k] = v;
      },
    });
    const text = new TextDecoder().decode(res.body);
    if (res.status === 400) {
      const e = glueError(text);
      const why = e?.text ?? 'HTTP 400';
      if (e && /EntityNotFound/i.test(e.type)) throw new LakeError('missing', `${this.prefix}: ${what}: not found (${why})`);
      if (e && /AccessDenied|UnrecognizedClient|InvalidSignature|SignatureDoesNotMatch|ExpiredToken|InvalidClientTokenId|MissingAuthenticationToken/i.test(e.type)) {
        throw new LakeError('denied', `${this.prefix}: ${what}: access denied with credentials from ${this.credentialSource} (${why})`);
      }
      throw new LakeError('unavailable', `${this.prefix}: ${what}: ${why}`);
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new LakeError('unavailable', `${this.prefix}: ${what}: the answer is not JSON`);
    }
  }
}

/** A Glue table's kind and format from its type and parameters alone (no I/O). */
export function classifyGlue(t: GlueTable): Pick<CatalogTable, 'kind' | 'format' | 'note'> {
  if ((t.TableType ?? '').toUpperCase() === 'VIRTUAL_VIEW') return { kind: 'view', note: 'a view: it has no files to read' };
  const p = t.Parameters;
  const tableType = paramCI(p, 'table_type')?.toLowerCase();
  const classification = paramCI(p, 'classification')?.toLowerCase();
  if (tableType === 'iceberg' || classification === 'iceberg') return { kind: 'table', format: 'iceberg' };
  if (paramCI(p, 'spark.sql.sources.provider')?.toLowerCase() === 'delta' || tableType === 'delta' || classification === 'delta') return { kind: 'table', format: 'delta' };
  const input = t.StorageDescriptor?.InputFormat ?? '';
  if (/hudi|hoodie/i.test(input) || tableType === 'hudi' || classification === 'hudi') return { kind: 'table', format: 'hudi' };
  return { kind: 'other', note: `${hiveFormat(t)} (Hive table): not a lakehouse table` };
}

/** What a plain Hive table holds, for the note: parquet, orc, avro, csv, json, text… */
function hiveFormat(t: GlueTable): string {
  const provider = paramCI(t.Parameters, 'spark.sql.sources.provider');
  if (provider) return provider.toLowerCase();
  const classification = paramCI(t.Parameters, 'classification');
  if (classification) return classification.toLowerCase();
  const s = `${t.StorageDescriptor?.InputFormat ?? ''} ${t.StorageDescriptor?.SerdeInfo?.SerializationLibrary ?? ''}`.toLowerCase();
  for (const f of ['parquet', 'orc', 'avro', 'json', 'csv']) if (s.includes(f)) return f;
  if (s.includes('textinputformat') || s.includes('lazysimpleserde')) return 'text';
  return 'unknown format';
}

/** The table's root: Spark's real path for a Delta table registered with a placeholder location; Iceberg's from its metadata file when the descriptor has none. */
function tableLocation(t: GlueTable): string | undefined {
  const sd = t.StorageDescriptor;
  const sparkPath = paramCI(sd?.SerdeInfo?.Parameters, 'path');
  const loc = sd?.Location && !/__PLACEHOLDER__/.test(sd.Location) ? sd.Location : sparkPath ?? sd?.Location;
  if (loc) return loc.replace(/\/+$/, '');
  const md = paramCI(t.Parameters, 'metadata_location');
  return md ? md.replace(/\/metadata\/[^/]+$/, '') : undefined;
}

function describe(t: GlueTable): Record<string, string> {
  const info: Record<string, string> = {};
  const put = (k: string, v: unknown) => {
    if (v !== undefined && v !== null && v !== '') info[k] = String(v);
  };
  put('owner', t.Owner);
  put('comment', t.Description);
  put('tableType', t.TableType);
  put('inputFormat', t.StorageDescriptor?.InputFormat);
  const time = (v: number | string | undefined) => (typeof v === 'number' ? new Date(v * 1000).toISOString() : v);
  put('createdAt', time(t.CreateTime));
  put('updatedAt', time(t.UpdateTime));
  const cols = [...(t.StorageDescriptor?.Columns ?? []), ...(t.PartitionKeys ?? [])];
  if (cols.length) put('columns', cols.map((c) => `${c.Name ?? '?'} ${c.Type ?? ''}`.trim()).join(', '));
  if (t.PartitionKeys?.length) put('partitionKeys', t.PartitionKeys.map((c) => c.Name).join(', '));
  for (const [k, v] of Object.entries(t.Parameters ?? {})) put(`property.${k}`, v);
  return info;
}

function paramCI(p: Record<string, string> | undefined, key: string): string | undefined {
  if (!p) return undefined;
  if (p[key] !== undefined) return p[key];
  const k = Object.keys(p).find((x) => x.toLowerCase() === key);
  return k !== undefined ? p[k] : undefined;
}

function glueError(body: string): { type: string; text: string } | undefined {
  try {
    const j = JSON.parse(body) as { __type?: unknown; message?: unknown; Message?: unknown };
    if (typeof j.__type !== 'string') return undefined;
    // "com.amazonaws.glue#EntityNotFoundException" or "EntityNotFoundException:http://…"
    const type = j.__type.replace(/^.*#/, '').replace(/:.*$/, '');
    const msg = typeof j.Message === 'string' ? j.Message : typeof j.message === 'string' ? j.message : '';
    const text = msg ? `${type}: ${msg}` : type;
    return { type, text: text.length > 200 ? `${text.slice(0, 197)}…` : text };
  } catch {
    return undefined;
  }
}

function paging(opts: ListOptions, max: number): Record<string, unknown> {
  return { ...(opts.pageToken ? { NextToken: opts.pageToken } : {}), MaxResults: opts.pageSize !== undefined ? Math.max(1, Math.min(max, Math.floor(opts.pageSize))) : max };
}

async function profileRegion(profile: string, env: Record<string, string | undefined>): Promise<string | undefined> {
  const files = await loadSharedConfigFiles({ ...(env['AWS_CONFIG_FILE'] ? { configFilepath: env['AWS_CONFIG_FILE'] } : {}), ignoreCache: true }).catch(() => undefined);
  return nonEmpty(files?.configFile[profile]?.['region']);
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

function firstLine(err: unknown): string {
  const m = err instanceof Error ? err.message : String(err);
  const line = m.split('\n').find((l) => l.trim() !== '') ?? 'failed';
  return line.length > 160 ? `${line.slice(0, 157)}…` : line;
}
