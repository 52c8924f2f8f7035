/**
 * File groups and file slices at an instant (Hudi tech spec, "File Layout" and "Reader
 * Expectations"). Files are grouped by partition and file id; at instant S:
 * - a base file counts when the write that produced it completed at or before S (or predates the
 *   active timeline, i.e. was archived); files of failed, rolled-back or still running writes don't;
 * - file groups replaced by a replacecommit completed at or before S are dropped;
 * - each group's live slice is the one with the greatest base instant; merge-on-read slices add
 *   their log files.
 * Log files join slices differently per layout: in 0.x the log file name carries the slice's base
 * instant; in 1.x it carries the deltacommit's requested time, and the log belongs to the slice with
 * the greatest base instant at or before that deltacommit's completion time. A latest slice with
 * logs but no base file (a compaction still pending) is merged with the slice before it, as Hudi's
 * snapshot reads do.
 * "At or before S" compares completion times where the timeline records them (1.x) and requested
 * times otherwise.
 */
import type { CommitMetadata } from './commitMetadata';
import { type BaseFileName, type LogFileName, compareLogFiles } from './fileName';
import type { FileListing } from './fileListing';
import { compareInstants } from './instantTime';
import type { HudiInstant, Timeline } from './timeline';

export interface FileSlice {
  partitionPath: string;
  fileId: string;
  /** The slice's base instant (its base file's instant, or its logs' for a log-only slice). */
  baseInstant: string;
  base: BaseFileName | null;
  logs: LogFileName[];
  /** Logs of a newer slice whose compaction is still pending, merged into this one. */
  mergedPending: boolean;
}

export interface SliceView {
  slices: FileSlice[];
  /** File groups dropped because a replacecommit replaced them. */
  replacedGroups: number;
  /** Data files of writes that never completed (failed, rolled back or still running). */
  uncommittedFiles: number;
  /** Change-data-capture logs (never part of the rows). */
  cdcLogs: number;
  /** 0.x live log files that later deltacommits appended to: only blocks up to S belong to S. */
  logsWithLaterBlocks: number;
}

export interface SliceInput {
  listing: FileListing;
  timeline: Timeline;
  /** The instant to read at. */
  at: HudiInstant;
  /** Metadata of completed write instants, by requested time. */
  commits: Map<string, CommitMetadata>;
  mergeOnRead: boolean;
  /** 1.x log naming (table version 8+). */
  logsNamedByDeltaCommit: boolean;
}

/** Slice key of 1.x logs older than every base file; sorts before any instant. */
const BEFORE_BASES = '0';
const effect = (i: HudiInstant) => i.completionTime ?? i.time;
const groupKey = (partition: string, fileId: string) => `${partition}\u0000${fileId}`;

export function sliceAt(inp: SliceInput): SliceView {
  const { timeline, at, commits } = inp;
  const writes = new Map(timeline.writes.map((w) => [w.time, w]));
  const atEffect = effect(at);
  const upToS = new Set(timeline.writes.filter((w) => compareInstants(effect(w), atEffect) <= 0).map((w) => w.time));
  /** A completed write at or before S, or an instant older than the active timeline. */
  const visible = (t: string): boolean => {
    if (writes.has(t)) return upToS.has(t);
    return timeline.start === null || compareInstants(t, timeline.start) < 0;
  };
  const completionOf = (t: string): string => {
    const w = writes.get(t);
    return w ? effect(w) : t;
  };

  const replaced = new Set<string>();
  for (const w of timeline.writes) {
    if (w.action !== 'replacecommit' || !visible(w.time)) continue;
    for (const r of commits.get(w.time)?.replaced ?? []) replaced.add(groupKey(r.partitionPath, r.fileId));
  }

  // 0.x: which completed deltacommits wrote each log file (files can be appended to by several)
  const logWriters = new Map<string, string[]>();
  if (inp.mergeOnRead && !inp.logsNamedByDeltaCommit) {
    for (const [time, c] of commits) {
      for (const s of c.stats) {
        for (const p of [s.path, ...s.logFiles.map((n) => (s.partitionPath ? `${s.partitionPath}/${n}` : n))]) {
          if (!p) continue;
          const l = logWriters.get(p);
          if (l) l.push(time);
          else logWriters.set(p, [time]);
        }
      }
    }
  }
  let laterBlocks = 0;
  /** Visible at S, or written by a completed write after S, or never committed. */
  const fileState = (t: string): 'visible' | 'later' | 'uncommitted' => (visible(t) ? 'visible' : writes.has(t) ? 'later' : 'uncommitted');
  const logState = (partition: string, log: LogFileName): 'visible' | 'later' | 'uncommitted' => {
    if (inp.logsNamedByDeltaCommit) return fileState(log.instant);
    const writers = logWriters.get(partition ? `${partition}/${log.name}` : log.name);
    if (writers) {
      if (!writers.some(visible)) return 'later';
      if (!writers.every(visible)) laterBlocks++;
      return 'visible';
    }
    // written by no completed commit we know of: archived if its slice predates the timeline
    return timeline.start === null || compareInstants(log.instant, timeline.start) < 0 ? 'visible' : 'uncommitted';
  };

  let uncommittedFiles = 0;
  let cdcLogs = 0;
  let replacedGroups = 0;
  const slices: FileSlice[] = [];
  for (const part of inp.listing.partitions.values()) {
    const groups = new Map<string, { bases: BaseFileName[]; logs: LogFileName[] }>();
    const group = (id: string) => {
      let g = groups.get(id);
      if (!g) groups.set(id, (g = { bases: [], logs: [] }));
      return g;
    };
    for (const b of part.base) {
      const st = fileState(b.instant);
      if (st === 'visible') group(b.fileId).bases.push(b);
      else if (st === 'uncommitted') uncommittedFiles++;
    }
    if (inp.mergeOnRead) {
      for (const l of part.logs) {
        if (l.cdc) {
          cdcLogs++;
          continue;
        }
        const st = logState(part.partitionPath, l);
        if (st === 'visible') group(l.fileId).logs.push(l);
        else if (st === 'uncommitted') uncommittedFiles++;
      }
    }
    for (const [fileId, g] of groups) {
      if (replaced.has(groupKey(part.partitionPath, fileId))) {
        replacedGroups++;
        continue;
      }
      const s = latestSlice(part.partitionPath, fileId, g.bases, g.logs, inp.logsNamedByDeltaCommit, completionOf);
      if (s) slices.push(s);
    }
  }
  slices.sort((a, b) => (a.partitionPath !== b.partitionPath ? (a.partitionPath < b.partitionPath ? -1 : 1) : a.fileId < b.fileId ? -1 : a.fileId > b.fileId ? 1 : 0));
  return { slices, replacedGroups, uncommittedFiles, cdcLogs, logsWithLaterBlocks: laterBlocks };
}

/** The live slice of one file group from its visible base and log files. */
function latestSlice(
  partitionPath: string,
  fileId: string,
  bases: BaseFileName[],
  logs: LogFileName[],
  byDeltaCommit: boolean,
  completionOf: (t: string) => string,
): FileSlice | undefined {
  bases.sort((a, b) => compareInstants(a.instant, b.instant));
  const slices = new Map<string, { base: BaseFileName | null; logs: LogFileName[] }>();
  for (const b of bases) slices.set(b.instant, { base: b, logs: [] }); // same instant twice: the later listed wins
  for (const l of logs) {
    let key = l.instant;
    if (byDeltaCommit) {
      const done = completionOf(l.instant);
      const owner = [...bases].reverse().find((b) => compareInstants(b.instant, done) <= 0);
      // logs written before any base file form one slice, ahead of every base slice
      key = owner ? owner.instant : BEFORE_BASES;
    }
    const s = slices.get(key);
    if (s) s.logs.push(l);
    else slices.set(key, { base: null, logs: [l] });
  }
  const keys = [...slices.keys()].sort(compareInstants);
  const latestKey = keys.at(-1);
  if (latestKey === undefined) return undefined;
  const latest = slices.get(latestKey)!;
  latest.logs.sort(compareLogFiles);
  if (latest.base || keys.length === 1) {
    const baseInstant = latestKey === BEFORE_BASES ? latest.logs[0]!.instant : latestKey;
    return { partitionPath, fileId, baseInstant, base: latest.base, logs: latest.logs, mergedPending: false };
  }
  // logs without a base in the newest slice: a compaction is pending; read them on top of the
  // newest slice that has a base file
  const prevKey = [...keys].reverse().find((k) => slices.get(k)!.base !== null);
  // no base anywhere (a log-only group): every slice's logs are read together
  const from = prevKey ?? keys[0]!;
  const merged = keys.filter((k) => compareInstants(k, from) >= 0).flatMap((k) => slices.get(k)!.logs);
  merged.sort(compareLogFiles);
  const baseInstant = from === BEFORE_BASES ? merged[0]!.instant : from;
  return { partitionPath, fileId, baseInstant, base: slices.get(from)!.base, logs: merged, mergedPending: true };
}
