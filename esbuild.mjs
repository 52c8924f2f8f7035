// One build for everything: the extension (node/cjs, vscode and DuckDB external), the CLI (node),
// the webviews (browser) and the test bundles. `--watch` rebuilds on change; `--production` minifies.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const external = ['vscode', '@duckdb/node-api', '@duckdb/node-bindings'];
const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning', legalComments: 'none' };

const exists = (p) => fs.existsSync(p);
// the object-store backends (signing, credential chains) and the catalog clients are bundles of
// their own, dist/remote.js and dist/catalogs.js, required only when a remote table or a catalog
// is opened (src/core/storage/remote.ts, src/catalog/clients.ts)
const APART = [
  { importer: path.join('core', 'storage', 'storageFor.ts'), spec: './remote', out: './remote.js' },
  { importer: path.join('catalog', 'open.ts'), spec: './clients', out: './catalogs.js' },
];
const remoteApart = {
  name: 'remote-apart',
  setup(b) {
    b.onResolve({ filter: /^\.\/(remote|clients)$/ }, (args) => {
      const hit = APART.find((a) => args.path === a.spec && args.importer.endsWith(a.importer));
      return hit ? { path: hit.out, external: true } : undefined;
    });
  },
};
const webviewEntries = exists('src/webviews')
  ? fs.readdirSync('src/webviews').filter((d) => exists(`src/webviews/${d}/main.ts`)).map((d) => ({ in: `src/webviews/${d}/main.ts`, out: d }))
  : [];
const testEntries = exists('test')
  ? fs.readdirSync('test', { recursive: true }).filter((f) => /\.test\.ts$/.test(f) && !f.startsWith('e2e')).map((f) => ({ in: `test/${f}`, out: f.replace(/\.ts$/, '') }))
  : [];

const builds = [
  // the extension in three bundles: readers and the DuckDB engine load on first use (src/extension/lazy.ts)
  exists('src/extension/extension.ts') && {
    ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js',
    platform: 'node', format: 'cjs', target: 'node20', external, logOverride: { 'unsupported-require-call': 'silent' }, plugins: [remoteApart],
  },
  exists('src/extension/readers.ts') && {
    ...common, entryPoints: ['src/extension/readers.ts'], outfile: 'dist/readers.js',
    platform: 'node', format: 'cjs', target: 'node20', external, plugins: [remoteApart],
  },
  {
    ...common, entryPoints: ['src/query/engine.ts'], outfile: 'dist/query.js',
    platform: 'node', format: 'cjs', target: 'node20', external, plugins: [remoteApart],
  },
  {
    ...common, entryPoints: ['src/core/storage/remote.ts'], outfile: 'dist/remote.js',
    platform: 'node', format: 'cjs', target: 'node20', external,
  },
  exists('src/catalog/clients.ts') && {
    ...common, entryPoints: ['src/catalog/clients.ts'], outfile: 'dist/catalogs.js',
    platform: 'node', format: 'cjs', target: 'node20', external,
  },
  {
    ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js',
    platform: 'node', format: 'cjs', target: 'node20', external, banner: { js: '#!/usr/bin/env node' }, plugins: [remoteApart],
  },
  webviewEntries.length > 0 && {
    ...common, entryPoints: webviewEntries, outdir: 'dist/webviews', platform: 'browser', format: 'iife', target: 'es2022',
  },
  testEntries.length > 0 && {
    ...common, minify: false, entryPoints: testEntries, outdir: 'out/test', platform: 'node', format: 'cjs', target: 'node20',
    external: [...external, 'playwright-core'],
  },
].filter(Boolean);

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
  console.log('watching…');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  // drop bundles of tests that no longer exist (without emptying the folder first, so a build
  // never pulls the files from under a test run in progress)
  const wanted = new Set(testEntries.flatMap((e) => [`${e.out}.js`, `${e.out}.js.map`]));
  for (const f of exists('out/test') ? fs.readdirSync('out/test', { recursive: true }) : []) {
    const rel = String(f);
    if (/\.js(\.map)?$/.test(rel) && !wanted.has(rel)) fs.rmSync(path.join('out/test', rel), { force: true });
  }
  fs.chmodSync(path.join('dist', 'cli.js'), 0o755);
}
