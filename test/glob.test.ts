/**
 * Exclude globs as VS Code writes them in files.exclude and lakelens.exclude, and their use by
 * table detection.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { detectTables } from '../src/core/detect';
import { globMatcher, globToRegExp } from '../src/core/glob';
import { FsStorage } from '../src/core/storage/local';
import { corpusIndex, corpusPath } from './helpers/corpus';

describe('globs', () => {
  test('** crosses folders, * and ? stay in one, {a,b} and [ab] alternate', () => {
    const m = (g: string, p: string) => globToRegExp(g).test(p);
    assert.ok(m('**/node_modules', 'a/b/node_modules'));
    assert.ok(m('**/node_modules', 'node_modules'));
    assert.ok(m('node_modules', 'x/node_modules'), 'a bare name matches at any depth');
    assert.ok(!m('node_modules', 'x/node_modules_old'));
    assert.ok(m('lake/*/tmp', 'lake/bronze/tmp'));
    assert.ok(!m('lake/*/tmp', 'lake/bronze/x/tmp'));
    assert.ok(m('lake/**/tmp', 'lake/bronze/x/tmp'));
    assert.ok(m('**/{archive,old}', 'a/old'));
    assert.ok(m('**/v?', 'a/v1'));
    assert.ok(!m('**/v?', 'a/v10'));
    assert.ok(m('**/[ab]x', 'q/bx'));
    assert.ok(m('**/*.tmp', 'a/b.tmp'));
    assert.ok(!m('**/*.tmp', 'a/b.tmpx'));
    assert.ok(m('a.b(c)', 'a.b(c)'), 'regex characters are literal');
  });
  test('a matcher over several globs; empty globs match nothing', () => {
    const ex = globMatcher(['**/dat/basic_*', '', 'nothing']);
    assert.ok(ex('open/dat/basic_append'));
    assert.ok(!ex('open/dat/cdf'));
    assert.equal(globMatcher([])('x'), false);
  });
  test('detection skips excluded folders and does not enter tables', async () => {
    const all = await detectTables(new FsStorage(corpusPath('open/dat')));
    const ex = globMatcher(['**/basic_*']);
    const some = await detectTables(new FsStorage(corpusPath('open/dat')), { exclude: (rel) => ex(rel) });
    const excluded = all.filter((t) => t.path.startsWith('basic_'));
    assert.ok(excluded.length >= 2);
    assert.deepEqual(some.map((t) => t.path), all.filter((t) => !t.path.startsWith('basic_')).map((t) => t.path));
    const dat = corpusIndex().filter((e) => e.table_root.startsWith('open/dat/'));
    assert.equal(all.length, dat.length);
    // depth-limited: the tables sit two levels down (name/delta)
    assert.equal((await detectTables(new FsStorage(corpusPath('open/dat')), { maxDepth: 1 })).length, 0);
  });
});
