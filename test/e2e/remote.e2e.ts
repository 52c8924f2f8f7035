/**
 * Tables in object stores in a real VS Code: connections added through "Add Remote Connection…"
 * against real servers (Azurite for Azure Blob, moto for S3; secrets typed into the wizard go to
 * SecretStorage), the tables found under each prefix, a table's versions, a row preview, file
 * health and SQL, all read from the store. Expected values come from the core reader run on the
 * same tables' local folders.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { openTable } from '../../src/core/table';
import { FsStorage } from '../../src/core/storage/local';
import { DEV_ACCOUNT, createContainer, uploadFolder } from '../helpers/azureUpload';
import { S3Uploader } from '../helpers/s3Upload';
import { server } from '../helpers/servers';
import { describeWorkbench } from './lib/suite';
import type { Workbench } from './lib/workbench';
import { buildWorkspace } from './lib/workspace';
import { e2eEnv } from './lib/env';

const TABLES: Record<string, string> = {
  'silver/orders_delta': 'open/dat/deletion_vectors/delta',
  'silver/events_delta': 'open/dat/basic_partitioned/delta',
  'gold/positional_iceberg': 'open/impala/iceberg_v2_delete_positional',
};

function view(wb: Workbench) {
  return wb.page.locator('.editor-instance iframe.webview.ready, .webview.ready:visible').last().contentFrame().frameLocator('#active-frame');
}

let azureConn = '';
let motoUrl = '';

async function workspace(): Promise<string> {
  const env = await server('azurite');
  azureConn = env['LAKELENS_TEST_AZURITE_CONNECTION_STRING']!;
  const c = await createContainer(azureConn, 'e2e');
  for (const [rel, corpus] of Object.entries(TABLES)) await uploadFolder(c, path.join(e2eEnv().corpus, corpus), `lake/${rel}`);
  motoUrl = (await server('moto'))['LAKELENS_TEST_MOTO']!;
  const up = new S3Uploader({ endpoint: motoUrl, accessKeyId: 'e2e-key', secretAccessKey: 'e2e-secret' });
  await up.createBucket('e2e-lake');
  await up.uploadDir('e2e-lake', 'warehouse/trips_hudi', path.join(e2eEnv().corpus, 'open/hudi-rs/v6_cow_trips_partitioned'));
  await up.uploadDir('e2e-lake', 'warehouse/checkpointed', path.join(e2eEnv().corpus, 'open/delta-rs/simple_table_with_checkpoint'));
  return buildWorkspace('remote', { 'notes/README.md': { text: 'A workspace with no local tables: everything comes from the object stores.\n' } });
}

describeWorkbench('remote', { workspace }, (ctx, it) => {
  it('adds an Azure connection (connection string into secret storage) and lists its tables', async () => {
    const { wb } = ctx;
    await wb.showLakehouse();
    await wb.runCommand('Lakelens: Add Remote Connection…');
    await wb.answer(`abfss://e2e@${DEV_ACCOUNT}.dfs.core.windows.net/lake`);
    await wb.quickPick('Connection string…');
    await wb.answer(azureConn);
    await wb.answer('azurite lake');
    const conn = await wb.waitForTreeRow('azurite lake', 30_000);
    await conn.click();
    for (const name of ['orders_delta', 'events_delta', 'positional_iceberg']) await wb.waitForTreeRow(name, 30_000);
    await wb.screenshot('remote-azure-connection');
    // the secret went to SecretStorage, not to settings
    assert.ok(!(await wb.page.locator('body').innerText()).includes('AccountKey='), 'no account key on screen');
  });

  it('adds an S3 connection with an access key and a custom endpoint, and reads a table from it', async () => {
    const { wb } = ctx;
    await wb.runCommand('Lakelens: Add Remote Connection…');
    await wb.answer('s3://e2e-lake/warehouse');
    await wb.quickPick('Access key…');
    await wb.answer('e2e-key');
    await wb.answer('e2e-secret');
    await wb.answer(motoUrl);
    await wb.answer('moto warehouse');
    await (await wb.waitForTreeRow('moto warehouse', 30_000)).click();
    await wb.waitForTreeRow('trips_hudi', 30_000);
    const local = await (await openTable(new FsStorage(path.join(e2eEnv().corpus, 'open/delta-rs/simple_table_with_checkpoint')))).snapshot();
    const row = wb.treeRowLocator('checkpointed').first();
    await row.locator('.label-description', { hasText: new RegExp(`^v${local.version} · ${local.numFiles} files`) }).waitFor({ timeout: 30_000 });
    await wb.screenshot('remote-s3-connection');
    assert.ok(!(await wb.page.locator('body').innerText()).includes('e2e-secret'), 'the secret is not on screen');
  });

  it('a remote table shows its versions and summary as a local one would', async () => {
    const { wb } = ctx;
    const local = await (await openTable(new FsStorage(path.join(e2eEnv().corpus, TABLES['silver/events_delta']!)))).snapshot();
    const row = wb.treeRowLocator('events_delta').first();
    await row.locator('.label-description', { hasText: new RegExp(`^v${local.version} · ${local.numFiles} files`) }).waitFor({ timeout: 30_000 });
    await wb.expandTreeRow('events_delta');
    await wb.expandTreeRow('Versions');
    await wb.waitForTreeRow(`v${local.version}`);
    await wb.screenshot('remote-versions');
  });

  it('previews rows, shows health and runs SQL on the remote table', async () => {
    const { wb } = ctx;
    const snap = await (await openTable(new FsStorage(path.join(e2eEnv().corpus, TABLES['silver/orders_delta']!)))).snapshot();
    const total = snap.numRecords! - (snap.numDeletedRecords ?? 0);
    await wb.contextMenu(await wb.waitForTreeRow('orders_delta'), 'Preview Rows at Version…');
    await wb.quickPick(`v${snap.version}`);
    const v = view(wb);
    await v.locator('.row-count', { hasText: new RegExp(`^${total}$`) }).waitFor({ timeout: 60_000 });
    await v.locator('.grid-row .grid-cell:not(.rownum)').first().waitFor();
    await wb.screenshot('remote-preview');

    await wb.runCommand('View: Close All Editors');
    await wb.contextMenu(await wb.waitForTreeRow('orders_delta'), 'Show File Health');
    const h = view(wb);
    await h.locator('.verdict').first().waitFor({ timeout: 60_000 });
    assert.ok((await h.locator('svg.chart rect.bar').count()) >= 1, 'the size histogram is drawn');
    await wb.screenshot('remote-health');

    await wb.runCommand('View: Close All Editors');
    await wb.contextMenu(await wb.waitForTreeRow('positional_iceberg'), 'New SQL Query');
    const s = view(wb);
    const editor = s.locator('textarea.editor');
    await editor.waitFor({ timeout: 30_000 });
    await editor.fill('SELECT count(*) AS n FROM t');
    await editor.press('Control+Enter');
    const ice = await (await openTable(new FsStorage(path.join(e2eEnv().corpus, TABLES['gold/positional_iceberg']!)))).snapshot();
    await s.locator('.result-info', { hasText: /^1 row · 1 column/ }).waitFor({ timeout: 60_000 });
    const cell = await s.locator('.grid-row .grid-cell:not(.rownum)').first().innerText();
    assert.ok(Number(cell) > 0 && Number(cell) <= Number(ice.numRecords), `count ${cell} within the snapshot's ${ice.numRecords} records less deletes`);
    await wb.screenshot('remote-sql');
  });
});
