/**
 * The S3 backend: ListObjectsV2, HeadObject and GetObject over `HttpClient`, signed with SigV4
 * (@smithy/signature-v4) unless anonymous. Works against AWS (virtual-hosted addressing, region
 * discovered from the bucket and redirects followed) and S3-compatible servers (MinIO, R2, Ceph,
 * moto; path-style addressing). Settings and credentials: s3Config.ts.
 */
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { XMLParser } from 'fast-xml-parser';
import { LakeError } from '../errors';
import type { StoreConfig } from './config';
import { HttpClient, type HttpRequest, type HttpResponse, errorCodeOf } from './http';
import type { Location } from './location';
import type { GetOptions, GetResult, ListOptions, ListPage, ObjectMeta, ObjectStore } from './objectStore';
import { type S3Settings, resolveS3Settings } from './s3Config';

/** SHA-256 of the empty body: every request here is a GET or HEAD without one. */
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
/** Statuses that may name the bucket's real region (wrong-region answers). */
const REGION_HINTS = [301, 307, 400];

/** SigV4's hash: @smithy/hash-node's Hash fixed to SHA-256 (HMAC when given a key). */
class Sha256 extends Hash {
  constructor(secret?: Parameters<typeof Hash.prototype.update>[0]) {
    super('sha256', secret);
  }
}

export async function openS3Store(loc: Location, cfg: StoreConfig): Promise<ObjectStore> {
  const settings = await resolveS3Settings(loc.bucket, cfg);
  return new S3Store({ kind: 's3', bucket: loc.bucket, path: '' }, settings, new HttpClient(cfg.http));
}

export class S3Store implements ObjectStore {
  readonly credentialSource: string;
  private region: string | undefined;
  private discovering: Promise<string> | undefined;
  private readonly signers = new Map<string, SignatureV4>();

  constructor(
    readonly location: Location,
    private readonly settings: S3Settings,
    readonly http: HttpClient,
  ) {
    this.credentialSource = settings.credentialSource;
    this.region = settings.region;
  }

  /** Requests, retries and bytes so far (tests, benchmarks). */
  get stats(): { requests: number; retries: number; bytes: number } {
    return this.http.stats;
  }

  async listPage(prefix: string, opts: ListOptions): Promise<ListPage> {
    const query: Record<string, string> = { 'list-type': '2', 'encoding-type': 'url' };
    if (prefix !== '') query['prefix'] = prefix;
    if (opts.delimiter) query['delimiter'] = '/';
    if (opts.startAfter !== undefined && !opts.token) query['start-after'] = opts.startAfter;
    if (opts.token) query['continuation-token'] = opts.token;
    if (opts.maxKeys !== undefined) query['max-keys'] = String(opts.maxKeys);
    const what = `s3 ListObjectsV2 ${this.describe(prefix)}`;
    const res = await this.send('GET', undefined, query, {}, what, [], opts.signal);
    return parseListing(res.body, what, opts.token);
  }

  async head(key: string, signal?: AbortSignal): Promise<ObjectMeta | undefined> {
    const res = await this.send('HEAD', key, {}, {}, `s3 HeadObject ${this.describe(key)}`, [404], signal);
    if (res.status === 404) return undefined;
    const etag = res.headers.get('etag');
    return { key, size: Number(res.headers.get('content-length') ?? 0), mtime: Date.parse(res.headers.get('last-modified') ?? '') || 0, ...(etag ? { etag } : {}) };
  }

  async get(key: string, opts: GetOptions = {}): Promise<GetResult> {
    const what = `s3 GetObject ${this.describe(key)}`;
    const range = opts.range;
    if (range && range.end <= range.start) return { bytes: new Uint8Array(0), size: (await this.head(key, opts.signal))?.size ?? 0 };
    const headers: Record<string, string> = {};
    if (range) headers['range'] = `bytes=${range.start}-${range.end - 1}`;
    if (opts.ifMatch) headers['if-match'] = opts.ifMatch;
    const res = await this.send('GET', key, {}, headers, what, [404, 412, 416], opts.signal);
    const etag = res.headers.get('etag') ?? undefined;
    const total = contentRangeTotal(res.headers.get('content-range'));
    switch (res.status) {
      case 404:
        throw new LakeError('missing', `${what}: no such object`);
      case 412:
        throw new LakeError('corrupt', `${what}: object changed while being read (ETag no longer ${opts.ifMatch ?? '?'}): read it again`);
      case 416: {
        // AWS and moto name the size in the error body rather than in Content-Range
        const actual = /<ActualObjectSize>(\d+)<\/ActualObjectSize>/.exec(new TextDecoder().decode(res.body.subarray(0, 4096)))?.[1];
        return { bytes: new Uint8Array(0), size: total ?? (actual ? Number(actual) : 0), ...(etag ? { etag } : {}) };
      }
    }
    let bytes = res.body;
    // a server that ignores Range answers 200 with the whole object
    if (res.status === 200 && range) bytes = bytes.subarray(Math.min(range.start, bytes.length), Math.min(range.end, bytes.length));
    const size = res.status === 206 ? (total ?? range!.start + bytes.length) : res.body.length;
    return { bytes, size, ...(etag ? { etag } : {}) };
  }

  private describe(key: string): string {
    return `s3://${this.location.bucket}/${key}`;
  }

  /**
   * One call: signs for the bucket's region, follows one wrong-region answer to the region it
   * names, turns NoSuchBucket into a `missing` error that says so. `accept`: statuses the caller
   * handles itself.
   */
  private async send(method: 'GET' | 'HEAD', key: string | undefined, query: Record<string, string>, headers: Record<string, string>, what: string, accept: number[], signal: AbortSignal | undefined): Promise<HttpResponse> {
    for (let hop = 0; ; hop++) {
      const region = await this.bucketRegion(signal);
      const res = await this.http.send(
        { method, url: this.url(key, query, region), headers },
        {
          what,
          signal,
          accept: [...accept, 404, ...REGION_HINTS],
          reason: errorCodeOf,
          credentialSource: this.credentialSource,
          authorize: (r) => this.sign(r, query, region),
        },
      );
      if (REGION_HINTS.includes(res.status) && !accept.includes(res.status)) {
        const named = regionNamedBy(res);
        if (hop === 0 && named && named !== region) {
          this.region = named;
          continue;
        }
        const code = codeOf(res);
        if (res.status === 400) throw new LakeError('unavailable', `${what}: HTTP 400${code ? ` ${code}` : ''}${named ? ` (the bucket is in ${named})` : ''}`);
        throw new LakeError('unavailable', `${what}: redirected (HTTP ${res.status}${code ? ` ${code}` : ''}${named ? `, bucket in ${named}` : ''}): the endpoint or region is probably wrong`);
      }
      if (res.status === 404 && !accept.includes(404)) {
        // a listing's 404 is always the bucket; an object's says which in its code
        if (key === undefined || codeOf(res) === 'NoSuchBucket') throw this.noBucket(what);
        throw new LakeError('missing', `${what}: not found (HTTP 404${codeOf(res) ? ` ${codeOf(res)}` : ''})`);
      }
      if (res.status === 404 && method === 'GET' && codeOf(res) === 'NoSuchBucket') throw this.noBucket(what);
      return res;
    }
  }

  private noBucket(what: string): LakeError {
    return new LakeError('missing', `s3: bucket "${this.location.bucket}" does not exist (${what}): check the bucket name, the endpoint and the account`);
  }

  /** The configured region, else the one the bucket says it is in (HEAD bucket), else us-east-1. */
  private async bucketRegion(signal: AbortSignal | undefined): Promise<string> {
    if (this.region) return this.region;
    this.discovering ??= this.discoverRegion(signal).finally(() => (this.discovering = undefined));
    return (this.region = await this.discovering);
  }

  private async discoverRegion(signal: AbortSignal | undefined): Promise<string> {
    // x-amz-bucket-region comes with 200, 301, 400 and 403 answers alike
    const res = await this.http.send(
      { method: 'HEAD', url: this.url(undefined, {}, undefined), headers: {} },
      { what: `s3 HeadBucket s3://${this.location.bucket}`, signal, accept: [301, 307, 400, 403, 404], credentialSource: this.credentialSource, authorize: (r) => this.sign(r, {}, 'us-east-1') },
    );
    return res.headers.get('x-amz-bucket-region') || 'us-east-1';
  }

  /** The request URL: path-style for custom endpoints (unless turned off) and dotted bucket names. */
  private url(key: string | undefined, query: Record<string, string>, region: string | undefined): URL {
    const bucket = this.location.bucket;
    const keyPath = key === undefined ? '' : encodeKey(key);
    let origin: string;
    let base = '';
    if (this.settings.endpoint) {
      const u = new URL(this.settings.endpoint);
      base = u.pathname === '/' ? '' : u.pathname;
      origin = this.settings.pathStyle ? `${u.protocol}//${u.host}` : `${u.protocol}//${bucket}.${u.host}`;
    } else {
      const domain = region?.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
      const host = region ? `s3.${region}.${domain}` : `s3.${domain}`;
      origin = this.settings.pathStyle ? `https://${host}` : `https://${bucket}.${host}`;
    }
    let path = this.settings.pathStyle ? `${base}/${uriEscape(bucket)}${key === undefined ? '' : `/${keyPath}`}` : `${base}/${keyPath}`;
    if (path === '') path = '/';
    const q = Object.keys(query)
      .sort()
      .map((k) => `${uriEscape(k)}=${uriEscape(query[k]!)}`)
      .join('&');
    return new URL(`${origin}${path}${q ? `?${q}` : ''}`);
  }

  private async sign(req: HttpRequest, query: Record<string, string>, region: string): Promise<void> {
    const creds = this.settings.credentials;
    if (!creds) return;
    let signer = this.signers.get(region);
    if (!signer) {
      // uriEscapePath false: S3 signs the path as sent, unlike other AWS services
      signer = new SignatureV4({ service: 's3', region, sha256: Sha256, uriEscapePath: false, applyChecksum: false, credentials: () => creds.get().then(toIdentity) });
      this.signers.set(region, signer);
    }
    const u = req.url;
    const signed = await signer.sign(
      {
        method: req.method,
        protocol: u.protocol,
        hostname: u.hostname,
        ...(u.port ? { port: Number(u.port) } : {}),
        path: u.pathname,
        query: { ...query },
        headers: { ...req.headers, host: u.host, 'x-amz-content-sha256': EMPTY_SHA256 },
      },
      { signingDate: new Date(), signingRegion: region },
    );
    // fetch sets Host itself, from the same URL
    for (const [k, v] of Object.entries(signed.headers)) if (k.toLowerCase() !== 'host') req.headers[k] = v;
  }
}

function toIdentity(c: { accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: number }) {
  return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, ...(c.sessionToken ? { sessionToken: c.sessionToken } : {}), ...(c.expiration !== undefined ? { expiration: new Date(c.expiration) } : {}) };
}

/** RFC 3986 escaping, as SigV4 canonicalises: everything but A–Z a–z 0–9 - . _ ~ */
function uriEscape(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function encodeKey(key: string): string {
  return key.split('/').map(uriEscape).join('/');
}

function codeOf(res: HttpResponse): string | undefined {
  return res.body.length ? errorCodeOf(res.status, new TextDecoder().decode(res.body.subarray(0, 4096))) : undefined;
}

/** The region a wrong-region answer names: its x-amz-bucket-region header or its `<Region>`. */
function regionNamedBy(res: HttpResponse): string | undefined {
  const h = res.headers.get('x-amz-bucket-region');
  if (h) return h;
  const m = /<Region>([a-z0-9-]{1,40})<\/Region>/.exec(new TextDecoder().decode(res.body.subarray(0, 4096)));
  return m?.[1];
}

function contentRangeTotal(v: string | null): number | undefined {
  const m = v ? /\/(\d+)\s*$/.exec(v) : null;
  return m ? Number(m[1]) : undefined;
}

const parser = new XMLParser({
  ignoreAttributes: true,
  // keys and prefixes are text: "007" and "1e5" must stay strings, " a " keeps its spaces
  parseTagValue: false,
  trimValues: false,
  // numeric character references (&#x27;) besides the five XML entities
  htmlEntities: true,
  isArray: (name) => name === 'Contents' || name === 'CommonPrefixes',
});

interface ListXml {
  ListBucketResult?: {
    Contents?: { Key?: string; LastModified?: string; ETag?: string; Size?: string }[];
    CommonPrefixes?: { Prefix?: string }[];
    IsTruncated?: string;
    NextContinuationToken?: string;
    EncodingType?: string;
  };
}

/** One ListObjectsV2 page. Keys are URL-decoded only when the answer says it encoded them (s3rver ignores encoding-type). */
export function parseListing(body: Uint8Array, what: string, token?: string): ListPage {
  let doc: ListXml;
  try {
    doc = parser.parse(new TextDecoder().decode(body)) as ListXml;
  } catch (err) {
    throw new LakeError('corrupt', `${what}: the listing is not valid XML (${err instanceof Error ? err.message.split('\n')[0] : 'parse error'})`);
  }
  const r = doc.ListBucketResult;
  if (!r || typeof r !== 'object') throw new LakeError('corrupt', `${what}: the answer is not a ListBucketResult`);
  const encoded = text(r.EncodingType).trim().toLowerCase() === 'url';
  const dec = (s: string): string => {
    if (!encoded) return s;
    try {
      // S3 encodes as a form does: a space is '+', a '+' is %2B
      return decodeURIComponent(s.replace(/\+/g, ' '));
    } catch {
      throw new LakeError('corrupt', `${what}: a key in the listing is not URL-encoded as promised`);
    }
  };
  const objects: ObjectMeta[] = (r.Contents ?? []).map((c) => {
    const etag = text(c.ETag);
    return { key: dec(text(c.Key)), size: Number(text(c.Size)) || 0, mtime: Date.parse(text(c.LastModified)) || 0, ...(etag ? { etag } : {}) };
  });
  const prefixes = (r.CommonPrefixes ?? []).map((p) => dec(text(p.Prefix))).filter((p) => p !== '');
  const truncated = text(r.IsTruncated).trim() === 'true';
  const next = text(r.NextContinuationToken).trim();
  if (truncated && next === '') throw new LakeError('corrupt', `${what}: listing truncated without a continuation token`);
  if (truncated && next === token) throw new LakeError('corrupt', `${what}: listing returned the same continuation token again`);
  return { objects, prefixes, ...(truncated ? { next } : {}) };
}

function text(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}
