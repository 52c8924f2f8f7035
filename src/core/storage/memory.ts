/**
 * Storage over an in-memory map of files, for unit tests and the fuzzer: a table can be copied in,
 * altered byte by byte, and read back without touching the disk.
 */
import { LakeError } from '../errors';
import { type DirEntry, type FileEntry, type Storage, resolveInRoot } from './storage';

export class MemStorage implements Storage {
  readonly files = new Map<string, { bytes: Uint8Array; mtime: number }>();
  /** Every path read, for tests that check nothing outside a set was touched. */
  readonly reads: string[] = [];

  readonly url: string;

  constructor(readonly root = '/mem') {
    this.url = `memory://${root.replace(/^\/+/, '')}`;
  }

  put(path: string, data: Uint8Array | string, mtime = 0): void {
    this.files.set(resolveInRoot(path), { bytes: typeof data === 'string' ? new TextEncoder().encode(data) : data, mtime });
  }

  delete(path: string): void {
    this.files.delete(resolveInRoot(path));
  }

  async list(dir: string): Promise<DirEntry[]> {
    const base = resolveInRoot(dir);
    const prefix = base === '' ? '' : base + '/';
    const out = new Map<string, DirEntry>();
    for (const p of this.files.keys()) {
      if (!p.startsWith(prefix)) continue;
      const rest = p.slice(prefix.length);
      const slash = rest.indexOf('/');
      const name = slash < 0 ? rest : rest.slice(0, slash);
      if (!out.has(name)) out.set(name, { name, path: prefix + name, isDir: slash >= 0 });
    }
    return [...out.values()];
  }

  async read(path: string): Promise<Uint8Array> {
    const p = resolveInRoot(path);
    this.reads.push(p);
    const f = this.files.get(p);
    if (!f) throw new LakeError('missing', 'file not found', path);
    return f.bytes;
  }

  async readRange(path: string, start: number, end: number): Promise<Uint8Array> {
    return (await this.read(path)).subarray(start, end);
  }

  async stat(path: string): Promise<FileEntry | undefined> {
    const p = resolveInRoot(path);
    const f = this.files.get(p);
    const name = p.slice(p.lastIndexOf('/') + 1);
    if (f) return { name, path: p, isDir: false, size: f.bytes.length, mtime: f.mtime };
    for (const k of this.files.keys()) if (k.startsWith(p + '/')) return { name, path: p, isDir: true, size: 0, mtime: 0 };
    return undefined;
  }
}
