/**
 * Listing `_delta_log/` and choosing the files that reconstruct version N: the newest complete
 * checkpoint at or before N plus every commit after it (PROTOCOL.md "Checkpoints",
 * "Last Checkpoint File"). `_last_checkpoint` is read but never trusted over the listing: it may be
 * stale, point at a missing checkpoint, or be corrupt, and each case only adds a note.
 */
import { LakeError } from '../errors';
import { parseJson } from '../json';
import { type Storage, readText } from '../storage/storage';
import type { CheckpointRef } from './checkpoint';
import { type CheckpointFile, LOG_DIR, commitPath, parseLogFileName, parseStagedCommitName } from './logPath';
import { NEVER, type Yielder } from '../yielder';

export interface LastCheckpointHint {
  version: number;
  parts?: number;
  size?: number;
  sizeInBytes?: number;
  numOfAddFiles?: number;
}

export interface DeltaLog {
  /** Commit versions present, ascending. */
  versions: number[];
  commitPaths: Map<number, string>;
  /** Complete checkpoints, ascending by version (several may share a version). */
  checkpoints: CheckpointRef[];
  crcPaths: Map<number, string>;
  /** Staged commits of a catalog-managed table (not part of the published log). */
  staged: { version: number; path: string }[];
  latest: number;
  lastCheckpoint?: LastCheckpointHint;
  /** Things worth telling the user about the log (stale hint, incomplete checkpoint, …). */
  notes: string[];
}

/** Lists the log. Not a Delta table (no `_delta_log`, or nothing in it) → `not-a-table`. */
export async function listDeltaLog(storage: Storage, y: Yielder = NEVER): Promise<DeltaLog> {
  const entries = await storage.list(LOG_DIR);
  if (entries.length === 0) {
    const st = await storage.stat(LOG_DIR);
    throw new LakeError('not-a-table', st ? 'delta: _delta_log is empty' : 'delta: no _delta_log folder: not a Delta table', st ? LOG_DIR : storage.root);
  }
  const versions: number[] = [];
  const commitPaths = new Map<number, string>();
  const crcPaths = new Map<number, string>();
  const cpFiles: CheckpointFile[] = [];
  let hasHint = false;
  let hasStagedDir = false;
  const unplaceable: string[] = [];
  for (let i = 0; i < entries.length; i++) {
    // a 100k-commit log is ~50 ms of name parsing: the host gets turns
    if ((i & 4095) === 0 && y.due()) await y.pause();
    const e = entries[i]!;
    if (e.isDir) {
      if (e.name === '_staged_commits') hasStagedDir = true;
      continue;
    }
    const f = parseLogFileName(e.name);
    switch (f.kind) {
      case 'commit':
        versions.push(f.version);
        commitPaths.set(f.version, e.path);
        break;
      case 'checkpoint':
        cpFiles.push(f);
        break;
      case 'crc':
        crcPaths.set(f.version, e.path);
        break;
      case 'lastCheckpoint':
        hasHint = true;
        break;
      default:
        // compaction files and unknown files: ignored (replaying commits is always correct), but
        // a log file numbered beyond 2^53 cannot be placed exactly: say it was left out
        if (f.kind === 'unknown' && /^\d{20}\./.test(e.name) && !Number.isSafeInteger(Number(e.name.slice(0, 20)))) unplaceable.push(e.name);
        break;
    }
  }
  versions.sort((a, b) => a - b);
  const notes: string[] = [];
  if (unplaceable.length > 0) notes.push(`ignored ${unplaceable.length} log file(s) numbered beyond 2^53, which cannot be ordered exactly (${unplaceable[0]})`);
  const checkpoints = groupCheckpoints(cpFiles, notes);
  if (versions.length === 0 && checkpoints.length === 0) throw new LakeError('not-a-table', 'delta: _delta_log holds no commits or checkpoints', LOG_DIR);
  const latest = Math.max(versions.at(-1) ?? -1, checkpoints.at(-1)?.version ?? -1);

  const staged: { version: number; path: string }[] = [];
  if (hasStagedDir) {
    for (const e of await storage.list(`${LOG_DIR}/_staged_commits`)) {
      const s = parseStagedCommitName(e.name);
      if (s) staged.push({ version: s.version, path: e.path });
    }
    staged.sort((a, b) => a.version - b.version);
  }

  const log: DeltaLog = { versions, commitPaths, checkpoints, crcPaths, staged, latest, notes };
  if (hasHint) {
    const hint = await readLastCheckpoint(storage, notes);
    if (hint) {
      log.lastCheckpoint = hint;
      const newest = checkpoints.at(-1)?.version;
      if (!checkpoints.some((c) => c.version === hint.version)) {
        notes.push(`_last_checkpoint points at version ${hint.version}, whose checkpoint is missing or incomplete; found checkpoints by listing`);
      } else if (newest !== undefined && newest > hint.version) {
        notes.push(`_last_checkpoint is stale (version ${hint.version}); the newest checkpoint is at version ${newest}`);
      }
    }
  }
  return log;
}

export async function readLastCheckpoint(storage: Storage, notes: string[]): Promise<LastCheckpointHint | undefined> {
  const path = `${LOG_DIR}/_last_checkpoint`;
  try {
    const v = parseJson(await readText(storage, path)) as Record<string, unknown>;
    if (typeof v !== 'object' || v === null || !Number.isSafeInteger(Number(v.version))) throw new Error('no version');
    const hint: LastCheckpointHint = { version: Number(v.version) };
    for (const k of ['parts', 'size', 'sizeInBytes', 'numOfAddFiles'] as const) if (v[k] !== undefined && v[k] !== null) hint[k] = Number(v[k]);
    return hint;
  } catch (err) {
    notes.push(`ignored unreadable _last_checkpoint (${(err as Error).message}); found checkpoints by listing`);
    return undefined;
  }
}

/** Groups checkpoint files into complete checkpoints; multi-part ones need every part. */
function groupCheckpoints(files: CheckpointFile[], notes: string[]): CheckpointRef[] {
  const out: CheckpointRef[] = [];
  const multipart = new Map<string, CheckpointFile[]>();
  for (const f of files) {
    if (f.variant === 'multipart') {
      const key = `${f.version}/${f.parts}`;
      const list = multipart.get(key) ?? [];
      list.push(f);
      multipart.set(key, list);
    } else {
      out.push({ version: f.version, variant: f.variant, paths: [`${LOG_DIR}/${f.name}`] });
    }
  }
  for (const parts of multipart.values()) {
    const first = parts[0] as Extract<CheckpointFile, { variant: 'multipart' }>;
    const seen = new Set(parts.map((p) => (p as typeof first).part));
    if (seen.size === first.parts) {
      const sorted = [...parts].sort((a, b) => (a as typeof first).part - (b as typeof first).part);
      out.push({ version: first.version, variant: 'multipart', paths: sorted.map((p) => `${LOG_DIR}/${p.name}`) });
    } else {
      notes.push(`ignored incomplete multi-part checkpoint at version ${first.version} (${seen.size} of ${first.parts} parts)`);
    }
  }
  // ascending by version; at equal versions prefer v2 (has sidecars/metadata) then classic then multipart
  const rank = { v2: 0, classic: 1, multipart: 2 } as const;
  return out.sort((a, b) => a.version - b.version || rank[b.variant] - rank[a.variant]);
}

export interface LogSegment {
  version: number;
  checkpoint?: CheckpointRef;
  /** Commits after the checkpoint up to `version`, ascending. */
  commits: { version: number; path: string }[];
}

/**
 * Segments able to reconstruct `version`, best first: newest checkpoint ≤ version, then older
 * checkpoints, then commits from 0. Only segments whose commits are all present are returned.
 * None at all → an error that says which commit is missing or how far back the log reaches.
 */
export function segmentsFor(log: DeltaLog, version: number): LogSegment[] {
  if (!Number.isSafeInteger(version) || version < 0) throw new LakeError('invalid-argument', `delta: invalid version ${version}`);
  if (version > log.latest) throw new LakeError('unknown-version', `delta: version ${version} does not exist; the latest version is ${log.latest}`, LOG_DIR);
  const out: LogSegment[] = [];
  let firstGap: number | undefined;
  const candidates: (CheckpointRef | undefined)[] = [...log.checkpoints.filter((c) => c.version <= version).reverse(), undefined];
  for (const cp of candidates) {
    const from = cp ? cp.version + 1 : 0;
    const commits: { version: number; path: string }[] = [];
    let complete = true;
    for (let v = from; v <= version; v++) {
      const path = log.commitPaths.get(v);
      if (path === undefined) {
        complete = false;
        if (firstGap === undefined || v > firstGap) firstGap = v;
        break;
      }
      commits.push({ version: v, path });
    }
    if (complete) out.push(cp ? { version, checkpoint: cp, commits } : { version, commits });
  }
  if (out.length > 0) return out;
  const oldest = log.versions[0];
  const cpBefore = log.checkpoints.find((c) => c.version <= version);
  if (!cpBefore && oldest !== undefined && oldest > 0 && version < oldest) {
    throw new LakeError('unknown-version', `delta: version ${version} cannot be reconstructed: the log starts at version ${oldest} and has no checkpoint at or before ${version}`, LOG_DIR);
  }
  const gap = firstGap ?? 0;
  throw new LakeError('corrupt', `delta: commit ${gap} is missing from the log, so version ${version} cannot be reconstructed`, commitPath(gap));
}

/** Why `version` cannot be rebuilt from commits alone (for messages when its checkpoint is unusable). */
export function noReplayReason(log: DeltaLog, version: number): string {
  const older = log.checkpoints.filter((c) => c.version < version).length;
  for (let v = 0; v <= version; v++) {
    if (log.commitPaths.has(v)) continue;
    const why = v === 0 && log.versions.length > 0 ? `the log starts at version ${log.versions[0]}` : `commit ${v} is missing`;
    return `${why}, so version ${version} cannot be rebuilt without it${older > 0 ? ` (${older} older checkpoint(s) did not help either)` : ''}`;
  }
  return `no other way to rebuild version ${version} was found`;
}

/** Versions for which a snapshot can be built (the start of the readable log up to latest). */
export function earliestReconstructable(log: DeltaLog): number {
  const firstCp = log.checkpoints[0]?.version;
  const first = log.versions[0] ?? log.latest;
  if (first === 0) return 0;
  return firstCp !== undefined ? Math.min(firstCp, first) : first;
}
