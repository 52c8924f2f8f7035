/**
 * The engine's temp folders (`<tmp>/lakelens-duckdb-XXXXXX`, DuckDB's spill files). An engine
 * removes its own on dispose and at exit, but a killed process leaves its folder behind; so each
 * new folder holds an owner file (pid and host), and creating one first sweeps the stale folders
 * of earlier processes: older than a day, and whose owner is gone (no owner file, or an owner
 * process on this host that no longer runs). A folder of a process still running, or of another
 * host sharing the temp folder, is kept whatever its age.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as nodePath from 'node:path';

export const TEMP_PREFIX = 'lakelens-duckdb-';
export const OWNER_FILE = 'owner';
const DAY_MS = 24 * 60 * 60 * 1000;

/** Creates the engine's temp folder under `parent` (sweeping stale ones first) with its owner file. */
export function createEngineTempDir(parent: string, now = Date.now()): string {
  sweepStaleTempDirs(parent, now);
  const dir = fs.mkdtempSync(nodePath.join(parent, TEMP_PREFIX));
  fs.writeFileSync(nodePath.join(dir, OWNER_FILE), `${process.pid}\n${os.hostname()}\n`);
  return dir;
}

/** Removes stale engine temp folders under `parent`; returns the names removed. Never throws. */
export function sweepStaleTempDirs(parent: string, now = Date.now(), maxAgeMs = DAY_MS): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(parent).filter((n) => n.startsWith(TEMP_PREFIX));
  } catch {
    return removed;
  }
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  for (const name of names) {
    const dir = nodePath.join(parent, name);
    try {
      const st = fs.lstatSync(dir);
      // only real folders of this user: never follow a symlink, never touch others' folders
      if (!st.isDirectory() || (uid !== undefined && st.uid !== uid)) continue;
      if (now - st.mtimeMs < maxAgeMs) continue;
      if (ownerAlive(dir)) continue;
      fs.rmSync(dir, { recursive: true, force: true });
      removed.push(name);
    } catch {
      // in use, vanished or not ours to remove: leave it
    }
  }
  return removed;
}

/** Whether the folder's owner may still be running (unknown owners on other hosts count as alive). */
function ownerAlive(dir: string): boolean {
  let text: string;
  try {
    text = fs.readFileSync(nodePath.join(dir, OWNER_FILE), 'utf8');
  } catch {
    return false; // no owner file: left by an engine before owner files, or never finished
  }
  const [pidText, host] = text.split('\n');
  const pid = Number(pidText);
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  if (host !== os.hostname()) return true;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
