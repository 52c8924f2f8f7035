/**
 * A seeded mutation fuzzer over real tables: each case copies a corpus table into memory (sharing
 * unchanged bytes), damages one or two of its metadata files — Delta commits and checkpoints,
 * `_last_checkpoint`, Iceberg metadata JSON, Avro manifest lists and manifests, Hudi instants,
 * deletion vectors — and runs every reader entry point on the result: snapshot, history, changes,
 * schema history, scan planning (deletion vectors, no DuckDB), JSON output and the CLI's text.
 *
 * The rule it enforces: reading a table, however damaged, either succeeds or throws a LakeError.
 * Anything else (TypeError, RangeError, a SyntaxError that escaped its wrapper, a hang, running out
 * of memory) is a failure. Every case is reproducible from (seed, index).
 */
import { formatHistory, formatSchema, formatSnapshot } from '../../src/cli/format';
import { readAvroFile } from '../../src/core/avro/container';
import type { DeltaSnapshot } from '../../src/core/delta/snapshot';
import { LakeError } from '../../src/core/errors';
import type { IcebergSnapshot } from '../../src/core/iceberg/snapshot';
import { stringifyJson } from '../../src/core/json';
import { MemStorage } from '../../src/core/storage/memory';
import { resolveInRoot } from '../../src/core/storage/storage';
import { analyzeHealth } from '../../src/core/health';
import { describeParquet } from '../../src/core/parquetInspect';
import { summarizePartitions } from '../../src/core/partitions';
import { columnLineage, diffSchemas } from '../../src/core/schemaDiff';
import { openTable } from '../../src/core/table';
import { deltaScanPlan } from '../../src/query/deltaScan';
import { icebergScanPlan } from '../../src/query/icebergScan';
import { corpusPath, memCopy } from './corpus';

/** Tables the fuzzer damages: small, and between them every metadata file kind the readers parse. */
export const FUZZ_TABLES = [
  'open/delta-rs/simple_table_with_checkpoint', // classic checkpoint, _last_checkpoint
  'open/delta-kernel-rs-golden/dv-partitioned-with-checkpoint/delta', // DV files, partitions
  'open/delta-kernel-rs/with-short-dv', // inline DVs
  'open/dat/column_mapping/delta', // column mapping, schema changes
  'open/delta-kernel-rs/v2-checkpoints-json-with-sidecars', // v2 JSON checkpoint + sidecars
  'open/delta-kernel-rs/v2-checkpoints-parquet-with-sidecars', // v2 Parquet checkpoint + sidecars
  'open/impala/iceberg_v2_positional_not_all_data_files_have_delete_files', // v2, position deletes
  'open/impala/iceberg_v3_deletion_vectors', // v3, Puffin DVs, row lineage
  'open/duckdb-iceberg/lineitem_iceberg_gz', // v1, gzipped metadata
  'open/duckdb-iceberg/legacy_v1', // v1, partitioned
  'open/hudi-rs/v6_cow_trips_partitioned', // 0.x timeline, JSON instants
  'open/hudi-rs/v9_mor_txns_nonpart_nometa', // 1.x timeline, Avro instants, MOR
] as const;

/** Files of a table worth damaging (metadata; data files only matter by name and size). */
export function isTarget(path: string): boolean {
  if (/(^|\/)\.[^/]*\.crc$/.test(path)) return false;
  if (path.startsWith('_delta_log/')) return true;
  if (path.startsWith('metadata/')) return true;
  if (path.startsWith('.hoodie/') && !path.startsWith('.hoodie/metadata/')) return true;
  return /deletion_vector_.*\.bin$|\.puffin$/.test(path);
}

// --- randomness ------------------------------------------------------------------------------------

/** xorshift128+ seeded through splitmix64: fast, and the same stream for the same seed everywhere. */
export class Rng {
  private a: bigint;
  private b: bigint;
  constructor(seed: number) {
    let x = BigInt.asUintN(64, BigInt(seed) * 0x9e3779b97f4a7c15n);
    const next = () => {
      x = BigInt.asUintN(64, x + 0x9e3779b97f4a7c15n);
      let z = x;
      z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
      z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
      return z ^ (z >> 31n);
    };
    this.a = next();
    this.b = next();
  }
  /** Uniform in [0, 1). */
  next(): number {
    let s1 = this.a;
    const s0 = this.b;
    this.a = s0;
    s1 = BigInt.asUintN(64, s1 ^ (s1 << 23n));
    this.b = s1 ^ s0 ^ (s1 >> 17n) ^ (s0 >> 26n);
    return Number(BigInt.asUintN(64, this.b + s0) >> 11n) / 2 ** 53;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
}

// --- mutations -------------------------------------------------------------------------------------

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Numbers and strings that have broken parsers before. */
const HUGE = ['18446744073709551616', '-9223372036854775809', '9223372036854775807', '9007199254740993', '1e308', '1e999', '-1e999', '-0', '0.1e-400', '123456789012345678901234567890', '-1', '4294967296', '2147483648'];
const TOKENS = ['NaN', 'Infinity', 'null', 'true', '[]', '{}', '""', '"\\u0000"', '"\\ud800"', `${'['.repeat(600)}${']'.repeat(600)}`, '"../../../../etc/passwd"', '"/etc/passwd"', '"file:///etc/passwd"', '"<script>alert(1)</script>"', '"\\u001b[31m"'];
/** Avro zigzag varints: -1, 2^31, 2^62, a 10-byte max, an overlong one. */
const VARINTS = [[0x01], [0x80, 0x80, 0x80, 0x80, 0x10], [0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]];

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

type Mutation = (b: Uint8Array, rng: Rng) => [Uint8Array, string];

const BYTE_MUTATIONS: Mutation[] = [
  (b, rng) => {
    const out = new Uint8Array(b);
    const n = 1 + rng.int(8);
    for (let i = 0; i < n && out.length; i++) out[rng.int(out.length)] ^= 1 << rng.int(8);
    return [out, `flip ${n} bit(s)`];
  },
  (b, rng) => {
    const out = new Uint8Array(b);
    const at = rng.int(out.length + 1);
    const n = 1 + rng.int(4);
    for (let i = 0; i < n && at + i < out.length; i++) out[at + i] = rng.pick([0, 0xff, 0x7f, 0x80, rng.int(256)]);
    return [out, `set ${n} byte(s) at ${at}`];
  },
  (b, rng) => {
    const at = rng.int(b.length + 1);
    return [b.subarray(0, at), `truncate to ${at}`];
  },
  (b, rng) => {
    const at = rng.int(b.length + 1);
    const ins = Uint8Array.from({ length: 1 + rng.int(16) }, () => rng.int(256));
    return [concat(b.subarray(0, at), ins, b.subarray(at)), `insert ${ins.length} random byte(s) at ${at}`];
  },
  (b, rng) => {
    const at = rng.int(b.length + 1);
    const len = rng.int(Math.min(64, b.length - at) + 1);
    return [concat(b.subarray(0, at), b.subarray(at + len)), `delete ${len} byte(s) at ${at}`];
  },
  (b, rng) => {
    const from = rng.int(b.length + 1);
    const len = rng.int(Math.min(256, b.length - from) + 1);
    const at = rng.int(b.length + 1);
    return [concat(b.subarray(0, at), b.subarray(from, from + len), b.subarray(at)), `duplicate ${len} byte(s) from ${from} at ${at}`];
  },
  (b, rng) => {
    const v = Uint8Array.from(rng.pick(VARINTS));
    const at = rng.int(b.length + 1);
    const keep = rng.int(2) === 0;
    return [concat(b.subarray(0, at), v, b.subarray(keep ? at : Math.min(b.length, at + 1))), `${keep ? 'insert' : 'replace a byte with'} varint ${Array.from(v, (x) => x.toString(16)).join(' ')} at ${at}`];
  },
];

const TEXT_MUTATIONS: ((t: string, rng: Rng) => [string, string])[] = [
  (t, rng) => {
    const lines = t.split('\n');
    const i = rng.int(lines.length);
    lines.splice(i, 1);
    return [lines.join('\n'), `delete line ${i + 1}`];
  },
  (t, rng) => {
    const lines = t.split('\n');
    const i = rng.int(lines.length);
    lines.splice(rng.int(lines.length + 1), 0, lines[i]!);
    return [lines.join('\n'), `duplicate line ${i + 1}`];
  },
  (t, rng) => {
    const lines = t.split('\n');
    const [i, j] = [rng.int(lines.length), rng.int(lines.length)];
    [lines[i], lines[j]] = [lines[j]!, lines[i]!];
    return [lines.join('\n'), `swap lines ${i + 1} and ${j + 1}`];
  },
  (t, rng) => {
    const nums = [...t.matchAll(/-?\d+(\.\d+)?([eE][+-]?\d+)?/g)];
    if (nums.length === 0) return [t, 'no number to replace'];
    const m = rng.pick(nums);
    const huge = rng.pick(HUGE);
    return [t.slice(0, m.index) + huge + t.slice(m.index! + m[0].length), `number ${m[0]} → ${huge}`];
  },
  (t, rng) => {
    const vals = [...t.matchAll(/:\s*("(?:[^"\\]|\\.)*"|-?\d[\d.eE+-]*|true|false|null|\[\]|\{\})/g)];
    if (vals.length === 0) return [t, 'no value to replace'];
    const m = rng.pick(vals);
    const tok = rng.pick(TOKENS);
    const at = m.index! + m[0].length - m[1]!.length;
    return [t.slice(0, at) + tok + t.slice(at + m[1]!.length), `value ${m[1]!.slice(0, 40)} → ${tok.slice(0, 40)}`];
  },
  (t, rng) => {
    const keys = [...t.matchAll(/"([A-Za-z_-]+)"\s*:/g)];
    if (keys.length === 0) return [t, 'no key to rename'];
    const m = rng.pick(keys);
    return [t.slice(0, m.index) + `"${m[1]}_x":` + t.slice(m.index! + m[0].length), `rename key ${m[1]}`];
  },
];

export interface FuzzCase {
  index: number;
  table: string;
  /** What was done, for the failure report. */
  steps: string[];
  storage: MemStorage;
}

const bases = new Map<string, MemStorage>();

function base(table: string): MemStorage {
  let m = bases.get(table);
  if (!m) {
    m = memCopy(corpusPath(table));
    bases.set(table, m);
  }
  return m;
}

/** MemStorage with local paths, so scan planning (which names files for DuckDB) runs too. */
class FuzzStorage extends MemStorage {
  localPath(p: string): string {
    const rel = resolveInRoot(p);
    return rel === '' ? this.root : `${this.root}/${rel}`;
  }
}

/** A copy sharing the base's bytes; mutations replace whole entries. */
function clone(m: MemStorage): MemStorage {
  const c = new FuzzStorage(m.root);
  for (const [k, v] of m.files) c.files.set(k, v);
  return c;
}

function looksText(p: string, b: Uint8Array): boolean {
  if (/\.(parquet|avro|bin|puffin|gz)$/.test(p)) return false;
  return b.length > 0 && b[0] !== 0x1f && b[0] !== 0x4f; // not gzip, not Avro "Obj"
}

/** Builds case `index` of a run seeded with `seed`. */
export function makeCase(seed: number, index: number): FuzzCase {
  const rng = new Rng(seed * 1_000_003 + index);
  const table = rng.pick(FUZZ_TABLES);
  const storage = clone(base(table));
  const steps: string[] = [];
  const rounds = 1 + (rng.next() < 0.3 ? 1 : 0);
  for (let r = 0; r < rounds; r++) {
    const targets = [...storage.files.keys()].filter(isTarget).sort();
    const p = rng.pick(targets);
    const f = storage.files.get(p)!;
    const roll = rng.next();
    if (roll < 0.04) {
      storage.files.delete(p);
      steps.push(`delete ${p}`);
    } else if (roll < 0.1) {
      const q = rng.pick(targets);
      const g = storage.files.get(q)!;
      storage.files.set(p, { bytes: g.bytes, mtime: f.mtime });
      storage.files.set(q, { bytes: f.bytes, mtime: g.mtime });
      steps.push(`swap ${p} and ${q}`);
    } else if (looksText(p, f.bytes) && roll < 0.6) {
      const [t, what] = rng.pick(TEXT_MUTATIONS)(dec.decode(f.bytes), rng);
      storage.files.set(p, { bytes: enc.encode(t), mtime: f.mtime });
      steps.push(`${p}: ${what}`);
    } else {
      const [b, what] = rng.pick(BYTE_MUTATIONS)(f.bytes, rng);
      storage.files.set(p, { bytes: b, mtime: f.mtime });
      steps.push(`${p}: ${what}`);
    }
  }
  return { index, table, steps, storage };
}

export interface CaseResult {
  /** The first exception that was not a LakeError, if any. */
  failure?: unknown;
  /** Per entry point: 'ok' or the LakeError kind it threw ('open' failing skips the rest). */
  outcomes: string[];
}

/** Runs every reader entry point over a case. */
export async function runCase(c: FuzzCase): Promise<CaseResult> {
  const outcomes: string[] = [];
  const failure = await runSteps(c, outcomes);
  return failure === undefined ? { outcomes } : { failure, outcomes };
}

async function runSteps(c: FuzzCase, outcomes: string[]): Promise<unknown> {
  const step = async (f: () => unknown, name?: string): Promise<unknown> => {
    try {
      await f();
      if (name) outcomes.push(`${name}:ok`);
      return undefined;
    } catch (err) {
      if (name) outcomes.push(`${name}:${err instanceof LakeError ? err.kind : 'FAILED'}`);
      return err instanceof LakeError ? undefined : err;
    }
  };
  const m = c.storage;
  // damaged Avro files are also decoded on their own, whatever the table makes of them
  const orig = base(c.table);
  for (const [p, f] of m.files) {
    if (!p.endsWith('.avro') || orig.files.get(p)?.bytes === f.bytes) continue;
    const bad = await step(() => readAvroFile(f.bytes, p, { maxTotalBytes: 1 << 26 }));
    if (bad) return bad;
  }
  let table;
  try {
    table = await openTable(m);
  } catch (err) {
    outcomes.push(`open:${err instanceof LakeError ? err.kind : 'FAILED'}`);
    return err instanceof LakeError ? undefined : err;
  }
  let snap: Awaited<ReturnType<typeof table.snapshot>> | undefined;
  const failures = [
    await step(async () => {
      snap = await table.snapshot();
      formatSnapshot(snap, true);
      formatSchema(snap.schema.fields);
      stringifyJson(snap);
    }, 'snapshot'),
    await step(async () => {
      const h = await table.history({ limit: 20 });
      formatHistory(h);
      stringifyJson(h);
      const v = h.versions[0]?.version;
      if (v !== undefined && table.changes) stringifyJson(await table.changes(v));
      const oldest = h.versions.at(-1)?.version;
      if (oldest !== undefined) stringifyJson(await table.snapshot(table.format === 'delta' ? { version: Number(oldest) } : table.format === 'iceberg' ? { snapshotId: String(oldest) } : {}));
    }, 'history'),
    await step(async () => {
      const hist = (await table.schemaHistory?.()) ?? [];
      stringifyJson(hist);
      // the schema diff and lineage views run over consecutive schemas
      for (let i = 1; i < hist.length; i++) stringifyJson(diffSchemas(hist[i - 1]!, hist[i]!));
      const first = hist[0]?.schema.fields[0];
      if (first) columnLineage(hist, [first.name]);
    }, 'schemaHistory'),
    await step(async () => {
      if (!snap) return;
      // what the tree and the health view compute from a snapshot
      summarizePartitions(snap);
      await analyzeHealth({ snapshot: snap, smallFileThreshold: 32 << 20, now: Date.now(), costPerGbMonth: 0.023, tablePath: '/t', engine: null });
    }, snap ? 'views' : undefined),
    await step(async () => {
      // the footer inspector, on whichever Parquet metadata file the case damaged
      for (const [p, f] of m.files) if (p.endsWith('.parquet') && orig.files.get(p)?.bytes !== f.bytes) await describeParquet(m, p);
    }),
    await step(async () => {
      if (!snap) return;
      if (snap.format === 'delta') await deltaScanPlan(snap as DeltaSnapshot, m);
      // position delete files would need DuckDB: answer as if they held nothing
      if (snap.format === 'iceberg') await icebergScanPlan(snap as IcebergSnapshot, { storage: m, query: async () => [] });
    }, snap && snap.format !== 'hudi' ? 'scan' : undefined),
  ];
  return failures.find((f) => f !== undefined);
}
