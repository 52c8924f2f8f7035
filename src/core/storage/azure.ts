/**
 * Azure Blob Storage (and ADLS Gen2, whose abfss:// data is the same blobs) over the Blob REST API:
 * List Blobs, Get Blob Properties, Get Blob — read-only, sent through HttpClient. Credentials and
 * signing live in azureAuth.ts.
 */
import { XMLParser } from 'fast-xml-parser';
import { LakeError } from '../errors';
import type { StoreConfig } from './config';
import { HttpClient, type HttpRequest, type HttpResponse, type SendOptions, errorCodeOf } from './http';
import { type Location, formatLocation } from './location';
import type { GetOptions, GetResult, ListOptions, ListPage, ObjectMeta, ObjectStore } from './objectStore';
import { type AzureAccess, authorize, resolveAccess } from './azureAuth';

/** Azure's largest List Blobs page. */
const MAX_RESULTS = 5000;

export async function openAzureStore(loc: Location, cfg: StoreConfig): Promise<ObjectStore> {
  if (!/^(\$root|\$web|[a-z0-9][a-z0-9-]{1,61}[a-z0-9])$/.test(loc.bucket)) {
    throw new LakeError('invalid-argument', `azure: "${loc.bucket}" is not a valid container name (3–63 lowercase letters, digits and hyphens)`);
  }
  return new AzureStore(loc, resolveAccess(loc, cfg), new HttpClient(cfg.http));
}

const parser = new XMLParser({
  // names and sizes stay strings: a blob called "007" or "true" is not a number or a boolean
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  // blob names may begin or end with spaces
  trimValues: false,
  processEntities: true,
  // also decodes numeric references (&#x1;, &#128512;), which Azure uses for characters XML cannot hold raw
  htmlEntities: true,
  isArray: (_name, jpath) => jpath === 'EnumerationResults.Blobs.Blob' || jpath === 'EnumerationResults.Blobs.BlobPrefix',
});

type XmlNode = Record<string, unknown>;

/** Text of an element that may carry attributes (`<Name Encoded="true">…</Name>`). */
function textOf(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'object') {
    const n = v as XmlNode;
    const t = typeof n['#text'] === 'string' ? (n['#text'] as string) : '';
    return n['@_Encoded'] === 'true' ? decodeURIComponent(t) : t;
  }
  return String(v);
}

/** A strong ETag in its quoted form: listings give it bare, Get Blob quoted; caches must see one spelling. */
function quoteEtag(e: string | null | undefined): string | undefined {
  if (!e) return undefined;
  return e.startsWith('"') || e.startsWith('W/') ? e : `"${e}"`;
}

/** A blob name as a URL path: each '/'-separated segment percent-encoded, dot segments too (URL parsers would fold them). */
function encodeKey(key: string): string {
  return key
    .split('/')
    .map((s) => (s === '.' ? '%2E' : s === '..' ? '%2E%2E' : encodeURIComponent(s)))
    .join('/');
}

function query(params: [string, string | undefined][]): string {
  return params
    .filter((p): p is [string, string] => p[1] !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join('&');
}

export class AzureStore implements ObjectStore {
  readonly location: Location;
  readonly credentialSource: string;

  constructor(
    loc: Location,
    private readonly access: AzureAccess,
    readonly http: HttpClient,
  ) {
    this.location = { kind: 'azure', bucket: loc.bucket, path: '', ...((loc.account ?? access.account) ? { account: loc.account ?? access.account! } : {}) };
    this.credentialSource = access.credentialSource;
  }

  private url(key: string | undefined, q: string): URL {
    const path = key === undefined ? `/${this.location.bucket}` : `/${this.location.bucket}/${encodeKey(key)}`;
    return new URL(`${this.access.endpoint}${path}${q ? `?${q}` : ''}`);
  }

  /** `azure GetBlob abfss://container@account…/key`: the call and the object, never a query (SAS). */
  private what(call: string, key: string): string {
    return `azure ${call} ${formatLocation({ ...this.location, path: key })}`;
  }

  private send(req: HttpRequest, what: string, accept: number[], signal?: AbortSignal): Promise<HttpResponse> {
    const opts: SendOptions = {
      what,
      signal,
      accept,
      authorize: (r) => authorize(r, this.access.auth),
      reason: errorCodeOf,
      credentialSource: this.credentialSource,
    };
    return this.http.send(req, opts);
  }

  private containerMissing(): LakeError {
    return new LakeError('missing', `azure: container "${this.location.bucket}" does not exist in account "${this.location.account ?? this.access.endpoint}"`);
  }

  /** A 404 from Azure: the container's absence is its own error; anything else is the object's. */
  private notFound(res: HttpResponse, what: string): LakeError {
    const code = res.headers.get('x-ms-error-code') ?? errorCodeOf(404, new TextDecoder().decode(res.body.subarray(0, 4096)));
    if (code === 'ContainerNotFound') return this.containerMissing();
    return new LakeError('missing', `${what}: not found (HTTP 404${code ? ` ${code}` : ''})`);
  }

  async listPage(prefix: string, opts: ListOptions): Promise<ListPage> {
    const what = this.what('ListBlobs', prefix);
    const q = query([
      ['restype', 'container'],
      ['comp', 'list'],
      ['prefix', prefix === '' ? undefined : prefix],
      ['delimiter', opts.delimiter ? '/' : undefined],
      ['marker', opts.token],
      ['maxresults', String(Math.min(MAX_RESULTS, Math.max(1, opts.maxKeys ?? MAX_RESULTS)))],
    ]);
    const res = await this.send({ method: 'GET', url: this.url(undefined, q), headers: {} }, what, [404], opts.signal);
    if (res.status === 404) throw this.notFound(res, what);
    let doc: XmlNode;
    try {
      doc = parser.parse(new TextDecoder().decode(res.body)) as XmlNode;
    } catch (err) {
      throw new LakeError('corrupt', `${what}: unreadable listing (${err instanceof Error ? err.message : String(err)})`);
    }
    const root = doc['EnumerationResults'] as XmlNode | undefined;
    if (!root || typeof root !== 'object') throw new LakeError('corrupt', `${what}: the answer is not a blob listing`);
    const blobs = (typeof root['Blobs'] === 'object' && root['Blobs'] !== null ? root['Blobs'] : {}) as XmlNode;
    const after = opts.startAfter;
    const objects: ObjectMeta[] = [];
    for (const b of (blobs['Blob'] as XmlNode[] | undefined) ?? []) {
      const key = textOf(b['Name']);
      // Azure has no StartAfter: keys up to it are dropped here
      if (after !== undefined && key <= after) continue;
      const p = (b['Properties'] ?? {}) as XmlNode;
      const size = Number(textOf(p['Content-Length']));
      const mtime = Date.parse(textOf(p['Last-Modified']));
      if (!Number.isFinite(size)) throw new LakeError('corrupt', `${what}: blob "${key}" has no size in the listing`);
      const etag = quoteEtag(textOf(p['Etag']));
      objects.push({ key, size, mtime: Number.isFinite(mtime) ? mtime : 0, ...(etag ? { etag } : {}) });
    }
    const prefixes: string[] = [];
    for (const bp of (blobs['BlobPrefix'] as XmlNode[] | undefined) ?? []) {
      const p = textOf(bp['Name']);
      // a folder may still hold keys after `after` when `after` lies inside it
      if (after !== undefined && p <= after && !after.startsWith(p)) continue;
      prefixes.push(p);
    }
    const next = textOf(root['NextMarker']);
    return { objects, prefixes, ...(next ? { next } : {}) };
  }

  async head(key: string, signal?: AbortSignal): Promise<ObjectMeta | undefined> {
    const what = this.what('GetBlobProperties', key);
    const res = await this.send({ method: 'HEAD', url: this.url(key, ''), headers: {} }, what, [404], signal);
    if (res.status === 404) {
      if (res.headers.get('x-ms-error-code') === 'ContainerNotFound') throw this.containerMissing();
      return undefined;
    }
    const size = Number(res.headers.get('content-length'));
    if (!Number.isFinite(size)) throw new LakeError('corrupt', `${what}: no Content-Length in the answer`);
    const mtime = Date.parse(res.headers.get('last-modified') ?? '');
    const etag = quoteEtag(res.headers.get('etag'));
    return { key, size, mtime: Number.isFinite(mtime) ? mtime : 0, ...(etag ? { etag } : {}) };
  }

  async get(key: string, opts: GetOptions = {}): Promise<GetResult> {
    const what = this.what('GetBlob', key);
    const headers: Record<string, string> = {};
    const range = opts.range;
    if (range) {
      if (range.end <= range.start) return { bytes: new Uint8Array(0), size: (await this.head(key, opts.signal))?.size ?? 0 };
      headers['x-ms-range'] = `bytes=${range.start}-${range.end - 1}`;
    }
    if (opts.ifMatch) headers['if-match'] = opts.ifMatch;
    const res = await this.send({ method: 'GET', url: this.url(key, ''), headers }, what, [404, 412, 416], opts.signal);
    if (res.status === 404) throw this.notFound(res, what);
    if (res.status === 412) throw new LakeError('corrupt', `${what}: object changed while being read (ETag no longer ${opts.ifMatch})`);
    const total = /\/(\d+)\s*$/.exec(res.headers.get('content-range') ?? '');
    const etag = quoteEtag(res.headers.get('etag'));
    if (res.status === 416) {
      // the range starts at or past the end; Azure names the size as `bytes */SIZE`
      const size = total ? Number(total[1]) : ((await this.head(key, opts.signal))?.size ?? 0);
      return { bytes: new Uint8Array(0), size, ...(etag ? { etag } : {}) };
    }
    let bytes = res.body;
    let size = total ? Number(total[1]) : bytes.length;
    if (range && res.status === 200) {
      // a server that ignored the range sent everything
      size = bytes.length;
      bytes = bytes.subarray(Math.min(range.start, size), Math.min(range.end, size));
    }
    return { bytes, size, ...(etag ? { etag } : {}) };
  }
}
