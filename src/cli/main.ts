/**
 * `lakelens`: the extension's logic on the command line. Every subcommand takes `--json` and then
 * prints exactly one JSON document on stdout. Errors: exit code 1 and one line on stderr.
 *
 * int64 in JSON: numbers while exact (|n| ≤ 2^53−1), decimal strings beyond; ids that are 64-bit
 * by nature (Iceberg snapshot ids) are always strings.
 */
import { detectTables } from '../core/detect';
import { isLakeError } from '../core/errors';
import { stringifyJson } from '../core/json';
import type { TableFormat, VersionSelector } from '../core/model';
import { openTable } from '../core/table';
import { closeReaders, readerOptions } from './bigCheckpoints';
import { UsageError, parseArgs } from './args';
import { formatHistory, formatSchema, formatSnapshot, table, terminalText, visible } from './format';
import { writeSnapshotJson } from './json';
import { ROWS_COMMANDS, runRowsCommand } from './rowsCommands';
import { STORAGE_BOOLEANS, STORAGE_VALUED, openStorage, resolveTarget, usedRemote } from './storageArgs';
import { CATALOG_COMMANDS, runCatalogCommand } from './catalogCommands';

const USAGE = `Usage: lakelens <command> [options]

Commands:
  detect <dir|uri>             list Delta, Iceberg and Hudi tables under a folder or prefix
  history <table>              versions / snapshots, newest first   [--limit N] [--before V]
  snapshot <table>             files and metadata at a version      [--files] [--stats]
  schema <table>               the schema at a version
  rows <table>                 rows at a version                    [--limit N] [--offset K]
  sql <table> "<query>"        read-only SQL; the version is the view t  [--limit N]
  export <table> --out FILE    rows to FILE.parquet, .csv or .jsonl
  catalogs                     the configured catalogs
  ls <catalog>[:<namespace>]   namespaces and tables of a catalog

Version selection (snapshot, schema, rows, sql, export):
  --version N | --timestamp ISO-8601 | --snapshot-id ID | --ref NAME

Tables are folders or object-store URIs: s3://bucket/path (s3a:// too), gs://bucket/path,
abfss://container@account.dfs.core.windows.net/path, az://container/path,
https://account.blob.core.windows.net/container/path. Credentials come from each platform's
standard chain (AWS profiles and environment, Azure connection string / key / SAS /
DefaultAzureCredential, Google Application Default Credentials, STORAGE_EMULATOR_HOST).

A <table> may also be a catalog table: <catalog>:<namespace>.<table> (nested namespaces:
<catalog>:<ns1>.<ns2>.<table>), from --catalogs FILE (JSON or YAML), LAKELENS_CATALOGS,
~/.pyiceberg.yaml or ~/.databrickscfg.

Options:
  --catalogs F   catalog definitions (JSON or YAML)
  --profile P    S3: the AWS profile (else AWS_PROFILE)
  --region R     S3: the region (else AWS_REGION, the profile, or the bucket's own)
  --endpoint URL the object store's endpoint (MinIO, R2, Azurite, an emulator…)
  --azure-account A   Azure: the storage account for az:// URIs
  --anonymous    unsigned requests, for public buckets
  --json         print one JSON document (int64 beyond 2^53 as strings)
  --format F     delta | iceberg | hudi, for folders holding more than one (UniForm)
  --depth N      detect: how deep to look (default 10)
  -h, --help     this help
`;

const VALUED = new Set(['limit', 'before', 'version', 'timestamp', 'snapshot-id', 'ref', 'format', 'depth', 'offset', 'out', ...STORAGE_VALUED]);
const BOOLEANS = new Set(['json', 'help', 'files', 'stats', ...STORAGE_BOOLEANS]);

async function main(argv: string[]): Promise<number> {
  const { positionals, flags } = parseArgs(argv, VALUED, BOOLEANS);
  const [cmd, target, ...rest] = positionals;
  if (flags.has('help') || !cmd) {
    process.stdout.write(USAGE);
    return cmd || flags.has('help') ? 0 : 1;
  }
  if (CATALOG_COMMANDS.has(cmd)) return runCatalogCommand(cmd, positionals.slice(1), flags);
  if (ROWS_COMMANDS.has(cmd)) {
    const out = flags.get('out');
    return runRowsCommand(cmd, positionals.slice(1), {
      selector: selector(flags),
      format: formatFlag(flags),
      limit: intFlag(flags, 'limit'),
      offset: intFlag(flags, 'offset'),
      out: typeof out === 'string' ? out : undefined,
      json: flags.has('json'),
      flags,
    });
  }
  if (rest.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])}`);
  const json = flags.has('json');
  const out = (value: unknown, text: () => string) => process.stdout.write((json ? stringifyJson(value, 2) : terminalText(text())) + '\n');
  if (!target) throw new UsageError(`${cmd} needs a path`);

  switch (cmd) {
    case 'detect': {
      const depth = intFlag(flags, 'depth');
      const tables = await detectTables(await openStorage(target, flags), depth === undefined ? {} : { maxDepth: depth });
      const result = tables.map((t) => ({ path: t.path === '' ? '.' : t.path, format: t.format }));
      out(result, () => (result.length ? table(['FORMAT', 'PATH'], result.map((t) => [t.format, t.path])) : 'no tables found'));
      return 0;
    }
    case 'history': {
      const { storage, format, options } = await resolveTarget(target, flags);
      const t = await openTable(storage, formatFlag(flags) ?? format, { ...readerOptions(storage), ...options });
      const before = flags.get('before');
      const page = await t.history({ limit: intFlag(flags, 'limit') ?? 100, ...(typeof before === 'string' ? { before: t.format === 'delta' ? Number(before) : before } : {}) });
      out(json ? page.versions : page, () => formatHistory(page));
      return 0;
    }
    case 'snapshot': {
      const sel = selector(flags);
      const { storage, format, options } = await resolveTarget(target, flags);
      const t = await openTable(storage, formatFlag(flags) ?? format, { ...readerOptions(storage), ...options });
      const snap = await t.snapshot(sel);
      if (json) writeSnapshotJson((c) => process.stdout.write(c), snap, flags.has('stats'));
      else process.stdout.write(terminalText(formatSnapshot(snap, flags.has('files'))) + '\n');
      return 0;
    }
    case 'schema': {
      const sel = selector(flags);
      const { storage, format, options } = await resolveTarget(target, flags);
      const t = await openTable(storage, formatFlag(flags) ?? format, { ...readerOptions(storage), ...options });
      const snap = await t.snapshot(sel);
      out(snap.schema, () => formatSchema(snap.schema.fields));
      return 0;
    }
    default:
      throw new UsageError(`unknown command ${JSON.stringify(cmd)}`);
  }
}

function intFlag(flags: Map<string, string | true>, name: string): number | undefined {
  const v = flags.get(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isSafeInteger(n) || n < 0) throw new UsageError(`--${name} needs a non-negative integer, got ${String(v)}`);
  return n;
}

function formatFlag(flags: Map<string, string | true>): TableFormat | undefined {
  const f = flags.get('format');
  if (f === undefined) return undefined;
  if (f !== 'delta' && f !== 'iceberg' && f !== 'hudi') throw new UsageError(`--format must be delta, iceberg or hudi`);
  return f;
}

/** Parses an ISO-8601 time (date-only means midnight UTC) or epoch milliseconds. */
export function parseTimestamp(s: string): number {
  if (/^\d{10,}$/.test(s)) return Number(s);
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : s);
  if (Number.isNaN(ms)) throw new UsageError(`--timestamp needs an ISO-8601 time such as 2024-05-01T12:00:00Z, got ${JSON.stringify(s)}`);
  return ms;
}

function selector(flags: Map<string, string | true>): VersionSelector {
  const sel: VersionSelector = {};
  const chosen = ['version', 'timestamp', 'snapshot-id', 'ref'].filter((k) => flags.has(k));
  if (chosen.length > 1) throw new UsageError(`choose one of --${chosen.join(', --')}`);
  const v = flags.get('version');
  if (typeof v === 'string') sel.version = /^\d+$/.test(v) && Number.isSafeInteger(Number(v)) ? Number(v) : v;
  const ts = flags.get('timestamp');
  if (typeof ts === 'string') sel.timestamp = parseTimestamp(ts);
  const id = flags.get('snapshot-id');
  if (typeof id === 'string') sel.snapshotId = id;
  const ref = flags.get('ref');
  if (typeof ref === 'string') sel.ref = ref;
  return sel;
}

main(process.argv.slice(2))
  .finally(closeReaders)
  .then(
  (code) => {
    process.exitCode = code;
    // idle keep-alive connections to an object store would hold the process for seconds
    if (usedRemote) process.stdout.write('', () => process.exit(code));
  },
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`lakelens: ${err.message}\n(see lakelens --help)\n`);
      process.exitCode = 2;
      return;
    }
    // by name: errors from the remote and catalog bundles are LakeErrors of another copy of the class
    const msg = isLakeError(err) ? err.message : err instanceof Error ? `internal error: ${err.message}` : String(err);
    // messages name files and quote table content: inert text, one line
    process.stderr.write(`lakelens: ${visible(msg.replace(/\s*\n\s*/g, ' '))}\n`);
    process.exitCode = 1;
    if (usedRemote) process.stderr.write('', () => process.exit(1));
  },
);
