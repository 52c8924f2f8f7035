/**
 * The CLI on tables in object stores answers exactly as on the same folders: corpus tables
 * uploaded to real servers (Azurite, moto, fake-gcs-server), then every command — detect,
 * history, snapshot (latest and time travel), schema, rows, sql, export — run on the URI and on
 * the local folder, and the outputs compared with only the root spelled differently. Also the
 * one-line errors a user meets: wrong credentials, a missing bucket, a prefix that is no table.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type CliResult, runCli } from './helpers/cli';
import { corpusPath } from './helpers/corpus';
import { type RemoteBackend, backends } from './helpers/remoteBackends';

const TABLES: Record<string, { dir: string; versions?: (string | number)[]; timestamp?: string; sql: string }> = {
  delta_dv: { dir: corpusPath('open/dat/deletion_vectors/delta'), versions: [0, 1], sql: 'SELECT * FROM t ORDER BY ALL' },
  delta_cp: { dir: corpusPath('open/delta-rs/simple_table_with_checkpoint'), versions: [3, 9], sql: 'SELECT count(*), sum(version) FROM t' },
  delta_cm: { dir: corpusPath('open/dat/column_mapping/delta'), sql: 'SELECT * FROM t ORDER BY ALL' },
  delta_special: { dir: corpusPath('open/delta-kernel-rs-golden/hive-deltatbl-special-chars-in-partition-column'), sql: 'SELECT * FROM t ORDER BY ALL' },
  iceberg_deletes: { dir: corpusPath('open/impala/iceberg_v2_delete_equality'), sql: 'SELECT * FROM t ORDER BY ALL' },
  iceberg_pos: { dir: corpusPath('open/impala/iceberg_v2_partitioned_position_deletes'), sql: 'SELECT count(*) FROM t' },
  hudi_cow: { dir: corpusPath('open/hudi-rs/v6_cow_trips_partitioned'), sql: 'SELECT * EXCLUDE (_hoodie_commit_seqno) FROM t ORDER BY ALL' },
};

let tmp: string;
before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lakelens-remote-cli-'));
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A CLI run with the backend's credentials and a private staging cache. */
function cli(b: RemoteBackend, args: string[]): CliResult {
  return runCli(args, { env: { ...process.env, ...b.env, LAKELENS_CACHE: path.join(tmp, 'cache') } });
}

/** Output with the table's root spelled one way, so a remote and a local answer compare. */
function normalize(text: string, roots: string[]): string {
  let out = text;
  for (const r of roots.sort((a, b) => b.length - a.length)) out = out.split(r).join('<ROOT>');
  return out;
}

/** The local answer of a command, computed once for all backends. */
const localAnswers = new Map<string, string>();
function localRun(args: string[], b: RemoteBackend): string {
  const key = JSON.stringify(args);
  let out = localAnswers.get(key);
  if (out === undefined) localAnswers.set(key, (out = ok(cli(b, args), `${args.join(' ')} on the folder`)));
  return out;
}

function ok(r: CliResult, what: string): string {
  assert.equal(r.code, 0, `${what}: ${r.stderr}`);
  return r.stdout;
}

for (const backend of backends()) {
  describe(`CLI on ${backend.name}`, { timeout: 900_000 }, () => {
    let b: RemoteBackend;
    before(async () => {
      b = await backend.setup();
      for (const [name, t] of Object.entries(TABLES)) await b.upload(t.dir, `lake/${name}`);
    });

    test('detect lists the tables under a prefix', () => {
      const got = JSON.parse(ok(cli(b, ['detect', b.uri('lake'), '--json']), 'detect')) as { path: string; format: string }[];
      const want = Object.keys(TABLES).sort().map((n) => ({ path: n, format: n.split('_')[0] }));
      assert.deepEqual(got, want);
    });

    for (const [name, t] of Object.entries(TABLES)) {
      test(`${name}: every command answers as on the folder`, () => {
        const uri = b.uri(`lake/${name}`);
        const roots = [uri, t.dir, b.canonical(`lake/${name}`)];
        const same = (args: string[]) => {
          const remote = ok(cli(b, [args[0]!, uri, ...args.slice(1)]), `${args.join(' ')} on ${uri}`);
          const local = localRun([args[0]!, t.dir, ...args.slice(1)], b);
          assert.equal(normalize(remote, roots), normalize(local, roots), `${args.join(' ')}`);
        };
        same(['history', '--json']);
        same(['snapshot', '--json', '--stats']);
        same(['snapshot']);
        same(['schema', '--json']);
        same(['rows', '--json', '--limit', '7', '--offset', '1']);
        same(['sql', t.sql, '--json']);
        for (const v of t.versions ?? []) {
          same(['snapshot', '--json', '--version', String(v)]);
          same(['rows', '--json', '--version', String(v)]);
        }
        const outR = path.join(tmp, `${backend.name}-${name}-r.jsonl`);
        const outL = path.join(tmp, `${backend.name}-${name}-l.jsonl`);
        ok(cli(b, ['export', uri, '--out', outR]), 'export remote');
        ok(cli(b, ['export', t.dir, '--out', outL]), 'export local');
        assert.equal(fs.readFileSync(outR, 'utf8'), fs.readFileSync(outL, 'utf8'), 'exported rows');
      });
    }

    test('errors are one line naming the problem: no table, missing bucket, wrong credentials', () => {
      const notTable = cli(b, ['snapshot', b.uri('lake')]);
      assert.equal(notTable.code, 1);
      assert.match(notTable.stderr, /^lakelens: .*not a (Delta, Iceberg or Hudi )?table/);
      const missing = cli(b, ['snapshot', b.missingBucketUri]);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /^lakelens: .*(does not exist|not found)/);
      assert.equal(missing.stderr.trim().split('\n').length, 1);
      if (b.badCredentials) {
        const denied = runCli(['snapshot', b.uri('lake/delta_cp')], { env: { ...process.env, ...b.badCredentials.env, LAKELENS_CACHE: path.join(tmp, 'cache') } });
        assert.equal(denied.code, 1);
        assert.match(denied.stderr, /access denied/);
        for (const secret of b.badCredentials.secrets) assert.ok(!denied.stderr.includes(secret), 'the secret is not printed');
      }
    });
  });
}
