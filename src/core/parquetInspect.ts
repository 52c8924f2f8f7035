/**
 * A readable report of a Parquet file's footer: schema (with field ids and logical types), row
 * groups, column chunks with codecs, encodings, sizes and statistics, and key/value metadata.
 * Reads only the footer (one small ranged read).
 */
import type { FileMetaData, SchemaElement } from 'hyparquet';
import { formatBytes, formatCount } from './format';
import { rangedBuffer, readParquetMetadata } from './parquet';
import type { Storage } from './storage/storage';

const MAX_ROW_GROUPS = 50;
const MAX_VALUE_CHARS = 120;

function n(v: unknown): number {
  return typeof v === 'bigint' ? Number(v) : Number(v ?? 0);
}

/** Any value as one safe line of text (bigints exact, bytes as hex, long strings cut). */
function show(v: unknown): string {
  let s: string;
  if (v === undefined || v === null) s = 'null';
  else if (typeof v === 'bigint') s = v.toString();
  else if (v instanceof Uint8Array) s = '0x' + Array.from(v.subarray(0, 64), (b) => b.toString(16).padStart(2, '0')).join('') + (v.length > 64 ? '…' : '');
  else if (v instanceof Date) s = Number.isNaN(v.getTime()) ? 'invalid date' : v.toISOString();
  else if (typeof v === 'string') s = JSON.stringify(v);
  else s = String(v);
  s = s.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return s.length > MAX_VALUE_CHARS ? s.slice(0, MAX_VALUE_CHARS) + '…' : s;
}

function typeOf(e: SchemaElement): string {
  const parts: string[] = [];
  if (e.type) parts.push(e.type + (e.type_length ? `(${e.type_length})` : ''));
  const lt = e.logical_type as { type?: string } | undefined;
  if (lt?.type) parts.push(lt.type + ('precision' in lt ? `(${String((lt as { precision?: number }).precision)},${String((lt as { scale?: number }).scale)})` : ''));
  else if (e.converted_type) parts.push(e.converted_type);
  return parts.join(' ') || 'group';
}

function schemaLines(schema: SchemaElement[]): string[] {
  const out: string[] = [];
  let i = 1;
  const walk = (count: number, depth: number) => {
    for (let k = 0; k < count && i < schema.length; k++) {
      const e = schema[i++]!;
      const extras = [e.repetition_type?.toLowerCase(), e.field_id !== undefined ? `field_id ${e.field_id}` : ''].filter(Boolean).join(', ');
      out.push(`${'  '.repeat(depth)}- ${show(e.name)}: ${typeOf(e)}${extras ? ` (${extras})` : ''}`);
      if (e.num_children) walk(e.num_children, depth + 1);
    }
  };
  walk(schema[0]?.num_children ?? 0, 1);
  return out;
}

/** The report, as YAML-like text. */
export function describeParquetMetadata(md: FileMetaData, path: string, fileSize: number): string {
  const lines: string[] = [
    `# ${path}`,
    `size: ${formatBytes(fileSize)} (${formatCount(fileSize)} bytes)`,
    `created_by: ${show(md.created_by ?? 'unknown')}`,
    `format_version: ${md.version}`,
    `rows: ${formatCount(n(md.num_rows))}`,
    `row_groups: ${md.row_groups.length}`,
    `footer: ${formatBytes(md.metadata_length)}`,
    'schema:',
    ...schemaLines(md.schema),
  ];
  const kv = md.key_value_metadata ?? [];
  if (kv.length) {
    lines.push('key_value_metadata:');
    for (const { key, value } of kv) lines.push(`  ${show(key)}: ${show(value)}`);
  }
  lines.push('row_group_details:');
  md.row_groups.slice(0, MAX_ROW_GROUPS).forEach((rg, gi) => {
    const comp = rg.columns.reduce((a, c) => a + n(c.meta_data?.total_compressed_size), 0);
    const uncomp = rg.columns.reduce((a, c) => a + n(c.meta_data?.total_uncompressed_size), 0);
    lines.push(`  - row_group: ${gi}`, `    rows: ${formatCount(n(rg.num_rows))}`, `    compressed: ${formatBytes(comp)}`, `    uncompressed: ${formatBytes(uncomp)}`, '    columns:');
    for (const c of rg.columns) {
      const m = c.meta_data;
      if (!m) continue;
      const st = m.statistics;
      lines.push(
        `      - column: ${show(m.path_in_schema.join('.'))}`,
        `        type: ${m.type}`,
        `        codec: ${m.codec}`,
        `        compressed: ${formatBytes(n(m.total_compressed_size))}`,
        `        uncompressed: ${formatBytes(n(m.total_uncompressed_size))}`,
        `        values: ${formatCount(n(m.num_values))}`,
        `        encodings: [${m.encodings.join(', ')}]`,
      );
      if (!st) lines.push('        statistics: none');
      else {
        if (st.min_value !== undefined || st.min !== undefined) lines.push(`        min: ${show(st.min_value ?? st.min)}`);
        if (st.max_value !== undefined || st.max !== undefined) lines.push(`        max: ${show(st.max_value ?? st.max)}`);
        if (st.null_count !== undefined) lines.push(`        nulls: ${show(st.null_count)}`);
        if (st.distinct_count !== undefined) lines.push(`        distinct: ${show(st.distinct_count)}`);
      }
    }
  });
  if (md.row_groups.length > MAX_ROW_GROUPS) lines.push(`  # … ${md.row_groups.length - MAX_ROW_GROUPS} more row groups`);
  return lines.join('\n') + '\n';
}

/** Reads the footer of a Parquet file in a table and describes it. */
export async function describeParquet(storage: Storage, path: string): Promise<string> {
  const buf = await rangedBuffer(storage, path);
  const md = await readParquetMetadata(buf, path);
  return describeParquetMetadata(md, path, buf.byteLength);
}
