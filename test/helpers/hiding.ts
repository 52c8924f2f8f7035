/**
 * A table folder with some files hidden: listed without them, missing to read and stat. Tests and
 * probes make a log end earlier than it does, then show it whole (a commit "lands").
 */
import { LakeError } from '../../src/core/errors';
import { FsStorage } from '../../src/core/storage/local';
import type { DirEntry, FileEntry, Storage } from '../../src/core/storage/storage';

export class HidingFsStorage implements Storage {
  private readonly inner: FsStorage;
  readonly root: string;
  readonly url: string;

  /** `hidden(path)` is asked on every access, so a caller may change what it hides at any time. */
  constructor(dir: string, public hidden: (path: string) => boolean, opts: ConstructorParameters<typeof FsStorage>[1] = {}) {
    this.inner = new FsStorage(dir, opts);
    this.root = this.inner.root;
    this.url = this.inner.url;
  }

  async list(dir: string): Promise<DirEntry[]> {
    return (await this.inner.list(dir)).filter((e) => !this.hidden(e.path));
  }
  async read(path: string): Promise<Uint8Array> {
    if (this.hidden(path)) throw new LakeError('missing', 'hidden', path);
    return this.inner.read(path);
  }
  async readRange(path: string, start: number, end: number): Promise<Uint8Array> {
    if (this.hidden(path)) throw new LakeError('missing', 'hidden', path);
    return this.inner.readRange(path, start, end);
  }
  async stat(path: string): Promise<FileEntry | undefined> {
    return this.hidden(path) ? undefined : this.inner.stat(path);
  }
  localPath(path: string): string {
    return this.inner.localPath(path);
  }
}
