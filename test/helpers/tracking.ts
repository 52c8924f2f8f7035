/**
 * Storage wrappers for tests that check what a reader touches: every path asked for is recorded,
 * and for FsStorage also the real path it resolves to, so a test can assert that nothing outside
 * the table root was listed, read or stat'ed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FsStorage } from '../../src/core/storage/local';
import type { DirEntry, FileEntry, Storage } from '../../src/core/storage/storage';

export interface Access {
  op: 'list' | 'read' | 'readRange' | 'stat' | 'localPath';
  path: string;
}

/** FsStorage that records every call and the real path of each one that succeeded. */
export class TrackingFsStorage implements Storage {
  private readonly inner: FsStorage;
  readonly root: string;
  readonly url: string;
  readonly accesses: Access[] = [];
  /** Real paths of files and folders actually opened (list/read/readRange/stat that succeeded). */
  readonly opened: string[] = [];

  constructor(root: string) {
    this.inner = new FsStorage(root);
    this.root = this.inner.root;
    this.url = this.inner.url;
  }

  private async track<T>(op: Access['op'], p: string, f: () => Promise<T>): Promise<T> {
    this.accesses.push({ op, path: p });
    const out = await f();
    const abs = this.inner.localPath(p);
    if (fs.existsSync(abs)) this.opened.push(fs.realpathSync(abs));
    return out;
  }

  list(dir: string): Promise<DirEntry[]> {
    return this.track('list', dir, () => this.inner.list(dir));
  }

  read(p: string): Promise<Uint8Array> {
    return this.track('read', p, () => this.inner.read(p));
  }

  readRange(p: string, start: number, end: number): Promise<Uint8Array> {
    return this.track('readRange', p, () => this.inner.readRange(p, start, end));
  }

  stat(p: string): Promise<FileEntry | undefined> {
    return this.track('stat', p, () => this.inner.stat(p));
  }

  localPath(p: string): string {
    this.accesses.push({ op: 'localPath', path: p });
    return this.inner.localPath(p);
  }

  /** Opened real paths that are not inside the real table root. */
  outside(): string[] {
    const root = fs.realpathSync(this.root);
    return this.opened.filter((p) => p !== root && !p.startsWith(root + path.sep));
  }
}
