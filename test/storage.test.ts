/**
 * Storage keeps every read inside the table root: lexically (`..`, absolute paths, NUL) and
 * through symlinks (a file or a folder linking out of the table).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { LakeError } from '../src/core/errors';
import { FsStorage } from '../src/core/storage/local';
import { resolveInRoot } from '../src/core/storage/storage';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lakelens-storage-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('resolveInRoot', () => {
  test('normalises and refuses escapes', () => {
    assert.equal(resolveInRoot('a/./b//c'), 'a/b/c');
    assert.equal(resolveInRoot('a/b/../c'), 'a/c');
    assert.equal(resolveInRoot(''), '');
    for (const bad of ['../x', 'a/../../x', '/etc/passwd', 'C:/x', 'file:/etc/passwd', 's3://b/k', 'a\0b']) {
      assert.throws(() => resolveInRoot(bad), (e: LakeError) => e.kind === 'out-of-root', bad);
    }
  });
});

describe('FsStorage', () => {
  const root = path.join(tmp, 'table');
  const outside = path.join(tmp, 'outside');
  fs.mkdirSync(path.join(root, 'data'), { recursive: true });
  fs.mkdirSync(outside, { recursive: true });
  fs.writeFileSync(path.join(root, 'data', 'ok.txt'), 'inside');
  fs.writeFileSync(path.join(outside, 'secret.txt'), 'secret');
  fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'data', 'file-link.txt'));
  fs.symlinkSync(outside, path.join(root, 'dir-link'));
  fs.symlinkSync(path.join(root, 'data', 'ok.txt'), path.join(root, 'inner-link.txt'));
  const st = new FsStorage(root);

  test('reads files inside, also through a symlink that stays inside', async () => {
    assert.equal(new TextDecoder().decode(await st.read('data/ok.txt')), 'inside');
    assert.equal(new TextDecoder().decode(await st.read('inner-link.txt')), 'inside');
    assert.equal((await st.stat('data/ok.txt'))?.size, 6);
    assert.deepEqual((await st.list('data')).map((e) => e.name).sort(), ['file-link.txt', 'ok.txt']);
  });

  test('refuses a file symlink and a folder symlink leading out', async () => {
    for (const p of ['data/file-link.txt', 'dir-link/secret.txt']) {
      await assert.rejects(st.read(p), (e: LakeError) => e.kind === 'out-of-root' && e.path === p, p);
      await assert.rejects(st.stat(p), (e: LakeError) => e.kind === 'out-of-root', p);
    }
    await assert.rejects(st.list('dir-link'), (e: LakeError) => e.kind === 'out-of-root');
  });

  test('missing files: read is a `missing` error, stat is undefined, list is empty', async () => {
    await assert.rejects(st.read('nope'), (e: LakeError) => e.kind === 'missing');
    assert.equal(await st.stat('nope'), undefined);
    assert.deepEqual(await st.list('nope'), []);
  });

  test('someEntry answers as the listing would, and stays inside the root', async () => {
    for (const [dir, name] of [['data', 'ok.txt'], ['data', 'other.txt'], ['', 'data'], ['nope', 'x'], ['data/ok.txt', 'x']] as const) {
      const listed = (await st.list(dir)).some((e) => e.name === name);
      assert.equal(await st.someEntry(dir, (n) => n === name), listed, `${dir} ${name}`);
    }
    await assert.rejects(st.someEntry('dir-link', () => true), (e: LakeError) => e.kind === 'out-of-root');
    await assert.rejects(st.someEntry('../outside', () => true), (e: LakeError) => e.kind === 'out-of-root');
  });

  test('streamed listings equal whole ones: files, folders, a 3,000-entry folder, missing and escaping folders', async () => {
    const many = path.join(root, 'many');
    fs.mkdirSync(many, { recursive: true });
    for (let i = 0; i < 3000; i++) fs.writeFileSync(path.join(many, `${String(i).padStart(20, '0')}.json`), '');
    const streamed = new FsStorage(root, { streamListings: true });
    const sorted = (xs: { name: string }[]) => [...xs].sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const dir of ['', 'data', 'many', 'nope', 'data/ok.txt']) assert.deepEqual(sorted(await streamed.list(dir)), sorted(await st.list(dir)), dir);
    assert.equal((await streamed.list('many')).length, 3000);
    await assert.rejects(streamed.list('dir-link'), (e: LakeError) => e.kind === 'out-of-root');
  });
});
