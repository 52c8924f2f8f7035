/**
 * The real 300k-add Delta log from the shared bench folder (`../shared/bench`, or
 * `$LAKELENS_SHARED/bench`), unpacked into the cache: log only, 5 JSON commits, 45 MB. Read in
 * place from the archive on every regeneration, never copied into the repository.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const SHARED_LOG_NAME = '300k-add-files-100-col-partitioned';

export function sharedArchive(repo: string): string {
  const shared = process.env.LAKELENS_SHARED || path.resolve(repo, '..', 'shared');
  return path.join(shared, 'bench', `${SHARED_LOG_NAME}.tar.zst`);
}

/** Unpacks the archive into `dir`; the table is `dir/<SHARED_LOG_NAME>`. */
export function unpackSharedLog(archive: string, dir: string): void {
  if (!fs.existsSync(archive)) throw new Error(`bench: ${archive} not found (set LAKELENS_SHARED to the shared folder)`);
  execFileSync('tar', ['-I', 'zstd', '-xf', archive, '-C', dir], { stdio: 'inherit' });
  if (!fs.existsSync(path.join(dir, SHARED_LOG_NAME, '_delta_log'))) throw new Error(`bench: ${archive} holds no ${SHARED_LOG_NAME}/_delta_log`);
}
