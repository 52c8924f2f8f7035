/**
 * Table location mapping. Iceberg metadata names every file by an absolute URI under the table's
 * `location` (spec "Table Metadata Fields"), written wherever the writer ran: `/test-warehouse/t`,
 * `hdfs://nn:8020/wh/t`, `s3a://b/t`, `file:/tmp/t`, or paths relative to the writer's working
 * folder (`data/persistent/t`, `./t`). A table we open has usually moved, so every path is mapped
 * by replacing the recorded location prefix with the folder holding `metadata/`.
 *
 * Matching compares path segments only and ignores scheme and authority, because writers mix them
 * within one table (`hdfs://localhost:20500/wh/t/data/f.parquet` under location `/wh/t`). Paths are
 * never URL-decoded: Iceberg stores them as written and files on disk carry the `%3A` literally.
 * Everything (manifest lists, manifests, data, delete files, position-delete `file_path` values)
 * goes through `tablePath`, so the same raw string always maps to the same table path.
 */

import { type Location, isRemoteLocation, parseLocation, sameStore } from '../storage/location';

/** The store of an object-store URI, or undefined for schemes that name none we know (hdfs://…). */
function storeOf(uri: string): Location | undefined {
  try {
    const l = parseLocation(uri);
    return l.kind === 'file' ? undefined : l;
  } catch {
    return undefined;
  }
}

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]+):(.*)$/s;
/** A path needing normalisation: `.`/`..` segments, empty segments, or a trailing slash. */
const DOTS_OR_EMPTY = /(^|\/)\.{1,2}(\/|$)|\/\/|^\/|\/$|^$/;

/** Path segments of a location or file URI, without scheme, authority, `.` and empty segments. */
export function pathSegments(raw: string): string[] {
  let rest = raw.replace(/\\/g, '/');
  const m = SCHEME.exec(rest);
  if (m) {
    rest = m[2]!;
    // scheme://authority/path: the authority is not part of the path
    if (rest.startsWith('//')) {
      const slash = rest.indexOf('/', 2);
      rest = slash < 0 ? '' : rest.slice(slash);
    }
  }
  const out: string[] = [];
  for (const part of rest.split('/')) {
    if (part === '' || part === '.') continue;
    // resolve `..` lexically; leading ones are kept so the path still reads as escaping
    if (part === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else out.push(part);
  }
  return out;
}

const utf8 = new TextDecoder('utf-8');

/** Maps raw file URIs from a table's metadata onto paths relative to the table folder. */
export class LocationMapper {
  private readonly base: string[];
  /** The location as written plus '/': most paths start with it, which needs no splitting. */
  private readonly prefix: string;
  private prefixBytes: Uint8Array | undefined;

  /** `location` is the table's recorded location (`location` in table metadata). */
  /** The recorded location's object store (bucket, account), when it names one. */
  private readonly store: Location | undefined;

  constructor(readonly location: string) {
    this.base = pathSegments(location);
    this.prefix = location.replace(/\/+$/, '') + '/';
    this.store = isRemoteLocation(location) ? storeOf(location) : undefined;
  }

  /**
   * Table path of a raw URI: relative to the table folder when it lies under the table location
   * ('' for the folder itself); otherwise the raw URI unchanged, or for a relative raw path one
   * that climbs out of the folder with `..`. Readers refuse both.
   */
  tablePath(raw: string): string {
    if (raw.startsWith(this.prefix) && this.base.length > 0) {
      const rest = raw.slice(this.prefix.length);
      if (plainRelative(rest)) return rest;
    }
    // an object-store URI in another bucket or account than the recorded location is not this
    // table's file, whatever its path: left as is, so reading it is refused
    if (this.store !== undefined && isRemoteLocation(raw)) {
      const other = storeOf(raw);
      if (other && !sameStore(this.store, other)) return raw;
    }
    const segs = pathSegments(raw);
    const base = this.base;
    let k = 0;
    while (k < base.length && k < segs.length && segs[k] === base[k]) k++;
    if (k === base.length) return segs.slice(k).join('/');
    // a relative path outside the location is still relative to the writer's folder: express it
    // relative to the table folder (it climbs out with `..`, so reading it is refused)
    if (!SCHEME.test(raw) && !raw.startsWith('/') && !raw.startsWith('\\')) return [...base.slice(k).map(() => '..'), ...segs.slice(k)].join('/');
    return raw;
  }

  /**
   * `tablePath` of a raw URI given as UTF-8 bytes (a manifest's file_path, still in its block):
   * the part after the location is decoded on its own, so a million paths do not each make a
   * string of the full URI that the table path would be a slice of (and keep alive).
   */
  tablePathOfBytes(raw: Uint8Array): string {
    const pre = (this.prefixBytes ??= new TextEncoder().encode(this.prefix));
    if (this.base.length > 0 && startsWithBytes(raw, pre)) {
      const rest = utf8.decode(raw.subarray(pre.length));
      if (plainRelative(rest)) return rest;
    }
    return this.tablePath(utf8.decode(raw));
  }
}

/** True when `b` starts with the bytes of `p`. */
function startsWithBytes(b: Uint8Array, p: Uint8Array): boolean {
  if (b.length < p.length) return false;
  for (let i = 0; i < p.length; i++) if (b[i] !== p[i]) return false;
  return true;
}

/**
 * True when `rest` needs no normalisation (no `.`/`..`/empty segments, no trailing slash, no
 * backslash). Checked with `includes` first: a million file paths go through here, and the
 * regex is only needed for the rare path holding `/.` or `//`.
 */
function plainRelative(rest: string): boolean {
  if (rest === '' || rest.charCodeAt(0) === 46 || rest.charCodeAt(0) === 47 || rest.charCodeAt(rest.length - 1) === 47 || rest.includes('\\')) return !DOTS_OR_EMPTY.test(rest) && !rest.includes('\\');
  if (rest.includes('/.') || rest.includes('//')) return !DOTS_OR_EMPTY.test(rest);
  return true;
}

/** True when a table path names something inside the table folder (not a raw URI, not climbing out). */
export function isTablePath(p: string): boolean {
  return !p.startsWith('/') && p !== '..' && !p.startsWith('../') && !SCHEME.test(p) && !/^[a-zA-Z]:[\\/]/.test(p);
}

/**
 * Table path of a raw URI given the table location: the one function both the reader and the
 * query engine use, so position-delete `file_path` values match data file paths.
 */
export function tablePath(raw: string, location: string): string {
  return new LocationMapper(location).tablePath(raw);
}
