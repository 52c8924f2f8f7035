/**
 * One object-store interface (after Rust's object_store): list a prefix with a delimiter, page by
 * page; head; get, whole or a byte range. S3, Azure Blob and GCS implement it (s3.ts, azure.ts,
 * gcs.ts) and nothing else: `PrefixStorage` turns any of them into the core's `Storage` rooted at
 * a table's prefix, so the Delta, Iceberg and Hudi readers never know which one they talk to.
 *
 * Read-only by construction: the interface has no call that writes.
 */
import { LakeError } from '../errors';
import { type Location, childLocation, formatLocation } from './location';
import { type DirEntry, type FileEntry, type Storage, resolveInRoot } from './storage';

export interface ObjectMeta {
  /** Full key in the bucket. */
  key: string;
  size: number;
  /** Last modified, ms since epoch. */
  mtime: number;
  etag?: string;
}

export interface ListPage {
  objects: ObjectMeta[];
  /** Common prefixes ("folders") when listed with a delimiter, each ending in '/'. */
  prefixes: string[];
  /** Continuation token for the next page; absent on the last page. */
  next?: string;
}

export interface ListOptions {
  /** Group keys by '/' after the prefix (one level), as a folder listing. */
  delimiter: boolean;
  /** Only keys sorting after this full key (S3 StartAfter, GCS startOffset, Azure: filtered). */
  startAfter?: string;
  /** Continuation token from the previous page. */
  token?: string;
  /** Page size hint. */
  maxKeys?: number;
  signal?: AbortSignal;
}

export interface GetOptions {
  /** Bytes [start, end); past the end of the object the answer is shorter (possibly empty). */
  range?: { start: number; end: number };
  /** Fail with `changed` unless the object still has this ETag (parts of one read must agree). */
  ifMatch?: string;
  signal?: AbortSignal | undefined;
}

export interface GetResult {
  bytes: Uint8Array;
  /** The whole object's size (Content-Range total, or Content-Length without a range). */
  size: number;
  etag?: string;
}

export interface ObjectStore {
  /** The store's location (bucket/container, empty path). */
  readonly location: Location;
  /**
   * Where credentials came from, for messages ("environment", "profile dev", "anonymous",
   * "connection string"): never the credentials themselves.
   */
  readonly credentialSource: string;
  listPage(prefix: string, opts: ListOptions): Promise<ListPage>;
  /** Metadata of one object, undefined when absent. */
  head(key: string, signal?: AbortSignal): Promise<ObjectMeta | undefined>;
  /**
   * Bytes of an object, or of a range of it. Absent object → LakeError('missing'); a range
   * starting at or past the end (HTTP 416) → empty bytes with the object's size when known.
   */
  get(key: string, opts?: GetOptions): Promise<GetResult>;
}

/** Objects above this are read as parallel range requests of this size (after object_store). */
export const PART_SIZE = 8 * 1024 * 1024;
/** Range requests of one object in flight at once. */
const PART_CONCURRENCY = 8;

/**
 * A whole object: small ones in one request; big ones (a 50 MB commit, a checkpoint) by a first
 * part that tells the size, then the other parts in parallel, each required to carry the first
 * part's ETag so a rewrite mid-read cannot splice two versions.
 */
export async function getWhole(store: ObjectStore, key: string, signal?: AbortSignal): Promise<Uint8Array> {
  const first = await store.get(key, { range: { start: 0, end: PART_SIZE }, signal });
  if (first.size <= first.bytes.length) return first.bytes;
  const out = new Uint8Array(first.size);
  out.set(first.bytes, 0);
  const starts: number[] = [];
  for (let s = first.bytes.length; s < first.size; s += PART_SIZE) starts.push(s);
  let next = 0;
  const worker = async () => {
    while (next < starts.length) {
      const start = starts[next++]!;
      const end = Math.min(first.size, start + PART_SIZE);
      const part = await store.get(key, { range: { start, end }, ...(first.etag ? { ifMatch: first.etag } : {}), signal });
      if (part.bytes.length !== end - start) throw new LakeError('corrupt', `object changed or was cut short while read: got ${part.bytes.length} of ${end - start} bytes at ${start}`, key);
      out.set(part.bytes, start);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PART_CONCURRENCY, starts.length) }, worker));
  return out;
}

/** Every page of a listing, in order. */
export async function* listAll(store: ObjectStore, prefix: string, opts: Omit<ListOptions, 'token'>): AsyncGenerator<ListPage> {
  let token: string | undefined;
  do {
    const page = await store.listPage(prefix, { ...opts, ...(token ? { token } : {}) });
    yield page;
    token = page.next;
  } while (token);
}

/** A table's `Storage` over an object store: paths are keys below the table's prefix. */
export class PrefixStorage implements Storage {
  readonly root: string;
  readonly url: string;
  private readonly prefix: string;

  constructor(
    readonly store: ObjectStore,
    /** The table's location in that store. */
    readonly location: Location,
  ) {
    this.prefix = location.path === '' ? '' : `${location.path}/`;
    this.url = formatLocation(location);
    this.root = this.url;
  }

  /** The key of a relative path; refuses paths that leave the table (resolveInRoot). */
  key(path: string): string {
    const rel = resolveInRoot(path);
    return rel === '' ? this.location.path : this.prefix + rel;
  }

  /** The location of a relative path, for caches and messages. */
  locationOf(path: string): Location {
    return childLocation(this.location, resolveInRoot(path));
  }

  async list(dir: string): Promise<DirEntry[]> {
    return this.listing(dir);
  }

  async listFrom(dir: string, after: string): Promise<DirEntry[]> {
    return this.listing(dir, after);
  }

  private async listing(dir: string, after?: string, stop?: (e: FileEntry) => boolean): Promise<FileEntry[]> {
    const rel = resolveInRoot(dir);
    const keyPrefix = rel === '' ? this.prefix : `${this.key(rel)}/`;
    const out: FileEntry[] = [];
    const startAfter = after !== undefined ? keyPrefix + after : undefined;
    for await (const page of listAll(this.store, keyPrefix, { delimiter: true, ...(startAfter ? { startAfter } : {}) })) {
      for (const p of page.prefixes) {
        const name = p.slice(keyPrefix.length).replace(/\/$/, '');
        if (name === '' || (after !== undefined && name <= after)) continue;
        const e: FileEntry = { name, path: rel === '' ? name : `${rel}/${name}`, isDir: true, size: 0, mtime: 0 };
        out.push(e);
        if (stop?.(e)) return out;
      }
      for (const o of page.objects) {
        const name = o.key.slice(keyPrefix.length);
        // "folder marker" objects (key ending in '/') some tools write are not files
        if (name === '' || name.includes('/') || (after !== undefined && name <= after)) continue;
        const e: FileEntry = { name, path: rel === '' ? name : `${rel}/${name}`, isDir: false, size: o.size, mtime: o.mtime, ...(o.etag ? { etag: o.etag } : {}) };
        out.push(e);
        if (stop?.(e)) return out;
      }
    }
    return out;
  }

  async someEntry(dir: string, test: (name: string) => boolean): Promise<boolean> {
    let found = false;
    await this.listing(dir, undefined, (e) => (found = test(e.name)));
    return found;
  }

  async read(path: string): Promise<Uint8Array> {
    return getWhole(this.store, this.key(path));
  }

  async readRange(path: string, start: number, end: number): Promise<Uint8Array> {
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0) {
      throw new LakeError('invalid-argument', `invalid byte range ${start}–${end}`, path);
    }
    if (end <= start) return new Uint8Array(0);
    return (await this.store.get(this.key(path), { range: { start, end } })).bytes;
  }

  async stat(path: string): Promise<FileEntry | undefined> {
    const rel = resolveInRoot(path);
    const name = rel.slice(rel.lastIndexOf('/') + 1);
    if (rel !== '') {
      const o = await this.store.head(this.key(rel));
      if (o) return { name, path: rel, isDir: false, size: o.size, mtime: o.mtime, ...(o.etag ? { etag: o.etag } : {}) };
    }
    // object stores have no folders: a "folder" exists when some key lies below it
    const keyPrefix = rel === '' ? this.prefix : `${this.key(rel)}/`;
    const page = await this.store.listPage(keyPrefix, { delimiter: true, maxKeys: 1 });
    if (page.objects.length > 0 || page.prefixes.length > 0) return { name, path: rel, isDir: true, size: 0, mtime: 0 };
    return undefined;
  }
}
