#!/usr/bin/env node
// `npm run package`: the VSIX for this platform (lakelens-<version>-<target>.vsix in the repo root).
// DuckDB's native binary is per platform, so each platform gets its own VSIX; this builds the one
// for the machine it runs on (the DuckDB binding npm installed here is the one that ships).
//   npm run package [-- --out file.vsix]
import fs from 'node:fs';
import path from 'node:path';
import { REPO, log, packageVsix, timed, vsceTarget } from './e2e/lib.mjs';

const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
const target = vsceTarget();
const i = process.argv.indexOf('--out');
const out = path.resolve(i > 0 ? process.argv[i + 1] : path.join(REPO, `${pkg.name}-${pkg.version}-${target}.vsix`));
try {
  await timed(`vsce package --target ${target}`, async () => packageVsix(out, { target }));
  log(`wrote ${path.relative(process.cwd(), out)} (${(fs.statSync(out).size / 1e6).toFixed(1)} MB)`);
} catch (err) {
  log(`package FAILED: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
