/**
 * Google Cloud Storage over its JSON API (`/storage/v1/b/{bucket}/o…`), through the shared
 * HttpClient: list with a delimiter and `startOffset`, object metadata for head, `alt=media` with a
 * Range for bytes. An object's version is its `generation` (it changes on every rewrite; the ETag
 * of a composite object does not say the same thing), and parts of one read are pinned to it.
 *
 * Credentials: none for an emulator (STORAGE_EMULATOR_HOST, fake-gcs-server) or a public bucket; a
 * caller's token getter (a catalog's vended token); else Application Default Credentials through
 * google-auth-library, loaded only on that path.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { GoogleAuth } from 'google-auth-library';
import { LakeError } from '../errors';
import type { StoreConfig } from './config';
import { HttpClient, type HttpRequest, type HttpResponse, errorCodeOf } from './http';
import type { Location } from './location';
import type { GetOptions, GetResult, ListOptions, ListPage, ObjectMeta, ObjectStore } from './objectStore';

const GOOGLE = 'https://storage.googleapis.com';
const READ_ONLY_SCOPE = 'https://www.googleapis.com/auth/devstorage.read_only';
/** GCS answers at most 1000 entries a page. */
const MAX_PAGE = 1000;

type Env = Record<string, string | undefined>;

interface Auth {
  source: string;
  /** Bearer token, or undefined for unsigned requests. */
  token?: () => Promise<string>;
}

export async function openGcsStore(loc: Location, cfg: StoreConfig): Promise<ObjectStore> {
  const env: Env = cfg.env ?? process.env;
  const gcs = cfg.gcs ?? {};
  const emulator = env['STORAGE_EMULATOR_HOST']?.trim() || undefined;
  const endpoint = gcsEndpoint(gcs.endpoint ?? emulator ?? GOOGLE);
  let auth: Auth;
  if (gcs.anonymous) auth = { source: gcs.credentialSource ?? 'anonymous' };
  else if (gcs.token) auth = { source: gcs.credentialSource ?? 'access token', token: tokenGetter(gcs.token) };
  // emulators take no credentials, and a plain-http endpoint must never be sent a Google token
  else if ((emulator && gcs.endpoint === undefined) || endpoint.startsWith('http:')) auth = { source: gcs.credentialSource ?? 'emulator' };
  else {
    const adc = new AdcToken(env);
    auth = { source: gcs.credentialSource ?? adc.source, token: () => adc.get() };
  }
  return new GcsStore(loc.bucket, endpoint, auth, new HttpClient(cfg.http));
}

/** The endpoint's origin (and base path), accepting `host:port` without a scheme as emulators are often given. */
export function gcsEndpoint(raw: string): string {
  const s = raw.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(s) ? s : `http://${s}`;
  let u: URL;
  try {
    u = new URL(withScheme);
  } catch {
    throw new LakeError('invalid-argument', `gcs: endpoint ${JSON.stringify(raw)} is not a URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new LakeError('invalid-argument', `gcs: endpoint ${JSON.stringify(raw)} must be http(s)`);
  // some tools give the emulator as http://host:port/storage/v1/
  const base = u.pathname.replace(/\/+$/, '').replace(/\/storage\/v1$/, '');
  return `${u.protocol}//${u.host}${base}`;
}

class GcsStore implements ObjectStore {
  readonly location: Location;
  /** Set once any answer showed the bucket exists: a 404 after that is about the object. */
  private bucketSeen = false;

  constructor(
    private readonly bucket: string,
    private readonly endpoint: string,
    private readonly auth: Auth,
    private readonly http: HttpClient,
  ) {
    this.location = { kind: 'gcs', bucket, path: '' };
  }

  get credentialSource(): string {
    return this.auth.source;
  }

  async listPage(prefix: string, opts: ListOptions): Promise<ListPage> {
    const [serverToken, seenPrefix] = splitToken(opts.token);
    const q: Record<string, string> = { prefix, fields: 'items(name,size,updated,generation),prefixes,nextPageToken' };
    if (opts.delimiter) q['delimiter'] = '/';
    if (opts.startAfter) q['startOffset'] = opts.startAfter;
    if (serverToken) q['pageToken'] = serverToken;
    if (opts.maxKeys) q['maxResults'] = String(Math.max(1, Math.min(MAX_PAGE, opts.maxKeys)));
    const what = `gcs ListObjects gs://${this.bucket}/${prefix}`;
    const res = await this.send(this.url('/o', q), {}, what, [], opts.signal);
    if (res.status === 404) throw this.noBucket();
    this.bucketSeen = true;
    const j = parseJson(res, what) as { items?: unknown; prefixes?: unknown; nextPageToken?: unknown };
    const objects: ObjectMeta[] = [];
    for (const it of Array.isArray(j.items) ? j.items : []) {
      const o = objectMeta(it, what);
      // startOffset is inclusive, startAfter is not
      if (opts.startAfter === undefined || o.key > opts.startAfter) objects.push(o);
    }
    // fake-gcs-server repeats every prefix on every page; GCS pages them in order, so dropping
    // prefixes up to the last one already returned is right for both
    let top = seenPrefix;
    const prefixes: string[] = [];
    for (const p of Array.isArray(j.prefixes) ? j.prefixes : []) {
      if (typeof p !== 'string' || (seenPrefix !== undefined && p <= seenPrefix)) continue;
      prefixes.push(p);
      if (top === undefined || p > top) top = p;
    }
    const next = typeof j.nextPageToken === 'string' && j.nextPageToken !== '' ? joinToken(j.nextPageToken, top) : undefined;
    return { objects, prefixes, ...(next ? { next } : {}) };
  }

  async head(key: string, signal?: AbortSignal): Promise<ObjectMeta | undefined> {
    if (key === '') return undefined;
    const what = `gcs GetObjectMetadata gs://${this.bucket}/${key}`;
    const res = await this.send(this.url(`/o/${encodeKey(key)}`, { fields: 'name,size,updated,generation' }), {}, what, [], signal);
    if (res.status === 404) {
      await this.checkBucket(signal);
      return undefined;
    }
    this.bucketSeen = true;
    return objectMeta(parseJson(res, what), what);
  }

  async get(key: string, opts: GetOptions = {}): Promise<GetResult> {
    const what = `gcs GetObject gs://${this.bucket}/${key}`;
    const range = opts.range;
    if (range && range.end <= range.start) {
      const meta = await this.head(key, opts.signal);
      if (!meta) throw new LakeError('missing', `${what}: not found`);
      return { bytes: new Uint8Array(0), size: meta.size, ...(meta.etag ? { etag: meta.etag } : {}) };
    }
    const q: Record<string, string> = { alt: 'media' };
    if (opts.ifMatch) q['ifGenerationMatch'] = opts.ifMatch;
    const headers: Record<string, string> = range ? { range: `bytes=${range.start}-${range.end - 1}` } : {};
    const res = await this.send(this.url(`/o/${encodeKey(key)}`, q), headers, what, [412, 416], opts.signal);
    if (res.status === 404) {
      await this.checkBucket(opts.signal);
      throw new LakeError('missing', `${what}: not found`);
    }
    this.bucketSeen = true;
    const generation = res.headers.get('x-goog-generation') ?? undefined;
    // fake-gcs-server ignores ifGenerationMatch; the generation it answers with tells the same
    if (res.status === 412 || (opts.ifMatch && generation && generation !== opts.ifMatch)) {
      throw new LakeError('corrupt', `${what}: object changed while being read`);
    }
    const tag = generation ? { etag: generation } : {};
    if (res.status === 416) return { bytes: new Uint8Array(0), size: rangeTotal(res) ?? storedLength(res) ?? 0, ...tag };
    if (res.status === 206) {
      const total = rangeTotal(res);
      if (total === undefined) throw new LakeError('unavailable', `${what}: partial answer without a usable Content-Range`);
      return { bytes: res.body, size: total, ...tag };
    }
    // 200: the whole object (no range asked, or a server that ignores Range)
    const bytes = range ? res.body.subarray(range.start, Math.min(range.end, res.body.length)) : res.body;
    return { bytes, size: res.body.length, ...tag };
  }

  private url(rest: string, q: Record<string, string>): URL {
    const u = new URL(`${this.endpoint}/storage/v1/b/${encodeURIComponent(this.bucket)}${rest}`);
    for (const [k, v] of Object.entries(q)) u.searchParams.set(k, v);
    return u;
  }

  private send(url: URL, headers: Record<string, string>, what: string, accept: number[], signal?: AbortSignal): Promise<HttpResponse> {
    const token = this.auth.token;
    return this.http.send(
      { method: 'GET', url, headers },
      {
        what,
        signal,
        accept: [404, ...accept],
        reason: errorCodeOf,
        credentialSource: this.auth.source,
        ...(token ? { authorize: async (req: HttpRequest) => void (req.headers['authorization'] = `Bearer ${await token()}`) } : {}),
      },
    );
  }

  /** After a 404 of an object: throws when the bucket itself is what is missing (fake-gcs-server answers both alike). */
  private async checkBucket(signal?: AbortSignal): Promise<void> {
    if (this.bucketSeen) return;
    const res = await this.send(this.url('/o', { maxResults: '1', fields: 'nextPageToken' }), {}, `gcs ListObjects gs://${this.bucket}`, [], signal);
    if (res.status === 404) throw this.noBucket();
    this.bucketSeen = true;
  }

  private noBucket(): LakeError {
    return new LakeError('missing', `gcs: bucket "${this.bucket}" does not exist`);
  }
}

/** One object's JSON resource (a listing item or object metadata), checked. */
function objectMeta(v: unknown, what: string): ObjectMeta {
  const o = (v ?? {}) as { name?: unknown; size?: unknown; updated?: unknown; generation?: unknown };
  // the JSON API sends 64-bit numbers as strings
  const size = typeof o.size === 'string' || typeof o.size === 'number' ? Number(o.size) : NaN;
  if (typeof o.name !== 'string' || !Number.isSafeInteger(size) || size < 0) throw new LakeError('unavailable', `${what}: unexpected object resource in the answer`);
  const mtime = typeof o.updated === 'string' ? Date.parse(o.updated) : NaN;
  const gen = typeof o.generation === 'string' || typeof o.generation === 'number' ? String(o.generation) : undefined;
  return { key: o.name, size, mtime: Number.isFinite(mtime) ? mtime : 0, ...(gen ? { etag: gen } : {}) };
}

function parseJson(res: HttpResponse, what: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(res.body));
  } catch {
    throw new LakeError('unavailable', `${what}: the answer is not JSON (HTTP ${res.status})`);
  }
}

/** An object name as one path segment: '/' encoded too, and '.'/'..' kept from URL normalisation. */
function encodeKey(key: string): string {
  const e = encodeURIComponent(key);
  return e === '.' ? '%2E' : e === '..' ? '%2E%2E' : e;
}

/** Total of `Content-Range: bytes a-b/TOTAL` (or `bytes *\/TOTAL` on a 416). */
function rangeTotal(res: HttpResponse): number | undefined {
  const m = /\/(\d+)\s*$/.exec(res.headers.get('content-range') ?? '');
  return m ? Number(m[1]) : undefined;
}

function storedLength(res: HttpResponse): number | undefined {
  const v = res.headers.get('x-goog-stored-content-length');
  return v !== null && /^\d+$/.test(v) ? Number(v) : undefined;
}

// Page tokens carry the last prefix returned so far (for de-duplication, see listPage). Object
// names cannot hold a line feed in GCS, so it separates the two.
function splitToken(token?: string): [string | undefined, string | undefined] {
  if (!token) return [undefined, undefined];
  const i = token.indexOf('\n');
  return i < 0 ? [token, undefined] : [token.slice(i + 1), token.slice(0, i)];
}

function joinToken(serverToken: string, top: string | undefined): string {
  return top === undefined ? serverToken : `${top}\n${serverToken}`;
}

/** A caller's token getter, its failures turned into `denied` without echoing secrets. */
function tokenGetter(get: () => Promise<string>): () => Promise<string> {
  return async () => {
    let t: string;
    try {
      t = await get();
    } catch (err) {
      throw new LakeError('denied', `gcs: the access token getter failed (${redact(err)})`);
    }
    if (typeof t !== 'string' || t === '') throw new LakeError('denied', 'gcs: the access token getter returned no token');
    return t;
  };
}

/** A short, token-free description of a foreign error. */
function redact(err: unknown): string {
  const data = (err as { response?: { data?: { error?: unknown } } })?.response?.data?.error;
  const msg = typeof data === 'string' ? data : err instanceof Error ? err.message : String(err);
  return (msg.split('\n')[0] ?? '')
    .replace(/\bya29\.[\w.-]+/g, '…')
    .replace(/\beyJ[\w-]+\.[\w-]+\.[\w-]*/g, '…')
    .replace(/\b(Bearer|token[=:])\s*\S+/gi, '$1 …')
    .slice(0, 160);
}

/** Where ADC would look first, for messages: its order is the env variable, gcloud's file, the metadata server. */
function adcSource(env: Env): { source: string; keyFile?: string } {
  const keyFile = env['GOOGLE_APPLICATION_CREDENTIALS'];
  if (keyFile) return { source: 'Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS)', keyFile };
  const gcloudDir = env['CLOUDSDK_CONFIG'] || (process.platform === 'win32' && env['APPDATA'] ? path.join(env['APPDATA'], 'gcloud') : path.join(env['HOME'] || os.homedir(), '.config', 'gcloud'));
  const gcloudFile = path.join(gcloudDir, 'application_default_credentials.json');
  if (fs.existsSync(gcloudFile)) return { source: 'Application Default Credentials (gcloud)', keyFile: gcloudFile };
  return { source: 'Application Default Credentials (metadata server)' };
}

/** Application Default Credentials, the library loaded on first use; tokens cached until 5 minutes before they expire. */
class AdcToken {
  readonly source: string;
  private readonly keyFile: string | undefined;
  private auth: Promise<GoogleAuth> | undefined;
  private cached: { token: string; until: number } | undefined;
  private pending: Promise<string> | undefined;

  constructor(env: Env) {
    const s = adcSource(env);
    this.source = s.source;
    this.keyFile = s.keyFile;
  }

  get(): Promise<string> {
    if (this.cached && Date.now() < this.cached.until) return Promise.resolve(this.cached.token);
    this.pending ??= this.fetch().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async fetch(): Promise<string> {
    this.auth ??= import('google-auth-library').then(
      // the key file named by this store's env, not process.env (tests and catalogs pass their own);
      // a project id given so the library does not run `gcloud` or ask the metadata server for
      // one: reading objects never needs it
      (m) => new m.GoogleAuth({ scopes: [READ_ONLY_SCOPE], projectId: 'lakelens-read-only', ...(this.keyFile ? { keyFilename: this.keyFile } : {}) }),
    );
    try {
      const client = await (await this.auth).getClient();
      const { token } = await client.getAccessToken();
      if (!token) throw new Error('no access token');
      const expiry = (client as { credentials?: { expiry_date?: number | null } }).credentials?.expiry_date;
      this.cached = { token, until: expiry ? expiry - 5 * 60_000 : Date.now() + 60_000 };
      return token;
    } catch (err) {
      this.auth = undefined;
      if (/could not load the default credentials/i.test(err instanceof Error ? err.message : '')) {
        throw new LakeError('denied', 'gcs: no Google credentials found (tried GOOGLE_APPLICATION_CREDENTIALS, gcloud application-default credentials and the metadata server): run `gcloud auth application-default login`, or set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file');
      }
      throw new LakeError('denied', `gcs: ${this.source} gave no access token (${redact(err)}): run \`gcloud auth application-default login\`, or check GOOGLE_APPLICATION_CREDENTIALS`);
    }
  }
}
