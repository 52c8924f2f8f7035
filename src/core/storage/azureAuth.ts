/**
 * How the Azure backend reaches an account: where the blob endpoint is and how each request is
 * authorized. Explicit configuration (cfg.azure) wins over the environment, then in each: a
 * connection string, an account key (Shared Key signing), a SAS token; then a configured token
 * getter, anonymous access, and last DefaultAzureCredential (loaded only on that path).
 *
 * Shared Key is signed here with node:crypto (the documented string-to-sign): @azure/storage-blob's
 * StorageSharedKeyCredential costs ~260 KB minified when bundled, and only offers the HMAC — it
 * signs core-rest-pipeline requests, not ours.
 */
import { createHmac } from 'node:crypto';
import { LakeError } from '../errors';
import type { StoreConfig } from './config';
import type { HttpRequest } from './http';
import type { Location } from './location';

/** Request version: known to Azure and Azurite 3.35, and ≥ 2017-11-09 as bearer tokens need. */
export const API_VERSION = '2021-12-02';
export const STORAGE_SCOPE = 'https://storage.azure.com/.default';

const DEV_ACCOUNT = 'devstoreaccount1';
// Azurite's public development key (documented by Microsoft; not a secret)
const DEV_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface ConnectionString {
  account?: string;
  key?: string;
  sas?: string;
  endpoint?: string;
}

/** Parses `Key=Value;…` (values may hold '='); throws without echoing the string (it holds a key). */
export function parseConnectionString(s: string): ConnectionString {
  const kv = new Map<string, string>();
  for (const part of s.split(';')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) throw new LakeError('invalid-argument', 'azure: the connection string is malformed: expected Key=Value pairs separated by ";"');
    kv.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  if (kv.get('usedevelopmentstorage')?.toLowerCase() === 'true') {
    const proxy = kv.get('developmentstorageproxyuri')?.replace(/\/+$/, '') ?? 'http://127.0.0.1';
    return { account: DEV_ACCOUNT, key: DEV_KEY, endpoint: `${proxy}:10000/${DEV_ACCOUNT}` };
  }
  const out: ConnectionString = {};
  const account = kv.get('accountname');
  const key = kv.get('accountkey');
  const sas = kv.get('sharedaccesssignature');
  const blob = kv.get('blobendpoint');
  if (account) out.account = account;
  if (key) out.key = key;
  if (sas) out.sas = sas.replace(/^\?/, '');
  if (blob) out.endpoint = blob.replace(/\/+$/, '');
  else if (account) out.endpoint = `${kv.get('defaultendpointsprotocol') ?? 'https'}://${account}.blob.${kv.get('endpointsuffix') ?? 'core.windows.net'}`;
  if (!out.key && !out.sas) throw new LakeError('invalid-argument', 'azure: the connection string has neither AccountKey nor SharedAccessSignature');
  if (!out.endpoint) throw new LakeError('invalid-argument', 'azure: the connection string names neither AccountName nor BlobEndpoint');
  return out;
}

export type Auth =
  | { kind: 'key'; account: string; key: Buffer }
  | { kind: 'sas'; sas: string }
  | { kind: 'bearer'; token: () => Promise<string> }
  | { kind: 'anonymous' };

export interface AzureAccess {
  /** Blob endpoint without a trailing '/': https://ACCOUNT.blob.core.windows.net, or Azurite's http://127.0.0.1:10000/devstoreaccount1. */
  endpoint: string;
  account?: string;
  auth: Auth;
  credentialSource: string;
}

/** Where the blob endpoint is and which credential signs requests to it. */
export function resolveAccess(loc: Location, cfg: StoreConfig): AzureAccess {
  const env = cfg.env ?? process.env;
  const a = cfg.azure ?? {};
  const named = loc.account;
  const sameAccount = (x?: string) => !named || !x || x.toLowerCase() === named.toLowerCase();
  // explicit settings first, then the environment (AZURE_STORAGE_*)
  const sources = [
    { conn: a.connectionString, key: a.key, sas: a.sas, account: a.account, where: 'settings' },
    { conn: env['AZURE_STORAGE_CONNECTION_STRING'], key: env['AZURE_STORAGE_KEY'], sas: env['AZURE_STORAGE_SAS_TOKEN'], account: env['AZURE_STORAGE_ACCOUNT'], where: 'environment' },
  ];
  const account = named ?? a.account ?? firstConnAccount(sources) ?? env['AZURE_STORAGE_ACCOUNT'];
  const endpointOf = (cs?: ConnectionString) => {
    const e = a.endpoint?.replace(/\/+$/, '') ?? cs?.endpoint;
    if (e) return e;
    if (!account) throw new LakeError('invalid-argument', `azure: ${loc.bucket}: no storage account: set AZURE_STORAGE_ACCOUNT, or write abfss://${loc.bucket}@ACCOUNT.dfs.core.windows.net/…`);
    return `https://${account}.blob.core.windows.net`;
  };
  const named_ = (fallback: string) => a.credentialSource ?? fallback;
  const done = (auth: Auth, source: string, cs?: ConnectionString): AzureAccess => {
    const acc = cs?.account ?? account;
    return { endpoint: endpointOf(cs), ...(acc ? { account: acc } : {}), auth, credentialSource: named_(source) };
  };
  for (const s of sources) {
    if (s.where === 'settings' && a.anonymous) return done({ kind: 'anonymous' }, 'anonymous');
    if (s.conn) {
      const cs = parseConnectionString(s.conn);
      if (sameAccount(cs.account)) {
        if (cs.key && cs.account) return done({ kind: 'key', account: cs.account, key: keyBytes(cs.key) }, 'connection string', cs);
        if (cs.sas) return done({ kind: 'sas', sas: cs.sas }, 'connection string', cs);
      }
    }
    const acc = named ?? s.account ?? account;
    if (s.key && acc && sameAccount(s.account)) return done({ kind: 'key', account: acc, key: keyBytes(s.key) }, 'account key');
    if (s.sas) return done({ kind: 'sas', sas: s.sas.replace(/^\?/, '') }, 'SAS token');
    if (s.where === 'settings' && a.token) return done({ kind: 'bearer', token: a.token }, 'token getter');
  }
  return done({ kind: 'bearer', token: defaultCredentialToken(account) }, 'DefaultAzureCredential');
}

function firstConnAccount(sources: { conn?: string | undefined }[]): string | undefined {
  for (const s of sources) if (s.conn) return parseConnectionString(s.conn).account;
  return undefined;
}

function keyBytes(key: string): Buffer {
  const b = Buffer.from(key, 'base64');
  if (b.length === 0) throw new LakeError('invalid-argument', 'azure: the account key is not base64');
  return b;
}

/** Adds x-ms-version and x-ms-date, then the credential (a signature, a SAS query, a bearer token). */
export async function authorize(req: HttpRequest, auth: Auth): Promise<void> {
  req.headers['x-ms-version'] = API_VERSION;
  req.headers['x-ms-date'] = new Date().toUTCString();
  switch (auth.kind) {
    case 'key':
      req.headers['authorization'] = `SharedKey ${auth.account}:${sharedKeySignature(req, auth.account, auth.key)}`;
      return;
    case 'sas':
      req.url.search = req.url.search ? `${req.url.search}&${auth.sas}` : `?${auth.sas}`;
      return;
    case 'bearer':
      req.headers['authorization'] = `Bearer ${await auth.token()}`;
      return;
    case 'anonymous':
      return;
  }
}

/**
 * The Shared Key signature of a request (learn.microsoft.com/rest/api/storageservices/authorize-with-shared-key):
 * HMAC-SHA256 over the verb, the standard headers, the x-ms-* headers sorted, and the resource
 * `/account/path` with its query parameters sorted and decoded.
 */
export function sharedKeySignature(req: HttpRequest, account: string, key: Buffer): string {
  const h = new Map(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), v.trim()]));
  const std = ['content-encoding', 'content-language', 'content-length', 'content-md5', 'content-type', 'date', 'if-modified-since', 'if-match', 'if-none-match', 'if-unmodified-since', 'range'];
  const lines = [req.method, ...std.map((n) => (n === 'content-length' && h.get(n) === '0' ? '' : (h.get(n) ?? '')))];
  const msHeaders = [...h.entries()].filter(([k]) => k.startsWith('x-ms-')).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  let resource = `/${account}${req.url.pathname || '/'}`;
  const params = new Map<string, string[]>();
  for (const pair of req.url.search.replace(/^\?/, '').split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const k = decodeURIComponent(eq < 0 ? pair : pair.slice(0, eq)).toLowerCase();
    const v = eq < 0 ? '' : decodeURIComponent(pair.slice(eq + 1));
    params.set(k, [...(params.get(k) ?? []), v]);
  }
  for (const k of [...params.keys()].sort()) resource += `\n${k}:${params.get(k)!.sort().join(',')}`;
  const toSign = `${lines.join('\n')}\n${msHeaders.map(([k, v]) => `${k}:${v}\n`).join('')}${resource}`;
  return createHmac('sha256', key).update(toSign, 'utf8').digest('base64');
}

/** What getToken gives (the shape of @azure/identity's TokenCredential, so tests can pass a fake). */
export interface TokenSource {
  getToken(scope: string): Promise<{ token: string; expiresOnTimestamp: number } | null>;
}

/** Refresh this long before a token expires: requests in flight must not carry a stale one. */
const EARLY_MS = 5 * 60_000;

/**
 * A bearer-token getter over a credential: one token at a time, shared by concurrent requests,
 * renewed a few minutes before it expires. A credential that fails becomes one short `denied`
 * error saying what to do (the identity library's own message lists every credential it tried).
 */
export function cachedToken(load: () => Promise<TokenSource>, account: string | undefined): () => Promise<string> {
  let current: { token: string; expires: number } | undefined;
  let pending: Promise<string> | undefined;
  const fetchToken = async (): Promise<string> => {
    let got: { token: string; expiresOnTimestamp: number } | null;
    try {
      got = await (await load()).getToken(STORAGE_SCOPE);
    } catch (err) {
      if (err instanceof LakeError) throw err;
      throw noCredentials(account, err);
    }
    if (!got?.token) throw noCredentials(account, undefined);
    current = { token: got.token, expires: got.expiresOnTimestamp };
    return got.token;
  };
  return async () => {
    if (current && Date.now() < current.expires - EARLY_MS) return current.token;
    pending ??= fetchToken().finally(() => (pending = undefined));
    return pending;
  };
}

function noCredentials(account: string | undefined, err: unknown): LakeError {
  // the error's class name says which kind of failure it was; its message (a list of every
  // credential's internals) stays out
  const kind = err instanceof Error && err.name && err.name !== 'Error' ? ` (${err.name})` : '';
  return new LakeError(
    'denied',
    `azure: no credentials for account "${account ?? '?'}"${kind}: tried the settings, AZURE_STORAGE_CONNECTION_STRING, AZURE_STORAGE_KEY, AZURE_STORAGE_SAS_TOKEN and DefaultAzureCredential (environment, workload and managed identity, Azure CLI, PowerShell, azd): run \`az login\`, or set AZURE_STORAGE_CONNECTION_STRING, or AZURE_STORAGE_ACCOUNT with AZURE_STORAGE_KEY or AZURE_STORAGE_SAS_TOKEN`,
  );
}

function defaultCredentialToken(account: string | undefined): () => Promise<string> {
  let cred: Promise<TokenSource> | undefined;
  const load = () =>
    (cred ??= import('@azure/identity').then(
      (m) => new m.DefaultAzureCredential() as TokenSource,
      (err: unknown) => {
        cred = undefined;
        throw new LakeError('unsupported', `azure: cannot load @azure/identity for DefaultAzureCredential (${err instanceof Error ? err.message : String(err)})`);
      },
    ));
  return cachedToken(load, account);
}
