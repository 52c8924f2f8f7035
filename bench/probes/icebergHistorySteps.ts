/**
 * In-process probe: where the time of an Iceberg history page goes, step by step, with a warm JIT
 * (the steps run once untimed first): choosing the current metadata file (version hint and a few
 * stats, or listing `metadata/` without a usable hint), reading it, parsing it (scan + lazy
 * snapshots), and the page itself on the loaded reader (incl. a stat per listed snapshot's
 * manifest list). Prints one JSON line of milliseconds.
 * `node out/bench/probes/icebergHistorySteps.js <table> <limit>`
 */
import { findCurrentByHint, findCurrentMetadata } from '../../src/core/iceberg/metadataFiles';
import { IcebergTable } from '../../src/core/iceberg/table';
import { decodeMetadataFile } from '../../src/core/iceberg/tableMetadata';
import { FsStorage } from '../../src/core/storage/local';

async function steps(dir: string, limit: number) {
  const storage = new FsStorage(dir);
  const t0 = performance.now();
  const choice = (await findCurrentByHint(storage)) ?? (await findCurrentMetadata(storage));
  const t1 = performance.now();
  const bytes = await storage.read(choice.current.path);
  const t2 = performance.now();
  decodeMetadataFile(bytes, choice.current.path);
  const t3 = performance.now();
  const table = new IcebergTable(storage);
  await table.history({ limit: 1 });
  const t4 = performance.now();
  await table.history({ limit });
  const t5 = performance.now();
  return { chooseMs: t1 - t0, how: choice.chosenBy, readMs: t2 - t1, bytes: bytes.length, parseMs: t3 - t2, pageMs: t5 - t4 };
}

async function main(): Promise<void> {
  const [dir, limit] = process.argv.slice(2);
  await steps(dir!, Number(limit ?? 200));
  process.stdout.write(JSON.stringify(await steps(dir!, Number(limit ?? 200))) + '\n');
}

void main();
