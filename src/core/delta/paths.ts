/**
 * Paths in Delta actions are RFC 2396 URIs: relative to the table root, or absolute
 * (`/x`, `file:/x`, `file:///x`, `s3://b/x`). One canonical form serves both as the logical-file
 * key of replay and as the path shown to users: decoded and relative when the file is inside the
 * table, the decoded absolute path or URI otherwise (readers later refuse those).
 */

import { isRemoteLocation, parseLocation, relativeTo } from '../storage/location';

/** Decodes %XX escapes, leaving malformed ones as written. */
export function decodeUriPath(s: string): string {
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s.replace(/%([0-9a-fA-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
  }
}

/** `a/./b/../c` → `a/c`; leading `..` segments are kept (such a path is refused when read). */
function normalizeRelative(p: string): string {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else out.push(part);
  }
  return out.join('/');
}

const NEEDS_WORK = /[%:]|^[./]|\/\.|\/\/|\/$/;

/**
 * Canonical path of a file named in the log. `rootAbs` is the table root as an absolute local path
 * (POSIX separators), used to turn absolute paths that point inside the table into relative ones.
 */
export function canonicalDeltaPath(raw: string, rootAbs: string): string {
  // the common case, a plain relative path, needs no work
  if (!NEEDS_WORK.test(raw)) return raw;
  let p = raw;
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(p);
  if (scheme) {
    if (scheme[1]!.toLowerCase() !== 'file') return remoteRelative(p, rootAbs) ?? decodeUriPath(p);
    p = p.slice(5).replace(/^\/\/(localhost)?(?=\/)/, '');
  }
  p = decodeUriPath(p);
  if (!p.startsWith('/')) return normalizeRelative(p);
  const root = rootAbs.replace(/\/+$/, '');
  if (p === root) return '';
  if (p.startsWith(root + '/')) return normalizeRelative(p.slice(root.length + 1));
  return p;
}

/**
 * An absolute object-store URI inside a table that lives in an object store (`s3a://b/t/x` for a
 * table read as `s3://b/t`): the relative path. Undefined when either is not a store location or
 * the file lies elsewhere (another bucket or prefix), which readers then refuse.
 */
function remoteRelative(raw: string, rootUrl: string): string | undefined {
  if (!isRemoteLocation(rootUrl)) return undefined;
  try {
    const rel = relativeTo(parseLocation(rootUrl), parseLocation(raw));
    return rel === undefined ? undefined : normalizeRelative(rel);
  } catch {
    return undefined;
  }
}

/** True when a canonical path names a file inside the table (relative, not climbing out). */
export function isInsideTable(canonical: string): boolean {
  return !canonical.startsWith('/') && !/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(canonical) && !canonical.startsWith('..');
}
