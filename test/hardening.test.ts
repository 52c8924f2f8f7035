/**
 * Broken tables and unknown protocols (issue #8): damaged commits and checkpoints, a stale or
 * corrupt `_last_checkpoint`, gaps in the log, duplicate checkpoints, reader versions and features
 * from the future, Iceberg format version 4 and unknown content types, truncated Avro. Each case
 * either opens with a note saying what was skipped, or fails with a LakeError of the right kind
 * naming the file at fault — never a partial answer, never another exception.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeltaTable } from '../src/core/delta/table';
import { LakeError } from '../src/core/errors';
import { inertText } from '../src/core/format';
import { IcebergTable } from '../src/core/iceberg/table';
import { DELTA_CASES, DELTA_CP, ICEBERG, ICEBERG_CURRENT, bytesOf, copyOf, editAvro, editJson, icebergFiles, patchBytes, truncate } from './fixtures/broken';

function isLake(kind: string, message: RegExp, path?: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof LakeError, `expected a LakeError, got ${(e as Error)?.stack ?? String(e)}`);
    assert.equal(e.kind, kind, e.message);
    assert.match(e.message, message);
    if (path) assert.match(e.path ?? '', path, e.message);
    return true;
  };
}

for (const c of DELTA_CASES) {
  test(`delta: ${c.name}`, async () => {
    const table = new DeltaTable(c.build());
    const sel = c.version === undefined ? {} : { version: c.version };
    if ('ok' in c.expect) {
      const { version, numFiles, note } = c.expect;
      const snap = await table.snapshot(sel);
      assert.equal(snap.version, version);
      if (numFiles !== undefined) assert.equal(snap.numFiles, numFiles);
      if (note) assert.ok(snap.notes.some((n) => note.test(n)), `notes: ${snap.notes.join(' | ')}`);
      else assert.deepEqual(snap.notes, []);
    } else {
      const { kind, message, path } = c.expect;
      await assert.rejects(table.snapshot(sel), isLake(kind, message, path));
    }
  });
}

test('delta: a damaged checkpoint falls back to the same files as the intact one', async () => {
  const intact = await new DeltaTable(copyOf(DELTA_CP)).snapshot();
  const m = copyOf(DELTA_CP);
  truncate(m, '_delta_log/00000000000000000010.checkpoint.parquet', 100);
  const fallback = await new DeltaTable(m).snapshot();
  assert.deepEqual(fallback.files.map((f) => f.path).sort(), intact.files.map((f) => f.path).sort());
  assert.equal(fallback.checkpoint, undefined);
});

test('delta: history and older versions stay readable around a missing commit', async () => {
  const m = copyOf(DELTA_CP);
  m.delete('_delta_log/00000000000000000005.json');
  const t = new DeltaTable(m);
  const h = await t.history();
  assert.deepEqual(h.versions.map((v) => v.version), [10, 9, 8, 7, 6, 4, 3, 2, 1, 0]);
  assert.equal((await t.snapshot({ version: 4 })).version, 4);
  // versions after the gap but before the checkpoint cannot be rebuilt; the checkpoint's can
  await assert.rejects(t.snapshot({ version: 6 }), isLake('corrupt', /commit 5 is missing/));
  assert.equal((await t.snapshot({ version: 10 })).numFiles, 11);
});

test('delta: a damaged commit breaks history only for its own page, with the file named', async () => {
  const m = copyOf(DELTA_CP);
  truncate(m, '_delta_log/00000000000000000009.json', 10);
  const t = new DeltaTable(m);
  await assert.rejects(t.history({ limit: 3 }), isLake('corrupt', /invalid JSON/, /00000000000000000009\.json$/));
  assert.deepEqual((await t.history({ limit: 3, before: 9 })).versions.map((v) => v.version), [8, 7, 6]);
});

// --- Iceberg -------------------------------------------------------------------------------------

test('iceberg: format version 4 is refused by name', async () => {
  const m = copyOf(ICEBERG);
  editJson(m, ICEBERG_CURRENT, (o) => (o['format-version'] = 4));
  await assert.rejects(new IcebergTable(m).snapshot(), isLake('unsupported', /format version 4 is not supported/, /v7\.metadata\.json$/));
  await assert.rejects(new IcebergTable(m).history(), isLake('unsupported', /format version 4/));
});

test('iceberg: truncated table metadata is corrupt, naming the file', async () => {
  const m = copyOf(ICEBERG);
  truncate(m, ICEBERG_CURRENT, 200);
  await assert.rejects(new IcebergTable(m).snapshot(), isLake('corrupt', /metadata is not valid JSON/, /v7\.metadata\.json$/));
});

test('iceberg: an unknown content type in a manifest entry is an error, not a data file', async () => {
  const m = copyOf(ICEBERG);
  const { manifest } = icebergFiles(m);
  editAvro(m, manifest, (records) => {
    records[0]!.data_file.content = 7;
  });
  await assert.rejects(new IcebergTable(m).snapshot(), isLake('corrupt', /unknown content type 7/, new RegExp(manifest.replace(/[.]/g, '\\.'))));
});

test('iceberg: an unknown manifest content type in the manifest list is an error, not data', async () => {
  const m = copyOf(ICEBERG);
  const { manifestList } = icebergFiles(m);
  editAvro(m, manifestList, (records) => {
    records[0]!.content = 3;
  });
  await assert.rejects(new IcebergTable(m).snapshot(), isLake('corrupt', /manifest content type 3/, /snap-.*\.avro$/));
});

test('iceberg: a truncated manifest and a manifest list with an absurd block count are corrupt', async () => {
  const m = copyOf(ICEBERG);
  const { manifest, manifestList } = icebergFiles(m);
  truncate(m, manifest, Math.floor(bytesOf(m, manifest).length * 0.7));
  await assert.rejects(new IcebergTable(m).snapshot(), isLake('corrupt', /avro: /, /-m0\.avro$/));

  const n = copyOf(ICEBERG);
  editAvro(n, manifestList, () => undefined);
  // the first block's count follows the header's sync marker: make it claim 2^62 records
  patchBytes(n, manifestList, (b) => {
    const sync = b.subarray(0, b.length).findIndex((_, i) => i > 4 && b[i] === 0xa0 && b[i + 1] === 0xa1 && b[i + 15] === 0xaf);
    const at = sync + 16;
    const huge = [0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f];
    const rest = b.slice(at + 1);
    b.set(huge.slice(0, Math.min(huge.length, b.length - at)), at);
    b.set(rest.subarray(0, Math.max(0, b.length - at - huge.length)), at + huge.length);
  });
  await assert.rejects(new IcebergTable(n).snapshot(), (e: unknown) => e instanceof LakeError && e.kind === 'corrupt' && /avro/.test(e.message));
});

test('display: inertText shows bidi overrides and invisible controls as escapes, and nothing else', () => {
  assert.equal(inertText('abc\u202egnp.exe'), 'abc\\u202egnp.exe');
  assert.equal(inertText('\u001b[31mred\u001b[0m'), '\\x1b[31mred\\x1b[0m');
  assert.equal(inertText('a\u2066b\u2069c\u0000d\u009be'), 'a\\u2066b\\u2069c\\x00d\\x9be');
  // tabs, newlines, right-to-left scripts and their marks are ordinary text
  for (const ok of ['line 1\nline 2\tx', 'שלום עולם', 'مرحبا\u200f', 'Zürich 東京 🦆', '<script>alert(1)</script>']) assert.equal(inertText(ok), ok);
});

test('delta: a checkpoint whose footer names a column chunk its schema lacks fails cleanly (no stray rejections)', async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => void unhandled.push(e);
  process.on('unhandledRejection', onUnhandled);
  try {
    const base = copyOf(DELTA_CP);
    const cp = '_delta_log/00000000000000000010.checkpoint.parquet';
    const bytes = bytesOf(base, cp);
    const footerLen = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(bytes.length - 8, true);
    const footer = bytes.length - 8 - footerLen;
    // every occurrence of a column name in the footer: schema elements and chunk paths alike
    const name = new TextEncoder().encode('dataChange');
    let refusedPath = 0;
    for (let i = footer; i < bytes.length - name.length; i++) {
      if (!name.every((b, j) => bytes[i + j] === b)) continue;
      const m = copyOf(DELTA_CP);
      patchBytes(m, cp, (b) => (b[i + 4] = 0x29)); // dataChange → data)hange
      const snap = await new DeltaTable(m).snapshot();
      assert.equal(snap.numFiles, 11);
      if (snap.notes.some((n) => /column chunk "[a-z]+\.data\)hange" is not in the file's schema/.test(n))) refusedPath++;
      await new Promise((r) => setImmediate(r));
    }
    assert.ok(refusedPath > 0, 'no variant renamed a column chunk path');
    assert.deepEqual(unhandled, []);
  } finally {
    process.removeListener('unhandledRejection', onUnhandled);
  }
});
