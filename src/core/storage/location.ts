/**
 * Locations: the strings users, catalogs and table metadata use for where a table lives, parsed
 * into one shape. Engines spell the same object several ways (`s3a://` is Spark's `s3://`; an
 * Azure blob is `abfss://container@account.dfs.core.windows.net/…`, `wasbs://…blob…`, `az://…` or
 * `https://account.blob.core.windows.net/container/…`), so stores are compared by their parsed
 * identity, never by the string. Pure: no I/O.
 */
import { LakeError } from '../errors';

export type StoreKind = 'file' | 's3' | 'azure' | 'gcs';

export interface Location {
  kind: StoreKind;
  /** S3/GCS bucket, Azure container; '' for local files. */
  bucket: string;
  /** Azure storage account, when the spelling names it (`az://` leaves it to configuration). */
  account?: string;
  /** Key prefix inside the bucket, or the absolute local path: no leading or trailing '/'. */
  path: string;
}

const SCHEMES: Record<string, StoreKind> = {
  s3: 's3', s3a: 's3', s3n: 's3',
  gs: 'gcs', gcs: 'gcs',
  abfs: 'azure', abfss: 'azure', wasb: 'azure', wasbs: 'azure', az: 'azure', azure: 'azure', adl: 'azure',
  file: 'file',
};

/** True for `scheme://…` strings other than local paths (`C:\x`, `/x`, `x/y` are local). */
export function isRemoteLocation(s: string): boolean {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(s);
  return !!m && m[1]!.toLowerCase() !== 'file';
}

/** Parses a location; throws `invalid-argument` naming the string when it is not one we read. */
export function parseLocation(input: string): Location {
  const s = input.trim();
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)([^?#]*)/.exec(s);
  if (!m) return { kind: 'file', bucket: '', path: trimSlashes(s.replace(/\\/g, '/')) };
  const scheme = m[1]!.toLowerCase();
  const authority = decodeURIComponent(m[2]!);
  const path = trimSlashes(decodePath(m[3]!));
  if (scheme === 'https' || scheme === 'http') return parseHttps(authority, path, input);
  const kind = SCHEMES[scheme];
  if (!kind) throw new LakeError('invalid-argument', `unsupported location scheme "${scheme}://": expected s3://, gs://, abfss://, az:// or a local path`, input);
  if (kind === 'file') return { kind, bucket: '', path: trimSlashes(path) };
  if (authority === '') throw new LakeError('invalid-argument', `location has no ${kind === 'azure' ? 'container' : 'bucket'}`, input);
  if (kind === 'azure') {
    // container@account.dfs.core.windows.net (abfs/wasb), or az://container/path
    const at = authority.indexOf('@');
    if (at >= 0) {
      const host = authority.slice(at + 1);
      const account = host.split('.')[0]!;
      return { kind, bucket: authority.slice(0, at), account, path };
    }
    return { kind, bucket: authority, path };
  }
  return { kind, bucket: authority, path };
}

function parseHttps(host: string, path: string, input: string): Location {
  const h = host.toLowerCase().replace(/:\d+$/, '');
  const az = /^([a-z0-9]+)\.(blob|dfs)\.core\.windows\.net$/.exec(h);
  if (az) {
    const [container, ...rest] = path.split('/');
    if (!container) throw new LakeError('invalid-argument', 'Azure URL has no container', input);
    return { kind: 'azure', account: az[1]!, bucket: container, path: rest.join('/') };
  }
  if (h === 'storage.googleapis.com' || h === 'storage.cloud.google.com') {
    const [bucket, ...rest] = path.split('/');
    if (!bucket) throw new LakeError('invalid-argument', 'GCS URL has no bucket', input);
    return { kind: 'gcs', bucket, path: rest.join('/') };
  }
  // virtual-hosted S3: bucket.s3.region.amazonaws.com / bucket.s3.amazonaws.com
  const s3 = /^(.+)\.s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com$/.exec(h);
  if (s3) return { kind: 's3', bucket: s3[1]!, path };
  throw new LakeError('invalid-argument', `cannot tell which object store serves ${host}: use s3://, gs:// or abfss:// with an endpoint setting`, input);
}

/** The canonical URL of a location: one spelling per object, for keys and messages. */
export function formatLocation(loc: Location): string {
  const tail = loc.path === '' ? '' : `/${encodePath(loc.path)}`;
  switch (loc.kind) {
    case 'file':
      return `file:///${encodePath(loc.path)}`;
    case 's3':
      return `s3://${loc.bucket}${tail}`;
    case 'gcs':
      return `gs://${loc.bucket}${tail}`;
    case 'azure':
      return loc.account ? `abfss://${loc.bucket}@${loc.account}.dfs.core.windows.net${tail}` : `az://${loc.bucket}${tail}`;
  }
}

/** The location of `rel` (a '/'-separated relative path) under `loc`. */
export function childLocation(loc: Location, rel: string): Location {
  const r = trimSlashes(rel);
  return { ...loc, path: loc.path === '' ? r : r === '' ? loc.path : `${loc.path}/${r}` };
}

/** Same store (kind, account, bucket): the test for "this data file is in the table's store". */
export function sameStore(a: Location, b: Location): boolean {
  return a.kind === b.kind && a.bucket === b.bucket && (a.account === undefined || b.account === undefined || a.account.toLowerCase() === b.account.toLowerCase());
}

/**
 * The path of `target` relative to `base` when it is inside it (same store, key under the
 * prefix), else undefined. Iceberg metadata names files by absolute URI; this maps them onto the
 * table's storage whatever the spelling.
 */
export function relativeTo(base: Location, target: Location): string | undefined {
  if (!sameStore(base, target)) return undefined;
  if (base.path === '') return target.path;
  if (target.path === base.path) return '';
  return target.path.startsWith(base.path + '/') ? target.path.slice(base.path.length + 1) : undefined;
}

function trimSlashes(p: string): string {
  return p.replace(/^\/+/, '').replace(/\/+$/, '');
}

function decodePath(p: string): string {
  try {
    return decodeURIComponent(p);
  } catch {
    return p;
  }
}

/** Percent-encodes what a URL path cannot hold, keeping '/' and the characters keys commonly use. */
function encodePath(p: string): string {
  return p.split('/').map((seg) => encodeURIComponent(seg).replace(/%3D/g, '=').replace(/%40/g, '@').replace(/%2C/g, ',').replace(/%3A/g, ':')).join('/');
}
