#!/usr/bin/env node
// `npm start [-- <folder>]`: VS Code (code-server, in your browser) with Lakelens installed from
// its freshly built VSIX, on the demo lakehouse or on <folder>.
//
// - code-server + Node 24 come from the cache (${LAKELENS_E2E_CACHE:-~/.cache/lakelens-e2e}),
//   installed on first use (~2-5 min)
// - a persistent profile in <cache>/start-profile (your settings and UI state survive restarts)
// - the demo lakehouse is generated into <cache>/demo-lakehouse when missing (delete it to
//   regenerate; `npm run demo -- <dir>` writes one anywhere)
// - listens on 127.0.0.1:$PORT (default 8080, or the next free port); Ctrl-C stops it
import fs from 'node:fs';
import path from 'node:path';
import { CACHE, ensureCodeServer, freePort, installVsix, killProcessGroupSync, log, packageVsix, startCodeServer, timed, writeSettings } from './e2e/lib.mjs';
import { ensureDemo } from './demo/run.mjs';
import { startDemoRemote } from './demo/remote.mjs';

const args = process.argv.slice(2).filter((a) => a !== '--');
const PROFILE = path.join(CACHE, 'start-profile');
const DEMO = path.join(CACHE, 'demo-lakehouse');

let cs;
let remote;
async function shutdown(code) {
  if (remote) {
    const r = remote;
    remote = undefined;
    await r.stop().catch(() => undefined);
  }
  if (cs) {
    const h = cs;
    cs = undefined;
    log(`stopping code-server (pid ${h.pid}) …`);
    await h.stop();
  }
  process.exit(code);
}
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));
process.on('SIGHUP', () => shutdown(0));
process.on('exit', () => { if (cs) killProcessGroupSync(cs.pid); });

try {
  let folder;
  if (args[0]) {
    folder = path.resolve(args[0]);
    if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) throw new Error(`not a folder: ${folder}`);
  } else {
    folder = DEMO;
    await timed('demo lakehouse', async () => {
      if (await ensureDemo(DEMO)) log(`generated the demo lakehouse in ${DEMO}`);
      else log(`using the demo lakehouse in ${DEMO} (delete it to regenerate)`);
    });
  }
  if (!args[0]) {
    // a local S3 server and Iceberg REST catalog beside the folder: the tree's Remote and Catalogs parts
    remote = await timed('demo S3 server and catalog', () => startDemoRemote(DEMO));
  }
  await ensureCodeServer();
  const userDataDir = path.join(PROFILE, 'user-data');
  const extensionsDir = path.join(PROFILE, 'extensions');
  const home = path.join(PROFILE, 'h');
  if (!fs.existsSync(path.join(userDataDir, 'User', 'settings.json'))) writeSettings(userDataDir);
  const vsix = path.join(PROFILE, 'lakelens.vsix');
  await timed('package VSIX', async () => packageVsix(vsix));
  await timed('install VSIX into the start profile', async () => installVsix(vsix, { userDataDir, extensionsDir, home }));
  const port = await freePort(Number(process.env.PORT) || 8080);
  cs = await timed(`start code-server on 127.0.0.1:${port}`, async () =>
    startCodeServer({ userDataDir, extensionsDir, home, port, folder, logFile: path.join(PROFILE, 'code-server.log') }));
  const url = cs.folderUrl(folder);
  process.stdout.write(`\n  Lakelens is running in VS Code (code-server ${cs.pid}):\n\n    ${url}\n\n  Folder: ${folder}\n  Log:    ${cs.logFile}\n  Ctrl-C to stop.\n\n`);
  // exit when code-server dies on its own
  const timer = setInterval(() => {
    try {
      process.kill(-cs.pid, 0);
    } catch {
      clearInterval(timer);
      log(`code-server exited; see ${path.join(PROFILE, 'code-server.log')}`);
      cs = undefined;
      process.exit(1);
    }
  }, 1000);
} catch (err) {
  log(`start FAILED: ${err instanceof Error ? err.message : String(err)}`);
  await shutdown(1);
}
