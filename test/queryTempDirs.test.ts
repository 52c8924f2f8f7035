/**
 * The engine's temp folders: each holds an owner file, and creating one sweeps the folders that
 * killed processes left behind (older than a day, owner gone), never one in use, another host's,
 * a symlink, or anything not named like the engine's folders.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import { DeltaTable } from '../src/core/delta/table';
import { FsStorage } from '../src/core/storage/local';
import { QueryEngine } from '../src/query/engine';
import { OWNER_FILE, TEMP_PREFIX, createEngineTempDir, sweepStaleTempDirs } from '../src/query/tempDirs';
import { CORPUS } from './helpers/corpus';

let base: string;
let parent: string;
const DAY = 24 * 60 * 60 * 1000;

/** A pid that no longer runs: a child that has exited. */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid!;

before(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'lakelens-tempdirs-'));
});

// each test sweeps its own parent folder
beforeEach(() => {
  parent = fs.mkdtempSync(path.join(base, 'p-'));
});

after(() => {
  fs.rmSync(base, { recursive: true, force: true });
});

/** A folder as an engine leaves it: spill files inside, an owner file (unless `owner` is null), aged. */
function leftover(name: string, owner: string | null, ageMs: number): string {
  const dir = path.join(parent, `${TEMP_PREFIX}${name}`);
  fs.mkdirSync(path.join(dir, 'i1'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'i1', 'duckdb_temp_storage-0.tmp'), 'spill');
  if (owner !== null) fs.writeFileSync(path.join(dir, OWNER_FILE), owner);
  const t = new Date(Date.now() - ageMs);
  fs.utimesSync(dir, t, t);
  return dir;
}

test('stale folders of dead processes go; live, recent, foreign and odd entries stay', () => {
  const host = os.hostname();
  const dead = leftover('dead', `${deadPid()}\n${host}\n`, 2 * DAY);
  const legacy = leftover('legacy', null, 2 * DAY);
  const garbage = leftover('garbage', 'not a pid', 2 * DAY);
  const alive = leftover('alive', `${process.pid}\n${host}\n`, 2 * DAY);
  const recent = leftover('recent', `${deadPid()}\n${host}\n`, 60 * 60 * 1000);
  const foreign = leftover('foreign', `${deadPid()}\nsome-other-host\n`, 2 * DAY);
  const target = fs.mkdtempSync(path.join(os.tmpdir(), 'lakelens-tempdirs-target-'));
  fs.writeFileSync(path.join(target, 'keep'), 'x');
  const link = path.join(parent, `${TEMP_PREFIX}link`);
  fs.symlinkSync(target, link);
  const file = path.join(parent, `${TEMP_PREFIX}file`);
  fs.writeFileSync(file, 'x');
  const other = path.join(parent, 'other-old-folder');
  fs.mkdirSync(other);
  fs.utimesSync(other, new Date(Date.now() - 3 * DAY), new Date(Date.now() - 3 * DAY));
  try {
    const removed = sweepStaleTempDirs(parent);
    assert.deepEqual(removed.sort(), [dead, garbage, legacy].map((d) => path.basename(d)).sort());
    for (const d of [dead, legacy, garbage]) assert.ok(!fs.existsSync(d), d);
    for (const d of [alive, recent, foreign, link, file, other]) assert.ok(fs.existsSync(d), d);
    assert.ok(fs.existsSync(path.join(target, 'keep')), 'a symlink is never followed');
  } finally {
    fs.rmSync(target, { recursive: true, force: true });
  }
});

test('a new folder holds its owner (this process, this host) and sweeps first', () => {
  const stale = leftover('stale', `${deadPid()}\n${os.hostname()}\n`, 3 * DAY);
  const dir = createEngineTempDir(parent);
  assert.ok(path.basename(dir).startsWith(TEMP_PREFIX));
  assert.equal(fs.readFileSync(path.join(dir, OWNER_FILE), 'utf8'), `${process.pid}\n${os.hostname()}\n`);
  assert.ok(!fs.existsSync(stale));
  // its own folder is never swept, however old
  fs.utimesSync(dir, new Date(Date.now() - 5 * DAY), new Date(Date.now() - 5 * DAY));
  assert.deepEqual(sweepStaleTempDirs(parent), []);
  fs.rmSync(dir, { recursive: true });
});

test('the engine sweeps when it creates its temp folder and removes its own on dispose', async () => {
  const stale = leftover('killed', `${deadPid()}\n${os.hostname()}\n`, 2 * DAY);
  const engine = new QueryEngine({ tempRoot: parent, memoryLimit: '128MB', threads: 1 });
  const storage = new FsStorage(path.join(CORPUS, 'open/dat/basic_append/delta'));
  const snap = await new DeltaTable(storage).snapshot();
  const page = await engine.table(storage).preview(snap, 0, 1);
  assert.equal(page.rows.length, 1);
  assert.ok(!fs.existsSync(stale), 'the killed process’s folder is gone');
  const mine = fs.readdirSync(parent).filter((n) => n.startsWith(TEMP_PREFIX));
  assert.equal(mine.length, 1);
  assert.equal(fs.readFileSync(path.join(parent, mine[0]!, OWNER_FILE), 'utf8').split('\n')[0], String(process.pid));
  await engine.dispose();
  assert.deepEqual(fs.readdirSync(parent).filter((n) => n.startsWith(TEMP_PREFIX)), []);
});

test('a killed CLI process leaves a folder that the next engine sweeps once it is a day old', () => {
  // simulate the kill: a child creates the folder the way the engine does and exits without cleanup
  const script = `const fs=require('fs'),path=require('path'),os=require('os');const d=fs.mkdtempSync(path.join(${JSON.stringify(parent)},${JSON.stringify(TEMP_PREFIX)}));fs.writeFileSync(path.join(d,${JSON.stringify(OWNER_FILE)}),process.pid+'\\n'+os.hostname()+'\\n');process.stdout.write(d);`;
  const dir = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' }).stdout;
  assert.ok(fs.existsSync(dir));
  assert.deepEqual(sweepStaleTempDirs(parent), [], 'not yet a day old');
  assert.deepEqual(sweepStaleTempDirs(parent, Date.now() + 2 * DAY), [path.basename(dir)]);
  assert.ok(!fs.existsSync(dir));
});
