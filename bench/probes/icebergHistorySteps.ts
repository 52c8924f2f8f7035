/**
 * In-process probe: where the time of an Iceberg history page goes, step by step, with a warm JIT
 * (the steps run once untimed first): listing `metadata/` and choosing the current file, reading
 * it, parsing it (scan + lazy snapshots), and the page itself on the loaded reader. Prints one
 * JSON line of milliseconds. `node out/bench/probes/icebergHistorySteps.js <table> <limit>`
 */
import { findCurrentMetadata } from '../../src/core/iceberg/metadataFiles';
import { IcebergTable } from '../../src/core/iceberg/table';
import { decodeMetadataFile } from '../../src/core/iceberg/tableMetadata';
import { FsStorage } from '../../src/core/node/fsStorage';

async function steps(dir: string, limit: number) {
  const storage = new FsStorage(dir);
  const t0 = performance.now();
  const listing = await findCurrentMetadata(storage);
  const t1 = performance.now();
  const bytes = await storage.read(listing.current.path);
  const t2 = performance.now();
  decodeMetadataFile(bytes, listing.current.path);
  const t3 = performance.now();
  const table = new IcebergTable(storage);
  await table.history({ limit: 1 });
  const t4 = performance.now();
  await table.history({ limit });
  const t5 = performance.now();
  return { listMs: t1 - t0, entries: listing.names.size, readMs: t2 - t1, bytes: bytes.length, parseMs: t3 - t2, pageMs: t5 - t4 };
}

async function main(): Promise<void> {
  const [dir, limit] = process.argv.slice(2);
  await steps(dir!, Number(limit ?? 200));
  process.stdout.write(JSON.stringify(await steps(dir!, Number(limit ?? 200))) + '\n');
}

void main();
