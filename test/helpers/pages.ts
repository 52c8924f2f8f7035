/**
 * Checks that paging through a snapshot with `preview` yields exactly the rows of `SELECT * FROM t`
 * (as a multiset), with the advertised total, whatever the page size.
 */
import assert from 'node:assert/strict';
import type { Snapshot } from '../../src/core/model';
import type { TableQuery } from '../../src/query/engine';

export async function checkPages(q: TableQuery, snap: Snapshot, pageSize: number): Promise<void> {
  const res = await q.sql(snap, 'SELECT * FROM t');
  const all: string[] = [];
  for await (const rows of res) for (const r of rows) all.push(JSON.stringify(r));
  const paged: string[] = [];
  let total = -1;
  for (let offset = 0; ; offset += pageSize) {
    const page = await q.preview(snap, offset, pageSize);
    total = page.totalRows;
    for (const r of page.rows) paged.push(JSON.stringify(r));
    if (page.rows.length < pageSize) break;
    assert.ok(offset < 1_000_000, 'paging terminates');
  }
  assert.equal(total, all.length, 'preview total equals the number of rows');
  assert.deepEqual(paged.sort(), all.sort(), 'pages hold exactly the rows of the table');
}
