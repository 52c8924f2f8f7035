/**
 * A Delta table of 100,000 small commits and no checkpoint, as a streaming job with a huge
 * `delta.checkpointInterval` leaves it: version 0 creates the table, every later commit is one
 * micro-batch (commitInfo STREAMING UPDATE, the stream's txn action, one add). Commit file mtimes
 * are the commit times (no in-commit timestamps), one minute apart. Metadata only.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { addAction, commitInfo, commitName, metaDataAction, ndjson } from './deltaActions';
import type { DeltaExpect } from './deltaCheckpointed';

export interface ManyCommitsParams {
  commits: number;
}

export const MANY_COMMITS_DEFAULTS: ManyCommitsParams = { commits: 100_000 };

const T0 = Date.UTC(2024, 0, 1);
const QUERY_ID = 'b1f7c9d2-5c1e-4f1e-9d7a-2f3c4b5a6d7e';

export function generateManyCommits(dir: string, p: ManyCommitsParams = MANY_COMMITS_DEFAULTS): DeltaExpect {
  const log = path.join(dir, '_delta_log');
  fs.mkdirSync(log, { recursive: true });
  for (let v = 0; v < p.commits; v++) {
    const t = T0 + v * 60_000;
    const add = addAction(v);
    const actions: Record<string, unknown>[] =
      v === 0
        ? [{ commitInfo: commitInfo(v, t, 'CREATE TABLE', {}) }, { protocol: { minReaderVersion: 1, minWriterVersion: 2 } }, { metaData: metaDataAction('5e0c8f7a-8d2b-4a53-b3c1-0c9e2d7f4a61', { 'delta.checkpointInterval': '1000000' }) }, { add }]
        : [
            { commitInfo: commitInfo(v, t, 'STREAMING UPDATE', { numAddedFiles: '1', numRemovedFiles: '0', numOutputRows: String(add.size as number >> 6), numOutputBytes: String(add.size) }) },
            { txn: { appId: QUERY_ID, version: v, lastUpdated: t } },
            { add },
          ];
    const f = path.join(log, commitName(v));
    fs.writeFileSync(f, ndjson(actions));
    fs.utimesSync(f, t / 1000, t / 1000);
  }
  return { latest: p.commits - 1, liveFiles: p.commits };
}
