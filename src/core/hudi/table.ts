/**
 * A Hudi table opened through Storage: snapshots at any completed write instant, history of the
 * active timeline, per-instant changes and schemas over time. The config, the timeline listing and
 * the data-file listing are cached until `refresh()`; completed instant files never change, so
 * their decoded metadata stays cached across refreshes.
 */
import { LakeError, checkAborted } from '../errors';
import type { HistoryPage, SchemaVersion, StructType, VersionChanges, VersionId, VersionInfo, VersionSelector } from '../model';
import { type Storage, statAll } from '../storage/storage';
import { type CommitMetadata, type Plain, type WriteStat, commitMetadataOf, readInstantFile } from './commitMetadata';
import { type FileSlice, sliceAt } from './fileGroup';
import { type FileListing, listDataFiles } from './fileListing';
import { livePaths, tombstones, writtenFile } from './changes';
import { type LogBlock, readLogFile } from './logFile';
import { compareInstants, instantToMs } from './instantTime';
import { type HudiTableConfig, KNOWN_TABLE_VERSIONS, PROPERTIES_PATH, readTableConfig } from './properties';
import { avroSchemaToStruct, withMetaColumns } from './schema';
import { selectInstant } from './selection';
import { type HudiSnapshot, buildSnapshot } from './snapshot';
import { type HudiInstant, type Timeline, listTimeline } from './timeline';
import { instantMs, serviceVersion, summaryOf, writeVersion } from './versions';

const PARALLEL_READS = 16;

interface Loaded {
  config: HudiTableConfig;
  timeline: Timeline;
}

/** The cleaner's horizon: snapshots before `earliestCommitToRetain` lost files. */
interface CleanHorizon {
  clean: HudiInstant;
  earliestCommitToRetain: string | null;
  policy: string | null;
}

export class HudiTable {
  readonly format = 'hudi' as const;
  private loading?: Promise<Loaded>;
  private listingPromise?: Promise<FileListing>;
  private readonly instantFiles = new Map<string, Promise<Plain>>();
  private readonly commitFiles = new Map<string, Promise<CommitMetadata>>();
  private statsByPath?: { timeline: Timeline; index: Map<string, WriteStat> };
  private readonly fileSizes = new Map<string, { size: number; mtime: number }>();

  constructor(readonly storage: Storage) {}

  refresh(): void {
    this.loading = undefined;
    this.listingPromise = undefined;
    this.statsByPath = undefined;
    this.fileSizes.clear();
  }

  private load(): Promise<Loaded> {
    this.loading ??= (async () => {
      const config = await readTableConfig(this.storage);
      return { config, timeline: await listTimeline(this.storage, config) };
    })().catch((err) => {
      this.loading = undefined;
      throw err;
    });
    return this.loading;
  }

  async tableConfig(): Promise<HudiTableConfig> {
    return (await this.load()).config;
  }

  async timeline(): Promise<Timeline> {
    return (await this.load()).timeline;
  }

  /** Decoded metadata of an instant's completed file (cached) or of a pending file (read afresh). */
  private instantMetadata(path: string, completed: boolean): Promise<Plain> {
    if (!completed) return readInstantFile(this.storage, path);
    let p = this.instantFiles.get(path);
    if (!p) {
      p = readInstantFile(this.storage, path);
      this.instantFiles.set(path, p);
      p.catch(() => this.instantFiles.delete(path));
    }
    return p;
  }

  private async mapLimit<T, R>(items: T[], fn: (x: T) => Promise<R>, signal?: AbortSignal): Promise<R[]> {
    const out: R[] = new Array(items.length);
    for (let i = 0; i < items.length; i += PARALLEL_READS) {
      checkAborted(signal);
      const got = await Promise.all(items.slice(i, i + PARALLEL_READS).map(fn));
      got.forEach((r, j) => (out[i + j] = r));
    }
    return out;
  }

  /** Typed commit metadata of a completed write (cached: completed instant files never change). */
  private commitMetadata(path: string): Promise<CommitMetadata> {
    let p = this.commitFiles.get(path);
    if (!p) {
      p = readInstantFile(this.storage, path).then((md) => commitMetadataOf(md, path));
      this.commitFiles.set(path, p);
      p.catch(() => this.commitFiles.delete(path));
    }
    return p;
  }

  /** Commit metadata of every completed write, by requested time. */
  private async commits(t: Timeline, signal?: AbortSignal): Promise<Map<string, CommitMetadata>> {
    const mds = await this.mapLimit(t.writes, (w) => this.commitMetadata(w.path), signal);
    return new Map(t.writes.map((w, i) => [w.time, mds[i]!]));
  }

  private listing(commits: Map<string, CommitMetadata>, signal?: AbortSignal): Promise<FileListing> {
    this.listingPromise ??= (async () => {
      const known = new Set<string>();
      for (const c of commits.values()) for (const s of c.stats) if (s.path) known.add(s.partitionPath);
      return listDataFiles(this.storage, known, signal);
    })().catch((err) => {
      this.listingPromise = undefined;
      throw err;
    });
    return this.listingPromise;
  }

  /** The latest completed clean and the earliest instant it kept files for. */
  private async cleanHorizon(t: Timeline): Promise<CleanHorizon | null> {
    const clean = [...t.completed].reverse().find((i) => i.action === 'clean');
    if (!clean) return null;
    const s = summaryOf(clean, await this.instantMetadata(clean.path, true));
    const policy = s?.parameters.policy;
    return { clean, earliestCommitToRetain: s?.earliestCommitToRetain ?? null, policy: typeof policy === 'string' ? policy : null };
  }

  /** Earliest write whose snapshot is still complete on storage. */
  private earliestReadable(t: Timeline, horizon: CleanHorizon | null): HudiInstant | null {
    const ectr = horizon?.earliestCommitToRetain;
    return t.writes.find((w) => !ectr || compareInstants(w.time, ectr) >= 0) ?? null;
  }

  private timelineNotes(config: HudiTableConfig, t: Timeline, earliest: HudiInstant | null, horizon: CleanHorizon | null): string[] {
    const notes: string[] = [];
    if (config.tableVersion > KNOWN_TABLE_VERSIONS.max) notes.push(`table version ${config.tableVersion} is newer than this reader knows (up to ${KNOWN_TABLE_VERSIONS.max}); read with the 1.x rules`);
    if (!config.timeZone.known) notes.push(`instant times: ${config.timeZone.source}`);
    if (t.archivedFiles > 0) notes.push(`older instants are archived in ${t.archiveDir} (${t.archivedFiles} file(s), not read): history starts at ${t.instants[0]?.time ?? 'the first active instant'}`);
    if (horizon?.earliestCommitToRetain && earliest && earliest !== t.writes[0]) {
      notes.push(`the clean at ${horizon.clean.time} kept files from instant ${horizon.earliestCommitToRetain} on: time travel reaches back to ${earliest.time}`);
    }
    if (t.pendingCompactions.length > 0) notes.push(`${t.pendingCompactions.length} compaction(s) pending (${t.pendingCompactions.map((i) => `${i.time} ${i.state}`).join(', ')})`);
    return notes;
  }

  /** Schema in force at a write: the newest writer schema recorded at or before it. */
  private schemaAt(config: HudiTableConfig, t: Timeline, commits: Map<string, CommitMetadata>, at: HudiInstant | null): { schema: StructType; notes: string[] } {
    const upto = at ? t.writes.slice(0, t.writes.indexOf(at) + 1) : [];
    for (let i = upto.length - 1; i >= 0; i--) {
      const w = upto[i]!;
      const text = commits.get(w.time)?.extraMetadata.schema;
      if (text) return { schema: withMetaColumns(avroSchemaToStruct(text, w.path, 'extraMetadata.schema')), notes: [] };
    }
    if (config.createSchema) return { schema: withMetaColumns(avroSchemaToStruct(config.createSchema, PROPERTIES_PATH, 'hoodie.table.create.schema')), notes: [] };
    return { schema: { type: 'struct', fields: [] }, notes: ['no schema recorded: no commit carries extraMetadata.schema and hoodie.properties has no hoodie.table.create.schema'] };
  }

  async snapshot(sel: VersionSelector = {}, signal?: AbortSignal): Promise<HudiSnapshot> {
    const { config, timeline: t } = await this.load();
    const chosen = selectInstant(t, sel, config.timeZone);
    const commits = await this.commits(t, signal);
    const horizon = await this.cleanHorizon(t);
    const earliest = this.earliestReadable(t, horizon);
    const at = chosen.at;
    if (at && horizon) {
      const ectr = horizon.earliestCommitToRetain;
      if (ectr && compareInstants(at.time, ectr) < 0) {
        throw new LakeError('unknown-version', `hudi: instant ${at.time} is older than the clean at ${horizon.clean.time} retains (from ${ectr}): its files were cleaned; the earliest readable instant is ${earliest?.time ?? 'none'}`, horizon.clean.path);
      }
    }
    const notes = [...chosen.notes, ...this.timelineNotes(config, t, earliest, horizon)];
    if (at && horizon && !horizon.earliestCommitToRetain && compareInstants(at.time, horizon.clean.time) < 0) {
      notes.push(`the clean at ${horizon.clean.time}${horizon.policy ? ` (${horizon.policy})` : ''} may have deleted files this older instant needs`);
    }
    const { schema, notes: schemaNotes } = this.schemaAt(config, t, commits, at);
    notes.push(...schemaNotes);
    if (!at) {
      const pending = t.instants.filter((i) => i.state !== 'completed');
      notes.push(t.writes.length === 0 ? `no completed writes on the timeline${pending.length ? ` (${pending.length} pending instant(s))` : ''}` : 'no write before the selected instant');
    }
    const mergeOnRead = config.tableType === 'MERGE_ON_READ';
    const listing = at ? await this.listing(commits, signal) : null;
    if (listing?.truncated) notes.push(`the table has more than ${listing.folders} folders; only those were searched for partitions`);
    const view = listing && at ? sliceAt({ listing, timeline: t, at, commits, mergeOnRead, logsNamedByDeltaCommit: config.tableVersion >= 8 || config.timelineLayoutVersion >= 2 }) : null;
    checkAborted(signal);
    const statsByPath = this.statsIndex(t, commits);
    const sizes = await this.sizesOf(view?.slices ?? [], statsByPath);
    const c = at ? commits.get(at.time) : undefined;
    return buildSnapshot({
      config,
      version: at?.time ?? '',
      action: at?.action ?? null,
      operation: c?.operationType ?? null,
      completionTime: at?.completionTime ?? null,
      timestamp: at ? instantMs(at, config.timeZone) : null,
      schema,
      view,
      statsByPath,
      sizes,
      pendingCompactions: t.pendingCompactions.length,
      earliestInstant: earliest?.time ?? null,
      notes,
    });
  }

  /** Write stats by the path they wrote, over the whole active timeline (kept per listing). */
  private statsIndex(t: Timeline, commits: Map<string, CommitMetadata>): Map<string, WriteStat> {
    if (this.statsByPath?.timeline === t) return this.statsByPath.index;
    const index = new Map<string, WriteStat>();
    for (const w of t.writes) for (const s of commits.get(w.time)?.stats ?? []) if (s.path) index.set(s.path, s);
    this.statsByPath = { timeline: t, index };
    return index;
  }

  /**
   * Sizes of live files: base files from the write stat that produced them (base files never
   * change), log files (appended to in 0.x) and files of archived writes from storage, cached
   * until refresh.
   */
  private async sizesOf(slices: FileSlice[], stats: Map<string, WriteStat>): Promise<Map<string, { size: number; mtime?: number }>> {
    const out = new Map<string, { size: number; mtime?: number }>();
    const toStat: string[] = [];
    for (const s of slices) {
      const dir = s.partitionPath === '' ? '' : `${s.partitionPath}/`;
      if (s.base) {
        const p = dir + s.base.name;
        const size = stats.get(p)?.fileSizeInBytes;
        if (size) out.set(p, { size });
        else toStat.push(p);
      }
      for (const l of s.logs) toStat.push(dir + l.name);
    }
    const missing = toStat.filter((p) => !this.fileSizes.has(p));
    for (const e of await statAll(this.storage, missing)) this.fileSizes.set(e.path, { size: e.size, mtime: e.mtime });
    for (const p of toStat) {
      const e = this.fileSizes.get(p);
      if (e) out.set(p, e);
    }
    return out;
  }

  /** Instants newest first (completed ones in the order they took effect, pending ones by requested time). */
  async history(opts: { limit?: number; before?: VersionId; signal?: AbortSignal } = {}): Promise<HistoryPage> {
    const { config, timeline: t } = await this.load();
    const all = [...t.instants].sort((a, b) => compareInstants(a.state === 'completed' ? (a.completionTime ?? a.time) : a.time, b.state === 'completed' ? (b.completionTime ?? b.time) : b.time) || compareInstants(a.time, b.time));
    const limit = Math.max(1, opts.limit ?? 100);
    let end = all.length;
    if (opts.before !== undefined) {
      const id = String(opts.before);
      end = all.findIndex((i) => i.time === id);
      if (end < 0) throw new LakeError('invalid-argument', `hudi: history cursor ${id} is not an instant on the timeline`, t.dir);
    }
    const start = Math.max(0, end - limit);
    const page = all.slice(start, end).reverse();
    const versions = await this.mapLimit(page, (i) => this.versionOf(i, config), opts.signal);
    const out: HistoryPage = { versions, total: all.length };
    if (start > 0) out.next = all[start]!.time;
    const earliest = this.earliestReadable(t, await this.cleanHorizon(t));
    if (earliest) out.oldest = earliest.time;
    return out;
  }

  private async versionOf(i: HudiInstant, config: HudiTableConfig): Promise<VersionInfo> {
    const tz = config.timeZone;
    if (i.state === 'completed') {
      if (i.action === 'commit' || i.action === 'deltacommit' || i.action === 'replacecommit') return writeVersion(i, await this.commitMetadata(i.path), tz);
      return serviceVersion(i, await this.instantMetadata(i.path, true), tz);
    }
    // a plan tells what a pending compaction, clustering or clean will do; it may still be written
    const plan = i.requestedPath ? await this.instantMetadata(i.requestedPath, false).catch(() => null) : null;
    return serviceVersion(i, plan, tz);
  }

  /**
   * Files an instant wrote (from its write stats) and the files that stopped being live with it
   * (superseded slices and replaced file groups, by comparing the live slices before and after);
   * for a clean, rollback or restore, the files it deleted.
   */
  async changes(version: VersionId, signal?: AbortSignal): Promise<VersionChanges> {
    const { config, timeline: t } = await this.load();
    const id = String(version);
    const inst = t.instants.find((i) => i.time === id);
    if (!inst) throw new LakeError('unknown-version', `hudi: no instant ${id} on the timeline`, t.dir);
    const timestamp = inst.state === 'completed' ? instantMs(inst, config.timeZone) : instantToMs(inst.time, config.timeZone);
    const out: VersionChanges = { version: id, timestamp, added: [], removed: [], metadataChanged: false, protocolChanged: false };
    if (inst.state !== 'completed') return out;
    if (!t.writes.includes(inst)) {
      const s = summaryOf(inst, await this.instantMetadata(inst.path, true));
      out.removed = (s?.deletedFiles ?? []).map((path) => ({ path, deletionTimestamp: timestamp, size: null, dataChange: inst.action !== 'clean' }));
      return out;
    }
    const commits = await this.commits(t, signal);
    const c = commits.get(id)!;
    for (const s of c.stats) if (s.path) out.added.push(writtenFile(s, config));
    const listing = await this.listing(commits, signal);
    const mergeOnRead = config.tableType === 'MERGE_ON_READ';
    const byDelta = config.tableVersion >= 8 || config.timelineLayoutVersion >= 2;
    const idx = t.writes.indexOf(inst);
    const after = livePaths(sliceAt({ listing, timeline: t, at: inst, commits, mergeOnRead, logsNamedByDeltaCommit: byDelta }).slices);
    const before = idx > 0 ? livePaths(sliceAt({ listing, timeline: t, at: t.writes[idx - 1]!, commits, mergeOnRead, logsNamedByDeltaCommit: byDelta }).slices) : new Map<string, string>();
    const gone = [...before].filter(([p]) => !after.has(p));
    const sizes = new Map((await statAll(this.storage, gone.map(([p]) => p))).map((e) => [e.path, e.size]));
    out.removed = tombstones(gone, sizes, timestamp, c.operationType, config);
    const prevSchema = idx > 0 ? this.schemaTextBefore(t, commits, idx) : undefined;
    const schema = c.extraMetadata.schema;
    out.metadataChanged = prevSchema !== undefined && schema !== undefined && schema !== '' && schema !== prevSchema;
    return out;
  }

  private schemaTextBefore(t: Timeline, commits: Map<string, CommitMetadata>, idx: number): string | undefined {
    for (let i = idx - 1; i >= 0; i--) {
      const s = commits.get(t.writes[i]!.time)?.extraMetadata.schema;
      if (s) return s;
    }
    return undefined;
  }

  /** Blocks of a merge-on-read log file (path relative to the table root): instants, types, record counts. */
  logBlocks(path: string): Promise<LogBlock[]> {
    return readLogFile(this.storage, path);
  }

  /** Writer schemas over time, oldest first, one entry per change. */
  async schemaHistory(signal?: AbortSignal): Promise<SchemaVersion[]> {
    const { config, timeline: t } = await this.load();
    const commits = await this.commits(t, signal);
    const out: SchemaVersion[] = [];
    let last: string | undefined;
    for (const w of t.writes) {
      const text = commits.get(w.time)?.extraMetadata.schema;
      if (!text || text === last) continue;
      const schema = withMetaColumns(avroSchemaToStruct(text, w.path, 'extraMetadata.schema'));
      const prev = out.at(-1);
      last = text;
      // writers re-serialize the same schema differently; only real changes count
      if (prev && JSON.stringify(prev.schema) === JSON.stringify(schema)) continue;
      out.push({ version: w.time, timestamp: instantMs(w, config.timeZone), schema, partitionColumns: config.partitionFields, properties: config.properties });
    }
    if (out.length === 0) {
      const { schema } = this.schemaAt(config, t, commits, null);
      out.push({ version: t.writes[0]?.time ?? '', timestamp: t.writes[0] ? instantMs(t.writes[0], config.timeZone) : null, schema, partitionColumns: config.partitionFields, properties: config.properties });
    }
    return out;
  }
}
