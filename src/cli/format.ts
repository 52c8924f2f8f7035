/**
 * Human-readable output of the CLI (the `--json` output is the model serialised as is).
 *
 * Table data reaches a terminal here, and a terminal interprets what it is sent: an ANSI escape in
 * a column name can recolour, move the cursor or retitle the window, a carriage return can
 * overwrite a line, a right-to-left override can make `abc<RLO>gnp.exe` read `abcexe.png`. So
 * every value is passed through `visible` (controls become `\x1b`-style escapes, lines are
 * bounded), and `terminalText` does the same to whole blocks as a last line of defence.
 */
import type { HudiSnapshot } from '../core/hudi/snapshot';
import type { IcebergSnapshot } from '../core/iceberg/snapshot';
import type { DataType, Field, HistoryPage, Snapshot } from '../core/model';
import { typeToString } from '../core/model';
import { formatBytes as bytes, isoTime } from '../core/format';

/**
 * Characters a terminal acts on instead of printing: C0 controls, DEL, C1 controls (0x9b is CSI on
 * 8-bit terminals), the Arabic letter mark, directional marks, embeddings, overrides and isolates,
 * and the Unicode line and paragraph separators.
 */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;
const CONTROLS_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;
/** Longest value printed whole (a 50 MB string in a commit is cut, not dumped on the terminal). */
const MAX_VALUE = 1000;

function escapeControl(c: string): string {
  const n = c.charCodeAt(0);
  return n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
}

/** One value as one line of inert text: controls as visible escapes, cut at MAX_VALUE characters. */
export function visible(v: string): string {
  const s = v.length > MAX_VALUE ? `${v.slice(0, MAX_VALUE)}… (${v.length} characters)` : v;
  return s.replace(CONTROLS, escapeControl);
}

/** A block of output as inert text: like `visible`, but newlines stay and nothing is cut. */
export function terminalText(s: string): string {
  return s.replace(CONTROLS_BUT_NEWLINE, escapeControl);
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

/** Renders rows as aligned columns. */
export function table(rawHead: string[], rawRows: string[][]): string {
  const head = rawHead.map(visible);
  const rows = rawRows.map((r) => r.map(visible));
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : pad(c, w[i]!))).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}

export function formatHistory(h: HistoryPage): string {
  const rows = h.versions.map((v) => [
    String(v.version),
    isoTime(v.timestamp),
    `${v.operation ?? v.action ?? '-'}${v.state === 'pending' ? ` (${v.action}, pending)` : ''}`,
    `+${v.addedFiles}/-${v.removedFiles}`,
    v.engineInfo ?? '',
  ]);
  let out = table(['VERSION', 'TIMESTAMP', 'OPERATION', 'FILES', 'ENGINE'], rows);
  if (h.next !== undefined) out += `\n… ${h.total - h.versions.length} older version(s); --limit to see more`;
  return out;
}

function schemaLines(fields: Field[], indent: string, out: string[]): void {
  for (const f of fields) {
    const extra = [f.nullable ? '' : 'not null', f.id !== undefined ? `id ${f.id}` : '', f.physicalName ? `physical ${f.physicalName}` : '', f.metaColumn ? 'meta column' : '']
      .filter(Boolean)
      .join(', ');
    out.push(`${indent}${visible(`${f.name}: ${shortType(f.type)}${extra ? `  (${extra})` : ''}`)}`);
    nested(f.type, indent + '  ', out);
  }
}

function shortType(t: DataType): string {
  if (typeof t === 'string') return t;
  if (t.type === 'struct') return 'struct';
  return typeToString(t);
}

function nested(t: DataType, indent: string, out: string[]): void {
  if (typeof t === 'string') return;
  if (t.type === 'struct') schemaLines(t.fields, indent, out);
  else if (t.type === 'array' && typeof t.elementType === 'object' && t.elementType.type === 'struct') schemaLines(t.elementType.fields, indent, out);
  else if (t.type === 'map' && typeof t.valueType === 'object' && t.valueType.type === 'struct') schemaLines(t.valueType.fields, indent, out);
}

export function formatSchema(fields: Field[]): string {
  const out: string[] = [];
  schemaLines(fields, '', out);
  return out.join('\n');
}

export function formatSnapshot(s: Snapshot, showFiles: boolean): string {
  const lines = [
    `format:      ${s.format}`,
    `version:     ${s.version}`,
    `timestamp:   ${isoTime(s.timestamp)}`,
  ];
  if (s.name) lines.push(`name:        ${visible(s.name)}`);
  lines.push(
    `files:       ${s.numFiles} (${bytes(s.sizeBytes)})`,
    `records:     ${s.numRecords === null ? 'unknown (some files have no stats)' : s.numRecords}${s.numDeletedRecords ? ` (${s.numDeletedRecords} deleted by ${s.format === 'iceberg' ? 'position deletes' : 'deletion vectors'})` : ''}`,
    `partitioned: ${s.partitionColumns.length ? s.partitionColumns.map(visible).join(', ') : 'no'}`,
    `tombstones:  ${s.tombstones.length}`,
  );
  if (s.format === 'iceberg') lines.push(...icebergLines(s as IcebergSnapshot));
  if (s.format === 'hudi') lines.push(...hudiLines(s as HudiSnapshot));
  for (const n of s.notes) lines.push(`note:        ${visible(n)}`);
  if (showFiles && s.files.length) {
    lines.push('', table(['PATH', 'SIZE', 'RECORDS', 'PARTITION'], s.files.map((f) => [f.path, bytes(f.size), f.numRecords === null ? '-' : String(f.numRecords), Object.entries(f.partitionValues).map(([k, v]) => `${k}=${String(v)}`).join(',')])));
  }
  return lines.join('\n');
}

/** Iceberg specifics: snapshot lineage, delete files, where the metadata said the table lived. */
function icebergLines(s: IcebergSnapshot): string[] {
  const out = [`iceberg:     format v${s.formatVersion}, ${s.operation ?? 'no snapshot'}${s.snapshotId ? `, sequence ${s.sequenceNumber}, parent ${s.parentId ?? '-'}` : ''}`];
  if (s.numDeleteFiles) out.push(`deletes:     ${s.numDeleteFiles} file(s): ${s.numPositionDeletes} position deletes (${s.numDeletionVectors} deletion vectors), ${s.numEqualityDeletes} equality deletes`);
  if (s.locationMapping) out.push(`location:    ${visible(s.locationMapping.from)} → ${visible(s.locationMapping.to)}`);
  return out;
}

/** Hudi specifics: table type and versions, keys, whether the files are the full snapshot. */
function hudiLines(s: HudiSnapshot): string[] {
  const out = [
    `hudi:        ${s.tableType}, table version ${s.tableVersion}, timeline layout ${s.timelineLayoutVersion}${s.action ? `; ${s.action}${s.operation ? ` ${s.operation}` : ''}` : ''}`,
    `keys:        ${s.recordKeyFields.map(visible).join(', ') || '-'}${s.populateMetaFields ? '' : ' (meta fields not populated)'}`,
  ];
  if (s.tableType === 'MERGE_ON_READ') {
    out.push(`view:        ${s.readOptimized ? `read-optimized (base files only; ${s.numLogFiles} log file(s), ${bytes(s.logBytes)} not merged)` : 'full snapshot (no log files to merge)'}`);
  }
  out.push(`history:     from ${s.earliestInstant ?? '-'}${s.pendingCompactions ? `; ${s.pendingCompactions} compaction(s) pending` : ''}; instant times at UTC${s.instantTimeZone}`);
  return out;
}
