// Plumbing for the test servers (scripts/servers/<name>.mjs): where downloads are cached, free
// ports on 127.0.0.1, child processes in their own process group, and waiting for a port to answer.
// Plain Node ESM: it runs before anything is built, from .ci/run, `npm test` and the tests.
//
// A server module exports:
//   name                      its key ('moto', 'azurite', …)
//   install()                 idempotent; puts what it needs in the cache (pip/npm/go installs)
//   start({ dataDir, log })   → { env: { LAKELENS_TEST_<NAME>: 'http://127.0.0.1:PORT', … }, stop() }
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const CACHE = path.resolve(process.env.LAKELENS_CACHE || path.join(os.homedir(), '.cache', 'lakelens'));
export const BIN = path.join(CACHE, 'bin');

export function log(msg) {
  process.stderr.write(`[servers] ${msg}\n`);
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts connections on 127.0.0.1:port, or rejects after `ms`. */
export async function waitForPort(port, ms = 30_000, child) {
  const t0 = Date.now();
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`server exited with code ${child.exitCode} before listening on ${port}`);
    const ok = await new Promise((resolve) => {
      const c = net.connect(port, '127.0.0.1');
      c.once('connect', () => { c.destroy(); resolve(true); });
      c.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() - t0 > ms) throw new Error(`nothing listened on 127.0.0.1:${port} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Starts a server in its own process group, output to `logFile`; `stop()` kills the group.
 * The group dies with this process too (a test run that crashes leaves no server behind).
 */
export function spawnServer(cmd, args, { cwd, env, logFile }) {
  const out = fs.openSync(logFile, 'a');
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', out, out], detached: true });
  fs.closeSync(out);
  const kill = () => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } };
  process.once('exit', kill);
  return {
    child,
    stop: async () => {
      process.removeListener('exit', kill);
      if (child.exitCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      try { process.kill(-child.pid, 'SIGTERM'); } catch { return; }
      await Promise.race([gone, new Promise((r) => setTimeout(r, 3000))]);
      kill();
    },
  };
}

/** `spawnServer`, then waits for the port; a server that never listens is stopped before the error. */
export async function spawnListening(cmd, args, opts, port, ms) {
  const s = spawnServer(cmd, args, opts);
  try {
    await waitForPort(port, ms, s.child);
  } catch (err) {
    await s.stop();
    throw err;
  }
  return s;
}

/** Runs a command to completion (installs), failing with its output. */
export function runOnce(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} failed (${code}):\n${out.slice(-4000)}`))));
  });
}
