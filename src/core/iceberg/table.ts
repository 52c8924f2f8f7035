/**
 * An Iceberg table opened through Storage: the current metadata file (cached until `refresh()`),
 * snapshots by id, ref or time, and history. Listing snapshots reads the metadata JSON only; a
 * snapshot reads its manifest list and then its manifests, a bounded number at a time.
 */
import { LakeError, checkAborted } from '../errors';
import type { DataFile, HistoryPage, SchemaVersion, StructType, Tombstone, VersionChanges, VersionId, VersionSelector } from '../model';
import type { Storage } from '../storage/storage';
import { LocationMapper, isTablePath, pathSegments } from './location';
import { isRemoteLocation, parseLocation, relativeTo } from '../storage/location';
import { type ManifestContents, type ManifestContext, decodeManifest, readManifestBytes, STATUS_ADDED, STATUS_DELETED } from './manifest';
import { type ManifestFile, manifestsFromPaths, readManifestList } from './manifestList';
import type { TableOptions } from '../options';
import { type Yielder, yielderFor } from '../yielder';
import { CHOSEN_BY_CATALOG, METADATA_DIR, type MetadataListing, catalogMetadata, findCurrentByHint, findCurrentMetadata } from './metadataFiles';
import { type BoundPartitionField, bindSpec } from './partitionSpec';
import { type ColumnRef, type IcebergSchema, columnIndexFor } from './schema';
import { commitOrder, selectSnapshot, versionInfo } from './selection';
import { type IcebergSnapshot, buildSnapshot, checkSummary } from './snapshot';
import { type SnapshotMeta, type TableMetadata, decodeMetadataFile } from './tableMetadata';
import { parseTransform } from './transforms';

/** Manifests read at the same time while building a snapshot. */
const PARALLEL_MANIFESTS = 8;

interface Loaded {
  /** The current metadata file, how it was chosen, and notes about that choice. */
  metadataFile: string;
  chosenBy: string;
  choiceNotes: string[];
  /** The listing of metadata/, when the choice needed one (see findCurrentByHint). */
  listing?: MetadataListing;
  md: TableMetadata;
  mapper: LocationMapper;
  mapping: { from: string; to: string } | null;
}

/**
 * Whether the recorded location is where the table is read: by path for local folders (the
 * scheme and authority of a local table's location name another machine's file system), by
 * store and path for object stores (`s3a://b/t` is `s3://b/t`; another bucket is not).
 */
function sameLocation(recorded: string, root: string): boolean {
  if (isRemoteLocation(root) && isRemoteLocation(recorded)) {
    try {
      return relativeTo(parseLocation(root), parseLocation(recorded)) === '';
    } catch {
      return false;
    }
  }
  return pathSegments(recorded).join('/') === pathSegments(root).join('/');
}

export class IcebergTable {
  readonly format = 'iceberg' as const;
  private loading?: Promise<Loaded>;

  private readonly yielder: Yielder;
  private readonly metadataLocation: string | undefined;

  constructor(
    readonly storage: Storage,
    opts: TableOptions = {},
  ) {
    this.yielder = yielderFor(opts);
    this.metadataLocation = opts.metadataLocation;
  }

  /** Forgets the cached metadata so the next call sees new commits. */
  refresh(): void {
    this.loading = undefined;
  }

  /** Current metadata file, parsed (cached). */
  private load(): Promise<Loaded> {
    this.loading ??= this.loadNow().catch((err) => {
      this.loading = undefined;
      throw err;
    });
    return this.loading;
  }

  private async loadNow(): Promise<Loaded> {
    // a catalog's word settles it; else a numeric version hint with a few stats; else list metadata/
    const hinted = this.metadataLocation !== undefined ? catalogMetadata(this.storage, this.metadataLocation) : await findCurrentByHint(this.storage);
    const listing = hinted ? undefined : await findCurrentMetadata(this.storage);
    const choice = hinted ?? listing!;
    const path = choice.current.path;
    const md = decodeMetadataFile(await this.storage.read(path), path);
    const mapper = new LocationMapper(md.location);
    const root = (this.storage.localPath?.('') ?? this.storage.url).replace(/\\/g, '/');
    const same = sameLocation(md.location, root);
    return { metadataFile: path, chosenBy: choice.chosenBy, choiceNotes: choice.notes, listing, md, mapper, mapping: same ? null : { from: md.location, to: root } };
  }

  /**
   * The listing of metadata/ for a snapshot's list of metadata files. When the hint chose the
   * current file, the listing is made now, and a listing that would have chosen another file
   * (a metastore-named file beside the Hadoop ones) is noted.
   */
  private async metadataListing(loaded: Loaded): Promise<{ listing: MetadataListing; notes: string[] }> {
    if (loaded.listing) return { listing: loaded.listing, notes: [] };
    const byCatalog = loaded.chosenBy === CHOSEN_BY_CATALOG;
    let listing: MetadataListing;
    try {
      listing = await findCurrentMetadata(this.storage);
    } catch (err) {
      if (!byCatalog) throw err;
      // the catalog named the file: a metadata/ that cannot be listed only costs the file list
      const name = loaded.metadataFile.slice(loaded.metadataFile.lastIndexOf('/') + 1);
      const current = { name, path: loaded.metadataFile, version: null, gzipName: false };
      return { listing: { files: [current], current, chosenBy: loaded.chosenBy, notes: [], names: new Set() }, notes: [`metadata/ not listed (${(err as Error).message}); only the catalog's metadata file is known`] };
    }
    const notes =
      listing.current.path === loaded.metadataFile
        ? []
        : byCatalog
          ? [`listing metadata/ would choose ${listing.current.path} (${listing.chosenBy}); ${loaded.metadataFile} is shown, the catalog's current metadata file`]
          : [`listing metadata/ would choose ${listing.current.path} (${listing.chosenBy}); ${loaded.metadataFile} is shown, found from the version hint as Java's HadoopTableOperations finds it`];
    return { listing, notes };
  }

  /** The current table metadata. */
  async metadata(): Promise<TableMetadata> {
    return (await this.load()).md;
  }

  /** Maps a raw URI from this table's metadata (or a position-delete `file_path`) to a table path. */
  async tablePath(raw: string): Promise<string> {
    return (await this.load()).mapper.tablePath(raw);
  }

  async snapshot(sel: VersionSelector = {}, signal?: AbortSignal): Promise<IcebergSnapshot> {
    const loaded = await this.load();
    const { md, mapper, mapping, metadataFile } = loaded;
    const { listing, notes: listingNotes } = await this.metadataListing(loaded);
    // parsing the metadata, listing 20k metadata files and decoding a 10k-manifest list are each
    // tens of ms: the host gets a turn between them
    if (this.yielder.due()) await this.yielder.pause();
    const chosen = selectSnapshot(md, sel, metadataFile);
    const snap = chosen.snapshot;
    const schema = schemaFor(md, snap, chosen.current);
    const { columns, specs } = bindings(md, schema.schema);
    const notes = [...loaded.choiceNotes, ...listingNotes, ...chosen.notes];

    let manifests: ManifestFile[] = [];
    let manifestList: string | null = null;
    const live: DataFile[] = [];
    const removed: DataFile[] = [];
    if (snap) {
      if (snap.keyId !== null) throw new LakeError('unsupported', `iceberg: snapshot ${snap.snapshotId} is encrypted (key-id ${snap.keyId}); encrypted tables are not supported`, metadataFile);
      let ownId = snap.snapshotId;
      if (snap.manifestList !== null) {
        manifestList = mapper.tablePath(snap.manifestList);
        const list = await readManifestList(this.storage, manifestList, snap.snapshotId, mapper, specs);
        manifests = list.manifests;
        ownId = this.idInFiles(snap, list.headerSnapshotId, notes);
        if (this.yielder.due()) await this.yielder.pause();
      } else if (snap.manifests !== null) {
        manifests = manifestsFromPaths(snap.manifests, mapper);
      } else {
        throw new LakeError('corrupt', `iceberg: snapshot ${snap.snapshotId} has neither manifest-list nor manifests`, metadataFile);
      }
      const encrypted = manifests.find((m) => m.encrypted);
      if (encrypted) throw new LakeError('unsupported', 'iceberg: manifest is encrypted (key_metadata in the manifest list); encrypted tables are not supported', encrypted.path);
      const contents = await this.readManifests(manifests, { storage: this.storage, mapper, columns, specs }, signal);
      let keyed = 0;
      const seen = new Set<string>();
      let duplicates = 0;
      // counted here, where the loop pauses: a separate pass over a million paths blocked ~70 ms
      let outside = 0;
      for (let i = 0; i < contents.length; i++) {
        const c = contents[i]!;
        if (this.yielder.due()) await this.yielder.pause(); // a million files: keep the host responsive
        keyed += c.withKeyMetadata;
        if (manifests[i]!.specId < 0 && c.specId !== null) manifests[i]!.specId = c.specId;
        const { files, statuses } = c;
        for (let k = 0; k < files.length; k++) {
          const file = files[k]!;
          if (statuses[k] === STATUS_DELETED) {
            if (file.snapshotId === ownId) {
              file.stats = undefined; // what was removed matters here, not its column bounds
              removed.push(file);
            }
            continue;
          }
          // DVs share their Puffin file: a file is identified by path and offset
          const key = file.deletionVector ? `${file.path}@${file.deletionVector.offset}` : file.path;
          if (seen.has(key)) duplicates++;
          else seen.add(key);
          if (!isTablePath(file.path)) outside++;
          live.push(file);
        }
      }
      if (keyed > 0) notes.push(`${keyed} file(s) carry key_metadata; if they are encrypted, reading their rows will fail`);
      if (duplicates > 0) notes.push(`${duplicates} live file path(s) appear more than once across the manifests (the spec calls scans of such tables undefined)`);
      if (outside > 0) notes.push(`${outside} file(s) lie outside the table location (${md.location}) and cannot be read here`);
    }
    const out = buildSnapshot({
      md,
      snap,
      schema: { schemaId: schema.schemaId, schema: schema.schema },
      metadataFile,
      metadataChosenBy: loaded.chosenBy,
      metadataFiles: listing.files.map((f) => ({ path: f.path, version: f.version })),
      locationMapping: mapping,
      manifestList,
      manifests,
      live,
      removed,
      tablePath: (raw) => mapper.tablePath(raw),
      notes,
    });
    out.notes.push(...checkSummary(out));
    return out;
  }

  /** Files a snapshot added and removed: the ADDED and DELETED entries it wrote (data and delete files). */
  async changes(version: VersionId, signal?: AbortSignal): Promise<VersionChanges> {
    const { metadataFile, md, mapper } = await this.load();
    const snap = selectSnapshot(md, { snapshotId: String(version) }, metadataFile).snapshot!;
    const { columns, specs } = bindings(md, schemaFor(md, snap, snap.snapshotId === md.currentSnapshotId).schema);
    let manifests: ManifestFile[];
    let ownId = snap.snapshotId;
    if (snap.manifestList !== null) {
      const list = await readManifestList(this.storage, mapper.tablePath(snap.manifestList), snap.snapshotId, mapper, specs);
      ownId = this.idInFiles(snap, list.headerSnapshotId, []);
      // entries ADDED or DELETED by a snapshot live only in manifests that snapshot wrote
      manifests = list.manifests.filter((m) => m.addedSnapshotId === null || m.addedSnapshotId === ownId);
    } else manifests = manifestsFromPaths(snap.manifests ?? [], mapper);
    const contents = await this.readManifests(manifests, { storage: this.storage, mapper, columns, specs }, signal);
    const added: DataFile[] = [];
    const removed: Tombstone[] = [];
    for (const c of contents) {
      for (const { status, file } of c.entries) {
        if (file.snapshotId !== ownId) continue;
        if (status === STATUS_ADDED) added.push(file);
        else if (status === STATUS_DELETED) {
          const t: Tombstone = { path: file.path, deletionTimestamp: snap.timestampMs, size: file.size, dataChange: snap.operation !== 'replace', partitionValues: file.partitionValues };
          if (file.content) t.content = file.content;
          if (file.deletionVector) t.deletionVector = file.deletionVector;
          removed.push(t);
        }
      }
    }
    const parent = snap.parentId === null ? undefined : md.snapshots.find((s) => s.snapshotId === snap.parentId);
    return { version: snap.snapshotId, timestamp: snap.timestampMs, added, removed, metadataChanged: parent !== undefined && parent.schemaId !== snap.schemaId, protocolChanged: false };
  }

  /**
   * Schemas over time, oldest first, one entry per change of schema id along the commit order.
   * Partition columns are those of the default spec throughout (older specs are only known from
   * older metadata files or manifests, which this deliberately does not read).
   */
  async schemaHistory(signal?: AbortSignal): Promise<SchemaVersion[]> {
    const { md } = await this.load();
    checkAborted(signal);
    const spec = md.specs.find((s) => s.specId === md.defaultSpecId) ?? md.specs[md.specs.length - 1]!;
    const partitionColumns = spec.fields.filter((f) => parseTransform(f.transform).kind !== 'void').map((f) => f.name);
    const out: SchemaVersion[] = [];
    let last: number | undefined;
    for (const s of commitOrder(md)) {
      const schema = schemaFor(md, s, s.snapshotId === md.currentSnapshotId);
      if (schema.schemaId === last) continue;
      last = schema.schemaId;
      out.push({ version: s.snapshotId, timestamp: s.timestampMs, schema: schema.schema, partitionColumns, properties: md.properties });
    }
    if (out.length === 0) {
      const schema = schemaFor(md, null, true);
      out.push({ version: '', timestamp: md.lastUpdatedMs, schema: schema.schema, partitionColumns, properties: md.properties });
    }
    return out;
  }

  /**
   * The id manifests use for this snapshot. Normally the metadata's, but metadata rewritten by a
   * tool that parsed ids as doubles carries rounded ids (seen in Impala's test data), while the
   * manifest list header keeps the exact one the writer assigned.
   */
  private idInFiles(snap: SnapshotMeta, header: string | null, notes: string[]): string {
    if (header === null || header === snap.snapshotId) return snap.snapshotId;
    const rounded = Number(header) === Number(snap.snapshotId);
    notes.push(`the manifest list records snapshot id ${header} where the table metadata says ${snap.snapshotId}${rounded ? ' (the metadata id looks rounded to a double by some tool)' : ''}; files are matched with ${header}`);
    return header;
  }

  /**
   * Every manifest's entries, in order. Reads run PARALLEL_MANIFESTS ahead; decoding happens here,
   * one manifest at a time with pauses between: decodes run as their reads completed, several in
   * one I/O poll, blocked the extension host 50-70 ms on a 10k-manifest table.
   */
  private async readManifests(manifests: ManifestFile[], ctx: ManifestContext, signal?: AbortSignal): Promise<ManifestContents[]> {
    const out: ManifestContents[] = new Array(manifests.length);
    const reads: (Promise<Uint8Array> | undefined)[] = new Array(manifests.length);
    const readAhead = (i: number) => {
      if (i >= manifests.length) return;
      const p = readManifestBytes(manifests[i]!, ctx);
      p.catch(() => undefined); // a read ahead of a failure is never awaited
      reads[i] = p;
    };
    for (let i = 0; i < PARALLEL_MANIFESTS; i++) readAhead(i);
    for (let i = 0; i < manifests.length; i++) {
      checkAborted(signal);
      const bytes = await reads[i]!;
      reads[i] = undefined;
      readAhead(i + PARALLEL_MANIFESTS);
      out[i] = decodeManifest(manifests[i]!, ctx, bytes);
      if (this.yielder.due()) await this.yielder.pause();
    }
    return out;
  }

  /** Snapshots newest first, `limit` at a time; `before` is a snapshot id (exclusive). */
  async history(opts: { limit?: number; before?: VersionId; signal?: AbortSignal } = {}): Promise<HistoryPage> {
    const { md, mapper, listing, metadataFile } = await this.load();
    const all = commitOrder(md);
    const limit = Math.max(1, opts.limit ?? 100);
    let end = all.length;
    if (opts.before !== undefined) {
      const id = String(opts.before);
      end = all.findIndex((s) => s.snapshotId === id);
      if (end < 0) throw new LakeError('invalid-argument', `iceberg: history cursor ${id} is not a snapshot of this table`, metadataFile);
    }
    const start = Math.max(0, end - limit);
    const page = all.slice(start, end).reverse();
    checkAborted(opts.signal);
    // whether each listed snapshot's manifest list is still there tells which can be opened (expired ones)
    // the checks are file system calls: they run while the page's snapshots are parsed
    const checks = Promise.all(page.map((s) => this.manifestListPresent(s, mapper, listing)));
    checks.catch(() => undefined); // when parsing a snapshot throws first, the checks' failure is moot
    const versions = page.map((s) => versionInfo(md, s));
    const present = await checks;
    versions.forEach((v, i) => {
      if (!present[i]) v.extra = { ...v.extra, manifestListMissing: true };
    });
    const out: HistoryPage = { versions, total: all.length };
    if (start > 0) out.next = all[start]!.snapshotId;
    if (all.length > 0) out.oldest = all[0]!.snapshotId;
    return out;
  }

  /**
   * Whether a snapshot's manifest list is still there: a stat, or a lookup in the listing of
   * `metadata/` (where writers put them) when loading the metadata made one; a symlink counts as
   * present there, and reading it checks it as usual. A name not in the listing is still stat'ed
   * (a case-insensitive file system may find it).
   */
  private async manifestListPresent(s: SnapshotMeta, mapper: LocationMapper, listing: MetadataListing | undefined): Promise<boolean> {
    if (s.manifestList === null) return true;
    const p = mapper.tablePath(s.manifestList);
    if (!isTablePath(p)) return false;
    const inMetadata = p.startsWith(`${METADATA_DIR}/`) ? p.slice(METADATA_DIR.length + 1) : undefined;
    if (inMetadata !== undefined && !inMetadata.includes('/') && listing?.names.has(inMetadata)) return true;
    try {
      return (await this.storage.stat(p)) !== undefined;
    } catch {
      return false;
    }
  }
}

/**
 * Schema a snapshot is shown with: the current schema for the current snapshot (columns added
 * since the last write are part of the table), else the schema the snapshot was written with.
 */
function schemaFor(md: TableMetadata, snap: SnapshotMeta | null, current: boolean): IcebergSchema {
  const id = !current && snap?.schemaId != null && md.schemas.some((s) => s.schemaId === snap.schemaId) ? snap.schemaId : md.currentSchemaId;
  return md.schemas.find((s) => s.schemaId === id)!;
}

/** Column index and bound partition specs for reading manifests under one schema. */
function bindings(md: TableMetadata, schema: StructType): { columns: Map<number, ColumnRef>; specs: Map<number, BoundPartitionField[]> } {
  const columns = columnIndexFor(schema, md.schemas);
  return { columns, specs: new Map(md.specs.map((s) => [s.specId, bindSpec(s, columns)])) };
}
