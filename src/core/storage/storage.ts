/**
 * Storage: the only way the core reads bytes. Paths are POSIX-style and relative to the table root
 * ('' is the root itself). Implementations refuse any path that would leave the root, so a crafted
 * log cannot make the core read /etc/passwd; see `resolveInRoot`.
 */
import { LakeError } from '../errors';

/** A folder entry, as cheap to produce as a directory listing (no stat per entry). */
export interface DirEntry {
  /** Base name. */
  name: string;
  /** Path relative to the storage root. */
  path: string;
  isDir: boolean;
}

export interface FileEntry extends DirEntry {
  size: number;
  /** Modification time, ms since epoch. */
  mtime: number;
  /**
   * The object's version as its store names it (an S3/Azure/GCS ETag), when it has one: caches of
   * remote bytes are keyed by it, so a rewritten object is never served stale.
   */
  etag?: string;
}

export interface Storage {
  /** Human-readable location of the root (a local path or URI), for messages. */
  readonly root: string;
  /**
   * The root as a location URL: `file:///…` for a folder, `s3://bucket/prefix`, `gs://…`,
   * `abfss://container@account.dfs.core.windows.net/…` for object stores (see location.ts).
   */
  readonly url: string;
  /**
   * Entries of a folder; an empty list when the folder does not exist. Object stores answer with
   * FileEntry (size and time come with the listing at no extra cost); a local folder may not.
   */
  list(dir: string): Promise<DirEntry[]>;
  /**
   * Entries of a folder whose names sort after `after` (byte order), for log tails: an object
   * store starts its listing there instead of paging through 100k older commits. Optional:
   * `listAfter` below falls back to `list`.
   */
  listFrom?(dir: string, after: string): Promise<DirEntry[]>;
  /**
   * Whether a folder holds an entry whose name passes `test`, stopping at the first (detection
   * asks this of 100k-entry logs, whose full listing takes ~100 ms). Optional: `hasEntry` below
   * falls back to `list`.
   */
  someEntry?(dir: string, test: (name: string) => boolean): Promise<boolean>;
  /** Whole file. Missing file → LakeError('missing'). */
  read(path: string): Promise<Uint8Array>;
  /** Bytes [start, end) of a file. */
  readRange(path: string, start: number, end: number): Promise<Uint8Array>;
  /** Entry for a path, or undefined when absent. */
  stat(path: string): Promise<FileEntry | undefined>;
  /** Absolute local file-system path for engines that open files themselves (DuckDB), if any. */
  localPath?(path: string): string;
}

/**
 * Normalises a relative path and checks it stays inside the root: no absolute paths, no `..`
 * climbing above the root, no NUL bytes. Returns the normalised relative path ('' for the root).
 */
export function resolveInRoot(path: string): string {
  if (path.includes('\0')) throw new LakeError('out-of-root', `path contains a NUL byte: ${JSON.stringify(path)}`);
  const p = path.replace(/\\/g, '/');
  if (p.startsWith('/') || /^[a-zA-Z]:\//.test(p) || /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(p)) {
    throw new LakeError('out-of-root', `path is absolute, expected one inside the table: ${path}`);
  }
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) throw new LakeError('out-of-root', `path escapes the table root: ${path}`);
      out.pop();
    } else out.push(part);
  }
  return out.join('/');
}

/** True when `resolveInRoot` accepts the path: storages will read it (if it exists). */
export function isInRoot(path: string): boolean {
  try {
    resolveInRoot(path);
    return true;
  } catch {
    return false;
  }
}

/** Entries of `dir` named after `after` in byte order, sorted by name. */
export async function listAfter(storage: Storage, dir: string, after: string): Promise<DirEntry[]> {
  const all = storage.listFrom ? await storage.listFrom(dir, after) : (await storage.list(dir)).filter((e) => e.name > after);
  return all.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export async function hasEntry(storage: Storage, dir: string, test: (name: string) => boolean): Promise<boolean> {
  if (storage.someEntry) return storage.someEntry(dir, test);
  return (await storage.list(dir)).some((e) => test(e.name));
}

/** Joins relative path segments ('' segments are skipped). */
export function joinPath(...parts: string[]): string {
  return parts.filter((p) => p !== '').join('/');
}

export function baseName(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? path : path.slice(i + 1);
}

export function dirName(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

/** UTF-8 text of a file. */
export async function readText(storage: Storage, path: string): Promise<string> {
  return new TextDecoder().decode(await storage.read(path));
}

/** Stats a set of paths a few hundred at a time; absent files are dropped. */
export async function statAll(storage: Storage, paths: string[]): Promise<FileEntry[]> {
  const out: FileEntry[] = [];
  const BATCH = 256;
  for (let i = 0; i < paths.length; i += BATCH) {
    const got = await Promise.all(paths.slice(i, i + BATCH).map((p) => storage.stat(p)));
    for (const e of got) if (e) out.push(e);
  }
  return out;
}
