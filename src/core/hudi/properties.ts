/**
 * `.hoodie/hoodie.properties`: the table config (Hudi tech spec, "Table Properties"). A Java
 * properties file, so keys and values carry `\:`-style escapes, `\uXXXX` and continuation lines.
 * From it we take the table type and version, the timeline layout (0.x flat `.hoodie/` vs 1.x
 * `.hoodie/timeline/`), record key and partition fields, base file format, whether meta fields are
 * populated, and the time zone instant times are written in (see `timeZoneOf`).
 */
import { LakeError } from '../errors';
import { type Storage, joinPath } from '../storage/storage';
import { type InstantTimeZone, timeZoneOf } from './instantTime';

export const HOODIE_DIR = '.hoodie';
export const PROPERTIES_PATH = '.hoodie/hoodie.properties';

export type HudiTableType = 'COPY_ON_WRITE' | 'MERGE_ON_READ';

export interface HudiTableConfig {
  name: string | null;
  tableType: HudiTableType;
  tableVersion: number;
  /** 1 = 0.x layout (instants flat in `.hoodie/`), 2 = 1.x layout (`.hoodie/timeline/`). */
  timelineLayoutVersion: number;
  /** Folder holding the active timeline: `.hoodie` or `.hoodie/timeline`. */
  timelineDir: string;
  /** Folder holding archived instants: `.hoodie/archived` (0.x) or `.hoodie/timeline/history` (1.x). */
  archiveDir: string;
  recordKeyFields: string[];
  partitionFields: string[];
  /** `PARQUET` unless the table says otherwise (ORC, HFILE, …). */
  baseFileFormat: string;
  populateMetaFields: boolean;
  hiveStylePartitioning: boolean;
  urlEncodePartitioning: boolean;
  /** Avro schema the table was created with (`hoodie.table.create.schema`), as JSON text. */
  createSchema: string | null;
  timeZone: InstantTimeZone;
  properties: Record<string, string>;
}

/** Table versions this reader was written against (0.x up to 1.1). */
export const KNOWN_TABLE_VERSIONS = { min: 0, max: 9 };

/** Parses Java properties text: `key=value`, `key: value` or `key value`, `#`/`!` comments. */
export function parseJavaProperties(text: string): { props: Record<string, string>; comments: string[] } {
  const props: Record<string, string> = Object.create(null) as Record<string, string>;
  const comments: string[] = [];
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.replace(/^[ \t\f]+/, '');
    if (line === '') continue;
    if (line[0] === '#' || line[0] === '!') {
      comments.push(line.slice(1).trim());
      continue;
    }
    // an odd number of trailing backslashes continues the logical line
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < lines.length) line = line.slice(0, -1) + lines[++i]!.replace(/^[ \t\f]+/, '');
    let k = 0;
    while (k < line.length && !'=: \t\f'.includes(line[k]!)) k += line[k] === '\\' ? 2 : 1;
    let v = k;
    while (v < line.length && ' \t\f'.includes(line[v]!)) v++;
    if (v < line.length && (line[v] === '=' || line[v] === ':')) v++;
    while (v < line.length && ' \t\f'.includes(line[v]!)) v++;
    const key = unescape(line.slice(0, k));
    if (key === '__proto__') continue;
    props[key] = unescape(line.slice(v));
  }
  return { props: { ...props }, comments };
}

function unescape(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_m, c: string) => {
    if (c.length === 5) return String.fromCharCode(parseInt(c.slice(1), 16));
    return c === 't' ? '\t' : c === 'n' ? '\n' : c === 'r' ? '\r' : c === 'f' ? '\f' : c;
  });
}

/** Comma-separated field list; `field:TYPE` entries (CustomKeyGenerator) keep the field name. */
function fieldList(v: string | undefined): string[] {
  if (!v) return [];
  return v.split(',').map((f) => f.trim().split(':')[0]!.trim()).filter((f) => f !== '');
}

function intProp(props: Record<string, string>, key: string): number | undefined {
  const v = props[key];
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v.trim());
  if (!Number.isSafeInteger(n) || n < 0) throw new LakeError('corrupt', `hudi: ${key} is not a version number: ${JSON.stringify(v)}`, PROPERTIES_PATH);
  return n;
}

/** Reads and interprets hoodie.properties. */
export async function readTableConfig(storage: Storage): Promise<HudiTableConfig> {
  let bytes: Uint8Array;
  try {
    bytes = await storage.read(PROPERTIES_PATH);
  } catch (err) {
    if (!(err instanceof LakeError && err.kind === 'missing')) throw err;
    // writers updating the config move it aside to hoodie.properties.backup first; Hudi reads that
    bytes = await storage.read(`${PROPERTIES_PATH}.backup`).catch(() => {
      throw new LakeError('not-a-table', 'hudi: no .hoodie/hoodie.properties', PROPERTIES_PATH);
    });
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new LakeError('corrupt', 'hudi: hoodie.properties is not valid UTF-8 text', PROPERTIES_PATH);
  }
  const { props, comments } = parseJavaProperties(text);
  return configFrom(props, comments, await storage.stat(joinPath(HOODIE_DIR, 'timeline')));
}

/** Interprets parsed properties; `timelineFolder` says whether `.hoodie/timeline/` exists. */
export function configFrom(props: Record<string, string>, comments: string[], timelineFolder?: { isDir: boolean }): HudiTableConfig {
  const rawType = (props['hoodie.table.type'] ?? 'COPY_ON_WRITE').trim().toUpperCase();
  if (rawType !== 'COPY_ON_WRITE' && rawType !== 'MERGE_ON_READ') {
    throw new LakeError('unsupported', `hudi: unknown table type ${JSON.stringify(props['hoodie.table.type'])}`, PROPERTIES_PATH);
  }
  const tableVersion = intProp(props, 'hoodie.table.version') ?? 0;
  // 1.x tables (version 8+) write layout 2; older tables may omit the key (layout 0/1 are both flat)
  const layout = intProp(props, 'hoodie.timeline.layout.version') ?? (tableVersion >= 8 || timelineFolder?.isDir ? 2 : 1);
  const oneX = layout >= 2;
  const timelineDir = oneX ? joinPath(HOODIE_DIR, safeSegment(props['hoodie.timeline.path'], 'timeline')) : HOODIE_DIR;
  const archiveDir = oneX ? joinPath(timelineDir, safeSegment(props['hoodie.timeline.history.path'], 'history')) : joinPath(HOODIE_DIR, safeSegment(props['hoodie.archivelog.folder'], 'archived'));
  const bool = (key: string, dflt: boolean) => {
    const v = props[key]?.trim().toLowerCase();
    return v === 'true' ? true : v === 'false' ? false : dflt;
  };
  return {
    name: props['hoodie.table.name'] || null,
    tableType: rawType,
    tableVersion,
    timelineLayoutVersion: layout,
    timelineDir,
    archiveDir,
    recordKeyFields: fieldList(props['hoodie.table.recordkey.fields']),
    partitionFields: fieldList(props['hoodie.table.partition.fields']),
    baseFileFormat: (props['hoodie.table.base.file.format'] || 'PARQUET').trim().toUpperCase(),
    populateMetaFields: bool('hoodie.populate.meta.fields', true),
    hiveStylePartitioning: bool('hoodie.datasource.write.hive_style_partitioning', false),
    urlEncodePartitioning: bool('hoodie.datasource.write.partitionpath.urlencode', false),
    createSchema: props['hoodie.table.create.schema'] || null,
    timeZone: timeZoneOf(props['hoodie.table.timeline.timezone'], comments),
    properties: props,
  };
}

/** A configured folder name: one plain segment, else the default (paths never leave `.hoodie`). */
function safeSegment(v: string | undefined, dflt: string): string {
  const s = v?.trim();
  return s && /^[A-Za-z0-9_.-]+$/.test(s) && s !== '.' && s !== '..' ? s : dflt;
}
