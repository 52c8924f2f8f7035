/**
 * One conformance check for every object-store backend: a table uploaded to a real server, read
 * through its `Storage`, must answer exactly as the same folder read through FsStorage — listings
 * (names, kinds, sizes), whole reads, ranges, stats, listFrom, absent paths, escaping paths.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isLakeError } from '../../src/core/errors';
import { FsStorage } from '../../src/core/storage/local';
import { type Storage, listAfter } from '../../src/core/storage/storage';

/** Every file under a folder, as '/'-separated relative paths, sorted. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const d of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel === '' ? d.name : `${rel}/${d.name}`;
      if (d.isDirectory()) walk(r);
      else if (d.isFile()) out.push(r);
    }
  };
  walk('');
  return out.sort();
}

export async function assertSameAsLocal(remote: Storage, localDir: string): Promise<void> {
  const local = new FsStorage(localDir);
  const dirs = new Set<string>(['']);
  for (const f of filesUnder(localDir)) {
    const parts = f.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  for (const d of dirs) {
    const want = (await local.list(d)).map((e) => `${e.name}${e.isDir ? '/' : ''}`).sort();
    const got = await remote.list(d);
    assert.deepEqual(got.map((e) => `${e.name}${e.isDir ? '/' : ''}`).sort(), want, `listing of "${d}"`);
    for (const e of got) assert.equal(e.path, d === '' ? e.name : `${d}/${e.name}`, `path of ${e.name} in "${d}"`);
    const st = await remote.stat(d);
    assert.ok(st?.isDir, `stat of folder "${d}" says it is a folder`);
  }
  for (const f of filesUnder(localDir)) {
    const bytes = fs.readFileSync(path.join(localDir, f));
    const st = await remote.stat(f);
    assert.ok(st && !st.isDir, `stat of ${f}`);
    assert.equal(st.size, bytes.length, `size of ${f}`);
    assert.ok(st.mtime > 0, `mtime of ${f}`);
    assert.deepEqual(Buffer.from(await remote.read(f)), bytes, `bytes of ${f}`);
    if (bytes.length > 8) {
      const a = Math.floor(bytes.length / 3);
      const b = Math.floor((2 * bytes.length) / 3);
      assert.deepEqual(Buffer.from(await remote.readRange(f, a, b)), bytes.subarray(a, b), `range ${a}-${b} of ${f}`);
      assert.deepEqual(Buffer.from(await remote.readRange(f, bytes.length - 4, bytes.length + 100)), bytes.subarray(bytes.length - 4), `range past the end of ${f}`);
    }
  }
  // log tails: names after a given one, in order
  for (const d of dirs) {
    const names = (await local.list(d)).map((e) => e.name).sort();
    if (names.length < 2) continue;
    const after = names[Math.floor(names.length / 2) - 1]!;
    assert.deepEqual((await listAfter(remote, d, after)).map((e) => e.name), names.filter((n) => n > after), `listFrom("${d}", "${after}")`);
  }
  assert.equal(await remote.stat('no/such/file.json'), undefined, 'stat of an absent file');
  assert.deepEqual(await remote.list('no-such-folder'), [], 'listing of an absent folder');
  await assert.rejects(remote.read('no-such-file.json'), (e: unknown) => isLakeError(e) && e.kind === 'missing' && e.message.includes('no-such-file.json'), 'reading an absent file names it');
  await assert.rejects(remote.read('../outside.json'), (e: unknown) => isLakeError(e) && e.kind === 'out-of-root', 'paths that leave the table are refused');
}
