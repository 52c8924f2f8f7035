#!/usr/bin/env node
// Starts the test servers once for a whole run, then runs a command with their addresses in the
// environment (LAKELENS_TEST_<NAME>…), then stops them, even when the command fails.
//
//   node scripts/servers/run.mjs [--only a,b] -- <command> [args…]
//   node scripts/servers/run.mjs --install          (install everything, start nothing)
//
// Tests started alone (node --test out/test/x.test.js) start the servers they need themselves
// (test/helpers/servers.ts); under this runner they reuse these.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { log } from './lib.mjs';

export const SERVERS = ['moto', 's3rver', 'azurite', 'fakeGcs', 'icebergRest'];

const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
const flags = dash < 0 ? argv : argv.slice(0, dash);
const command = dash < 0 ? [] : argv.slice(dash + 1);
const onlyAt = flags.indexOf('--only');
const names = onlyAt >= 0 ? flags[onlyAt + 1].split(',') : SERVERS;

// nested under a run that already started them (npm test → test:unit): just run the command
if (process.env.LAKELENS_TEST_SERVERS_UP === '1' && command.length > 0 && !flags.includes('--install')) {
  const child = spawn(command[0], command.slice(1), { stdio: 'inherit' });
  child.on('exit', (c, sig) => process.exit(c ?? (sig ? 1 : 0)));
} else await main();

async function main() {
const mods = [];
for (const n of names) mods.push(await import(`./${n}.mjs`));
for (const m of mods) {
  const t = Date.now();
  await m.install();
  log(`${m.name}: installed (${Date.now() - t} ms)`);
}
if (flags.includes('--install')) process.exit(0);

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lakelens-servers-'));
const running = [];
const env = { LAKELENS_TEST_SERVERS_UP: '1' };
let code = 1;
try {
  // started one after another: on 2 cores, parallel starts only slow each other
  for (const m of mods) {
    const t = Date.now();
    const dataDir = path.join(root, m.name);
    fs.mkdirSync(dataDir, { recursive: true });
    const s = await m.start({ dataDir, log });
    running.push(s);
    Object.assign(env, s.env);
    // addresses only: a connection string or key a server exports is not for the log
    log(`${m.name}: up in ${Date.now() - t} ms (${Object.entries(s.env).filter(([k]) => !/KEY|SECRET|TOKEN|CONNECTION|PASSWORD/i.test(k)).map(([, v]) => v).join(', ')})`);
  }
  if (command.length > 0) {
    const child = spawn(command[0], command.slice(1), { stdio: 'inherit', env: { ...process.env, ...env } });
    const stop = () => child.kill('SIGINT');
    process.on('SIGINT', stop);
    code = await new Promise((r) => child.on('exit', (c, sig) => r(c ?? (sig ? 1 : 0))));
  } else code = 0;
} catch (err) {
  log(`FAILED: ${err instanceof Error ? err.stack : String(err)}`);
} finally {
  for (const s of running.reverse()) await s.stop().catch(() => undefined);
  if (code === 0) fs.rmSync(root, { recursive: true, force: true });
  else log(`server data and logs kept in ${root}`);
}
process.exit(code);
}
