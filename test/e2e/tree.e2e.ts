/**
 * The Lakehouse tree in a real VS Code: tables grouped by layer with their versions, version
 * files, partitions and schema; paging; the Explorer context menu; palette commands; commit and
 * Parquet documents; live refresh when a commit lands. Expected values come from the core reader
 * run on the same workspace copy, so the UI is checked against the log, not against constants.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DeltaTable } from '../../src/core/delta/table';
import { countOf, formatBytes } from '../../src/core/format';
import { FsStorage } from '../../src/core/storage/local';
import { summarizePartitions } from '../../src/core/partitions';
import { describeWorkbench } from './lib/suite';
import { LAKE, buildWorkspace } from './lib/workspace';

const layout = {
  ...LAKE,
  '.vscode/settings.json': { text: JSON.stringify({ 'lakelens.historyPageSize': 5, 'lakelens.listPageSize': 2 }, null, 2) },
  'lake/gold/hidden_table': { corpus: 'open/dat/with_schema_change/delta' },
};


describeWorkbench('tree', { workspace: () => buildWorkspace('tree', layout) }, (ctx, it) => {
  const table = (rel: string) => new DeltaTable(new FsStorage(path.join(ctx.folder, rel)));

  it('lists every table grouped by medallion layer, with version, files and size', async () => {
    const { wb } = ctx;
    await wb.showLakehouse();
    await wb.waitForTreeRow('simple_checkpointed');
    const snap = await table('lake/silver/simple_checkpointed').snapshot();
    // descriptions fill in once each table's snapshot is read
    const row = wb.treeRowLocator('simple_checkpointed').first();
    await row.locator('.label-description', { hasText: `v${snap.version} · ${snap.numFiles} files · ${formatBytes(snap.sizeBytes)}` }).waitFor({ timeout: 20_000 });
    const rows = await wb.treeRows();
    const labels = rows.map((r) => r.label);
    for (const l of ['bronze', 'silver', 'gold', 'events_partitioned', 'simple_checkpointed', 'mytable_iceberg', 'positional_deletes_iceberg', 'trips_hudi', 'hidden_table']) {
      assert.ok(labels.includes(l), `tree lacks ${l}: ${labels.join(', ')}`);
    }
    assert.ok(labels.indexOf('bronze') < labels.indexOf('silver') && labels.indexOf('silver') < labels.indexOf('gold'), 'layers in bronze → silver → gold order');
    await wb.screenshot('tables-by-layer');
  });

  it('versions are newest first and paged; "Load more" fetches older ones', async () => {
    const { wb } = ctx;
    await wb.expandTreeRow('simple_checkpointed');
    await wb.expandTreeRow('Versions');
    await wb.waitForTreeRow('v10');
    let labels = (await wb.treeRows()).map((r) => r.label);
    assert.deepEqual(labels.filter((l) => /^v\d+$/.test(l)), ['v10', 'v9', 'v8', 'v7', 'v6']);
    const more = await wb.waitForTreeRow(/^Load more… \(6 older\)$/);
    await wb.screenshot('versions-first-page');
    await more.click();
    await wb.waitForTreeRow('v1');
    await (await wb.waitForTreeRow(/^Load more… \(1 older\)$/)).click();
    await wb.waitForTreeRow('v0');
    labels = (await wb.treeRows()).map((r) => r.label);
    assert.deepEqual(labels.filter((l) => /^v\d+$/.test(l)), ['v10', 'v9', 'v8', 'v7', 'v6', 'v5', 'v4', 'v3', 'v2', 'v1', 'v0']);
    assert.ok(!labels.some((l) => l.startsWith('Load more')));
  });

  it('a version lists the files it added and removed, and its commit JSON', async () => {
    const { wb } = ctx;
    const ch = await table('lake/silver/simple_checkpointed').changes(4);
    await wb.expandTreeRow('v4');
    await wb.waitForTreeRow(`Files added (${ch.added.length})`);
    await wb.waitForTreeRow(`Files removed (${ch.removed.length})`);
    await wb.expandTreeRow(`Files added (${ch.added.length})`);
    const name = ch.added[0]!.path.split('/').pop()!;
    const fileRow = await wb.waitForTreeRow(name);
    await wb.screenshot('version-files');

    // a data file opens the Parquet footer inspector
    await fileRow.click();
    const editor = wb.page.locator('.editor-instance .view-lines');
    await editor.filter({ hasText: 'row_groups:' }).waitFor({ timeout: 20_000 });
    assert.match(await editor.innerText(), /created_by:/);
    await wb.screenshot('parquet-inspector');
    // the commit JSON opens formatted
    await (await wb.waitForTreeRow('Commit JSON')).click();
    await editor.filter({ hasText: '"commitInfo"' }).waitFor({ timeout: 20_000 });
    await wb.screenshot('commit-json');
  });

  it('partitions and schema of a partitioned table', async () => {
    const { wb } = ctx;
    const snap = await table('lake/bronze/events_partitioned').snapshot();
    const parts = summarizePartitions(snap);
    await wb.expandTreeRow('events_partitioned');
    await wb.expandTreeRow('Partitions');
    assert.ok(parts.length > 2, 'the table has more partitions than a page');
    for (const [i, p] of parts.entries()) {
      // two at a time: "Show more…" adds the next two
      if (i > 0 && i % 2 === 0) await (await wb.waitForTreeRow(`Show more… (${countOf(parts.length - i, 'more partition')})`)).click();
      const row = await wb.waitForTreeRow(p.key);
      const desc = (await row.locator('.label-description').innerText()).trim();
      assert.ok(desc.startsWith(`${countOf(p.files, 'file')} · ${formatBytes(p.bytes)}`), `${p.key}: ${desc}`);
    }
    await wb.expandTreeRow('Schema');
    for (const f of snap.schema.fields) await wb.waitForTreeRow(f.name);
    await wb.screenshot('partitions-and-schema');
  });

  it('a version\'s files come a page at a time ("Show more…" adds the next page)', async () => {
    const { wb } = ctx;
    const ch = await table('lake/bronze/events_partitioned').changes(1);
    const names = ch.added.map((f) => f.path.split('/').pop()!);
    assert.ok(names.length > 2, 'the version adds more files than a page (listPageSize 2)');
    // bronze/events_partitioned (expanded above) comes first in the tree, so its rows are the first matches
    await wb.expandTreeRow('Versions');
    await wb.expandTreeRow('v1');
    await wb.expandTreeRow(`Files added (${names.length})`);
    await wb.waitForTreeRow(names[1]!);
    assert.equal(await wb.treeRowLocator(names[2]!).count(), 0, 'the third file waits for "Show more…"');
    await (await wb.waitForTreeRow(`Show more… (${countOf(names.length - 2, 'more file')})`)).click();
    await wb.waitForTreeRow(names[2]!);
    await wb.screenshot('version-files-paged');
  });

  it('the Explorer menu offers "Open as Lakehouse Table" on folders only, and explains non-tables', async () => {
    const { wb } = ctx;
    await wb.showExplorer();
    await wb.explorerRow('notes').click();
    await wb.explorerRow('README.md').click({ button: 'right' });
    let items = await wb.menuItems();
    assert.ok(!items.includes('Open as Lakehouse Table'), `file menu offers it: ${items.join(', ')}`);
    await wb.page.keyboard.press('Escape');
    await wb.page.waitForTimeout(300);
    await wb.explorerRow('notes').click({ button: 'right' });
    items = await wb.menuItems();
    assert.ok(items.includes('Open as Lakehouse Table') && items.includes('Scan Folder for Tables'), items.join(', '));
    await wb.screenshot('explorer-context-menu');
    await wb.clickMenuItem(wb.page.getByRole('menuitem', { name: 'Open as Lakehouse Table' }));
    await wb.waitForNotification(/notes is not a Delta, Iceberg or Hudi table/);
    await wb.screenshot('not-a-table');
    await wb.clearNotifications();
  });

  it('"Open as Lakehouse Table" on a table folder reveals it in the tree', async () => {
    const { wb } = ctx;
    await wb.explorerRow('lake').click();
    await wb.explorerRow('gold').click();
    await wb.explorerContextMenu('hidden_table', 'Open as Lakehouse Table');
    await wb.container().waitFor({ state: 'visible' });
    const row = await wb.waitForTreeRow('hidden_table');
    assert.equal(await row.getAttribute('aria-expanded'), 'true');
    await wb.waitForTreeRow('Versions');
    await wb.screenshot('opened-from-explorer');
  });

  it('palette: Show History reveals the versions; Compare Schemas and Show File Health open their views', async () => {
    const { wb } = ctx;
    await wb.runCommand('Lakelens: Show History');
    await wb.quickPick('hidden_table');
    await wb.waitForTreeRow('v1');
    // reveal moves focus to the tree, which would close a palette opened meanwhile
    await wb.treeRowLocator('Versions').and(wb.page.locator('.selected')).last().waitFor({ timeout: 10_000 });
    await wb.page.waitForTimeout(500);
    await wb.runCommand('Lakelens: Compare Schemas…');
    await wb.quickPick('hidden_table');
    const view = wb.webview();
    await view.locator('.chip.added', { hasText: '2 added' }).waitFor({ timeout: 20_000 });
    await view.locator('.chip.removed', { hasText: '2 removed' }).waitFor();
    await wb.screenshot('schema-diff-from-palette');
    await wb.runCommand('View: Close All Editors');
    await wb.runCommand('Lakelens: Show File Health');
    await wb.quickPick('simple_checkpointed');
    await wb.webview().locator('.verdict').waitFor({ timeout: 20_000 });
    await wb.screenshot('health-from-palette');
    await wb.runCommand('View: Close All Editors');
  });

  it('a new commit in a table refreshes the tree', async () => {
    const { wb } = ctx;
    const root = path.join(ctx.folder, 'lake/silver/simple_checkpointed');
    const t = table('lake/silver/simple_checkpointed');
    const before = await t.snapshot();
    const file = before.files[0]!;
    // a metadata-only commit re-adding an existing file (dataChange false): version 11
    const commit = [
      JSON.stringify({ commitInfo: { timestamp: Date.now(), operation: 'MANUAL UPDATE', operationParameters: {}, engineInfo: 'lakelens-e2e' } }),
      JSON.stringify({ add: { path: file.path, partitionValues: {}, size: file.size, modificationTime: file.modificationTime, dataChange: false } }),
    ].join('\n');
    fs.writeFileSync(path.join(root, '_delta_log', '00000000000000000011.json'), commit + '\n');
    await wb.showLakehouse();
    await wb.treeRowLocator('simple_checkpointed').first().locator('.label-description', { hasText: /^v11 · / }).waitFor({ timeout: 20_000 });
    await wb.waitForTreeRow('v11');
    await wb.screenshot('refreshed-after-commit');
    // sections expanded earlier keep their children through the refreshes
    const parts = summarizePartitions(await table('lake/bronze/events_partitioned').snapshot());
    await wb.waitForTreeRow(parts[0]!.key);
    await wb.waitForOutput(/simple_checkpointed: changed on disk, refreshing/);
  });
});
