#!/usr/bin/env node
// Bundles scripts/demo/cli.ts (TypeScript, not part of esbuild.mjs's outputs) with esbuild and
// runs it:  npm run demo -- <dir> [--force]
// ensureDemo(dir) is what `npm start` uses: generate when the folder is missing or incomplete.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const OUT = path.join(REPO, 'out', 'scripts', 'demo.js');

export async function buildDemoCli() {
  await esbuild.build({
    entryPoints: [path.join(REPO, 'scripts', 'demo', 'cli.ts')], outfile: OUT, bundle: true, platform: 'node', format: 'cjs',
    target: 'node20', external: ['@duckdb/node-api', '@duckdb/node-bindings'], logLevel: 'warning', sourcemap: 'inline',
  });
  return OUT;
}

/** Runs the generator; throws on failure. */
export async function generateDemo(dir, { force = false } = {}) {
  const cli = await buildDemoCli();
  const r = spawnSync(process.execPath, ['--enable-source-maps', cli, dir, ...(force ? ['--force'] : [])], { cwd: REPO, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`demo generator failed (exit ${r.status})`);
}

/** Generates the demo into dir unless a complete one is there (its README.md is written last). */
export async function ensureDemo(dir) {
  if (fs.existsSync(path.join(dir, 'README.md'))) return false;
  await generateDemo(dir, { force: true });
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const dir = args.find((a) => !a.startsWith('--'));
  if (!dir) {
    console.error('usage: npm run demo -- <dir> [--force]');
    process.exit(2);
  }
  try {
    await generateDemo(path.resolve(dir), { force: args.includes('--force') });
  } catch (err) {
    console.error(String(err instanceof Error ? err.message : err));
    process.exit(1);
  }
}
