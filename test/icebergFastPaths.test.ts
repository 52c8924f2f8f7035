/**
 * The Iceberg reader's fast paths give what the straightforward ones give: the exact JSON parser
 * that rewrites long integers for JSON.parse, the metadata scanner with lazily parsed snapshots,
 * varint skipping, table paths made from bytes, lazily decoded stats read in any order, and the
 * commit order of snapshots with bigint sequence numbers.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { AvroReader } from '../src/core/avro/decoder';
import { LakeError } from '../src/core/errors';
import { parseJsonFast } from '../src/core/iceberg/exactJson';
import { LocationMapper } from '../src/core/iceberg/location';
import { findCurrentByHint, findCurrentMetadata } from '../src/core/iceberg/metadataFiles';
import { IcebergTable } from '../src/core/iceberg/table';
import { commitOrder } from '../src/core/iceberg/selection';
import { type TableMetadata, decodeMetadataFile, parseTableMetadata } from '../src/core/iceberg/tableMetadata';
import { parseJson } from '../src/core/json';
import { MemStorage } from '../src/core/storage/memory';
import { FsStorage } from '../src/core/storage/local';
import { generateIcebergTable } from '../bench/generate/icebergTable';
import { CORPUS } from './helpers/corpus';
import { zigzag } from './helpers/avroWrite';

const ser = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x));

function sameParse(text: string): void {
  let want: unknown;
  let wantErr: unknown;
  try {
    want = parseJson(text);
  } catch (e) {
    wantErr = e;
  }
  if (wantErr) {
    assert.throws(() => parseJsonFast(text), SyntaxError, text.slice(0, 200));
    return;
  }
  assert.equal(ser(parseJsonFast(text)), ser(want), text.slice(0, 200));
}

function corpusMetadataFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, d.name);
      if (d.isDirectory()) walk(p);
      else if (/\.metadata\.json(\.gz)?$/.test(d.name)) out.push(p);
    }
  };
  walk(path.join(CORPUS, 'open'));
  return out;
}

describe('parseJsonFast', () => {
  test('agrees with parseJson on long integers in every position', () => {
    const cases = [
      '{"a":1915606074736806848}',
      '[-1915606074736806848, 1915606074736806848, 9007199254740991, 9007199254740993, 1234567890123456]',
      '{"s":"1915606074736806848","k1915606074736806848":1}',
      '{"f":1915606074736806848.5,"e":1915606074736806848e3,"g":1.1915606074736806848,"h":1e1915606074736806848}',
      '{"neg":-9223372036854775808,"max":9223372036854775807,"zero":-0}',
      '{"esc":"a\\"1915606074736806848\\\\","b":1915606074736806848}',
      '{"__proto__":1915606074736806848,"x":{"__proto__":{"y":9007199254740993}}}',
      '  {"ws" :\n\t 1915606074736806848 } ',
      '{"nul":"\\u0000123","id":1915606074736806848}',
      '{"lead":00000000000000001}',
      '{"bad":1915606074736806848',
      '{"bad":"1915606074736806848}',
      '[1915606074736806848,]',
      '{"a":1915606074736806848}x',
      '',
      '1915606074736806848',
      `${'['.repeat(600)}1915606074736806848${']'.repeat(600)}`,
    ];
    for (const c of cases) sameParse(c);
  });

  test('agrees with parseJson on every Iceberg metadata file of the corpus', () => {
    let n = 0;
    for (const f of corpusMetadataFiles()) {
      if (isGzipFile(f)) continue;
      sameParse(fs.readFileSync(f, 'utf8'));
      n++;
    }
    assert.ok(n > 50, `${n} files`);
  });
});

/** Every field of a TableMetadata, snapshots spelled out (lazy ones have getters). */
function plain(md: TableMetadata): unknown {
  return JSON.parse(ser({ ...md, snapshots: md.snapshots.map((s) => ({ ...s, manifestList: s.manifestList, manifests: s.manifests, summary: s.summary, operation: s.operation, schemaId: s.schemaId, firstRowId: s.firstRowId, addedRows: s.addedRows, keyId: s.keyId })), snapshotLog: md.snapshotLog }));
}

/** What decodeMetadataFile did before the scanner: parse everything, then validate. */
function eager(text: string, file: string): TableMetadata {
  let json: unknown;
  try {
    json = parseJson(text);
  } catch (err) {
    throw new LakeError('corrupt', `iceberg: metadata is not valid JSON: ${(err as Error).message}`, file);
  }
  return parseTableMetadata(json, file);
}

const isGzipFile = (f: string) => {
  const b = fs.readFileSync(f);
  return b[0] === 0x1f && b[1] === 0x8b;
};

function sameMetadata(text: string, label: string): void {
  const file = 'metadata/v1.metadata.json';
  let want: TableMetadata | undefined;
  let wantErr: unknown;
  try {
    want = eager(text, file);
  } catch (e) {
    wantErr = e;
  }
  const bytes = new TextEncoder().encode(text);
  if (wantErr) {
    // the same error, now or when the snapshot is read
    assert.throws(() => {
      const md = decodeMetadataFile(bytes, file);
      plain(md);
    }, (e: unknown) => e instanceof LakeError && (e as LakeError).kind === (wantErr as LakeError).kind, label);
    return;
  }
  assert.deepEqual(plain(decodeMetadataFile(bytes, file)), plain(want!), label);
}

describe('metadata scanner with lazy snapshots', () => {
  test('gives the eager parse of every metadata file of the corpus', () => {
    let n = 0;
    for (const f of corpusMetadataFiles()) {
      if (isGzipFile(f)) continue;
      sameMetadata(fs.readFileSync(f, 'utf8'), f);
      n++;
    }
    assert.ok(n > 50);
  });

  const base = {
    'format-version': 2,
    'table-uuid': 'u',
    location: 's3://b/t',
    'last-sequence-number': 3,
    'last-updated-ms': 5,
    'last-column-id': 1,
    'current-schema-id': 0,
    schemas: [{ type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'a', required: false, type: 'long' }] }],
    'current-snapshot-id': 2,
  };
  const snap = (id: number | string, extra: Record<string, unknown> = {}) => ({ 'snapshot-id': id, 'timestamp-ms': 10, 'sequence-number': 1, summary: { operation: 'append' }, 'manifest-list': 's3://b/t/metadata/l.avro', ...extra });

  test('odd snapshot elements: the same values or the same errors as an eager parse', () => {
    const big = '1915606074736806848';
    const variants: [string, string][] = [
      ['plain', JSON.stringify({ ...base, snapshots: [snap(2)] })],
      ['pretty', JSON.stringify({ ...base, snapshots: [snap(2, { 'parent-snapshot-id': 1 })] }, null, 2)],
      ['long ids', JSON.stringify({ ...base, snapshots: [snap(0)] }).replace('"snapshot-id":0', `"snapshot-id":${big},"parent-snapshot-id":-${big}`)],
      ['escaped key', JSON.stringify({ ...base, snapshots: [snap(2)] }).replace('"snapshot-id":2', '"snapshot\\u002did":2')],
      ['escaped other key', JSON.stringify({ ...base, snapshots: [snap(2, { 'x\\y': 1 })] })],
      ['duplicate key', JSON.stringify({ ...base, snapshots: [snap(2)] }).replace('"timestamp-ms":10', '"timestamp-ms":10,"timestamp-ms":11')],
      ['float time', JSON.stringify({ ...base, snapshots: [snap(2)] }).replace('"timestamp-ms":10', '"timestamp-ms":10.0')],
      ['fraction time', JSON.stringify({ ...base, snapshots: [snap(2)] }).replace('"timestamp-ms":10', '"timestamp-ms":10.5')],
      ['string id', JSON.stringify({ ...base, snapshots: [snap('2')] })],
      ['no id', JSON.stringify({ ...base, snapshots: [{ 'timestamp-ms': 1 }] })],
      ['null parent', JSON.stringify({ ...base, snapshots: [snap(2, { 'parent-snapshot-id': null })] })],
      ['big sequence', JSON.stringify({ ...base, snapshots: [snap(2)] }).replace('"sequence-number":1', `"sequence-number":${big}`)],
      ['-0 id', JSON.stringify({ ...base, snapshots: [snap(2)] }).replace('"snapshot-id":2', '"snapshot-id":-0')],
      ['-0 sequence and negative time', JSON.stringify({ ...base, snapshots: [snap(2)] }).replace('"sequence-number":1', '"sequence-number":-0').replace('"timestamp-ms":10', '"timestamp-ms":-1234567890123')],
      ['16-digit time', JSON.stringify({ ...base, snapshots: [snap(2)] }).replace('"timestamp-ms":10', '"timestamp-ms":1234567890123456')],
      ['not an object', JSON.stringify({ ...base, snapshots: [snap(2), 7] })],
      ['not an array', JSON.stringify({ ...base, snapshots: 7 })],
      ['twice', JSON.stringify({ ...base, snapshots: [snap(2)] }).replace('"snapshots":', '"snapshots":[],"snapshots":')],
      ['twice, array last', JSON.stringify({ ...base, snapshots: [snap(2)] }).replace('"snapshots":', '"snapshots":3,"snapshots":')],
      ['bad summary', JSON.stringify({ ...base, snapshots: [snap(2)] }).replace('"operation":"append"', '"operation":"append",]')],
      ['bad json in element', JSON.stringify({ ...base, snapshots: [snap(2)] }).replace('"summary":', '"summary":tru,"x":')],
      ['snapshot log', JSON.stringify({ ...base, snapshots: [snap(2)], 'snapshot-log': [{ 'timestamp-ms': 10, 'snapshot-id': 2 }] })],
      ['bad snapshot log', JSON.stringify({ ...base, snapshots: [snap(2)], 'snapshot-log': [{ 'timestamp-ms': 'x', 'snapshot-id': 2 }] })],
      ['truncated', JSON.stringify({ ...base, snapshots: [snap(2)] }).slice(0, -20)],
      ['not an object at all', '[1,2]'],
      ['trailing text', `${JSON.stringify({ ...base, snapshots: [snap(2)] })} x`],
    ];
    for (const [label, text] of variants) sameMetadata(text, label);
  });

  test('commit order: sequence number (bigint or number), then time, then metadata order', () => {
    const md = eager(JSON.stringify({ ...base, snapshots: [] }), 'm');
    const s = (id: string, seq: number | bigint, ts: number) => ({ snapshotId: id, sequenceNumber: seq, timestampMs: ts }) as TableMetadata['snapshots'][number];
    md.snapshots = [s('a', 9007199254740993n, 1), s('b', 2, 5), s('c', 2, 1), s('d', 9007199254740992, 0), s('e', 2n, 1)];
    assert.deepEqual(commitOrder(md).map((x) => x.snapshotId), ['c', 'e', 'b', 'd', 'a']);
  });
});

describe('Avro and paths', () => {
  test('skipLong moves as readLong does and refuses the same input', () => {
    const values = [0n, 1n, -1n, 63n, -64n, 2n ** 31n, 2n ** 48n, 2n ** 52n, -(2n ** 52n), 2n ** 53n - 1n, 2n ** 53n, 2n ** 62n + 12345n, -(2n ** 63n), 2n ** 63n - 1n];
    const bytes = Uint8Array.from(values.flatMap(zigzag));
    const a = new AvroReader(bytes);
    const b = new AvroReader(bytes);
    for (const v of values) {
      const got = a.readLong();
      assert.equal(BigInt(got), v);
      assert.equal(typeof got === 'bigint', v > 2n ** 53n - 1n || v < -(2n ** 53n - 1n));
      b.skipLong();
      assert.equal(b.pos, a.pos);
    }
    for (const bad of [[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02], Array(11).fill(0xff), [0x80, 0x80]]) {
      assert.throws(() => new AvroReader(Uint8Array.from(bad)).readLong());
      assert.throws(() => new AvroReader(Uint8Array.from(bad)).skipLong());
    }
  });

  test('table paths from bytes equal table paths from strings', () => {
    const m = new LocationMapper('s3://b/wh/t');
    const raws = ['s3://b/wh/t/data/a=1/f.parquet', 's3://b/wh/t/data/ü/❄.parquet', 's3://b/wh/t/./data/f', 's3://b/wh/t//data/f', 's3://b/wh/t/data/../x', 's3://b/wh/t/', 's3://b/wh/other/f', 'hdfs://nn:8020/b/wh/t/data/f', 'data/f', 's3://b/wh/t/data\\f', 's3://b/wh/t/.hidden', 's3://b/wh/t/a/'];
    for (const r of raws) assert.equal(m.tablePathOfBytes(new TextEncoder().encode(r)), m.tablePath(r), r);
  });

  test('a generated table of multi-block manifests: counts, and stats read in any order equal stats read in order', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lakelens-ice-'));
    try {
      const expect = generateIcebergTable(dir, { snapshots: 20, filesPerSnapshot: 100, mergeEvery: 10 });
      const snap = await new IcebergTable(new FsStorage(dir)).snapshot();
      assert.equal(snap.numFiles, expect.liveFiles);
      assert.equal(snap.numRecords, expect.totalRecords);
      assert.equal(snap.version, expect.currentSnapshotId);
      assert.deepEqual(snap.notes, []);
      const inOrder = snap.files.map((f) => ser(f.stats));
      const again = await new IcebergTable(new FsStorage(dir)).snapshot();
      const reversed = [...again.files].reverse().map((f) => ser(f.stats)).reverse();
      assert.deepEqual(reversed, inOrder);
      assert.ok(inOrder.every((st) => st.includes('"minValues"')));
      // an older snapshot, from its own manifest list
      const hist = await new IcebergTable(new FsStorage(dir)).history({ limit: 5 });
      const old = await new IcebergTable(new FsStorage(dir)).snapshot({ snapshotId: String(hist.versions[4]!.version) });
      assert.equal(old.numFiles, expect.liveFiles - 400);
      assert.deepEqual(old.notes, []);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('current metadata from the version hint alone', () => {
  const table = (files: Record<string, string>) => {
    const m = new MemStorage();
    for (const [k, v] of Object.entries(files)) m.put(`metadata/${k}`, v);
    return m;
  };
  const uuid = '19739cda-f528-4429-84cc-377ffdd24c75';

  test('gives what the listing gives (file, chosenBy, notes), or nothing', async () => {
    const cases: Record<string, string>[] = [
      { 'version-hint.text': '2', 'v1.metadata.json': '', 'v2.metadata.json': '' },
      { 'version-hint.text': '2', 'v1.metadata.json': '', 'v2.metadata.json': '', 'v3.metadata.json': '', 'v5.metadata.json': '' },
      { 'version-hint.text': ' 002\n', 'v2.gz.metadata.json': '', 'v3.metadata.json.gz': '' },
      { 'version-hint.txt': '1\n', 'v1.metadata.json': '', 'v2.metadata.json': '' },
      { 'version-hint.text': '', 'version-hint.txt': '1', 'v1.metadata.json': '' },
      { 'version-hint.text': 'garbage', 'v1.metadata.json': '' },
      { 'version-hint.text': '9', 'v1.metadata.json': '' },
      { 'version-hint.text': `00001-${uuid}`, [`00001-${uuid}.metadata.json`]: '' },
      { 'version-hint.text': '1', 'v1.metadata.json': '', 'v1.gz.metadata.json': '' },
      { 'version-hint.text': '1', 'v1.metadata.json': '', 'v2.metadata.json': '', 'v2.metadata.json.gz': '' },
      { 'v1.metadata.json': '', 'v2.metadata.json': '' },
    ];
    let settled = 0;
    for (const files of cases) {
      const label = JSON.stringify(files);
      const byHint = await findCurrentByHint(table(files));
      if (!byHint) continue;
      settled++;
      const listed = await findCurrentMetadata(table(files));
      assert.equal(byHint.current.path, listed.current.path, label);
      assert.equal(byHint.chosenBy, listed.chosenBy, label);
      assert.deepEqual(byHint.notes, listed.notes, label);
    }
    assert.equal(settled, 4);
  });

  test('a folder (not a file) named like the hint or a metadata file is not taken for one', async () => {
    const m = table({ 'v1.metadata.json': '', 'v2.metadata.json/x': '' });
    m.put('metadata/version-hint.text/y', '');
    assert.equal(await findCurrentByHint(m), undefined);
    const n = table({ 'version-hint.text': '1', 'v1.metadata.json': '', 'v2.metadata.json/x': '' });
    assert.equal((await findCurrentByHint(n))?.current.path, (await findCurrentMetadata(n)).current.path);
  });

  test('a metastore-named file beside the Hadoop ones: the hinted chain is shown, and the snapshot says the listing differs', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lakelens-hint-'));
    try {
      generateIcebergTable(dir, { snapshots: 3, filesPerSnapshot: 2, mergeEvery: 10 });
      const md = path.join(dir, 'metadata');
      fs.copyFileSync(path.join(md, 'v4.metadata.json'), path.join(md, `00005-${uuid}.metadata.json`));
      const t = new IcebergTable(new FsStorage(dir));
      const s = await t.snapshot();
      assert.equal(s.metadataFile, 'metadata/v4.metadata.json');
      assert.equal(s.metadataChosenBy, 'metadata/version-hint.text: 4');
      assert.ok(s.notes.some((n) => n.startsWith(`listing metadata/ would choose metadata/00005-${uuid}.metadata.json`)), s.notes.join('; '));
      assert.equal((await t.history()).versions.length, 3);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
