/**
 * `node out/scripts/demo.js <dir> [--force]`: writes the demo lakehouse into <dir>; --force
 * deletes an existing <dir> first. Bundled and run by scripts/demo/run.mjs (`npm run demo`).
 */
import * as fs from 'node:fs';
import { generateDemoLakehouse } from './generate';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const dir = args.find((a) => !a.startsWith('--'));
  if (!dir) throw new Error('usage: demo <dir> [--force]');
  if (args.includes('--force')) fs.rmSync(dir, { recursive: true, force: true });
  const t = Date.now();
  const s = await generateDemoLakehouse(dir);
  for (const tb of s.tables) console.log(`  ${tb.format.padEnd(8)} ${tb.path.padEnd(18)} ${tb.versions} versions, ${tb.liveFiles} live files`);
  console.log(`demo lakehouse written to ${s.dir} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
}

main().catch((err: unknown) => {
  console.error(`demo: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
  process.exitCode = 1;
});
