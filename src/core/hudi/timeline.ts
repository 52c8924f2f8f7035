/**
 * The active timeline: instant files grouped into instants with their latest state, in order.
 * Completed instants are ordered by completion time when the layout records it (1.x) and by
 * requested time otherwise (0.x), which is the order readers apply writes in. The archived
 * timeline (`.hoodie/archived/`, `.hoodie/timeline/history/`) is only counted, not read: history
 * reaches back to the first active instant, and notes say so.
 */
import { checkAborted } from '../errors';
import type { Storage } from '../storage/storage';
import { COMPLETES_AS, type InstantFile, type InstantState, WRITE_ACTIONS, parseInstantFileName } from './instant';
import { compareInstants, instantKey } from './instantTime';
import type { HudiTableConfig } from './properties';

export interface HudiInstant {
  /** Requested time: the instant's id. */
  time: string;
  /** The completed file's action; for a pending instant, the planned action. */
  action: string;
  /** The planned action when it completed under another name (`compaction` → `commit`). */
  plannedAs: string | null;
  state: InstantState;
  completionTime: string | null;
  /** The completed file, or the most advanced pending one. */
  path: string;
  /** The `.requested` file (plans of compactions, clusterings, cleans), when present. */
  requestedPath: string | null;
}

export interface Timeline {
  dir: string;
  /** Every instant, by requested time. */
  instants: HudiInstant[];
  /** Completed instants, in the order they took effect. */
  completed: HudiInstant[];
  /** Completed write instants (commit, deltacommit, replacecommit), in order: the versions. */
  writes: HudiInstant[];
  /** Requested or inflight compactions. */
  pendingCompactions: HudiInstant[];
  /**
   * Earliest write instant (any state) on the active timeline. Data files of older instants come
   * from archived commits and count as committed (Hudi's "before timeline starts" rule).
   */
  start: string | null;
  /** Files in the archive folder (not read). */
  archivedFiles: number;
  archiveDir: string;
}

const STATE_RANK: Record<InstantState, number> = { requested: 0, inflight: 1, completed: 2 };

/** Groups instant files by requested time into instants. */
export function groupInstants(files: InstantFile[]): HudiInstant[] {
  const byTime = new Map<string, InstantFile[]>();
  for (const f of files) {
    const list = byTime.get(f.time);
    if (list) list.push(f);
    else byTime.set(f.time, [f]);
  }
  const out: HudiInstant[] = [];
  for (const [time, list] of byTime) {
    list.sort((a, b) => STATE_RANK[b.state] - STATE_RANK[a.state]);
    const top = list[0]!;
    const requested = list.find((f) => f.state === 'requested') ?? null;
    const planned = list.find((f) => f.state !== 'completed' && COMPLETES_AS[f.action] !== undefined);
    let plannedAs: string | null = null;
    if (top.state === 'completed' && planned && COMPLETES_AS[planned.action] === top.action) plannedAs = planned.action;
    out.push({
      time,
      action: top.action,
      plannedAs,
      state: top.state,
      completionTime: top.completionTime,
      path: top.path,
      requestedPath: requested?.path ?? null,
    });
  }
  return out.sort((a, b) => compareInstants(a.time, b.time));
}

/** Sort key of a completed instant: completion time when known, else requested time. */
export function orderKey(i: HudiInstant): string {
  return instantKey(i.completionTime ?? i.time);
}

/** Completed instants in the order they took effect. */
export function effectOrder(instants: HudiInstant[]): HudiInstant[] {
  return instants
    .filter((i) => i.state === 'completed')
    .sort((a, b) => compareInstants(a.completionTime ?? a.time, b.completionTime ?? b.time) || compareInstants(a.time, b.time));
}

export function buildTimeline(files: InstantFile[], dir: string, archiveDir: string, archivedFiles: number): Timeline {
  const instants = groupInstants(files);
  const completed = effectOrder(instants);
  const writeLike = (i: HudiInstant) => WRITE_ACTIONS.has(i.action) || COMPLETES_AS[i.action] !== undefined;
  return {
    dir,
    instants,
    completed,
    writes: completed.filter((i) => WRITE_ACTIONS.has(i.action)),
    pendingCompactions: instants.filter((i) => i.action === 'compaction' && i.state !== 'completed'),
    start: instants.find(writeLike)?.time ?? null,
    archivedFiles,
    archiveDir,
  };
}

/** Lists the active timeline of a table. */
export async function listTimeline(storage: Storage, config: HudiTableConfig, signal?: AbortSignal): Promise<Timeline> {
  const entries = await storage.list(config.timelineDir);
  checkAborted(signal);
  const files: InstantFile[] = [];
  for (const e of entries) {
    if (e.isDir) continue;
    const f = parseInstantFileName(e.name, config.timelineDir);
    if (f) files.push(f);
  }
  const archived = await storage.list(config.archiveDir).catch(() => []);
  return buildTimeline(files, config.timelineDir, config.archiveDir, archived.filter((e) => !e.isDir).length);
}
