/**
 * DuckDB for the demo generator: writes Parquet files with COPY and reads per-column stats back.
 * No DuckDB extensions (they would need a download): only core SQL and the Parquet writer.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

export interface ColumnStats {
  min: string | null;
  max: string | null;
  nulls: number;
}

export interface FileStats {
  rows: number;
  size: number;
  /** per column name; min/max as DuckDB prints them (timestamps as ISO-8601 UTC with ms) */
  columns: Record<string, ColumnStats & { type: string }>;
}

export class Duck {
  private constructor(private readonly inst: DuckDBInstance, private readonly conn: DuckDBConnection, private readonly tmp: string) {}

  static async open(): Promise<Duck> {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lakelens-demo-duck-'));
    const inst = await DuckDBInstance.create(':memory:', {
      threads: '2',
      memory_limit: '1GB',
      temp_directory: tmp,
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
    });
    return new Duck(inst, await inst.connect(), tmp);
  }

  async run(sql: string): Promise<void> {
    await this.conn.run(sql);
  }

  async rows(sql: string): Promise<Record<string, unknown>[]> {
    const r = await this.conn.runAndReadAll(sql);
    return r.getRowObjectsJson() as Record<string, unknown>[];
  }

  /**
   * COPY (select) TO file as Parquet (snappy), optionally with Parquet field ids (Iceberg), and
   * returns the file's row count, size and per-column stats.
   */
  async writeParquet(select: string, file: string, fieldIds?: Record<string, number>): Promise<FileStats> {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const ids = fieldIds ? `, FIELD_IDS {${Object.entries(fieldIds).map(([k, v]) => `${quoteIdent(k)}: ${v}`).join(', ')}}` : '';
    await this.run(`COPY (${select}) TO ${quote(file)} (FORMAT parquet, COMPRESSION snappy${ids})`);
    return this.stats(file);
  }

  async stats(file: string): Promise<FileStats> {
    const cols = await this.rows(`DESCRIBE SELECT * FROM read_parquet(${quote(file)})`);
    const parts = [`count(*)::BIGINT AS "__rows"`];
    for (const c of cols) {
      const name = String(c.column_name);
      const type = String(c.column_type);
      const q = quoteIdent(name);
      const fmt = (e: string) => (/TIMESTAMP/.test(type) ? `strftime(${e}, '%Y-%m-%dT%H:%M:%S.%gZ')` : `${e}::VARCHAR`);
      parts.push(`${fmt(`min(${q})`)} AS ${quoteIdent(`min:${name}`)}`, `${fmt(`max(${q})`)} AS ${quoteIdent(`max:${name}`)}`, `(count(*) - count(${q}))::BIGINT AS ${quoteIdent(`nulls:${name}`)}`);
    }
    const [r] = await this.rows(`SELECT ${parts.join(', ')} FROM read_parquet(${quote(file)})`);
    const columns: FileStats['columns'] = {};
    for (const c of cols) {
      const name = String(c.column_name);
      columns[name] = {
        type: String(c.column_type),
        min: (r![`min:${name}`] as string | null) ?? null,
        max: (r![`max:${name}`] as string | null) ?? null,
        nulls: Number(r![`nulls:${name}`]),
      };
    }
    return { rows: Number(r!.__rows), size: fs.statSync(file).size, columns };
  }

  close(): void {
    this.conn.closeSync();
    this.inst.closeSync();
    fs.rmSync(this.tmp, { recursive: true, force: true });
  }
}

export function quote(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

export function quoteIdent(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}
