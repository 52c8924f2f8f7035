/**
 * Data file names (Hudi tech spec, "File Layout"):
 * - base files `<fileId>_<writeToken>_<instantTime>.<ext>`, the instant being the write that
 *   produced them (for compaction and clustering, their requested time);
 * - log files `.<fileId>_<instant>.log.<version>_<writeToken>[.cdc]`, where the instant is the base
 *   instant of their file slice in the 0.x layout and the requested time of the deltacommit that
 *   wrote them in 1.x (table version 8+).
 * Anything else in a partition folder (`.hoodie_partition_metadata`, `.crc` files, markers) is not
 * a data file.
 */

export interface BaseFileName {
  kind: 'base';
  name: string;
  fileId: string;
  writeToken: string;
  instant: string;
  /** Lower-case extension: parquet, orc, hfile, … */
  ext: string;
}

export interface LogFileName {
  kind: 'log';
  name: string;
  fileId: string;
  instant: string;
  version: number;
  writeToken: string | null;
  /** Change-data-capture logs, not part of the table's rows. */
  cdc: boolean;
}

const BASE = /^([^_.][^_]*)_([^_]+)_(\d{8,17})\.([A-Za-z0-9]+)$/;
const LOG = /^\.([^_]+)_(\d{8,17})\.log\.(\d+)(?:_([^.]+))?(\.cdc)?$/;

export function parseDataFileName(name: string): BaseFileName | LogFileName | undefined {
  let m = BASE.exec(name);
  if (m) return { kind: 'base', name, fileId: m[1]!, writeToken: m[2]!, instant: m[3]!, ext: m[4]!.toLowerCase() };
  m = LOG.exec(name);
  if (m) return { kind: 'log', name, fileId: m[1]!, instant: m[2]!, version: Number(m[3]), writeToken: m[4] ?? null, cdc: m[5] !== undefined };
  return undefined;
}

/** Orders log files of one slice as Hudi does: by instant, then log version, then write token. */
export function compareLogFiles(a: LogFileName, b: LogFileName): number {
  if (a.instant !== b.instant) return a.instant < b.instant ? -1 : 1;
  if (a.version !== b.version) return a.version - b.version;
  const ta = a.writeToken ?? '';
  const tb = b.writeToken ?? '';
  return ta < tb ? -1 : ta > tb ? 1 : 0;
}
