/**
 * What an Iceberg REST catalog vends for a table's files, as a StoreConfig: the FileIO
 * properties of the catalog's config, the loadTable `config` and the `storage-credentials` entry
 * whose prefix covers the table (the longest), merged in that order over the definition's own
 * storage settings. Keys are those of Iceberg's S3FileIO, ADLSFileIO and GCSFileIO. Secrets only
 * pass through into the StoreConfig; `describeVended` names what was vended, never a value.
 */
import type { AzureConfig, GcsConfig, S3Config, S3Credentials, StoreConfig } from '../core/storage/config';
import { parseLocation, sameStore } from '../core/storage/location';

export type Props = Record<string, string>;

export interface StorageCredential {
  prefix: string;
  config: Props;
}

/** Fresh properties for the same table (loadTable again), for expiring credentials. */
export type Reload = () => Promise<Props>;

/** The properties that apply to `location`: catalog config, then loadTable config, then the best storage credential. */
export function tableProps(catalogProps: Props, config: Props | undefined, creds: StorageCredential[] | undefined, location: string): Props {
  return { ...catalogProps, ...(config ?? {}), ...(bestCredential(creds, location)?.config ?? {}) };
}

/** The storage-credentials entry whose prefix is the longest prefix of `location` (by store and path, so `s3a://` matches `s3://`). */
export function bestCredential(creds: StorageCredential[] | undefined, location: string): StorageCredential | undefined {
  let best: StorageCredential | undefined;
  let bestLen = -1;
  for (const c of creds ?? []) {
    if (typeof c?.prefix !== 'string' || typeof c.config !== 'object' || c.config === null) continue;
    if (!covers(c.prefix, location)) continue;
    if (c.prefix.length > bestLen) {
      best = c;
      bestLen = c.prefix.length;
    }
  }
  return best;
}

function covers(prefix: string, location: string): boolean {
  if (location.startsWith(prefix)) return true;
  try {
    const p = parseLocation(prefix);
    const l = parseLocation(location);
    return sameStore(p, l) && l.path.startsWith(p.path);
  } catch {
    return false;
  }
}

const truthy = (v: string | undefined) => v !== undefined && /^true$/i.test(v.trim());
const num = (v: string | undefined) => (v !== undefined && /^\d{1,16}$/.test(v.trim()) ? Number(v) : undefined);

function s3Credentials(p: Props): S3Credentials | undefined {
  const id = p['s3.access-key-id'];
  const secret = p['s3.secret-access-key'];
  if (!id || !secret) return undefined;
  const exp = num(p['s3.session-token-expires-at-ms']);
  return { accessKeyId: id, secretAccessKey: secret, ...(p['s3.session-token'] ? { sessionToken: p['s3.session-token'] } : {}), ...(exp !== undefined ? { expiration: exp } : {}) };
}

/** The ADLS property `adls.<what>.<account host>` for the table's account (any, when the location does not name one). */
function adlsFor(p: Props, what: string, account: string | undefined): [string, string] | undefined {
  const pre = `adls.${what}.`;
  const keys = Object.keys(p).filter((k) => k.startsWith(pre) && p[k]);
  const acct = account?.toLowerCase();
  const hit = acct ? keys.find((k) => k.slice(pre.length).toLowerCase().split('.')[0] === acct) : keys.length === 1 ? keys[0] : undefined;
  return hit ? [hit.slice(pre.length), p[hit]!] : undefined;
}

/**
 * The StoreConfig for a table: `base` (the definition's storage) with what the catalog vends on
 * top. Expiring S3 credentials and GCS tokens refresh through `reload`.
 */
export function vendedStorage(props: Props, base: StoreConfig | undefined, location: string, source: string, reload?: Reload): StoreConfig {
  const out: StoreConfig = { ...(base ?? {}) };
  let account: string | undefined;
  try {
    account = parseLocation(location).account;
  } catch {
    account = undefined;
  }

  const s3: S3Config = {};
  if (props['s3.endpoint']) s3.endpoint = props['s3.endpoint'];
  if (props['s3.path-style-access'] !== undefined) s3.pathStyle = truthy(props['s3.path-style-access']);
  const region = props['client.region'] ?? props['s3.region'];
  if (region) s3.region = region;
  const creds = s3Credentials(props);
  if (creds) {
    s3.credentials = creds;
    s3.credentialSource = source;
    if (reload && creds.expiration !== undefined) {
      s3.refreshCredentials = async () => {
        const fresh = s3Credentials(await reload());
        if (!fresh) throw new Error(`${source}: loadTable no longer vends S3 credentials`);
        return fresh;
      };
    }
  }
  if (Object.keys(s3).length > 0) out.s3 = { ...(base?.s3 ?? {}), ...s3 };

  const azure: AzureConfig = {};
  const sas = adlsFor(props, 'sas-token', account);
  const conn = adlsFor(props, 'connection-string', account);
  if (sas) {
    azure.sas = sas[1];
    azure.account ??= sas[0].split('.')[0]!;
    azure.credentialSource = source;
  }
  if (conn) {
    // Iceberg's value is the blob endpoint URL (ADLSFileIO passes it to the client's endpoint)
    if (/^https?:\/\//i.test(conn[1])) azure.endpoint = conn[1];
    else azure.connectionString = conn[1];
    azure.account ??= conn[0].split('.')[0]!;
  }
  if (Object.keys(azure).length > 0) out.azure = { ...(base?.azure ?? {}), ...azure };

  const gcs: GcsConfig = {};
  if (props['gcs.service.host']) gcs.endpoint = props['gcs.service.host'];
  if (truthy(props['gcs.no-auth'])) gcs.anonymous = true;
  const token = props['gcs.oauth2.token'];
  if (token) {
    gcs.token = gcsToken(token, num(props['gcs.oauth2.token-expires-at']), reload);
    gcs.credentialSource = source;
  }
  if (Object.keys(gcs).length > 0) out.gcs = { ...(base?.gcs ?? {}), ...gcs };
  return out;
}

/** A vended GCS token, fetched again from the catalog a minute before it expires. */
function gcsToken(first: string, firstExpiry: number | undefined, reload?: Reload): () => Promise<string> {
  let token = first;
  let expiresAt = firstExpiry;
  let pending: Promise<string> | undefined;
  return async () => {
    if (expiresAt === undefined || !reload || Date.now() < expiresAt - 60_000) return token;
    pending ??= reload()
      .then((p) => {
        if (!p['gcs.oauth2.token']) throw new Error('loadTable no longer vends a GCS token');
        token = p['gcs.oauth2.token'];
        expiresAt = num(p['gcs.oauth2.token-expires-at']);
        return token;
      })
      .finally(() => (pending = undefined));
    return pending;
  };
}

/** What was vended, for `info` (names of the kinds of credentials, never their values). */
export function describeVended(props: Props): string {
  const kinds: string[] = [];
  if (s3Credentials(props)) kinds.push(props['s3.session-token'] ? 'S3 session credentials' : 'S3 keys');
  if (Object.keys(props).some((k) => k.startsWith('adls.sas-token.'))) kinds.push('ADLS SAS token');
  if (Object.keys(props).some((k) => k.startsWith('adls.connection-string.'))) kinds.push('ADLS endpoint');
  if (props['gcs.oauth2.token']) kinds.push('GCS token');
  if (truthy(props['s3.remote-signing-enabled'])) kinds.push('S3 remote signing (not supported)');
  return kinds.length ? kinds.join(', ') : 'none';
}
