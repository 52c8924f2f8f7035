/**
 * The CLI through catalogs: `lakelens catalogs`, `lakelens ls`, and every table command on a
 * `<catalog>:<namespace>.<table>` reference, against Apache Iceberg's REST fixture (corpus tables
 * registered into nested namespaces) and AWS Glue on moto (a Delta table in moto's S3), each
 * answering as the same table read from its folder. Definitions come from a YAML file and from an
 * imported ~/.pyiceberg.yaml; errors name the catalog and the call.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as icebergRestServer from '../scripts/servers/icebergRest.mjs';
import { type CliResult, runCli } from './helpers/cli';
import { corpusIndex, corpusPath, tableRoot } from './helpers/corpus';
import { createBucket, glueCall, uploadFolder } from './helpers/glueAws';
import { server } from './helpers/servers';

let tmp = '';
let restUri = '';
let moto = '';
let stopRest: (() => Promise<void>) | undefined;
let catalogsFile = '';
const copies: Record<string, string> = {};
const DELTA = corpusPath('open/dat/deletion_vectors/delta');

function cli(args: string[], env: Record<string, string> = {}): CliResult {
  return runCli(args, {
    env: {
      ...process.env,
      HOME: path.join(tmp, 'home'),
      LAKELENS_CACHE: path.join(tmp, 'cache'),
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_REGION: 'us-east-1',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      ...env,
    },
  });
}

function ok(r: CliResult, what: string): string {
  assert.equal(r.code, 0, `${what}: ${r.stderr}`);
  return r.stdout;
}

const normalize = (text: string, roots: string[]) => roots.sort((a, b) => b.length - a.length).reduce((t, r) => t.split(r).join('<ROOT>'), text);

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lakelens-catalog-cli-'));
  fs.mkdirSync(path.join(tmp, 'home'));
  // a fixture of our own: other suites list the shared one's namespaces
  await icebergRestServer.install();
  const rest = await icebergRestServer.start({ dataDir: fs.mkdtempSync(path.join(tmp, 'rest-')), log: () => undefined });
  stopRest = rest.stop;
  restUri = rest.env['LAKELENS_TEST_ICEBERG_REST']!;
  const admin = async (p: string, body: unknown) => {
    const res = await fetch(`${restUri}${p}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`POST ${p}: ${res.status} ${(await res.text()).slice(0, 300)}`);
  };
  await admin('/v1/namespaces', { namespace: ['sales'] });
  await admin('/v1/namespaces', { namespace: ['sales', 'eu'] });
  for (const [ns, name, corpus] of [[['sales'], 'orders', 'equality_deletes_mytable'], [['sales', 'eu'], 'pos', 'iceberg_v2_partitioned_position_deletes']] as const) {
    const e = corpusIndex().find((x) => x.name === corpus && x.iceberg)!;
    const dir = path.join(tmp, 'wh', ...ns, name);
    fs.cpSync(tableRoot(e), dir, { recursive: true });
    copies[`${ns.join('.')}.${name}`] = dir;
    await admin(`/v1/namespaces/${ns.join('%1F')}/register`, { name, 'metadata-location': `file://${dir}/metadata/${e.iceberg!['current_metadata'] as string}` });
  }
  moto = (await server('moto'))['LAKELENS_TEST_MOTO']!;
  await createBucket(moto, 'glue-lake');
  await uploadFolder(moto, 'glue-lake', 'db/orders', DELTA);
  await glueCall(moto, 'CreateDatabase', { DatabaseInput: { Name: 'analytics' } });
  await glueCall(moto, 'CreateTable', { DatabaseName: 'analytics', TableInput: { Name: 'orders', Parameters: { 'spark.sql.sources.provider': 'delta' }, StorageDescriptor: { Location: 's3://glue-lake/db/orders' } } });
  await glueCall(moto, 'CreateTable', { DatabaseName: 'analytics', TableInput: { Name: 'raw_csv', Parameters: { classification: 'csv' }, StorageDescriptor: { Location: 's3://glue-lake/raw', InputFormat: 'org.apache.hadoop.mapred.TextInputFormat' } } });
  catalogsFile = path.join(tmp, 'catalogs.yaml');
  fs.writeFileSync(
    catalogsFile,
    [
      'catalogs:',
      `  - { name: rest, type: iceberg-rest, uri: "${restUri}" }`,
      `  - { name: glue, type: glue, uri: "${moto}", region: us-east-1, storage: { s3: { endpoint: "${moto}" } } }`,
      '',
    ].join('\n'),
  );
});

after(async () => {
  await stopRest?.();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('CLI through catalogs', { timeout: 600_000 }, () => {
  test('catalogs lists the definitions and where they came from, pyiceberg.yaml included', () => {
    fs.writeFileSync(path.join(tmp, 'home', '.pyiceberg.yaml'), `catalog:\n  mine:\n    uri: ${restUri}\n    token: not-printed-token\n`);
    const got = JSON.parse(ok(cli(['catalogs', '--catalogs', catalogsFile, '--json']), 'catalogs')) as { name: string; type: string; source: string }[];
    assert.deepEqual(got.map((c) => [c.name, c.type, path.basename(c.source)]), [['rest', 'iceberg-rest', 'catalogs.yaml'], ['glue', 'glue', 'catalogs.yaml'], ['mine', 'iceberg-rest', '.pyiceberg.yaml']]);
    const text = ok(cli(['catalogs', '--catalogs', catalogsFile]), 'catalogs');
    assert.ok(!text.includes('not-printed-token'));
    fs.rmSync(path.join(tmp, 'home', '.pyiceberg.yaml'));
  });

  test('ls walks namespaces and tables (LAKELENS_CATALOGS works as --catalogs)', () => {
    const env = { LAKELENS_CATALOGS: catalogsFile };
    const top = JSON.parse(ok(cli(['ls', 'rest', '--json'], env), 'ls rest')) as { kind: string; ref: string }[];
    assert.deepEqual(top.map((r) => [r.kind, r.ref]), [['namespace', 'rest:sales']]);
    const sales = JSON.parse(ok(cli(['ls', 'rest:sales', '--json'], env), 'ls rest:sales')) as { kind: string; ref: string; format: string | null }[];
    assert.deepEqual(sales.map((r) => [r.kind, r.ref]), [['namespace', 'rest:sales.eu'], ['table', 'rest:sales.orders']]);
    const glue = JSON.parse(ok(cli(['ls', 'glue:analytics', '--json'], env), 'ls glue')) as { kind: string; ref: string; format: string | null; note: string | null }[];
    assert.deepEqual(glue.map((r) => [r.kind, r.ref, r.format]), [['table', 'glue:analytics.orders', 'delta'], ['other', 'glue:analytics.raw_csv', null]]);
    assert.match(glue[1]!.note ?? '', /csv/i);
  });

  const cases: [string, () => string][] = [
    ['rest:sales.orders', () => copies['sales.orders']!],
    ['rest:sales.eu.pos', () => copies['sales.eu.pos']!],
    ['glue:analytics.orders', () => DELTA],
  ];
  for (const [ref, dir] of cases) {
    test(`${ref}: every command answers as on the table's folder`, () => {
      const roots = [dir(), 's3://glue-lake/db/orders'];
      for (const args of [['history', '--json'], ['snapshot', '--json'], ['schema', '--json'], ['rows', '--json', '--limit', '5'], ['sql', 'SELECT * FROM t ORDER BY ALL', '--json']]) {
        const viaCatalog = ok(cli([args[0]!, ref, ...args.slice(1), '--catalogs', catalogsFile]), `${args[0]} ${ref}`);
        const local = ok(cli([args[0]!, dir(), ...args.slice(1)]), `${args[0]} folder`);
        // the catalog's metadata file is how the Iceberg snapshot was found: say so, else equal
        const strip = (t: string) => normalize(t, roots).replace(/"metadataChosenBy": "[^"]*",?\n\s*/g, '').replace(/"notes": \[[^\]]*\],?\n\s*/g, '');
        assert.equal(strip(viaCatalog), strip(local), `${args.join(' ')} on ${ref}`);
      }
    });
  }

  test('errors name the catalog and the call; an unknown catalog is a usage error', () => {
    const missing = cli(['snapshot', 'rest:sales.nope', '--catalogs', catalogsFile]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^lakelens: iceberg-rest "rest": .*nope.*not found/);
    const noTable = cli(['snapshot', 'rest:sales', '--catalogs', catalogsFile]);
    assert.equal(noTable.code, 1);
    assert.match(noTable.stderr, /names no table/);
    const unknown = cli(['ls', 'nosuch', '--catalogs', catalogsFile]);
    assert.equal(unknown.code, 2);
    // a path that merely looks like name:… is still a path
    const notRef = cli(['snapshot', 'nosuch:thing']);
    assert.equal(notRef.code, 1);
    assert.doesNotMatch(notRef.stderr, /catalog/);
  });
});
