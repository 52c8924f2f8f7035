/**
 * Writes Delta tables the way a Spark/delta-rs writer would: data files as Parquet (DuckDB), and
 * the log as one JSON action per line in _delta_log/NNNNNNNNNNNNNNNNNNNN.json — protocol,
 * metaData (schemaString), add/remove with stats, and commitInfo with operation,
 * operationParameters and operationMetrics. Commit file mtimes are set to the commit timestamps.
 * Protocol: https://github.com/delta-io/delta/blob/master/PROTOCOL.md
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Duck, FileStats } from './duck';

export interface DeltaField {
  name: string;
  /** Delta primitive type: long, integer, string, double, boolean, date, timestamp */
  type: string;
  nullable?: boolean;
}

export interface DeltaAdd {
  path: string;
  partitionValues: Record<string, string | null>;
  size: number;
  modificationTime: number;
  dataChange: boolean;
  stats: string;
  rows: number;
}

export function schemaString(fields: DeltaField[]): string {
  return JSON.stringify({
    type: 'struct',
    fields: fields.map((f) => ({ name: f.name, type: f.type, nullable: f.nullable ?? true, metadata: {} })),
  });
}

/** Delta stats JSON from DuckDB's per-file stats (partition columns are not in the file). */
export function deltaStats(s: FileStats, fields: DeltaField[]): string {
  const minValues: Record<string, unknown> = {};
  const maxValues: Record<string, unknown> = {};
  const nullCount: Record<string, number> = {};
  for (const f of fields) {
    const c = s.columns[f.name];
    if (!c) continue;
    nullCount[f.name] = c.nulls;
    if (f.type === 'boolean' || c.min === null || c.max === null) continue;
    const conv = (v: string): unknown => (['long', 'integer', 'short', 'byte', 'double', 'float'].includes(f.type) ? Number(v) : v);
    minValues[f.name] = conv(c.min);
    maxValues[f.name] = conv(c.max);
  }
  return JSON.stringify({ numRecords: s.rows, minValues, maxValues, nullCount });
}

/** Percent-encodes a partition value for a folder name, as Hive/Spark do. */
function escapePartition(v: string): string {
  return v.replace(/[^A-Za-z0-9_.\-]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
}

export class DeltaWriter {
  version = -1;
  private readonly live = new Map<string, DeltaAdd>();

  constructor(
    readonly root: string,
    private readonly duck: Duck,
    private readonly uuid: () => string,
  ) {
    fs.mkdirSync(path.join(root, '_delta_log'), { recursive: true });
  }

  /** Files live after the last commit. */
  files(): DeltaAdd[] {
    return [...this.live.values()];
  }

  /** Writes one data file (partition columns left out of `select`) and returns its add action. */
  async dataFile(select: string, fields: DeltaField[], partitionValues: Record<string, string | null>, time: number): Promise<DeltaAdd> {
    const dir = Object.entries(partitionValues).map(([k, v]) => `${k}=${v === null ? '__HIVE_DEFAULT_PARTITION__' : escapePartition(v)}`).join('/');
    const name = `part-00000-${this.uuid()}.c000.snappy.parquet`;
    const rel = dir ? `${dir}/${name}` : name;
    const abs = path.join(this.root, ...rel.split('/'));
    const s = await this.duck.writeParquet(select, abs);
    fs.utimesSync(abs, time / 1000, time / 1000);
    return {
      path: encodeURI(rel), // URL-encoded relative path (escapes the % of escaped partition values)
      partitionValues,
      size: s.size,
      modificationTime: time,
      dataChange: true,
      stats: deltaStats(s, fields),
      rows: s.rows,
    };
  }

  /** Writes the next commit file. `actions` are protocol/metaData/etc.; adds and removes are separate. */
  commit(opts: {
    time: number;
    operation: string;
    operationParameters: Record<string, unknown>;
    operationMetrics?: Record<string, string>;
    actions?: Record<string, unknown>[];
    adds?: DeltaAdd[];
    removes?: DeltaAdd[];
  }): number {
    const v = ++this.version;
    const adds = opts.adds ?? [];
    const removes = opts.removes ?? [];
    const lines: Record<string, unknown>[] = [];
    lines.push({
      commitInfo: {
        timestamp: opts.time,
        operation: opts.operation,
        operationParameters: opts.operationParameters,
        ...(v > 0 ? { readVersion: v - 1 } : {}),
        isolationLevel: 'Serializable',
        isBlindAppend: removes.length === 0 && opts.operation === 'WRITE',
        operationMetrics: opts.operationMetrics ?? {
          numFiles: String(adds.length),
          numOutputRows: String(adds.reduce((n, a) => n + a.rows, 0)),
          numOutputBytes: String(adds.reduce((n, a) => n + a.size, 0)),
        },
        engineInfo: 'lakelens-demo-generator',
        txnId: this.uuid(),
      },
    });
    lines.push(...(opts.actions ?? []));
    for (const r of removes) {
      lines.push({
        remove: {
          path: r.path,
          deletionTimestamp: opts.time,
          dataChange: true,
          extendedFileMetadata: true,
          partitionValues: r.partitionValues,
          size: r.size,
          stats: r.stats,
        },
      });
      this.live.delete(r.path);
    }
    for (const a of adds) {
      lines.push({ add: { path: a.path, partitionValues: a.partitionValues, size: a.size, modificationTime: a.modificationTime, dataChange: a.dataChange, stats: a.stats } });
      this.live.set(a.path, a);
    }
    const file = path.join(this.root, '_delta_log', `${String(v).padStart(20, '0')}.json`);
    fs.writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    fs.utimesSync(file, opts.time / 1000, opts.time / 1000);
    return v;
  }
}

export function protocolAction(): Record<string, unknown> {
  return { protocol: { minReaderVersion: 1, minWriterVersion: 2 } };
}

export function metaDataAction(id: string, fields: DeltaField[], partitionColumns: string[], createdTime: number, name?: string): Record<string, unknown> {
  return {
    metaData: {
      id,
      ...(name ? { name } : {}),
      format: { provider: 'parquet', options: {} },
      schemaString: schemaString(fields),
      partitionColumns,
      configuration: {},
      createdTime,
    },
  };
}
