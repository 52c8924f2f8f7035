/**
 * The Avro reader and the inflate under it: round trips through an independent test writer for
 * every codec and type, the inflate checked against node:zlib on random streams and on every
 * deflate block of the corpus, and hostile input (truncation, flipped bytes, lying counts, bombs,
 * recursive and exploding schemas) that must end in a LakeError quickly, never in a crash.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import * as zlib from 'node:zlib';
import { readAvroFile, readAvroHeader } from '../src/core/avro/container';
import { AvroReader } from '../src/core/avro/decoder';
import { crc32 } from '../src/core/crc32';
import { LakeError } from '../src/core/errors';
import { gunzip, inflateRaw } from '../src/core/inflate';
import { CORPUS } from './helpers/corpus';
import { container, encode, snappyBlock, zigzag, zstdRawFrame } from './helpers/avroWrite';

const SCHEMA = {
  type: 'record',
  name: 'r',
  fields: [
    { name: 'b', type: 'boolean' },
    { name: 'i', type: 'int' },
    { name: 'l', type: 'long' },
    { name: 'f', type: 'float' },
    { name: 'd', type: 'double' },
    { name: 's', type: 'string' },
    { name: 'y', type: 'bytes' },
    { name: 'opt', type: ['null', 'long'] },
    { name: 'arr', type: { type: 'array', items: 'int' } },
    { name: 'm', type: { type: 'map', values: 'string' } },
    { name: 'e', type: { type: 'enum', name: 'E', symbols: ['A', 'B'] } },
    { name: 'x', type: { type: 'fixed', name: 'F', size: 3 } },
    { name: 'nested', type: { type: 'record', name: 'n', fields: [{ name: 'k', type: 'string' }] } },
    { name: 'again', type: 'n' },
  ],
};

const LONGS = [0, -1, 1, 63, -64, 64, 2 ** 31, -(2 ** 31) - 1, 2 ** 53 - 1, -(2 ** 53 - 1), 2n ** 53n, -(2n ** 53n) - 1n, 2n ** 63n - 1n, -(2n ** 63n)];

function rows(n: number) {
  return Array.from({ length: n }, (_, i) => ({
    b: i % 2 === 0,
    i: i * 1000 - 2 ** 30,
    l: LONGS[i % LONGS.length]!,
    f: 1.5,
    d: -i / 3,
    s: i % 3 === 0 ? 'ascii' : `ünïcødé ${'x'.repeat(i % 70)} ❄`,
    y: Uint8Array.of(i & 0xff, 0, 255),
    opt: i % 2 ? null : i,
    arr: Array.from({ length: i % 4 }, (_, j) => j - 1),
    m: i % 2 ? {} : { a: 'b', [`k${i}`]: '' },
    e: i % 2 ? 'B' : 'A',
    x: Uint8Array.of(1, 2, i & 0xff),
    nested: { k: `n${i}` },
    again: { k: '' },
  }));
}

/** What the reader returns for a row: longs as numbers while exact, bigints beyond; maps as Map. */
function expected(r: ReturnType<typeof rows>[number]) {
  const exact = (v: number | bigint) => (typeof v === 'bigint' && v >= -(2n ** 53n - 1n) && v <= 2n ** 53n - 1n ? Number(v) : v);
  return { ...r, l: exact(r.l), m: new Map(Object.entries(r.m)) };
}

function blocksOf(data: ReturnType<typeof rows>, per: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < data.length; i += per) out.push(Uint8Array.from(data.slice(i, i + per).flatMap((r) => encode(SCHEMA, r))));
  return out;
}

function isLakeError(kind?: string) {
  return (e: unknown) => e instanceof LakeError && (kind === undefined || e.kind === kind);
}

describe('Avro object container files', () => {
  const data = rows(50);
  const raw = blocksOf(data, 7);
  const codecs: [string, (b: Uint8Array) => Uint8Array][] = [
    ['null', (b) => b],
    ['deflate', (b) => zlib.deflateRawSync(b)],
    ['snappy', snappyBlock],
    ['zstandard', zstdRawFrame],
  ];
  for (const [codec, compress] of codecs) {
    test(`codec ${codec}: every type round-trips, longs exact`, () => {
      const file = container(SCHEMA, codec, raw.map((b, i) => ({ count: Math.min(7, 50 - i * 7), data: compress(b) })), { 'format-version': '2' });
      const got = readAvroFile(file, 'm.avro');
      assert.equal(got.codec, codec);
      assert.equal(got.metadata.get('format-version'), '2');
      assert.deepEqual(got.records, data.map(expected));
    });
  }

  test('a real zstd frame with a compressed block and checksum decodes', () => {
    // `printf 'Fhello hello hello hello hello hello' | zstd -3 -c | base64` (zstd 1.5 CLI):
    // one Avro string record (length 35 zigzags to 'F') in a compressed block with a checksum
    const frame = Uint8Array.from(Buffer.from('KLUv/QRYbQAAOEZoZWxsbyABALmLEWfgnSE=', 'base64'));
    const got = readAvroFile(container('string', 'zstandard', [{ count: 1, data: frame }]), 'z.avro');
    assert.deepEqual(got.records, ['hello hello hello hello hello hello']);
    // fzstd does not verify the frame checksum; structural damage is still caught
    const bad = Uint8Array.from(frame);
    bad[7]! ^= 0xff;
    assert.throws(() => readAvroFile(container('string', 'zstandard', [{ count: 1, data: bad }]), 'z.avro'), isLakeError());
  });

  test('unknown codecs are unsupported, naming the file', () => {
    assert.throws(() => readAvroFile(container('int', 'bzip2', []), 'b.avro'), (e: unknown) => isLakeError('unsupported')(e) && (e as LakeError).path === 'b.avro');
  });

  test('snappy blocks are CRC-checked', () => {
    const b = snappyBlock(Uint8Array.from(encode('string', 'abc')));
    b[b.length - 1]! ^= 1;
    assert.throws(() => readAvroFile(container('string', 'snappy', [{ count: 1, data: b }]), 's.avro'), /CRC-32 mismatch/);
  });
});

describe('inflate', () => {
  test('agrees with node:zlib on random data at every level and strategy', () => {
    let seed = 1;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let t = 0; t < 60; t++) {
      const n = Math.floor(rnd() * 100_000);
      const b = Buffer.alloc(n);
      const alphabet = 1 + Math.floor(rnd() * 255);
      for (let i = 0; i < n; i++) b[i] = rnd() < 0.3 && i > 10 ? b[i - 1 - Math.floor(rnd() * 10)]! : Math.floor(rnd() * alphabet);
      for (const opts of [{ level: 0 }, { level: 1 }, { level: 9 }, { strategy: zlib.constants.Z_HUFFMAN_ONLY }, { strategy: zlib.constants.Z_RLE }, { strategy: zlib.constants.Z_FIXED }]) {
        const c = zlib.deflateRawSync(b, opts);
        const { out, end } = inflateRaw(c, 1 << 30);
        assert.ok(Buffer.from(out).equals(b));
        assert.equal(end, c.length);
      }
    }
  });

  test('every deflate block of the corpus inflates as node:zlib inflates it', () => {
    let blocks = 0;
    for (const file of corpusAvroFiles()) {
      const bytes = fs.readFileSync(file);
      const h = readAvroHeader(bytes, file);
      if (h.codec !== 'deflate') continue;
      const r = new AvroReader(bytes);
      r.pos = h.dataStart;
      while (r.remaining > 0) {
        r.readLong();
        const size = r.readSize('size', r.remaining);
        const block = bytes.subarray(r.pos, r.pos + size);
        r.pos += size + 16;
        assert.ok(Buffer.from(inflateRaw(block, 1 << 30).out).equals(zlib.inflateRawSync(block)), file);
        blocks++;
      }
    }
    assert.ok(blocks >= 127, `checked ${blocks} blocks`);
  });

  test('gzip: members concatenate, CRC and length are checked', () => {
    const a = zlib.gzipSync('first ');
    const b = zlib.gzipSync('second');
    assert.equal(Buffer.from(gunzip(Buffer.concat([a, b]), 1 << 20, crc32)).toString(), 'first second');
    const bad = Buffer.from(a);
    bad[bad.length - 6]! ^= 1;
    assert.throws(() => gunzip(bad, 1 << 20, crc32, 'x.gz'), (e: unknown) => isLakeError('corrupt')(e) && /CRC-32/.test((e as Error).message));
    assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926); // the CRC-32 check value
  });

  test('output is capped: a deflate bomb is refused before it is inflated', () => {
    const bomb = zlib.deflateRawSync(Buffer.alloc(20 << 20));
    assert.ok(bomb.length < 30_000);
    assert.throws(() => inflateRaw(bomb, 1 << 20, 'bomb'), isLakeError('too-large'));
    const file = container('bytes', 'deflate', [{ count: 1, data: bomb }]);
    assert.throws(() => readAvroFile(file, 'bomb.avro', { maxBlockBytes: 1 << 20 }), (e: unknown) => isLakeError('too-large')(e) && (e as LakeError).path === 'bomb.avro');
  });

  test('garbage is a corrupt error, never an exception of another kind', () => {
    let seed = 3;
    for (let t = 0; t < 500; t++) {
      const b = Uint8Array.from({ length: 1 + (t % 300) }, () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff);
      try {
        inflateRaw(b, 1 << 20);
      } catch (e) {
        assert.ok(isLakeError()(e), String(e));
      }
    }
  });
});

function corpusAvroFiles(): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.avro') && !e.name.startsWith('.')) out.push(p);
    }
  };
  walk(path.join(CORPUS, 'open'));
  return out;
}

describe('hostile Avro', () => {
  const good = container(SCHEMA, 'null', blocksOf(rows(20), 20).map((d) => ({ count: 20, data: d })));

  test('every truncation is a corrupt error (but the header alone, a valid empty file)', () => {
    const headerEnd = readAvroHeader(good, 'x').dataStart;
    assert.deepEqual(readAvroFile(good.subarray(0, headerEnd), 't.avro').records, []);
    for (let n = 0; n < good.length; n++) {
      if (n === headerEnd) continue;
      assert.throws(() => readAvroFile(good.subarray(0, n), 't.avro'), (e: unknown) => isLakeError('corrupt')(e) && (e as LakeError).path === 't.avro', `truncated at ${n}`);
    }
  });

  test('single flipped bytes decode or fail with a LakeError (all corpus manifests)', () => {
    let seed = 11;
    let failures = 0;
    for (const file of corpusAvroFiles().slice(0, 120)) {
      const bytes = fs.readFileSync(file);
      for (let k = 0; k < 8; k++) {
        const b = Uint8Array.from(bytes);
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        b[seed % b.length]! ^= 1 << (k % 8);
        try {
          readAvroFile(b, file);
        } catch (e) {
          assert.ok(isLakeError()(e), `${file}: ${String(e)}`);
          failures++;
        }
      }
    }
    assert.ok(failures > 100, `${failures} flips failed`);
  });

  test('counts and lengths that exceed the data are refused before allocating', () => {
    const lying = (payload: number[], count = 1) => container({ type: 'array', items: 'long' }, 'null', [{ count, data: Uint8Array.from(payload) }]);
    // an array claiming 2^40 items in a few bytes
    assert.throws(() => readAvroFile(lying([...zigzag(2 ** 40), 0]), 'a.avro'), /exceeds the data left/);
    // a block claiming a billion records
    assert.throws(() => readAvroFile(lying([0], 1e9), 'a.avro'), /claims 1000000000 records/);
    // a string longer than the file
    assert.throws(() => readAvroFile(container('string', 'null', [{ count: 1, data: Uint8Array.from(zigzag(1e12)) }]), 's.avro'), /invalid string length/);
    // a long with 11 bytes
    assert.throws(() => readAvroFile(container('long', 'null', [{ count: 1, data: Uint8Array.from([...Array(10).fill(0xff), 1]) }]), 'l.avro'), /longer than 64 bits/);
    // a block size beyond the file
    const f = Uint8Array.from(lying([0]));
    f[f.length - 18] = 0x7e; // size varint of the only block
    assert.throws(() => readAvroFile(f, 'b.avro'), isLakeError('corrupt'));
  });

  test('a wrong sync marker and a bad magic are reported', () => {
    const b = Uint8Array.from(good);
    b[b.length - 1]! ^= 1;
    assert.throws(() => readAvroFile(b, 'x.avro'), /sync marker/);
    const m = Uint8Array.from(good);
    m[0] = 0;
    assert.throws(() => readAvroFile(m, 'x.avro'), /bad magic/);
  });

  test('recursive and exploding schemas are refused', () => {
    const rec = { type: 'record', name: 'node', fields: [{ name: 'next', type: ['null', 'node'] }] };
    assert.throws(() => readAvroFile(container(rec, 'null', []), 'r.avro'), (e: unknown) => isLakeError('corrupt')(e) && /recursive/.test((e as Error).message));
    // 40 levels of a record holding its predecessor twice: 2^40 nodes once expanded
    let t: unknown = { type: 'record', name: 't0', fields: [{ name: 'a', type: 'null' }] };
    for (let i = 1; i < 40; i++) t = { type: 'record', name: `t${i}`, fields: [{ name: 'a', type: t }, { name: 'b', type: `t${i - 1}` }] };
    const started = Date.now();
    assert.throws(() => readAvroFile(container(t as never, 'null', [{ count: 1, data: new Uint8Array(0) }]), 'x.avro'), /schema too large/);
    assert.ok(Date.now() - started < 1000);
    assert.throws(() => readAvroFile(container({ type: 'record', name: 'p', fields: [{ name: '__proto__', type: 'int' }] }, 'null', []), 'p.avro'), /invalid field name/);
  });
});
