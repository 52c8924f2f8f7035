/**
 * The last check before DuckDB is handed a path: the file exists, is a file, and stays inside the
 * table once symlinks are resolved (the table's Storage refuses anything else). Every path the
 * engine gives DuckDB — data files, delete files — passes through here first, so a crafted table
 * is refused by Lakelens with the file named, not by DuckDB after it was asked to open it. For a
 * table in an object store this is also where its files are fetched into the local cache.
 */
import type { Storage } from '../core/storage/storage';
import { type Progress, localFiles } from './staging';

/**
 * Checks every data file exists and stays inside the table (the storage resolves symlinks), so a
 * vacuumed file is an error naming it and a symlink cannot lead DuckDB out of the table; remote
 * files are fetched (or checked current) in the staging cache.
 */
export async function verifyFiles(storage: Storage, files: readonly { path: string }[], what = 'data file', signal?: AbortSignal, progress?: Progress): Promise<void> {
  await localFiles(storage).ensure(files, what, signal, progress);
}
