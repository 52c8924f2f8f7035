/**
 * Unit tests of the query engine's pure parts: Roaring decoding (all three container kinds, both
 * cookies, 64-bit buckets, malformed input), Delta deletion-vector framing, page planning.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LakeError } from '../src/core/errors';
import { MemStorage } from '../src/core/storage/memory';
import type { DataFile } from '../src/core/model';
import { constantSql } from '../src/query/constants';
import { crc32 } from '../src/query/crc32';
import { decodeDeltaBitmap, readDeletionVector } from '../src/query/deletionVectors';
import { livePositions, pageSlices } from '../src/query/relation';
import { RoaringError, decodeRoaring32, decodeRoaring64 } from '../src/query/roaring';
import type { ScanPlan } from '../src/query/scanPlan';

// --- a small encoder for the portable format, enough to build test bitmaps -------------------

type Container = { key: number; kind: 'array' | 'bitmap' | 'run'; values: number[] };

function le16(n: number): number[] {
  return [n & 0xff, (n >> 8) & 0xff];
}
function le32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

function encode32(containers: Container[]): number[] {
  const hasRun = containers.some((c) => c.kind === 'run');
  const out: number[] = [];
  if (hasRun) {
    out.push(...le32(12347 | ((containers.length - 1) << 16)));
    const flags = new Array(Math.ceil(containers.length / 8)).fill(0);
    containers.forEach((c, i) => {
      if (c.kind === 'run') flags[i >> 3] |= 1 << (i & 7);
    });
    out.push(...flags);
  } else out.push(...le32(12346), ...le32(containers.length));
  for (const c of containers) out.push(...le16(c.key), ...le16(c.values.length - 1));
  const bodies = containers.map((c) => {
    if (c.kind === 'array') return c.values.flatMap(le16);
    if (c.kind === 'bitmap') {
      const words = new Array(2048).fill(0);
      for (const v of c.values) words[v >> 5] |= 1 << (v & 31);
      return words.flatMap((w: number) => le32(w >>> 0));
    }
    const runs: [number, number][] = [];
    for (const v of c.values) {
      const last = runs[runs.length - 1];
      if (last && last[0] + last[1] + 1 === v) last[1]++;
      else runs.push([v, 0]);
    }
    return [...le16(runs.length), ...runs.flatMap(([s, l]) => [...le16(s), ...le16(l)])];
  });
  if (!hasRun || containers.length >= 4) {
    let offset = out.length + 4 * containers.length;
    for (const b of bodies) {
      out.push(...le32(offset));
      offset += b.length;
    }
  }
  for (const b of bodies) out.push(...b);
  return out;
}

function encode64(buckets: { key: number; containers: Container[] }[]): Uint8Array {
  return Uint8Array.from([...le32(buckets.length), ...le32(0), ...buckets.flatMap((b) => [...le32(b.key), ...encode32(b.containers)])]);
}

const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

test('roaring: array, bitmap and run containers decode in order', () => {
  const bitmapVals = range(0, 5000).map((i) => i * 13 % 65536).sort((a, b) => a - b);
  const unique = [...new Set(bitmapVals)];
  const bytes = Uint8Array.from(
    encode32([
      { key: 0, kind: 'array', values: [1, 5, 9] },
      { key: 1, kind: 'bitmap', values: unique },
      { key: 3, kind: 'run', values: range(100, 200) },
      { key: 7, kind: 'array', values: [65535] },
    ]),
  );
  const got = decodeRoaring32(bytes);
  assert.deepEqual(got, [1, 5, 9, ...unique.map((v) => 65536 + v), ...range(100, 200).map((v) => 3 * 65536 + v), 7 * 65536 + 65535]);
});

test('roaring: no-run cookie with fewer than 4 containers still has offsets', () => {
  assert.deepEqual(decodeRoaring32(Uint8Array.from(encode32([{ key: 2, kind: 'array', values: [0, 3] }]))), [131072, 131075]);
});

test('roaring64: buckets add the high 32 bits', () => {
  const got = decodeRoaring64(encode64([{ key: 0, containers: [{ key: 0, kind: 'array', values: [4] }] }, { key: 2, containers: [{ key: 1, kind: 'run', values: [7, 8] }] }]));
  assert.deepEqual(got, [4, 2 * 2 ** 32 + 65536 + 7, 2 * 2 ** 32 + 65536 + 8]);
});

test('roaring: malformed input is an error, never a shorter set', () => {
  const good = Uint8Array.from(encode32([{ key: 0, kind: 'array', values: [1, 2, 3] }]));
  assert.throws(() => decodeRoaring32(good.subarray(0, good.length - 1)), RoaringError);
  const badCookie = Uint8Array.from(good);
  badCookie[0] = 0;
  assert.throws(() => decodeRoaring32(badCookie), RoaringError);
  const unsorted = Uint8Array.from(encode32([{ key: 0, kind: 'array', values: [3, 2] }]));
  assert.throws(() => decodeRoaring32(unsorted), /ascending/);
  const trailing = Uint8Array.from([...encode64([{ key: 0, containers: [{ key: 0, kind: 'array', values: [1] }] }]), 0]);
  assert.throws(() => decodeRoaring64(trailing), /unexpected bytes/);
  const huge = encode64([{ key: 2 ** 21, containers: [{ key: 0, kind: 'array', values: [1] }] }]);
  assert.throws(() => decodeRoaring64(huge), /2\^53/);
});

function deltaDv(positions: number[]): Uint8Array {
  const bitmap = encode64([{ key: 0, containers: [{ key: 0, kind: 'array', values: positions }] }]);
  return Uint8Array.from([...le32(1681511377), ...bitmap]);
}

test('delta DV: magic, cardinality and native layout are checked', () => {
  assert.deepEqual(decodeDeltaBitmap(deltaDv([0, 9]), 2, 'x'), [0, 9]);
  assert.throws(() => decodeDeltaBitmap(deltaDv([0, 9]), 3, 'x'), /holds 2 positions, the log says 3/);
  const native = deltaDv([1]);
  native.set(le32(1681511376), 0);
  assert.throws(() => decodeDeltaBitmap(native, 1, 'x'), /native/);
});

test('delta DV in a .bin file: offset, size and CRC-32 are checked', async () => {
  const dv = deltaDv([2, 3, 5]);
  const be32 = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
  const file = Uint8Array.from([1, ...be32(dv.length), ...dv, ...be32(crc32(dv))]);
  const mem = new MemStorage('/t');
  mem.put('dv.bin', file, 0);
  const data: DataFile = { path: 'a.parquet', size: 1, numRecords: 10, partitionValues: {} };
  const desc = { storageType: 'u', sizeInBytes: dv.length, cardinality: 3, offset: 1, path: 'dv.bin' };
  assert.deepEqual(await readDeletionVector(mem, data, desc), [2, 3, 5]);
  const corrupt = Uint8Array.from(file);
  corrupt[10] ^= 1;
  mem.put('dv.bin', corrupt, 0);
  await assert.rejects(readDeletionVector(mem, data, desc), /CRC-32/);
  mem.put('dv.bin', file, 0);
  await assert.rejects(readDeletionVector(mem, data, { ...desc, sizeInBytes: dv.length - 1 }), /size/);
  await assert.rejects(readDeletionVector(mem, data, { ...desc, path: 'missing.bin' }), (e: unknown) => e instanceof LakeError && e.kind === 'missing');
  await assert.rejects(readDeletionVector(mem, data, { ...desc, storageType: 'p', path: '/etc/dv.bin' }), (e: unknown) => e instanceof LakeError && e.kind === 'out-of-root');
});

test('delta DV inline: z85 bytes truncated to sizeInBytes', async () => {
  // cdf-table-with-dv version 4 of delta-kernel-rs: rows 0 and 5 deleted
  const data: DataFile = { path: 'a.parquet', size: 1, numRecords: 10, partitionValues: {} };
  const got = await readDeletionVector(new MemStorage('/t'), data, { storageType: 'i', pathOrInlineDv: '^Bg9^0rr910000000000iXQKl0rr91000315c8Xg000f5', sizeInBytes: 36, cardinality: 2 });
  assert.deepEqual(got, [0, 5]);
});

test('livePositions skips deleted rows', () => {
  assert.deepEqual(livePositions(undefined, 3, 6), [3, 4, 5]);
  assert.deepEqual(livePositions([0, 1, 4], 0, 4), [2, 3, 5, 6]);
  assert.deepEqual(livePositions([0, 1, 4], 2, 4), [5, 6]);
  assert.deepEqual(livePositions([5, 6, 7], 5, 7), [8, 9]);
});

test('pageSlices picks the files holding a page, counting deletes', () => {
  const f = (n: number | null, deleted?: number[]) => ({ path: 'p', absPath: '/p', numRecords: n, constants: {}, ...(deleted ? { deleted } : {}) });
  const plan: ScanPlan = { format: 'delta', version: 0, schema: { type: 'struct', fields: [] }, match: 'name', constantColumns: [], files: [f(5, [0, 1]), f(0), f(10)], numRows: 13 };
  assert.deepEqual(
    pageSlices(plan, 2, 4)!.map((s) => [s.index, s.from, s.to]),
    [
      [0, 2, 3],
      [2, 0, 3],
    ],
  );
  assert.equal(pageSlices({ ...plan, files: [f(null)] }, 0, 1), undefined);
});

test('constants: typed SQL literals', () => {
  assert.equal(constantSql(null, 'integer', 'delta', 'c'), 'CAST(NULL AS INTEGER)');
  assert.equal(constantSql('0xf09f9888', 'binary', 'delta', 'c'), "unhex('f09f9888')");
  assert.equal(constantSql("it's", 'string', 'delta', 'c'), "CAST('it''s' AS VARCHAR)");
  assert.equal(constantSql(-0, 'double', 'delta', 'c'), "CAST('-0.0' AS DOUBLE)");
  assert.equal(constantSql('2020-01-01 08:09:10.001', 'timestamp', 'delta', 'c'), "CAST('2020-01-01 08:09:10.001' AS TIMESTAMP WITH TIME ZONE)");
});
