/** An `assert.rejects` / `assert.throws` predicate: a LakeError of this kind, its path and message matching. */
import assert from 'node:assert/strict';
import { LakeError } from '../../src/core/errors';

export function lakeError(kind: string, pathRe?: RegExp, msgRe?: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof LakeError, String(e));
    assert.equal(e.kind, kind, e.message);
    if (pathRe) assert.match(e.path ?? '', pathRe);
    if (msgRe) assert.match(e.message, msgRe);
    return true;
  };
}
