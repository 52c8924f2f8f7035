/**
 * The last check before DuckDB is handed a path: the file exists, is a file, and stays inside the
 * table once symlinks are resolved (the table's Storage refuses anything else). Every path the
 * engine gives DuckDB — data files, delete files — passes through here first, so a crafted table
 * is refused by Lakelens with the file named, not by DuckDB after it was asked to open it.
 */
import { LakeError } from '../core/errors';
import type { Storage } from '../core/storage/storage';

/**
 * Checks every data file exists and stays inside the table (the storage resolves symlinks), so a
 * vacuumed file is an error naming it and a symlink cannot lead DuckDB out of the table.
 */
export async function verifyFiles(storage: Storage, files: readonly { path: string }[], what = 'data file'): Promise<void> {
  const BATCH = 256;
  for (let i = 0; i < files.length; i += BATCH) {
    const batch = files.slice(i, i + BATCH);
    const stats = await Promise.all(batch.map((f) => storage.stat(f.path)));
    stats.forEach((st, j) => {
      if (!st) throw new LakeError('missing', `${what} is missing (removed by VACUUM or never copied); this version cannot be read`, batch[j]!.path);
      if (st.isDir) throw new LakeError('corrupt', `${what} is a folder`, batch[j]!.path);
    });
  }
}
