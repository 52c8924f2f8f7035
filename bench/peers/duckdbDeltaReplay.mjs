// The DuckDB peer: a Delta log replay in SQL over the same files Lakelens reads, as one whole
// process (`node bench/peers/duckdbDeltaReplay.mjs <table> [version]`). It does what a reader
// must: list _delta_log, pick the newest checkpoint at or before the version (classic, or v2 with
// its sidecars) and the commits after it, then replay as delta-kernel does: over the commits keep
// per file (path + deletion vector id) the action of the highest version (arg_max by path); a
// checkpoint file stays live unless a commit after the checkpoint touched its key. (Grouping the
// checkpoint's million rows with arg_max too is correct but 3-4× slower in DuckDB, which would
// flatter Lakelens.) The latest protocol and metaData come from the same commit scan, as two more
// keys, or else from the checkpoint. Columns read are those a snapshot keeps (path, partition
// values, size, modification time, stats, deletion vector), and the result is materialised in a
// temp table so that no column is optimised away. Prints {"files", "bytes", "version"}.
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

const [table, asked] = process.argv.slice(2);
const log = path.join(table, '_delta_log');
const names = fs.readdirSync(log);
const commits = new Map();
const checkpoints = new Map(); // version -> file names
for (const n of names) {
  let m = /^(\d{20})\.json$/.exec(n);
  if (m) commits.set(Number(m[1]), n);
  m = /^(\d{20})\.checkpoint(\.[0-9a-f-]{36})?\.(parquet)$/.exec(n);
  if (m) checkpoints.set(Number(m[1]), [...(checkpoints.get(Number(m[1])) ?? []), n]);
}
const latest = Math.max(...commits.keys(), ...checkpoints.keys());
const version = asked === undefined ? latest : Number(asked);
const cpVersion = Math.max(-1, ...[...checkpoints.keys()].filter((v) => v <= version));
const commitFiles = [...commits].filter(([v]) => v > cpVersion && v <= version).sort((a, b) => a[0] - b[0]).map(([, n]) => path.join(log, n));

const sql = (s) => `'${s.replace(/'/g, "''")}'`;
const list = (files) => `[${files.map(sql).join(', ')}]`;
const inst = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
const conn = await inst.connect();

const DV = 'STRUCT(storageType VARCHAR, pathOrInlineDv VARCHAR, "offset" INTEGER, sizeInBytes INTEGER, cardinality BIGINT)';
const ADD = `STRUCT(path VARCHAR, partitionValues MAP(VARCHAR, VARCHAR), size BIGINT, modificationTime BIGINT, dataChange BOOLEAN, stats VARCHAR, deletionVector ${DV})`;
const REMOVE = `STRUCT(path VARCHAR, deletionVector ${DV})`;
/** The Delta key of a file: path plus the deletion vector's unique id. */
const dvId = (dv) => `coalesce(${dv}.storageType || ${dv}.pathOrInlineDv || coalesce('@' || ${dv}."offset", ''), '')`;
const keep = (a) => `${a}.partitionValues AS partitionValues, ${a}.size AS size, ${a}.modificationTime AS modificationTime, ${a}.stats AS stats, ${a}.deletionVector AS deletionVector`;

// commits after the checkpoint: the newest action per key (files, plus metaData and protocol)
await conn.run(`CREATE TEMP TABLE commit_state (key VARCHAR, dv_id VARCHAR, a STRUCT(isAdd BOOLEAN, add ${ADD}, meta VARCHAR))`);
if (commitFiles.length > 0) {
  const cols = `{add: '${ADD}', remove: '${REMOVE}', metaData: 'JSON', protocol: 'JSON'}`;
  await conn.run(`INSERT INTO commit_state
    SELECT CASE WHEN add IS NOT NULL THEN add.path WHEN remove IS NOT NULL THEN remove.path
                WHEN metaData IS NOT NULL THEN chr(0) || 'metaData' ELSE chr(0) || 'protocol' END AS key,
           CASE WHEN add IS NOT NULL THEN ${dvId('add.deletionVector')} ELSE ${dvId('remove.deletionVector')} END AS dv_id,
           arg_max({isAdd: add IS NOT NULL, add: add, meta: CAST(coalesce(metaData, protocol) AS VARCHAR)},
                   CAST(regexp_extract(filename, '(\\d+)\\.json$', 1) AS BIGINT)) AS a
    FROM read_json(${list(commitFiles)}, format = 'newline_delimited', columns = ${cols}, filename = true)
    WHERE add IS NOT NULL OR remove IS NOT NULL OR metaData IS NOT NULL OR protocol IS NOT NULL
    GROUP BY ALL`);
}
const live = [`SELECT key AS path, ${keep('a.add')} FROM commit_state WHERE a.isAdd`];
let metaFromCheckpoint = 0;
if (cpVersion >= 0) {
  const cps = checkpoints.get(cpVersion).map((n) => path.join(log, n));
  let files = cps;
  if (cps.length === 1 && /\.checkpoint\.[0-9a-f-]{36}\.parquet$/.test(cps[0])) {
    const sc = await conn.runAndReadAll(`SELECT sidecar.path AS p FROM read_parquet(${sql(cps[0])}) WHERE sidecar IS NOT NULL`);
    files = [...cps, ...sc.getRowObjectsJson().map((r) => path.join(log, '_sidecars', path.basename(String(r.p))))];
  }
  live.push(`SELECT add.path AS path, ${keep('add')} FROM read_parquet(${list(files)}, union_by_name = true)
    WHERE add IS NOT NULL AND (add.path, ${dvId('add.deletionVector')}) NOT IN (SELECT (key, dv_id) FROM commit_state)`);
  const m = await conn.runAndReadAll(`SELECT count(*) AS n FROM read_parquet(${sql(cps[0])}) WHERE metaData IS NOT NULL`);
  metaFromCheckpoint = Number(m.getRowObjectsJson()[0].n);
}
await conn.run(`CREATE TEMP TABLE live AS ${live.join('\nUNION ALL\n')}`);
const r = (await conn.runAndReadAll(`SELECT count(*) AS files, sum(size) AS bytes, (SELECT count(*) FROM commit_state WHERE key = chr(0) || 'metaData') AS meta FROM live`)).getRowObjectsJson()[0];
if (Number(r.meta) + metaFromCheckpoint === 0) throw new Error('duckdb replay: no metaData found');
process.stdout.write(JSON.stringify({ files: Number(r.files), bytes: Number(r.bytes), version }) + '\n');
