/**
 * Column statistics of manifest entries (spec "Manifests": column_sizes, value_counts,
 * null_value_counts, nan_value_counts, lower_bounds, upper_bounds), decoded on first use. A wide
 * table has hundreds of bounds per file and a large one a million files: decoding them all while
 * listing a snapshot would cost most of the time and memory. The manifest reader only skips over
 * them, and each file keeps where its stats start in which Avro block; `file.stats` decodes them
 * when something reads it. A block is kept as the file holds it (compressed) and decompressed again
 * on demand, the last one cached, so reading every file's stats in order inflates each block once,
 * and a snapshot nobody asks stats of holds the manifests' compressed bytes rather than their
 * inflated blocks (a third of the size here, and no per-file view objects).
 * `stats` is an accessor: JSON, spread copies and structured clones of a file leave it out (as
 * Delta files leave out their unparsed stats); read `file.stats` to get it.
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
  private readonly decodeSpan: ((block: Uint8Array, offset: number) => unknown[]) | undefined;
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

  decode(block: Uint8Array, offset: number, numRecords: number | null): ColumnStats {
    const s: ColumnStats = numRecords === null ? {} : { numRecords };
    const values = this.decodeSpan!(block, offset);
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

/** Where a file's stats are: the Avro block holding them, inflated again on demand. */
export interface StatsSource {
  again(): Uint8Array;
}

/** The block most recently inflated for stats, so files read in order inflate each block once. */
let cachedBlock: StatsSource | undefined;
let cachedData: Uint8Array | undefined;

function blockData(b: StatsSource): Uint8Array {
  if (b !== cachedBlock) {
    cachedData = b.again();
    cachedBlock = b;
  }
  return cachedData!;
}

/**
 * An Iceberg data or delete file whose `stats` (encoded at `offset` of `block`, when there are
 * any) are decoded on first read. A class with its fields set in one order, so a million of them
 * share one shape.
 */
export class IcebergDataFile implements DataFile {
  path: string;
  size: number;
  numRecords: number | null;
  partitionValues: DataFile['partitionValues'];
  content: NonNullable<DataFile['content']>;
  fileFormat: string;
  sequenceNumber: DataFile['sequenceNumber'];
  fileSequenceNumber: DataFile['fileSequenceNumber'];
  snapshotId: string | null;
  specId: number;
  firstRowId: DataFile['firstRowId'];
  #block: StatsSource | undefined;
  #offset: number;
  #layout: StatsLayout | undefined;
  #stats: ColumnStats | undefined;

  /** Positional, to allocate nothing but the file per manifest entry. */
  constructor(
    path: string,
    size: number,
    numRecords: number | null,
    partitionValues: DataFile['partitionValues'],
    content: NonNullable<DataFile['content']>,
    fileFormat: string,
    sequenceNumber: DataFile['sequenceNumber'],
    fileSequenceNumber: DataFile['fileSequenceNumber'],
    snapshotId: string | null,
    specId: number,
    firstRowId: DataFile['firstRowId'],
    block: StatsSource | undefined,
    offset: number,
    layout: StatsLayout | undefined,
  ) {
    this.path = path;
    this.size = size;
    this.numRecords = numRecords;
    this.partitionValues = partitionValues;
    this.content = content;
    this.fileFormat = fileFormat;
    this.sequenceNumber = sequenceNumber;
    this.fileSequenceNumber = fileSequenceNumber;
    this.snapshotId = snapshotId;
    this.specId = specId;
    this.firstRowId = firstRowId;
    this.#block = block;
    this.#offset = offset;
    this.#layout = layout;
  }

  get stats(): ColumnStats | undefined {
    if (this.#block && this.#layout) {
      try {
        this.#stats = this.#layout.decode(blockData(this.#block), this.#offset, this.numRecords);
      } catch {
        this.#stats = undefined; // validated when skipped over; nothing useful to report here
      }
      this.#block = undefined;
    }
    return this.#stats;
  }

  set stats(v: ColumnStats | undefined) {
    this.#block = undefined;
    this.#stats = v;
  }
}
