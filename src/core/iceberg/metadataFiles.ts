/**
 * Finding the current table metadata file in `metadata/` (spec "File System Tables" and
 * "Metastore Tables", Appendix F "Naming for GZIP compressed Metadata JSON files"):
 * `v<N>.metadata.json` (Hadoop tables), `<NNNNN>-<uuid>.metadata.json` (metastore tables), each
 * optionally gzipped as `.gz.metadata.json` or `.metadata.json.gz`. A `version-hint.text` (Impala
 * also writes `version-hint.txt`) names the current version by number or by file stem; when it is
 * empty, unreadable or names no file we fall back to the highest version listed. Like Java's
 * HadoopTableOperations we treat a numeric hint as a floor and follow `v<N+1>`… when they exist.
 */
import { LakeError } from '../errors';
import { isRemoteLocation, parseLocation, relativeTo } from '../storage/location';
import { type FileEntry, type Storage, joinPath, readText } from '../storage/storage';

export const METADATA_DIR = 'metadata';
const HINT_FILES = ['version-hint.text', 'version-hint.txt'];

export interface MetadataFileRef {
  name: string;
  /** Path relative to the table root. */
  path: string;
  /** Version number from the name; null for `<uuid>.metadata.json` (an uncommitted temp file). */
  version: number | null;
  /** Named like a gzipped file (the content decides: we check the magic bytes). */
  gzipName: boolean;
}

export interface MetadataListing {
  /** Every metadata JSON file in `metadata/`, oldest version first. */
  files: MetadataFileRef[];
  current: MetadataFileRef;
  /** How the current file was chosen, e.g. `version-hint.text: 7`. */
  chosenBy: string;
  notes: string[];
  /** Names of everything but folders in `metadata/` (manifest lists live there too). */
  names: Set<string>;
}

const V_NAME = /^v(\d{1,15})(\.gz)?\.metadata\.json(\.gz)?$/;
const SEQ_NAME = /^(\d{1,15})-[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(\.gz)?\.metadata\.json(\.gz)?$/;
const TEMP_NAME = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(\.gz)?\.metadata\.json(\.gz)?$/;

/** Classifies a file name from `metadata/`; undefined when it is not a metadata JSON file. */
export function parseMetadataFileName(name: string, dir = METADATA_DIR): MetadataFileRef | undefined {
  let m = V_NAME.exec(name) ?? SEQ_NAME.exec(name);
  if (m) return { name, path: joinPath(dir, name), version: Number(m[1]), gzipName: m[2] !== undefined || m[3] !== undefined };
  m = TEMP_NAME.exec(name);
  if (m) return { name, path: joinPath(dir, name), version: null, gzipName: m[1] !== undefined || m[2] !== undefined };
  return undefined;
}

/** File stem: the name without `.metadata.json`, `.gz` (`v3`, `00001-<uuid>`). */
export function metadataStem(name: string): string {
  return name.replace(/(\.gz)?\.metadata\.json(\.gz)?$/, '');
}

function byVersion(a: MetadataFileRef, b: MetadataFileRef): number {
  const va = a.version ?? -1;
  const vb = b.version ?? -1;
  return va !== vb ? va - vb : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Lists `metadata/` and picks the current metadata file. */
export async function findCurrentMetadata(storage: Storage): Promise<MetadataListing> {
  const entries = await storage.list(METADATA_DIR);
  const files: MetadataFileRef[] = [];
  const plain = new Set<string>();
  for (const e of entries) {
    if (e.isDir) continue;
    plain.add(e.name);
    // a big table keeps tens of thousands of manifests here: test the cheap part of the name first
    const f = e.name.includes('.metadata.json') ? parseMetadataFileName(e.name) : undefined;
    if (f) files.push(f);
  }
  files.sort(byVersion);
  const versioned = files.filter((f) => f.version !== null);
  if (versioned.length === 0) {
    throw new LakeError('not-a-table', 'iceberg: no table metadata file (v<N>.metadata.json or <N>-<uuid>.metadata.json) in metadata/', METADATA_DIR);
  }
  const notes: string[] = [];
  const names = new Set(entries.map((e) => e.name));
  for (const hintName of HINT_FILES) {
    if (!names.has(hintName)) continue;
    const hintPath = joinPath(METADATA_DIR, hintName);
    const picked = await fromHint(storage, hintPath, versioned, notes);
    if (picked) return { files, current: picked.file, chosenBy: picked.how, notes, names: plain };
    break; // a present but useless hint: fall back to listing rather than trying the other name
  }
  const top = versioned[versioned.length - 1]!;
  const current = await pickAmongSameVersion(storage, versioned.filter((f) => f.version === top.version), notes);
  return { files, current, chosenBy: `highest version in ${METADATA_DIR}/`, notes, names: plain };
}

/** What `findCurrentByHint` found: the current file and how, as findCurrentMetadata says it. */
export interface HintedMetadata {
  current: MetadataFileRef;
  chosenBy: string;
  notes: string[];
}

/** The Hadoop names a metadata file of version `v` can have (plain and gzipped). */
const hadoopNames = (v: number) => [`v${v}.metadata.json`, `v${v}.gz.metadata.json`, `v${v}.metadata.json.gz`, `v${v}.gz.metadata.json.gz`];

/**
 * The current metadata file from a numeric version hint, without listing `metadata/` (where a
 * table keeps a manifest list and a manifest per snapshot: 20k entries for 10k snapshots, the
 * largest cost of listing its history). As Java's HadoopTableOperations does: the hinted
 * `v<N>.metadata.json` (or a gzipped name), then `v<N+1>`… while one exists, a few stats in all.
 * Gives the answer findCurrentMetadata gives, with the same chosenBy and notes, except that
 * metastore-named files (`<N>-<uuid>.metadata.json`) beside a Hadoop hint are not seen (they
 * would be followed too, or noted as sharing a version): IcebergTable.snapshot lists the folder
 * anyway and notes such a disagreement. Undefined whenever the hint does not settle it (no
 * numeric hint, the hinted version missing, two names for one version, anything unreadable):
 * then findCurrentMetadata decides, notes and all.
 */
export async function findCurrentByHint(storage: Storage): Promise<HintedMetadata | undefined> {
  try {
    for (const hintName of HINT_FILES) {
      const hintPath = joinPath(METADATA_DIR, hintName);
      let text: string;
      try {
        text = (await readText(storage, hintPath)).trim();
      } catch (err) {
        // absent: try the other name, as the listing does; present but unreadable: the listing notes it
        if (err instanceof LakeError && err.kind === 'missing' && (await storage.stat(hintPath)) === undefined) continue;
        return undefined;
      }
      if (!/^\d{1,15}$/.test(text)) return undefined;
      const at = async (v: number): Promise<string[]> => {
        const found = await Promise.all(hadoopNames(v).map((n) => storage.stat(joinPath(METADATA_DIR, n))));
        return hadoopNames(v).filter((_, i) => found[i] !== undefined && !found[i]!.isDir);
      };
      const hinted = Number(text);
      let names = await at(hinted);
      if (names.length !== 1) return undefined;
      let v = hinted;
      for (;;) {
        const next = await at(v + 1);
        if (next.length === 0) break;
        if (next.length > 1) return undefined;
        names = next;
        v++;
      }
      const notes = v !== hinted ? [`${hintPath} names version ${text} but newer metadata up to version ${v} exists; using version ${v}`] : [];
      return { current: parseMetadataFileName(names[0]!)!, chosenBy: `${hintPath}: ${text}`, notes };
    }
  } catch {
    // a symlink out of the table, a permission problem: the listing reports it its way
  }
  return undefined;
}

/** How a catalog's choice is named in snapshots (`metadataChosenBy`). */
export const CHOSEN_BY_CATALOG = 'current metadata from the catalog';

/**
 * The metadata file a catalog names, as a table path: an absolute URI (or local path) mapped
 * onto the table's storage whatever its spelling (`file:/x` as Java writes it, `s3a://`), or a
 * path relative to the table root. One outside the table's store or root is refused: reading it
 * would mean reading where the table's storage was never pointed.
 */
export function catalogMetadata(storage: Storage, metadataLocation: string): HintedMetadata {
  const raw = metadataLocation.trim().replace(/^file:\/(?!\/)/i, 'file:///');
  const absolute = isRemoteLocation(raw) || /^file:/i.test(raw) || raw.startsWith('/') || /^[A-Za-z]:[\\/]/.test(raw);
  let rel: string | undefined;
  if (absolute) {
    try {
      rel = relativeTo(parseLocation(storage.url), parseLocation(raw));
    } catch {
      rel = undefined;
    }
  } else rel = raw.replace(/\\/g, '/').replace(/^\.\//, '');
  const segs = rel?.split('/') ?? [];
  if (rel === undefined || rel === '' || segs.some((s) => s === '..' || s === '.' || s === '')) {
    throw new LakeError('out-of-root', `iceberg: the catalog's metadata file ${metadataLocation} is not inside the table's location ${storage.url}`);
  }
  const name = segs[segs.length - 1]!;
  const dir = segs.slice(0, -1).join('/');
  const current = parseMetadataFileName(name, dir) ?? { name, path: rel, version: null, gzipName: /\.gz(\.|$)/.test(name) };
  return { current, chosenBy: CHOSEN_BY_CATALOG, notes: [] };
}

async function fromHint(storage: Storage, hintPath: string, versioned: MetadataFileRef[], notes: string[]): Promise<{ file: MetadataFileRef; how: string } | undefined> {
  let text: string;
  try {
    text = (await readText(storage, hintPath)).trim();
  } catch (err) {
    notes.push(`ignored unreadable ${hintPath}: ${(err as Error).message}`);
    return undefined;
  }
  if (text === '') {
    notes.push(`ignored empty ${hintPath}; using the highest metadata version instead`);
    return undefined;
  }
  if (/^\d{1,15}$/.test(text)) {
    let v = Number(text);
    const at = (n: number) => versioned.filter((f) => f.version === n);
    if (at(v).length === 0) {
      notes.push(`${hintPath} names version ${v}, which has no metadata file; using the highest metadata version instead`);
      return undefined;
    }
    while (at(v + 1).length > 0) v++;
    if (v !== Number(text)) notes.push(`${hintPath} names version ${text} but newer metadata up to version ${v} exists; using version ${v}`);
    return { file: await pickAmongSameVersion(storage, at(v), notes), how: `${hintPath}: ${text}` };
  }
  // a file stem (`00001-<uuid>`), possibly given as a name or a path
  const stem = metadataStem(text.slice(text.lastIndexOf('/') + 1));
  const file = versioned.find((f) => metadataStem(f.name) === stem);
  if (!file) {
    notes.push(`${hintPath} holds ${JSON.stringify(text.slice(0, 80))}, which names no metadata file; using the highest metadata version instead`);
    return undefined;
  }
  const newest = versioned[versioned.length - 1]!;
  if (newest.version! > file.version!) notes.push(`${hintPath} names ${file.name} but ${newest.name} is newer; showing the hinted one`);
  return { file, how: `${hintPath}: ${text}` };
}

/**
 * Several files of one version (a `v3` and a `00003-…`, or two writers racing on a metastore
 * table): prefer the Hadoop `v<N>` name, else the most recently written one, and say so.
 */
async function pickAmongSameVersion(storage: Storage, same: MetadataFileRef[], notes: string[]): Promise<MetadataFileRef> {
  if (same.length === 1) return same[0]!;
  const hadoop = same.find((f) => f.name.startsWith('v'));
  let chosen = hadoop;
  if (!chosen) {
    const stats = await Promise.all(same.map((f) => storage.stat(f.path)));
    let best: FileEntry | undefined;
    same.forEach((f, i) => {
      const st = stats[i];
      if (st && (!best || st.mtime > best.mtime)) {
        best = st;
        chosen = f;
      }
    });
    chosen ??= same[same.length - 1]!;
  }
  notes.push(`${same.length} metadata files share version ${chosen.version} (${same.map((f) => f.name).join(', ')}); using ${chosen.name}`);
  return chosen;
}
