/**
 * IcebergTable behaviour on chosen corpus tables and on altered in-memory copies of them: metadata
 * discovery variants, evolution, deletion vectors (checked against the Puffin footer), time travel,
 * per-snapshot changes (checked against the writers' summaries) and clear errors for damaged,
 * missing or unsupported files.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import * as zlib from 'node:zlib';
import { IcebergTable } from '../src/core/iceberg/table';
import { parseJson } from '../src/core/json';
import type { MemStorage } from '../src/core/storage/memory';
import { FsStorage } from '../src/core/storage/local';
import { corpusPath, memCopy } from './helpers/corpus';
import { lakeError } from './helpers/lakeError';

const table = (rel: string) => new IcebergTable(new FsStorage(corpusPath(`open/${rel}`)));
const copy = (rel: string) => memCopy(corpusPath(`open/${rel}`));

/** Rewrites the metadata JSON a table copy currently uses. */
function editMetadata(mem: MemStorage, file: string, edit: (o: Record<string, unknown>) => void): void {
  const o = parseJson(new TextDecoder().decode(mem.files.get(file)!.bytes)) as Record<string, unknown>;
  edit(o);
  mem.put(file, JSON.stringify(o, (_k, v) => (typeof v === 'bigint' ? `@@${v}@@` : v)).replace(/"@@(-?\d+)@@"/g, '$1'));
}

describe('finding the current metadata', () => {
  test('gzipped metadata (.gz.metadata.json) and the .metadata.json.gz form', async () => {
    const s = await table('duckdb-iceberg/lineitem_iceberg_gz').snapshot();
    assert.equal(s.metadataFile, 'metadata/v2.gz.metadata.json');
    assert.equal(s.numRecords, Number(s.summary['total-records']));
    const mem = copy('duckdb-iceberg/lineitem_iceberg_gz');
    const plain = zlib.gunzipSync(mem.files.get('metadata/v2.gz.metadata.json')!.bytes);
    mem.delete('metadata/v2.gz.metadata.json');
    mem.delete('metadata/version-hint.text');
    mem.put('metadata/v2.metadata.json.gz', zlib.gzipSync(plain));
    const s2 = await new IcebergTable(mem).snapshot();
    assert.equal(s2.metadataFile, 'metadata/v2.metadata.json.gz');
    assert.equal(s2.version, s.version);
  });

  test('no version hint: the highest version; version-hint.txt; an empty hint', async () => {
    const none = await table('impala/iceberg_alltypes_part').snapshot();
    assert.equal(none.metadataFile, 'metadata/v2.metadata.json');
    assert.match(none.metadataChosenBy, /highest version/);
    const txt = await table('impala/airports_orc').snapshot();
    assert.equal(txt.metadataChosenBy, 'metadata/version-hint.txt: 2');
    const empty = await table('impala/iceberg_v3_deletion_vectors').snapshot();
    assert.equal(empty.metadataFile, 'metadata/v3.metadata.json');
    assert.ok(empty.notes.some((n) => /ignored empty metadata\/version-hint.text/.test(n)));
    // a hint that lags behind: Java's reader moves on to the newest consecutive version
    const mem = copy('duckdb-iceberg/equality_deletes_mytable');
    mem.put('metadata/version-hint.text', '5');
    assert.equal((await new IcebergTable(mem).snapshot()).metadataFile, 'metadata/v7.metadata.json');
    mem.delete('metadata/version-hint.text');
    assert.equal((await new IcebergTable(mem).snapshot()).metadataFile, 'metadata/v7.metadata.json');
  });

  test('every metadata file is listed, oldest first', async () => {
    const s = await table('duckdb-iceberg/equality_deletes_mytable').snapshot();
    assert.deepEqual(s.metadataFiles.map((f) => f.version), [1, 2, 3, 4, 5, 6, 7]);
    assert.ok(s.metadataLog.every((e) => e.file.startsWith('metadata/v')));
  });
});

describe('evolution', () => {
  test('partition spec evolution: files keep the spec they were written with', async () => {
    const s = await table('impala/test_default_part').snapshot();
    const specs = new Set(s.files.map((f) => f.specId));
    assert.deepEqual([...specs].sort(), [0, 1]);
    for (const f of s.files) assert.deepEqual(Object.keys(f.partitionValues), f.specId === 0 ? [] : ['j']);
    assert.deepEqual(s.partitionColumns, ['j']);
    const h = await table('duckdb-iceberg/hive_partitioned_table').snapshot();
    for (const f of h.files) assert.deepEqual(Object.keys(f.partitionValues), f.specId === 0 ? ['event_date'] : ['event_date', 'event_type']);
  });

  test('a renamed column keeps its field id; time travel shows the schema of the time', async () => {
    const t = table('impala/iceberg_v2_equality_delete_schema_evolution');
    const md = await t.metadata();
    const names = md.schemas.map((s) => s.schema.fields.find((f) => f.id === 3)!.name);
    assert.deepEqual(names, ['s', 'str', 'str']);
    const hist = await t.schemaHistory();
    assert.ok(hist.length >= 2);
    const first = await t.snapshot({ snapshotId: String(hist[0]!.version) });
    assert.deepEqual(first.schema, hist[0]!.schema);
    const current = await t.snapshot();
    assert.equal(current.schemaId, md.currentSchemaId);
    assert.deepEqual(current.schema.fields.map((f) => [f.id, f.name]), [[1, 'i'], [2, 'd'], [3, 'str'], [4, 'j']]);
  });

  test('ids rounded by a tool that rewrote the metadata are matched through the manifest list header', async () => {
    // Impala's test_default_part metadata says 4871712590577795000; its files say ...794979
    const t = table('impala/test_default_part');
    const h = await t.history();
    const v = h.versions.find((x) => String(x.version) === '4871712590577795000')!;
    const s = await t.snapshot({ snapshotId: String(v.version) });
    assert.ok(s.notes.some((n) => n.includes('4871712590577794979') && /rounded/.test(n)));
    assert.equal((await t.changes(v.version)).added.length, Number(v.summary!['added-data-files']));
  });

  test('v3 defaults are carried on fields', async () => {
    const s = await table('impala/iceberg_v3_default_value').snapshot();
    assert.ok(s.schema.fields.some((f) => f.initialDefault !== undefined || f.writeDefault !== undefined));
  });
});

describe('deletion vectors', () => {
  test('Puffin DVs match the blobs the Puffin footer lists', async () => {
    const root = corpusPath('open/impala/iceberg_v3_deletion_vectors');
    const t = new IcebergTable(new FsStorage(root));
    const s = await t.snapshot();
    const dvs = s.files.filter((f) => f.content === 'deletion-vector');
    assert.equal(dvs.length, 2);
    assert.equal(s.numDeletionVectors, 2);
    assert.equal(s.numDeletedRecords, 2);
    // Puffin: ... footer payload (JSON), payload size (int32 LE), flags (4 bytes), magic "PFA1"
    const puffin = fs.readFileSync(path.join(root, dvs[0]!.path));
    assert.equal(puffin.subarray(-4).toString(), 'PFA1');
    const size = puffin.readInt32LE(puffin.length - 12);
    const footer = JSON.parse(puffin.subarray(puffin.length - 12 - size, puffin.length - 12).toString()) as {
      blobs: { type: string; offset: number; length: number; properties: Record<string, string> }[];
    };
    const blobs = footer.blobs.filter((b) => b.type === 'deletion-vector-v1');
    assert.equal(blobs.length, dvs.length);
    for (const dv of dvs) {
      const blob = blobs.find((b) => b.offset === dv.deletionVector!.offset)!;
      assert.ok(blob, `no blob at offset ${dv.deletionVector!.offset}`);
      assert.equal(dv.deletionVector!.sizeInBytes, blob.length);
      assert.equal(dv.deletionVector!.storageType, 'puffin');
      assert.equal(dv.deletionVector!.path, dv.path);
      assert.equal(String(dv.deletionVector!.cardinality), blob.properties.cardinality);
      assert.equal(dv.referencedDataFile, await t.tablePath(blob.properties['referenced-data-file']!));
      assert.ok(s.files.some((f) => f.content === 'data' && f.path === dv.referencedDataFile));
    }
  });
});

describe('time travel and changes', () => {
  test('as of a time follows the snapshot-log; refs resolve', async () => {
    const t = table('impala/iceberg_v2_positional_not_all_data_files_have_delete_files');
    const md = await t.metadata();
    for (const e of md.snapshotLog) {
      assert.equal((await t.snapshot({ timestamp: e.timestampMs })).version, e.snapshotId);
      assert.equal((await t.snapshot({ timestamp: e.timestampMs + 1 })).snapshotId !== null, true);
    }
    await assert.rejects(t.snapshot({ timestamp: md.snapshotLog[0]!.timestampMs - 1 }), lakeError('unknown-version'));
    assert.equal((await t.snapshot({ ref: 'main' })).version, md.currentSnapshotId);
    assert.equal((await t.snapshot({ version: md.snapshots[0]!.snapshotId })).version, md.snapshots[0]!.snapshotId);
  });

  test('changes(): added and deleted data files agree with the writers\' summaries', async () => {
    let compared = 0;
    for (const rel of ['impala/iceberg_v2_positional_not_all_data_files_have_delete_files', 'impala/iceberg_spark_compaction_with_dangling_delete', 'duckdb-iceberg/equality_deletes_mytable_partitioned', 'impala/iceberg_v3_row_lineage', 'impala/test_default_part']) {
      const t = table(rel);
      const page = await t.history();
      let live = 0;
      for (const v of [...page.versions].reverse()) {
        const c = await t.changes(v.version);
        const added = c.added.filter((f) => f.content === 'data').length;
        const removed = c.removed.filter((f) => f.content === 'data').length;
        const sum = v.summary!;
        assert.equal(added, Number(sum['added-data-files'] ?? 0), `${rel} ${v.version} added-data-files`);
        assert.equal(c.added.length - added, Number(sum['added-delete-files'] ?? 0), `${rel} ${v.version} added-delete-files`);
        assert.equal(removed, Number(sum['deleted-data-files'] ?? 0), `${rel} ${v.version} deleted-data-files`);
        assert.equal(c.removed.length - removed, Number(sum['removed-delete-files'] ?? 0), `${rel} ${v.version} removed-delete-files`);
        live += added - removed;
        compared++;
      }
      assert.equal(live, (await t.snapshot()).numFiles, `${rel}: replaying changes gives the live data files`);
    }
    assert.ok(compared >= 15);
  });

  test('history pages newest first with a snapshot-id cursor', async () => {
    const t = table('duckdb-iceberg/equality_deletes_mytable');
    const all = await t.history({ limit: 100 });
    const seen: string[] = [];
    let before: string | number | undefined;
    for (;;) {
      const page = await t.history({ limit: 4, ...(before !== undefined ? { before } : {}) });
      seen.push(...page.versions.map((v) => String(v.version)));
      if (page.next === undefined) break;
      before = page.next;
    }
    assert.deepEqual(seen, all.versions.map((v) => String(v.version)));
    const seqs = all.versions.map((v) => Number(v.sequenceNumber));
    assert.deepEqual(seqs, [...seqs].sort((a, b) => b - a));
    await assert.rejects(t.history({ before: '123' }), lakeError('invalid-argument'));
  });

  test('a table never written is an empty snapshot', async () => {
    const t = table('duckdb-iceberg/timestamptz_ns');
    const s = await t.snapshot();
    assert.equal(s.version, '');
    assert.equal(s.snapshotId, null);
    assert.deepEqual([s.numFiles, s.numRecords, s.files.length], [0, 0, 0]);
    assert.deepEqual(s.partitionColumns, ['val_year', 'val_month', 'val_day', 'val_hour']);
    assert.deepEqual((await t.history()).versions, []);
    assert.equal((await t.schemaHistory()).length, 1);
  });
});

describe('errors name the file at fault', () => {
  const rel = 'impala/iceberg_v2_delete_positional';
  const manifestOf = async (mem: MemStorage) => (await new IcebergTable(mem).snapshot()).manifests[0]!.path;

  test('a truncated manifest', async () => {
    const mem = copy(rel);
    const m = await manifestOf(mem);
    const bytes = mem.files.get(m)!.bytes;
    mem.put(m, bytes.subarray(0, bytes.length - 40));
    await assert.rejects(new IcebergTable(mem).snapshot(), lakeError('corrupt', new RegExp(`^${m}$`), /avro:/));
  });

  test('flipped bytes in a manifest: magic, sync marker', async () => {
    for (const at of [0, -1]) {
      const mem = copy(rel);
      const m = await manifestOf(mem);
      const b = Uint8Array.from(mem.files.get(m)!.bytes);
      b[at < 0 ? b.length + at : at]! ^= 0x55;
      mem.put(m, b);
      await assert.rejects(new IcebergTable(mem).snapshot(), lakeError('corrupt', new RegExp(`^${m}$`)));
    }
  });

  test('a missing manifest and a missing manifest list', async () => {
    const mem = copy(rel);
    const t = new IcebergTable(mem);
    const s = await t.snapshot();
    mem.delete(s.manifests[0]!.path);
    await assert.rejects(t.snapshot(), lakeError('missing', new RegExp(`^${s.manifests[0]!.path}$`), /manifest not found/));
    mem.delete(s.manifestList!);
    await assert.rejects(t.snapshot(), lakeError('missing', new RegExp(`^${s.manifestList}$`), /manifest list of snapshot \d+ not found/));
  });

  test('an unknown format version, and metadata that is not JSON', async () => {
    const mem = copy(rel);
    editMetadata(mem, 'metadata/v2.metadata.json', (o) => (o['format-version'] = 4));
    await assert.rejects(new IcebergTable(mem).snapshot(), lakeError('unsupported', /^metadata\/v2\.metadata\.json$/, /format version 4/));
    mem.put('metadata/v2.metadata.json', '{"format-version": 2,');
    await assert.rejects(new IcebergTable(mem).snapshot(), lakeError('corrupt', /^metadata\/v2\.metadata\.json$/, /not valid JSON/));
  });

  test('a manifest list outside the table location is refused, not read', async () => {
    const mem = copy(rel);
    editMetadata(mem, 'metadata/v2.metadata.json', (o) => {
      for (const s of o.snapshots as Record<string, unknown>[]) s['manifest-list'] = '/etc/passwd';
    });
    await assert.rejects(new IcebergTable(mem).snapshot(), lakeError('out-of-root', /^\/etc\/passwd$/));
    assert.ok(!mem.reads.includes('/etc/passwd'));
  });

  test('an encrypted snapshot is unsupported', async () => {
    const mem = copy(rel);
    editMetadata(mem, 'metadata/v2.metadata.json', (o) => {
      for (const s of o.snapshots as Record<string, unknown>[]) s['key-id'] = 'k1';
    });
    await assert.rejects(new IcebergTable(mem).snapshot(), lakeError('unsupported', undefined, /encrypted/));
  });

  test('cancellation', async () => {
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(table(rel).snapshot({}, ac.signal), lakeError('cancelled'));
  });
});
