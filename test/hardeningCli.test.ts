/**
 * The CLI against untrusted tables (issue #8):
 * - read-only: every subcommand (detect, history, snapshot, schema, rows, sql, export to a file
 *   outside the table) on copies of Delta, Iceberg and Hudi tables leaves the table folders
 *   byte-identical (content, size and mtime of every file; no new files or folders), also when run
 *   from inside the table folder, where DuckDB would put its `.tmp` by default;
 * - terminal safety: human output never passes ANSI escapes, carriage returns or bidi overrides
 *   from table data to the terminal — they are printed as visible escapes (`\x1b`, `\u202e`).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { terminalText, visible } from '../src/cli/format';
import { DELTA_CP, DELTA_DV, HUDI, ICEBERG, addAction, appendCommit, copyOf, tempCopy, writeOut } from './fixtures/broken';
import { HOSTILE, writeHostileTable } from './fixtures/hostile';
import { REPO } from './helpers/corpus';
import { runCli } from './helpers/cli';
import { fingerprint, fingerprintChanges } from './helpers/fingerprint';

let tmp: string;

before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lakelens-cli-hardening-'));
});

after(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

const run = (args: string[], cwd = REPO) => runCli(args, { cwd });

function assertUnchanged(before: Map<string, string>, dir: string, what: string): void {
  assert.deepEqual(fingerprintChanges(before, fingerprint(dir)), [], `${what} changed the table folder`);
}

const TABLES: [string, string][] = [
  ['delta with a checkpoint', DELTA_CP],
  ['delta with deletion vectors', DELTA_DV],
  ['iceberg with position deletes', ICEBERG],
  ['hudi copy-on-write', HUDI],
];

for (const [name, rel] of TABLES) {
  test(`read-only: every CLI subcommand leaves a ${name} byte-identical`, () => {
    const parent = fs.mkdtempSync(path.join(tmp, 'ro-'));
    const root = tempCopy(rel, parent);
    const outDir = fs.mkdtempSync(path.join(tmp, 'out-'));
    const before = fingerprint(root);
    const meta: string[][] = [
      ['detect', parent],
      ['history', root],
      ['history', root, '--json'],
      ['snapshot', root, '--files'],
      ['snapshot', root, '--json', '--stats'],
      ['schema', root],
      ['schema', root, '--json'],
    ];
    const rows: string[][] = [
      ['rows', root, '--limit', '5'],
      ['rows', root, '--json', '--offset', '1'],
      ['sql', root, 'SELECT count(*) FROM t'],
      ['sql', root, 'SELECT * FROM t LIMIT 3', '--json'],
      ['export', root, '--out', path.join(outDir, 'x.parquet')],
      ['export', root, '--out', path.join(outDir, 'x.csv')],
      ['export', root, '--out', path.join(outDir, 'x.jsonl')],
      // again, over the files just written
      ['export', root, '--out', path.join(outDir, 'x.parquet')],
      ['export', root, '--out', path.join(outDir, 'x.csv')],
      // refused: the export destination inside the table
      ['export', root, '--out', path.join(root, 'inside.csv')],
    ];
    for (const args of [...meta, ...rows]) {
      // run from inside the table: nothing may land in the working folder (DuckDB's default .tmp)
      const r = run(args, root);
      if (args[0] === 'export' && args.at(-1)!.startsWith(root)) assert.match(r.stderr, /refusing to write inside the table folder/);
      else assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
      assertUnchanged(before, root, args.slice(0, 3).join(' '));
    }
    for (const f of ['x.parquet', 'x.csv', 'x.jsonl']) assert.ok(fs.statSync(path.join(outDir, f)).size > 0, f);
  });
}

test('terminal safety: visible() and terminalText() leave no control character behind', () => {
  const nasty = `a\u001b[31mb\rc\u0007d\u0008e\u009bf\u202eg\u2066h\u200fi\u2028j\u0000k\tl\nm\u007fn`;
  const v = visible(nasty);
  assert.doesNotMatch(v, /[\u0000-\u001f\u007f-\u009f\u202e\u2066\u200f\u2028]/);
  assert.equal(v, 'a\\x1b[31mb\\x0dc\\x07d\\x08e\\x9bf\\u202eg\\u2066h\\u200fi\\u2028j\\x00k\\x09l\\x0am\\x7fn');
  assert.equal(terminalText('line 1\u001b[2J\nline 2\r'), 'line 1\\x1b[2J\nline 2\\x0d');
  const long = visible('x'.repeat(5_000_000));
  assert.ok(long.length < 1100 && long.endsWith('(5000000 characters)'));
  // ordinary text, non-Latin scripts and emoji are left alone
  assert.equal(visible('Zürich 東京 שלום 🦆 C:\\data'), 'Zürich 東京 שלום 🦆 C:\\data');
});

test('terminal safety: human output of every subcommand over a hostile table is inert', async () => {
  const parent = fs.mkdtempSync(path.join(tmp, 'hostile-'));
  // the table's folder name itself carries an escape sequence (detect prints it)
  const root = path.join(parent, `evil\u001b]0;pwned\u0007\u001b[2J`);
  await writeHostileTable(root);
  const outFile = path.join(tmp, 'hostile.csv');
  const runs = [
    run(['detect', parent]),
    run(['history', root]),
    run(['snapshot', root, '--files']),
    run(['schema', root]),
    run(['rows', root]),
    run(['sql', root, `SELECT *, '\u001b[5mblink' AS "col\u001b[1m" FROM t`]),
    run(['export', root, '--out', outFile]),
  ];
  for (const r of runs) assert.equal(r.code, 0, r.stderr);
  const all = runs.map((r) => r.stdout + r.stderr).join('\n');
  assert.doesNotMatch(all, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/, 'a control character reached the terminal');
  // …and what was there is shown, escaped
  assert.ok(all.includes('\\x1b[31mred\\x1b[0m'), 'the ANSI cell is shown as text');
  assert.ok(all.includes('abc\\u202egnp.exe'), 'the RTL override is shown as text');
  assert.ok(all.includes('evil\\x1b]0;pwned\\x07\\x1b[2J'), 'the folder name is shown as text');
  assert.ok(all.includes(HOSTILE.script), 'HTML is plain text on a terminal');
  // JSON output escapes C0 controls by the JSON rules
  const j = run(['rows', root, '--json']);
  assert.equal(j.code, 0, j.stderr);
  assert.doesNotMatch(j.stdout, /\u001b/);
  assert.ok(j.stdout.includes('\\u001b[31mred'));
});

test('terminal safety: error messages quoting table content are inert on stderr', () => {
  const m = copyOf(DELTA_CP);
  appendCommit(m, [{ protocol: { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ['x\u001b[2J\u001b]0;owned\u0007\u202e'], writerFeatures: [] } }, addAction('a.parquet')]);
  const root = writeOut(m, fs.mkdtempSync(path.join(tmp, 'err-')));
  const r = run(['snapshot', root]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^lakelens: delta: table requires reader feature "x\\x1b\[2J\\x1b\]0;owned\\x07\\u202e"/);
  assert.doesNotMatch(r.stderr, /[\u0000-\u0009\u000b-\u001f\u202e]/);
});
