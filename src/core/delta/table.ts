/**
 * A Delta table opened through Storage: snapshots at any version or timestamp, and history.
 * The log listing is cached until `refresh()`; snapshots are rebuilt per request (callers cache).
 */
import { LakeError, checkAborted } from '../errors';
import { parseJson } from '../json';
import type { DataFile, HistoryPage, SchemaVersion, StructType, Tombstone, VersionChanges, VersionId, VersionInfo, VersionSelector } from '../model';
import { toModelDv } from './deletionVector';
import { canonicalDeltaPath } from './paths';
import { typePartitionValues } from './partitionValues';
import { parseDeltaSchema, physicalToLogical } from './schema';
import { numRecordsOf } from './stats';
import { type Storage, baseName, readText } from '../storage/storage';
import { type Action, type MetadataAction, toMetadata } from './actions';
import { checkpointBatches, checkpointMetadata } from './checkpoint';
import { findCommitInfo, parseJsonActions, parseJsonActionsYielding } from './commit';
import { forEachJsonLineYielding } from '../ndjson';
import type { TableOptions } from '../options';
import { type Yielder, eachYielding, yielderFor } from '../yielder';
import { hasReaderFeature } from './features';
import { LOG_DIR, commitPath, parseLogFileName } from './logPath';
import { type DeltaLog, type LogSegment, earliestReconstructable, listDeltaLog, noReplayReason, segmentsFor } from './logSegment';
import { type ProbedLog, probeDeltaLog } from './logProbe';
import { CommitTally } from './commitSummary';
import { Replay } from './replay';
import { type DeltaSnapshot, buildSnapshot } from './snapshot';
import { isoTime } from '../format';

const HEAD_BYTES = 1 << 16;
const PARALLEL_READS = 16;
/** History entries kept from a load: the newest commits, a few pages' worth. */
const KEPT_TALLIES = 2000;

export interface CommitHead {
  version: number;
  timestamp: number | null;
  commitInfo?: Record<string, unknown>;
}

export class DeltaTable {
  readonly format = 'delta' as const;
  private logPromise?: Promise<DeltaLog>;
  private probePromise?: Promise<ProbedLog | undefined>;
  /** History entries of commits a snapshot load replayed. */
  private readonly tallies = new Map<number, CommitTally>();
  private metadataRanges: { from: number; to: number; md: { metaData: MetadataAction; path: string } }[] = [];
  private readonly heads = new Map<number, Promise<CommitHead>>();
  private schemaHistoryPromise?: Promise<SchemaVersion[]>;
  /** The latest snapshot loaded, kept across `refresh()` so new commits extend it (`extendLatest`). */
  private latest?: {
    snap: DeltaSnapshot;
    protocol: NonNullable<Replay['protocol']>;
    metadata: NonNullable<Replay['metadata']>;
    mark: { path: string; size: number; mtime: number };
  };

  private readonly yielder: Yielder;

  constructor(readonly storage: Storage, private readonly opts: TableOptions = {}) {
    this.yielder = yielderFor(opts);
  }

  /** Absolute root with POSIX separators, to recognise absolute paths that point inside the table. */
  get rootAbs(): string {
    return (this.storage.localPath?.('') ?? this.storage.root).replace(/\\/g, '/');
  }

  /** The listed log (cached). */
  log(): Promise<DeltaLog> {
    this.logPromise ??= listDeltaLog(this.storage, this.yielder).catch((err) => {
      this.logPromise = undefined;
      throw err;
    });
    return this.logPromise;
  }

  /** Forgets the cached listing so the next call sees new commits. */
  refresh(): void {
    this.logPromise = undefined;
    this.probePromise = undefined;
    this.metadataRanges = [];
    this.tallies.clear();
    this.schemaHistoryPromise = undefined;
    this.heads.clear();
  }

  async latestVersion(): Promise<number> {
    return (await this.log()).latest;
  }

  /** Resolves a selector to a version number. */
  async resolveVersion(sel: VersionSelector = {}): Promise<number> {
    const log = await this.log();
    if (sel.snapshotId !== undefined || sel.ref !== undefined) {
      throw new LakeError('invalid-argument', 'delta: tables have versions, not snapshot ids or refs; use --version or --timestamp');
    }
    if (sel.version !== undefined) {
      const v = typeof sel.version === 'number' ? sel.version : Number(sel.version);
      if (!Number.isSafeInteger(v) || v < 0) throw new LakeError('invalid-argument', `delta: invalid version ${String(sel.version)}`);
      return v;
    }
    if (sel.timestamp !== undefined) return this.versionAt(sel.timestamp, log);
    return log.latest;
  }

  /** Snapshot at the selected version (latest by default). */
  async snapshot(sel: VersionSelector = {}, signal?: AbortSignal): Promise<DeltaSnapshot> {
    const log = await this.log();
    const version = await this.resolveVersion(sel);
    if (version === log.latest) {
      const extended = await this.extendLatest(log, signal);
      if (extended) return extended;
    }
    const segments = segmentsFor(log, version);
    const skipped: string[] = [];
    let firstCheckpointError: unknown;
    for (let i = 0; i < segments.length; i++) {
      const seg = segments[i]!;
      try {
        const snap = await this.load(seg, log, signal);
        snap.notes.push(...skipped);
        return snap;
      } catch (err) {
        // a broken checkpoint is survivable when an older one (or the full commit history) exists
        if (err instanceof CheckpointError && i < segments.length - 1) {
          firstCheckpointError ??= err.cause;
          skipped.push(`skipped unreadable checkpoint at version ${seg.checkpoint!.version}: ${(err.cause as Error).message}`);
          continue;
        }
        const cause = err instanceof CheckpointError ? err.cause : err;
        if (firstCheckpointError instanceof LakeError) {
          // the first failure is the one to report; say the fallback did not help either
          const why = cause instanceof Error ? cause.message : String(cause);
          throw new LakeError(firstCheckpointError.kind, `${firstCheckpointError.detail}; replaying older log files instead failed too: ${why}`, firstCheckpointError.path, { cause });
        }
        if (err instanceof CheckpointError && cause instanceof LakeError) {
          // the only way to this version was through the broken checkpoint: say why there is no other
          throw new LakeError(cause.kind, `delta: checkpoint at version ${seg.checkpoint!.version} is unreadable (${cause.detail}) and ${noReplayReason(log, version)}`, cause.path, { cause });
        }
        throw cause;
      }
    }
    throw new LakeError('corrupt', 'delta: no readable log segment', LOG_DIR);
  }

  private async load(seg: LogSegment, log: DeltaLog, signal?: AbortSignal): Promise<DeltaSnapshot> {
    const replay = new Replay(this.rootAbs);
    const newestCommitInfo = await this.replayCommits(replay, seg.commits, signal);
    let cpInfo: { version: number; variant: string; path: string } | undefined;
    if (seg.checkpoint) {
      checkAborted(signal);
      const cp = seg.checkpoint;
      cpInfo = { version: cp.version, variant: cp.variant, path: cp.paths[0]! };
      replay.startCheckpoint();
      try {
        for await (const batch of checkpointBatches(this.storage, cp, this.opts, signal)) {
          for (let i = 0; i < batch.length; i++) {
            replay.applyOne(batch[i], cp.paths[0]!);
            if ((i & 1023) === 0 && this.yielder.due()) await this.yielder.pause();
          }
        }
      } catch (err) {
        throw new CheckpointError(err);
      }
      if (!replay.metadata || !replay.protocol) {
        // a checkpoint must carry both; one without is damaged
        const what = !replay.metadata ? 'metaData' : 'protocol';
        throw new CheckpointError(new LakeError('corrupt', `delta: checkpoint at version ${cp.version} has no ${what} action`, cp.paths[0]));
      }
    }
    const last = seg.commits.at(-1);
    const head = last && last.version === seg.version ? undefined : await this.commitHead(seg.version, log);
    const snap = await this.finish(replay, seg.version, log, newestCommitInfo, head, cpInfo);
    if (seg.version === log.latest) await this.remember(snap, replay, log);
    return snap;
  }

  /**
   * Applies commits newest first, a batch of reads at a time, parsed and applied one commit at a
   * time: a parsed commit is dropped once applied, so memory holds the live files, not the whole
   * log. Returns the newest commit's commitInfo.
   */
  private async replayCommits(replay: Replay, commits: { version: number; path: string }[], signal?: AbortSignal): Promise<Record<string, unknown> | undefined> {
    let newestCommitInfo: Record<string, unknown> | undefined;
    for (let end = commits.length; end > 0; end -= PARALLEL_READS) {
      checkAborted(signal);
      const batch = commits.slice(Math.max(0, end - PARALLEL_READS), end);
      const bytes: (Uint8Array | undefined)[] = await Promise.all(batch.map((c) => this.storage.read(c.path)));
      for (let i = batch.length - 1; i >= 0; i--) {
        const path = batch[i]!.path;
        const newest = end === commits.length && i === batch.length - 1;
        const tally = new CommitTally();
        await forEachJsonLineYielding(bytes[i]!, path, 'delta', this.yielder, (raw) => {
          if (newest && newestCommitInfo === undefined) newestCommitInfo = commitInfoOf([raw]);
          tally.raw(raw);
          replay.applyOne(raw, path);
        });
        // the newest commits' history entries, for the page the tree asks for next
        if (tally.exact && this.tallies.size < KEPT_TALLIES) this.tallies.set(batch[i]!.version, tally);
        bytes[i] = undefined;
      }
    }
    return newestCommitInfo;
  }

  /**
   * The snapshot of a replay: dated by the newest commit's commitInfo (or `head`, when the version
   * has only a checkpoint), with the version's checksum and catalog notes.
   */
  private async finish(
    replay: Replay,
    version: number,
    log: DeltaLog,
    newestCommitInfo: Record<string, unknown> | undefined,
    head: CommitHead | undefined,
    checkpoint: DeltaSnapshot['checkpoint'],
    base?: DeltaSnapshot,
  ): Promise<DeltaSnapshot> {
    const ci = head ? head.commitInfo : newestCommitInfo;
    const timestamp = head ? head.timestamp : await this.timestampFrom(ci, log.commitPaths.get(version)!);
    // the tree asks for versions' files next: they need the metaData this replay found
    const md = replay.metadata;
    const mdFile = md && parseLogFileName(baseName(md.source));
    if (md && mdFile && (mdFile.kind === 'commit' || mdFile.kind === 'checkpoint')) this.metadataRanges.push({ from: mdFile.version, to: version, md: { metaData: md.action, path: md.source } });
    const notes = [...log.notes];
    const snap = await buildSnapshot({
      version,
      timestamp,
      replay,
      rootAbs: this.rootAbs,
      notes,
      yielder: this.yielder,
      ...(checkpoint ? { checkpoint } : {}),
      ...(ci ? { commitInfo: ci } : {}),
      ...(base ? { base } : {}),
    });
    await this.addCrc(snap, log);
    if (hasReaderFeature(snap.protocol, 'catalogManaged') || hasReaderFeature(snap.protocol, 'catalogOwned-preview')) {
      const unpublished = log.staged.filter((s) => s.version > log.latest);
      notes.push(
        unpublished.length > 0
          ? `catalog-managed table: ${unpublished.length} staged commit(s) in _delta_log/_staged_commits (versions ${unpublished[0]!.version}–${unpublished.at(-1)!.version}) are not shown; only the managing catalog knows which are ratified. This is the latest published version.`
          : 'catalog-managed table: the managing catalog may hold commits not yet published to _delta_log; this is the latest published version.',
      );
    }
    return snap;
  }

  /** Keeps the latest snapshot and what extending it needs, with a mark to tell the log is the same. */
  private async remember(snap: DeltaSnapshot, replay: Replay, log: DeltaLog): Promise<void> {
    const markPath = log.commitPaths.get(snap.version) ?? snap.checkpoint?.path;
    const st = markPath ? await this.storage.stat(markPath).catch(() => undefined) : undefined;
    if (!st || !replay.protocol || !replay.metadata) return;
    this.latest = { snap, protocol: replay.protocol, metadata: replay.metadata, mark: { path: markPath!, size: st.size, mtime: st.mtime } };
  }

  /**
   * The latest snapshot built from the one loaded before by replaying only the commits since (a
   * commit landing on a 1M-file table costs that commit, not the checkpoint again). Undefined when
   * that is not sound: a commit missing from the listing, the earlier newest file changed (the
   * table was rewritten), or a new metaData or protocol action (file typing may change).
   */
  private async extendLatest(log: DeltaLog, signal?: AbortSignal): Promise<DeltaSnapshot | undefined> {
    const b = this.latest;
    if (!b || b.snap.version > log.latest) return undefined;
    const commits: { version: number; path: string }[] = [];
    for (let v = b.snap.version + 1; v <= log.latest; v++) {
      const path = log.commitPaths.get(v);
      if (!path) return undefined;
      commits.push({ version: v, path });
    }
    const st = await this.storage.stat(b.mark.path).catch(() => undefined);
    if (!st || st.size !== b.mark.size || st.mtime !== b.mark.mtime) return undefined;
    const replay = new Replay(this.rootAbs);
    const newestCommitInfo = await this.replayCommits(replay, commits, signal);
    if (replay.protocol || replay.metadata) return undefined;
    replay.protocol = b.protocol;
    replay.metadata = b.metadata;
    const head = commits.length === 0 ? { version: b.snap.version, timestamp: b.snap.timestamp, ...(b.snap.commitInfo ? { commitInfo: b.snap.commitInfo } : {}) } : undefined;
    const snap = await this.finish(replay, log.latest, log, newestCommitInfo, head, b.snap.checkpoint, b.snap);
    snap.extendedFrom = b.snap.version;
    await this.remember(snap, replay, log);
    return snap;
  }

  /** Reads commit files in parallel batches, keeping order. */
  private async readCommits(commits: { version: number; path: string }[], signal?: AbortSignal): Promise<Action[][]> {
    const out: Action[][] = new Array(commits.length);
    for (let i = 0; i < commits.length; i += PARALLEL_READS) {
      checkAborted(signal);
      const batch = commits.slice(i, i + PARALLEL_READS);
      const parsed = await Promise.all(batch.map(async (c) => parseJsonActions(await this.storage.read(c.path), c.path)));
      parsed.forEach((p, j) => (out[i + j] = p));
    }
    return out;
  }

  private async addCrc(snap: DeltaSnapshot, log: DeltaLog): Promise<void> {
    const path = log.crcPaths.get(snap.version);
    if (!path) return;
    try {
      const crc = parseJson(await readText(this.storage, path)) as Record<string, unknown>;
      const numFiles = Number(crc.numFiles);
      const tableSizeBytes = Number(crc.tableSizeBytes);
      if (!Number.isFinite(numFiles) || !Number.isFinite(tableSizeBytes)) return;
      snap.crc = { numFiles, tableSizeBytes };
      if (numFiles !== snap.numFiles || tableSizeBytes !== snap.sizeBytes) {
        snap.notes.push(
          `version checksum ${path} disagrees with the log: it records ${numFiles} files / ${tableSizeBytes} bytes, replay gives ${snap.numFiles} files / ${snap.sizeBytes} bytes`,
        );
      }
    } catch {
      snap.notes.push(`ignored unreadable version checksum ${path}`);
    }
  }

  // -------------------------------------------------------------------------------------------
  // timestamps

  /** In-commit timestamp when present, else commitInfo.timestamp, else the commit file's mtime. */
  private async timestampFrom(ci: Record<string, unknown> | undefined, path: string): Promise<number | null> {
    const ict = ci?.inCommitTimestamp;
    if (ict !== undefined && ict !== null && Number.isFinite(Number(ict))) return Number(ict);
    const ts = ci?.timestamp;
    if (ts !== undefined && ts !== null && Number.isFinite(Number(ts))) return Number(ts);
    const st = await this.storage.stat(path);
    return st ? Math.round(st.mtime) : null;
  }

  /** commitInfo and timestamp of one version, reading only the head of the commit when possible. */
  commitHead(version: number, log?: DeltaLog): Promise<CommitHead> {
    let p = this.heads.get(version);
    if (!p) {
      p = this.readHead(version, log).catch((err) => {
        this.heads.delete(version);
        throw err;
      });
      this.heads.set(version, p);
    }
    return p;
  }

  private async readHead(version: number, knownLog?: DeltaLog): Promise<CommitHead> {
    const log = knownLog ?? (await this.log());
    const path = log.commitPaths.get(version);
    if (!path) {
      // only a checkpoint remains for this version: its file time is the best we have
      const cp = log.checkpoints.find((c) => c.version === version);
      const st = cp ? await this.storage.stat(cp.paths[0]!) : undefined;
      return { version, timestamp: st ? Math.round(st.mtime) : null };
    }
    const head = await this.storage.readRange(path, 0, HEAD_BYTES);
    const text = new TextDecoder().decode(head);
    const nl = text.indexOf('\n');
    let ci: Record<string, unknown> | undefined;
    if (nl > 0 || head.length < HEAD_BYTES) {
      const firstLine = nl > 0 ? text.slice(0, nl) : text;
      try {
        const first = parseJson(firstLine) as Record<string, unknown>;
        if (first && typeof first.commitInfo === 'object') ci = first.commitInfo as Record<string, unknown>;
      } catch {
        // fall through to a full read, which reports the error with its line number
      }
    }
    if (!ci) ci = findCommitInfo(await this.storage.read(path), path);
    return { version, timestamp: await this.timestampFrom(ci, path), ...(ci ? { commitInfo: ci } : {}) };
  }

  /**
   * The latest version committed at or before `ts` (ms). Timestamps are assumed to grow with the
   * version (guaranteed with in-commit timestamps), so this is a binary search over the commits.
   */
  async versionAt(ts: number, knownLog?: DeltaLog): Promise<number> {
    const log = knownLog ?? (await this.log());
    const vs = log.versions;
    if (vs.length === 0) return log.latest;
    const first = await this.commitHead(vs[0]!, log);
    if (first.timestamp !== null && ts < first.timestamp) {
      throw new LakeError(
        'unknown-version',
        `delta: ${isoTime(ts)} is before the earliest available version ${vs[0]} (${isoTime(first.timestamp)})`,
      );
    }
    let lo = 0;
    let hi = vs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      const h = await this.commitHead(vs[mid]!, log);
      if (h.timestamp !== null && h.timestamp <= ts) lo = mid;
      else hi = mid - 1;
    }
    return vs[lo]!;
  }

  // -------------------------------------------------------------------------------------------
  // history

  /**
   * Versions newest first, `limit` at a time, reading only the commits of the page. Before the log
   * has been listed, the page comes from probing for commit files (see logProbe), which is what
   * makes the first page of a 100k-commit table fast; a damaged log falls back to the listing.
   */
  async history(opts: { limit?: number; before?: VersionId; signal?: AbortSignal } = {}): Promise<HistoryPage> {
    const limit = Math.max(1, opts.limit ?? 100);
    if (!this.logPromise) {
      const probed = await this.probed();
      if (probed) {
        try {
          return await this.probedHistory(probed, limit, opts);
        } catch (err) {
          // a commit inside the probed run is missing: the log has a gap, which the listing handles
          if (!(err instanceof LakeError && err.kind === 'missing')) throw err;
        }
      }
    }
    const log = await this.log();
    const vs = log.versions;
    let end = vs.length; // exclusive index
    if (opts.before !== undefined) {
      const before = Number(opts.before);
      let lo = 0;
      let hi = vs.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (vs[mid]! < before) lo = mid + 1;
        else hi = mid;
      }
      end = lo;
    }
    const start = Math.max(0, end - limit);
    const page = vs.slice(start, end).reverse();
    const out: HistoryPage = { versions: await this.pageInfos(page.map((v) => ({ version: v, path: log.commitPaths.get(v)! })), opts.signal), total: vs.length };
    if (start > 0) out.next = vs[start]!;
    out.oldest = earliestReconstructable(log);
    return out;
  }

  private probed(): Promise<ProbedLog | undefined> {
    this.probePromise ??= probeDeltaLog(this.storage).catch(() => undefined);
    return this.probePromise;
  }

  private async probedHistory(p: ProbedLog, limit: number, opts: { before?: VersionId; signal?: AbortSignal }): Promise<HistoryPage> {
    const end = opts.before === undefined ? p.latest : Math.min(p.latest, Number(opts.before) - 1); // inclusive
    const start = Math.max(0, end - limit + 1);
    const page: { version: number; path: string }[] = [];
    for (let v = end; v >= start; v--) page.push({ version: v, path: commitPath(v) });
    const out: HistoryPage = { versions: await this.pageInfos(page, opts.signal), total: p.latest + 1 };
    if (start > 0) out.next = start;
    out.oldest = 0; // commit 0 is there (the probe requires it), so every version is reconstructable
    return out;
  }

  private async pageInfos(page: { version: number; path: string }[], signal?: AbortSignal): Promise<VersionInfo[]> {
    const unread = page.filter((c) => !this.tallies.has(c.version));
    const entries = await this.readCommits(unread, signal);
    const read = new Map<number, CommitTally>();
    unread.forEach((c, i) => {
      const t = new CommitTally();
      for (const a of entries[i]!) t.parsed(a);
      read.set(c.version, t);
    });
    const versions: VersionInfo[] = [];
    for (const c of page) {
      const t = this.tallies.get(c.version) ?? read.get(c.version)!;
      versions.push(t.info(c.version, await this.timestampFrom(t.commitInfo, c.path)));
    }
    return versions;
  }

  /** Files added and removed by one commit, typed like a snapshot's files. */
  async changes(version: VersionId, signal?: AbortSignal): Promise<VersionChanges> {
    const v = Number(version);
    const actions = await this.commitActions(v);
    checkAborted(signal);
    const own = actions.find((a) => a.metaData)?.metaData;
    const md = own ? { metaData: own, path: commitPath(v) } : await this.metadataAt(v, signal);
    const schema: StructType = parseDeltaSchema(md.metaData.schemaString, md.path);
    const partitionColumns = md.metaData.partitionColumns;
    const phys = physicalToLogical(schema);
    const root = this.rootAbs;
    const source = commitPath(v);
    const added: DataFile[] = [];
    const removed: Tombstone[] = [];
    await eachYielding(actions, this.yielder, (a) => {
      if (a.add) {
        added.push({
          path: canonicalDeltaPath(a.add.path, root),
          size: a.add.size,
          numRecords: numRecordsOf(a.add.stats, a.add.statsParsed, source),
          partitionValues: typePartitionValues(a.add.partitionValues, partitionColumns, schema, phys, source),
          modificationTime: a.add.modificationTime,
          deletionVector: a.add.deletionVector ? toModelDv(a.add.deletionVector, root, source) : null,
          ...(a.add.stats !== undefined ? { statsJson: a.add.stats } : {}),
        });
      } else if (a.remove) {
        const t: Tombstone = {
          path: canonicalDeltaPath(a.remove.path, root),
          deletionTimestamp: a.remove.deletionTimestamp ?? null,
          size: a.remove.size ?? null,
          dataChange: a.remove.dataChange,
        };
        if (a.remove.partitionValues) t.partitionValues = typePartitionValues(a.remove.partitionValues, partitionColumns, schema, phys, source);
        if (a.remove.deletionVector) t.deletionVector = toModelDv(a.remove.deletionVector, root, source);
        removed.push(t);
      }
    });
    // the commit is parsed already: its commitInfo dates it (commitHead would read it again)
    const timestamp = await this.timestampFrom(actions.find((a) => a.commitInfo)?.commitInfo, source);
    return { version: v, timestamp, added, removed, metadataChanged: !!own, protocolChanged: actions.some((a) => a.protocol) };
  }

  /**
   * The metaData in force at a version, without building a snapshot's file list: the newest commit
   * at or before it that carries one (commits without "metaData" in their text are skipped
   * unparsed), else its checkpoint's, read column-wise. A 1M-file table answers in milliseconds.
   */
  private async metadataAt(version: number, signal?: AbortSignal): Promise<{ metaData: MetadataAction; path: string }> {
    // versions between a found metaData and the version asked share it: the tree asks for
    // neighbouring versions one after another
    const known = this.metadataRanges.find((r) => r.from <= version && version <= r.to);
    if (known) return known.md;
    const md = await this.findMetadata(version, signal);
    this.metadataRanges.push({ from: md.version, to: version, md });
    return md;
  }

  private async findMetadata(version: number, signal?: AbortSignal): Promise<{ metaData: MetadataAction; path: string; version: number }> {
    const log = await this.log();
    let firstErr: unknown;
    for (const seg of segmentsFor(log, version)) {
      for (let i = seg.commits.length; i > 0; i -= PARALLEL_READS) {
        checkAborted(signal);
        const batch = seg.commits.slice(Math.max(0, i - PARALLEL_READS), i);
        const texts = await Promise.all(batch.map((c) => this.storage.read(c.path)));
        for (let j = batch.length - 1; j >= 0; j--) {
          if (!new TextDecoder().decode(texts[j]!).includes('"metaData"')) continue;
          const path = batch[j]!.path;
          const metaData = parseJsonActions(texts[j]!, path).find((a) => a.metaData)?.metaData;
          if (metaData) return { metaData, path, version: batch[j]!.version };
        }
      }
      if (!seg.checkpoint) break;
      const path = seg.checkpoint.paths[0]!;
      try {
        const raw = await checkpointMetadata(this.storage, seg.checkpoint);
        if (raw) return { metaData: toMetadata(raw, path), path, version: seg.checkpoint.version };
      } catch (err) {
        firstErr ??= err; // an older checkpoint, or the commits from 0, may still answer
      }
    }
    if (firstErr) throw firstErr;
    throw new LakeError('corrupt', `delta: no metaData action at or before version ${version}`, LOG_DIR);
  }

  /**
   * Schemas over time, oldest first: the schema at the oldest reconstructable version, then one
   * entry per commit carrying a metaData action. Commits without "metaData" in their text are
   * skipped unparsed, so this costs a read of the log, not a parse of it.
   */
  schemaHistory(signal?: AbortSignal): Promise<SchemaVersion[]> {
    this.schemaHistoryPromise ??= this.readSchemaHistory(signal).catch((err) => {
      this.schemaHistoryPromise = undefined;
      throw err;
    });
    return this.schemaHistoryPromise;
  }

  private async readSchemaHistory(signal?: AbortSignal): Promise<SchemaVersion[]> {
    const log = await this.log();
    const first = earliestReconstructable(log);
    const start = await this.metadataAt(first, signal);
    const out: SchemaVersion[] = [
      {
        version: first,
        timestamp: (await this.commitHead(first, log)).timestamp,
        schema: parseDeltaSchema(start.metaData.schemaString, start.path),
        partitionColumns: start.metaData.partitionColumns,
        properties: start.metaData.configuration,
      },
    ];
    const later = log.versions.filter((v) => v > first);
    for (let i = 0; i < later.length; i += PARALLEL_READS) {
      checkAborted(signal);
      const batch = later.slice(i, i + PARALLEL_READS);
      const texts = await Promise.all(batch.map((v) => this.storage.read(log.commitPaths.get(v)!)));
      for (let j = 0; j < batch.length; j++) {
        const bytes = texts[j]!;
        if (!new TextDecoder().decode(bytes).includes('"metaData"')) continue;
        const v = batch[j]!;
        const path = log.commitPaths.get(v)!;
        const actions = parseJsonActions(bytes, path);
        const md = actions.find((a) => a.metaData)?.metaData;
        if (!md) continue;
        const ci = actions.find((a) => a.commitInfo)?.commitInfo;
        out.push({ version: v, timestamp: await this.timestampFrom(ci, path), schema: parseDeltaSchema(md.schemaString, path), partitionColumns: md.partitionColumns, properties: md.configuration });
      }
    }
    return out;
  }

  /** All actions of one commit (for "files added/removed in version N"). */
  async commitActions(version: number): Promise<Action[]> {
    const log = await this.log();
    const path = log.commitPaths.get(version);
    if (!path) throw new LakeError('unknown-version', `delta: no commit file for version ${version}`, LOG_DIR);
    return parseJsonActionsYielding(await this.storage.read(path), path, this.yielder);
  }
}

/** Marks a failure to read a checkpoint, which is survivable when an older segment exists. */
class CheckpointError extends Error {
  constructor(override readonly cause: unknown) {
    super('checkpoint unreadable');
  }
}

/** The commitInfo of a raw commit, if any. */
function commitInfoOf(actions: unknown[]): Record<string, unknown> | undefined {
  for (const a of actions) {
    const ci = (a as { commitInfo?: unknown } | null)?.commitInfo;
    if (ci && typeof ci === 'object' && !Array.isArray(ci)) return ci as Record<string, unknown>;
  }
  return undefined;
}

