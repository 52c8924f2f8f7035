/**
 * Names of the files in `_delta_log/` (PROTOCOL.md "Delta Log Entries", "Checkpoints",
 * "Log Compaction Files", "Version Checksum File"). Every spec case is a union member; files we do
 * not recognise (`.s3-optimization-0`, temp files) are `unknown` and ignored.
 */

export const LOG_DIR = '_delta_log';

export type LogFile =
  | { kind: 'commit'; version: number; name: string }
  | { kind: 'checkpoint'; version: number; name: string; variant: 'classic' }
  | { kind: 'checkpoint'; version: number; name: string; variant: 'multipart'; part: number; parts: number }
  | { kind: 'checkpoint'; version: number; name: string; variant: 'v2'; uuid: string; ext: 'json' | 'parquet' }
  | { kind: 'compaction'; version: number; start: number; name: string }
  | { kind: 'crc'; version: number; name: string }
  | { kind: 'lastCheckpoint'; name: string }
  | { kind: 'unknown'; name: string };

export type CheckpointFile = Extract<LogFile, { kind: 'checkpoint' }>;

const V = '(\\d{20})';
const COMMIT = new RegExp(`^${V}\\.json$`);
const CLASSIC = new RegExp(`^${V}\\.checkpoint\\.parquet$`);
const MULTIPART = new RegExp(`^${V}\\.checkpoint\\.(\\d{10})\\.(\\d{10})\\.parquet$`);
const UUID_CP = new RegExp(`^${V}\\.checkpoint\\.([0-9a-fA-F-]{36})\\.(json|parquet)$`);
const COMPACTION = new RegExp(`^${V}\\.${V}\\.compacted\\.json$`);
const CRC = new RegExp(`^${V}\\.crc$`);
const STAGED = new RegExp(`^${V}\\.([0-9a-fA-F-]{36})\\.json$`);

/** Versions are 20-digit numbers; above 2^53 they cannot be exact in JS and we refuse them. */
function version(digits: string): number | undefined {
  const n = Number(digits);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Classifies one file name from `_delta_log/`. */
export function parseLogFileName(name: string): LogFile {
  let m: RegExpExecArray | null;
  if ((m = COMMIT.exec(name))) {
    const v = version(m[1]!);
    if (v !== undefined) return { kind: 'commit', version: v, name };
  } else if ((m = CLASSIC.exec(name))) {
    const v = version(m[1]!);
    if (v !== undefined) return { kind: 'checkpoint', version: v, name, variant: 'classic' };
  } else if ((m = MULTIPART.exec(name))) {
    const v = version(m[1]!);
    const part = Number(m[2]);
    const parts = Number(m[3]);
    if (v !== undefined && part >= 1 && part <= parts) return { kind: 'checkpoint', version: v, name, variant: 'multipart', part, parts };
  } else if ((m = UUID_CP.exec(name))) {
    const v = version(m[1]!);
    if (v !== undefined) return { kind: 'checkpoint', version: v, name, variant: 'v2', uuid: m[2]!, ext: m[3] as 'json' | 'parquet' };
  } else if ((m = COMPACTION.exec(name))) {
    const start = version(m[1]!);
    const end = version(m[2]!);
    if (start !== undefined && end !== undefined && end > start) return { kind: 'compaction', start, version: end, name };
  } else if ((m = CRC.exec(name))) {
    const v = version(m[1]!);
    if (v !== undefined) return { kind: 'crc', version: v, name };
  } else if (name === '_last_checkpoint') {
    return { kind: 'lastCheckpoint', name };
  }
  return { kind: 'unknown', name };
}

/** A staged commit of a catalog-managed table: `_delta_log/_staged_commits/<version>.<uuid>.json`. */
export function parseStagedCommitName(name: string): { version: number; uuid: string } | undefined {
  const m = STAGED.exec(name);
  if (!m) return undefined;
  const v = version(m[1]!);
  return v === undefined ? undefined : { version: v, uuid: m[2]! };
}

/** `_delta_log/00000000000000000012.json` */
export function commitPath(v: number): string {
  return `${LOG_DIR}/${String(v).padStart(20, '0')}.json`;
}
