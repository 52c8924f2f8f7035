/**
 * Column statistics of manifest entries (spec "Manifests": column_sizes, value_counts,
 * null_value_counts, nan_value_counts, lower_bounds, upper_bounds), decoded on first use. A wide
 * table has hundreds of bounds per file and a large one a million files: decoding them all while
 * listing a snapshot would cost most of the time and memory, so the manifest reader keeps the
 * encoded bytes (one window of the manifest block per file) and `file.stats` decodes them when
 * something reads it. `stats` is an accessor: JSON, spread copies and structured clones of a file
 * leave it out (as Delta files leave out their unparsed stats); read `file.stats` to get it.
 */
import { type RawSpan, compileRawSpan } from '../avro/decoder';
import type { AvroRecordType } from './avroFields';
import type { ColumnStats, DataFile } from '../model';
import type { ColumnRef } from './schema';
import { decodeSingleValue } from './singleValue';

/** Stats fields of `data_file`: field id, spec name, ColumnStats key. */
export const STATS_FIELDS = [
  [108, 'column_sizes', 'columnSize'],
  [109, 'value_counts', 'valueCount'],
  [110, 'null_value_counts', 'nullCount'],
  [137, 'nan_value_counts', 'nanCount'],
  [125, 'lower_bounds', 'minValues'],
  [128, 'upper_bounds', 'maxValues'],
] as const;

type StatsKey = (typeof STATS_FIELDS)[number][2];

/** Where a manifest's data_file keeps its stats, and how to decode them (shared by its files). */
export class StatsLayout {
  readonly span: RawSpan | undefined;
  private readonly decodeSpan: ((b: Uint8Array) => unknown[]) | undefined;
  /** For each field of the span, the ColumnStats key it fills (undefined for other fields). */
  private readonly keys: (StatsKey | undefined)[] = [];

  constructor(
    fileType: AvroRecordType,
    private readonly columns: Map<number, ColumnRef>,
    key: string,
  ) {
    const idx: number[] = [];
    fileType.fields.forEach((f, i) => {
      const known = STATS_FIELDS.find(([id, name]) => (f.fieldId !== undefined ? f.fieldId === id : f.name === name));
      if (known) idx.push(i);
    });
    if (idx.length === 0) return;
    const first = Math.min(...idx);
    const last = Math.max(...idx);
    this.span = { record: fileType, first, last, key };
    this.decodeSpan = compileRawSpan(this.span);
    for (let i = first; i <= last; i++) {
      const f = fileType.fields[i]!;
      this.keys.push(STATS_FIELDS.find(([id, name]) => (f.fieldId !== undefined ? f.fieldId === id : f.name === name))?.[2]);
    }
  }

  decode(bytes: Uint8Array, numRecords: number | null): ColumnStats {
    const s: ColumnStats = numRecords === null ? {} : { numRecords };
    const values = this.decodeSpan!(bytes);
    for (let i = 0; i < values.length; i++) {
      const key = this.keys[i];
      const kv = key && mapEntries(values[i]);
      if (!key || !kv) continue;
      const bounds = key === 'minValues' || key === 'maxValues';
      const out: Record<string, unknown> = {};
      for (let j = 0; j < kv.length; j++) {
        const { key: id, value } = kv[j]!;
        if (typeof id !== 'number') continue;
        const name = this.columns.get(id)?.name ?? `#${id}`;
        if (!bounds) out[name] = value;
        else if (value instanceof Uint8Array) {
          const t = this.columns.get(id)?.type;
          out[name] = decodeSingleValue(typeof t === 'string' ? t : 'binary', value);
        }
      }
      s[key] = out;
    }
    return s;
  }
}

/** Entries of an Iceberg int-keyed map: an array of {key, value} records (or an Avro map). */
function mapEntries(v: unknown): ArrayLike<Record<string, unknown>> | undefined {
  if (Array.isArray(v)) return v as Record<string, unknown>[];
  if (v instanceof Map) return [...v].filter(([k]) => /^-?\d+$/.test(k)).map(([k, x]) => ({ key: Number(k), value: x }));
  return undefined;
}

/** An Iceberg data or delete file whose `stats` are decoded on first read. */
class LazyStatsFile {
  #bytes: Uint8Array | undefined;
  #layout: StatsLayout | undefined;
  #stats: ColumnStats | undefined;

  constructor(fields: DataFile, bytes: Uint8Array | undefined, layout: StatsLayout | undefined) {
    Object.assign(this, fields);
    this.#bytes = bytes;
    this.#layout = layout;
  }

  get stats(): ColumnStats | undefined {
    if (this.#bytes && this.#layout) {
      try {
        this.#stats = this.#layout.decode(this.#bytes, (this as unknown as DataFile).numRecords);
      } catch {
        this.#stats = undefined; // validated when skipped over; nothing useful to report here
      }
      this.#bytes = undefined;
    }
    return this.#stats;
  }

  set stats(v: ColumnStats | undefined) {
    this.#bytes = undefined;
    this.#stats = v;
  }
}

/** A DataFile with encoded stats to decode when `stats` is first read. */
export function lazyStatsFile(fields: DataFile, bytes: Uint8Array | undefined, layout: StatsLayout | undefined): DataFile {
  return new LazyStatsFile(fields, bytes, layout) as unknown as DataFile;
}
