/**
 * Catalogs in a real VS Code: an Iceberg REST catalog (Apache Iceberg's REST fixture, started by
 * the run) added through "Add Catalog…", browsed namespace by namespace down to a registered
 * corpus table, which then previews its rows and shows its file health. Expected values come from
 * the core reader on the table's own folder.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openTable } from '../../src/core/table';
import { FsStorage } from '../../src/core/storage/local';
import { server } from '../helpers/servers';
import { describeWorkbench } from './lib/suite';
import type { Workbench } from './lib/workbench';
import { buildWorkspace } from './lib/workspace';
import { e2eEnv } from './lib/env';

function view(wb: Workbench) {
  return wb.page.locator('.editor-instance iframe.webview.ready, .webview.ready:visible').last().contentFrame().frameLocator('#active-frame');
}

let restUri = '';
let tableDir = '';

async function workspace(): Promise<string> {
  restUri = (await server('icebergRest'))['LAKELENS_TEST_ICEBERG_REST']!;
  const ws = buildWorkspace('catalogs', { 'notes/README.md': { text: 'Tables come from the catalog.\n' } });
  const index = JSON.parse(fs.readFileSync(path.join(e2eEnv().corpus, 'index.json'), 'utf8')) as { name: string; table_root: string; iceberg?: Record<string, unknown> }[];
  const e = index.find((x) => x.name === 'iceberg_v2_partitioned_position_deletes' && x.iceberg)!;
  tableDir = path.join(path.dirname(ws), 'catalog-wh', 'e2e_sales', 'orders');
  fs.cpSync(path.join(e2eEnv().corpus, e.table_root), tableDir, { recursive: true });
  const post = async (p: string, body: unknown) => {
    const res = await fetch(`${restUri}${p}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok && res.status !== 409) throw new Error(`POST ${p}: ${res.status} ${await res.text()}`);
  };
  await post('/v1/namespaces', { namespace: ['e2e_sales'] });
  await post('/v1/namespaces/e2e_sales/register', { name: 'orders', 'metadata-location': `file://${tableDir}/metadata/${e.iceberg!['current_metadata'] as string}` });
  return ws;
}

describeWorkbench('catalogs', { workspace }, (ctx, it) => {
  it('adds an Iceberg REST catalog and browses to a table', async () => {
    const { wb } = ctx;
    await wb.showLakehouse();
    await wb.runCommand('Lakelens: Add Catalog…');
    await wb.quickPick('Iceberg REST catalog');
    await wb.answer(restUri);
    await wb.answer('');
    await wb.quickPick('None');
    await wb.answer('fixture');
    await (await wb.waitForTreeRow('fixture', 30_000)).click();
    await (await wb.waitForTreeRow('e2e_sales', 30_000)).click();
    await wb.waitForTreeRow('orders', 30_000);
    await wb.screenshot('catalog-tree');
  });

  it('the catalog table opens with its versions, previews rows and shows health', async () => {
    const { wb } = ctx;
    const snap = await (await openTable(new FsStorage(tableDir))).snapshot();
    await wb.expandTreeRow('orders');
    await wb.waitForTreeRow('Snapshots', 30_000);
    await wb.screenshot('catalog-table');
    await wb.contextMenu(await wb.waitForTreeRow('orders'), 'Show File Health');
    const h = view(wb);
    await h.locator('.verdict').first().waitFor({ timeout: 60_000 });
    await wb.screenshot('catalog-health');
    await wb.runCommand('View: Close All Editors');
    await wb.contextMenu(await wb.waitForTreeRow('orders'), 'New SQL Query');
    const s = view(wb);
    const editor = s.locator('textarea.editor');
    await editor.waitFor({ timeout: 30_000 });
    await editor.fill('SELECT count(*) AS n FROM t');
    await editor.press('Control+Enter');
    await s.locator('.result-info', { hasText: /^1 row · 1 column/ }).waitFor({ timeout: 60_000 });
    const n = Number(await s.locator('.grid-row .grid-cell:not(.rownum)').first().innerText());
    assert.ok(n > 0 && n <= Number(snap.numRecords), `count ${n} within ${snap.numRecords} records`);
    await wb.screenshot('catalog-sql');
  });
});
