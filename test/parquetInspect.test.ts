/**
 * The Parquet footer inspector: its report matches the footer (rows, row groups, one entry per
 * column chunk) and names stay quoted text.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { FsStorage } from '../src/core/storage/local';
import { bufferOf, readParquetMetadata } from '../src/core/parquet';
import { describeParquet } from '../src/core/parquetInspect';
import { corpusPath } from './helpers/corpus';

test('the report lists every row group and column chunk of the footer', async () => {
  const dir = corpusPath('open/delta-rs/COVID-19_NYT');
  const file = fs.readdirSync(dir).find((f) => f.endsWith('.parquet'))!;
  const md = await readParquetMetadata(bufferOf(fs.readFileSync(path.join(dir, file))), file);
  const text = await describeParquet(new FsStorage(dir), file);
  assert.match(text, new RegExp(`^rows: ${Number(md.num_rows).toLocaleString('en-US')}$`, 'm'));
  assert.match(text, new RegExp(`^row_groups: ${md.row_groups.length}$`, 'm'));
  const chunks = md.row_groups.reduce((a, rg) => a + rg.columns.length, 0);
  assert.equal((text.match(/^ {6}- column: /gm) ?? []).length, Math.min(chunks, 50 * md.row_groups[0]!.columns.length));
  assert.match(text, /^ {2}- "county": BYTE_ARRAY/m);
});

test('a damaged footer is an error naming the file', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lakelens-pq-'));
  try {
    fs.writeFileSync(path.join(dir, 'bad.parquet'), Buffer.from('PAR1 not really a parquet file PAR1'));
    await assert.rejects(describeParquet(new FsStorage(dir), 'bad.parquet'), (e: Error & { kind?: string; path?: string }) => e.kind === 'corrupt' && e.path === 'bad.parquet');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
