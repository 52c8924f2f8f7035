#!/usr/bin/env node
// End-to-end test runner: the extension as users get it (its VSIX) in a real VS Code workbench.
//
//   npm run test:e2e [-- <filter>...] [-- --keep]
//
// 1. makes sure code-server + Node 24 are in the cache (installs them on first use) and Chromium
// 2. builds (esbuild), bundles test/e2e/**/*.e2e.ts into out/e2e/, packages the VSIX
// 3. a fresh profile (user data, extensions, settings template) in a temp run folder under the
//    cache, installs the VSIX into it
// 4. starts one code-server on a free 127.0.0.1 port (own process group) for the run's files, and
//    a second one with workspace trust on for *.restricted.e2e.ts (folders open in Restricted Mode)
// 5. runs every e2e file with node:test, one file at a time (--test-concurrency=1); each file
//    opens its own Chromium page (fresh profile → fresh extension host) on its own workspace
// 6. stops code-server by its PID, even on failure; removes the run folder after a green run
//
// Filters pick files whose name contains one of them. Env: LAKELENS_E2E_CACHE (cache folder),
// LAKELENS_SHARED (../shared), LAKELENS_CHROMIUM (/usr/bin/chromium), LAKELENS_E2E_KEEP=1 (keep
// the run folder), LAKELENS_E2E_SKIP_BUILD=1 (dist/ is fresh already), LAKELENS_E2E_VSIX (test
// that VSIX instead of packaging one), LAKELENS_E2E_TESTS (a folder of e2e files other than test/e2e).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import {
  CACHE, REPO, ensureChromium, ensureCodeServer, freePort, installVsix, killProcessGroupSync, log, packageVsix,
  run, startCodeServer, timed, writeSettings,
} from './lib.mjs';

const args = process.argv.slice(2);
const keep = args.includes('--keep') || process.env.LAKELENS_E2E_KEEP === '1';
const filters = args.filter((a) => !a.startsWith('--'));
const T0 = Date.now();
const timings = [];
async function phase(label, fn) {
  const t = Date.now();
  const r = await timed(label, fn);
  timings.push([label, Date.now() - t]);
  return r;
}

// LAKELENS_E2E_TESTS: another folder of *.e2e.ts files (e.g. a throw-away check of the harness)
const E2E_SRC = path.resolve(process.env.LAKELENS_E2E_TESTS || path.join(REPO, 'test', 'e2e'));
const SCREENSHOTS = process.env.LAKELENS_E2E_SCREENSHOTS || path.join(E2E_SRC, 'screenshots');

/** smoke.e2e.ts → smoke (the screenshot folder of that file) */
const stem = (f) => path.basename(f).replace(/\.e2e\.(ts|js)$/, '');

function e2eFiles() {
  const all = fs.readdirSync(E2E_SRC, { recursive: true }).map(String).filter((f) => /\.e2e\.ts$/.test(f) && !f.startsWith('lib')).sort();
  const picked = filters.length ? all.filter((f) => filters.some((x) => f.includes(x))) : all;
  if (picked.length === 0) throw new Error(`no e2e test files${filters.length ? ` match ${filters.join(', ')}` : ''} in test/e2e`);
  return picked;
}

/** Removes run folders of earlier runs that are older than a day (kept after failures). */
function pruneOldRuns(runsDir) {
  if (!fs.existsSync(runsDir)) return;
  for (const d of fs.readdirSync(runsDir)) {
    const p = path.join(runsDir, d);
    if (Date.now() - fs.statSync(p).mtimeMs > 24 * 3600_000) fs.rmSync(p, { recursive: true, force: true });
  }
}

let cs; // code-server handle
let exitCode = 1;
const runsDir = path.join(CACHE, 'runs');
fs.mkdirSync(runsDir, { recursive: true });
pruneOldRuns(runsDir);
const runDir = fs.mkdtempSync(path.join(runsDir, 'r-')); // short: unix socket paths live below it
// bundles of this run's e2e files: inside the repo (so playwright-core resolves), one folder per
// run so that runs in the same work tree do not clobber each other
const E2E_OUT = path.join(REPO, 'out', 'e2e', path.basename(runDir));
// last-resort cleanup if we die between start and stop; a closed output pipe (`| head`) must
// not kill us before code-server is stopped
process.on('exit', () => { if (cs) killProcessGroupSync(cs.pid); });
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => { if (cs) killProcessGroupSync(cs.pid); process.exit(130); });

/** One code-server (fresh profile with the VSIX installed) for a group of e2e files; returns the exit code of their tests. */
async function runGroup(g, vsix) {
  const dir = g.name === 'trusted' ? runDir : path.join(runDir, g.name);
  const userDataDir = path.join(dir, 'user-data');
  const extensionsDir = path.join(dir, 'extensions');
  const home = path.join(dir, 'h');
  await phase(`fresh profile + install VSIX (${g.name})`, async () => {
    writeSettings(userDataDir, g.trust ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.banner': 'always' } : {});
    fs.copyFileSync(path.join(userDataDir, 'User', 'settings.json'), path.join(dir, 'settings.template.json'));
    installVsix(vsix, { userDataDir, extensionsDir, home });
  });
  cs = await phase(`start code-server (${g.name})`, async () =>
    startCodeServer({ userDataDir, extensionsDir, home, port: await freePort(), logFile: path.join(dir, 'code-server.log'), workspaceTrust: g.trust }));
  log(`code-server pid ${cs.pid} on ${cs.baseUrl} (${g.name}: ${g.files.join(', ')})`);
  try {
    const testFiles = g.files.map((f) => path.join(E2E_OUT, f.replace(/\.ts$/, '.js')));
    return await phase(`e2e tests (${g.name})`, () => new Promise((resolve) => {
      const child = spawn(process.execPath, ['--test', '--test-concurrency=1', '--test-timeout=300000', '--enable-source-maps', ...testFiles], {
        cwd: REPO,
        stdio: 'inherit',
        env: {
          ...process.env,
          LAKELENS_REPO: REPO,
          LAKELENS_E2E_BASE_URL: cs.baseUrl,
          LAKELENS_E2E_RUN_DIR: dir,
          LAKELENS_E2E_USER_DATA: userDataDir,
          LAKELENS_E2E_SCREENSHOTS: SCREENSHOTS,
        },
      });
      child.on('exit', (c, s) => resolve(c ?? (s ? 1 : 0)));
    }));
  } finally {
    await phase(`stop code-server (${g.name})`, () => cs.stop());
    cs = undefined;
  }
}

try {
  const files = e2eFiles();
  log(`e2e files: ${files.join(', ')}; run folder ${runDir}`);
  await phase('chromium', async () => ensureChromium());
  await phase('code-server cache', () => ensureCodeServer());

  await phase('build (esbuild)', async () => {
    if (process.env.LAKELENS_E2E_SKIP_BUILD !== '1') run(process.execPath, ['esbuild.mjs'], { quiet: true });
    await esbuild.build({
      entryPoints: files.map((f) => ({ in: path.join(E2E_SRC, f), out: f.replace(/\.ts$/, '') })),
      outdir: E2E_OUT, bundle: true, platform: 'node', format: 'cjs', target: 'node20', sourcemap: 'inline',
      external: ['vscode', 'playwright-core', '@duckdb/node-api', '@duckdb/node-bindings'], logLevel: 'warning',
    });
  });

  // LAKELENS_E2E_VSIX: test a VSIX built elsewhere (e.g. the CI artifact) instead of packaging
  const vsix = process.env.LAKELENS_E2E_VSIX ? path.resolve(process.env.LAKELENS_E2E_VSIX) : path.join(runDir, 'lakelens.vsix');
  if (!process.env.LAKELENS_E2E_VSIX) await phase('package VSIX (vsce)', async () => packageVsix(vsix));

  // fresh screenshots per run, for the files of this run only (screenshots/<file stem>/)
  for (const f of files) fs.rmSync(path.join(SCREENSHOTS, stem(f)), { recursive: true, force: true });

  // *.restricted.e2e.ts run in a code-server of their own with workspace trust on and folders
  // opening untrusted (Restricted Mode); the others with trust off, as users who trust their repo
  const groups = [
    { name: 'trusted', files: files.filter((f) => !f.includes('.restricted.')), trust: false },
    { name: 'restricted', files: files.filter((f) => f.includes('.restricted.')), trust: true },
  ].filter((g) => g.files.length > 0);
  let code = 0;
  for (const g of groups) {
    const gc = await runGroup(g, vsix);
    if (gc !== 0) code = gc;
  }
  exitCode = code;
} catch (err) {
  log(`e2e FAILED: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
  exitCode = 1;
} finally {
  if (cs) {
    await phase('stop code-server', () => cs.stop());
    cs = undefined;
  }
  fs.rmSync(E2E_OUT, { recursive: true, force: true });
  const shots = fs.existsSync(SCREENSHOTS) ? fs.readdirSync(SCREENSHOTS, { recursive: true }).filter((f) => String(f).endsWith('.png')).length : 0;
  log(`timings: ${timings.map(([l, ms]) => `${l} ${(ms / 1000).toFixed(1)}s`).join(' | ')} | total ${((Date.now() - T0) / 1000).toFixed(1)}s`);
  log(`${shots} screenshot(s) in ${path.relative(process.cwd(), SCREENSHOTS) || SCREENSHOTS}/<file>/`);
  if (exitCode === 0 && !keep) fs.rmSync(runDir, { recursive: true, force: true });
  else log(`run folder kept for inspection: ${runDir} (code-server.log, user-data/logs, console-*.log)`);
  process.exitCode = exitCode;
}
