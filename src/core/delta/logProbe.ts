/**
 * The log's bounds found by probing for commit files instead of listing `_delta_log/`. Listing
 * 100k commits costs ~80 ms in readdir alone before a name is parsed, yet the first page of
 * history needs only the newest few commits. Commits are contiguous (a writer creates N+1 only
 * once N exists), so with commit 0 present "commit v exists" holds for 0..latest and a galloping
 * then binary search finds latest in ~2·log2(n) stats, from `_last_checkpoint`'s version when it
 * names an existing commit. Logs without commit 0 get `undefined`: the caller lists.
 * A gap inside the run (a damaged copy) is found when a page's commit is missing, and the caller
 * then lists too.
 */
import type { Storage } from '../storage/storage';
import { LOG_DIR, commitPath } from './logPath';
import { readLastCheckpoint } from './logSegment';

export interface ProbedLog {
  /** Newest commit version. */
  latest: number;
}

export async function probeDeltaLog(storage: Storage): Promise<ProbedLog | undefined> {
  const exists = async (v: number) => (await storage.stat(commitPath(v)))?.isDir === false;
  // anchor: a commit known to exist, as new as cheaply known (the checkpoint hint's version)
  let anchor: number | undefined;
  if (await storage.stat(`${LOG_DIR}/_last_checkpoint`)) {
    const hint = await readLastCheckpoint(storage, []);
    if (hint && (await exists(hint.version))) anchor = hint.version;
  }
  // commit 0 present: the whole history is there and every version reconstructable. A cleaned-up
  // log's oldest version depends on its oldest checkpoint, which only the listing finds (and such
  // logs are short: retention bounds them)
  if (anchor !== 0 && !(await exists(0))) return undefined;
  anchor ??= 0;
  // newest: gallop up from the anchor until a commit is missing, then bisect (lo exists, hi not)
  let lo = anchor;
  let step = 1;
  while (await exists(lo + step)) {
    lo += step;
    step *= 2;
    if (!Number.isSafeInteger(lo + step)) return undefined;
  }
  let hi = lo + step;
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (await exists(mid)) lo = mid;
    else hi = mid;
  }
  // a commit just past the missing one means a gap: cheap to catch here, and the listing copes
  if (await exists(lo + 2)) return undefined;
  return { latest: lo };
}
