/**
 * The four views in a real VS Code: row preview (virtual grid over 1.1M rows, version picking,
 * diff with the previous version), SQL console (run, error, cancel), file health, schema diff —
 * in dark and light themes — and a table full of HTML/script that must render as text.
 * Expected numbers come from independent sources: DAT's expected result files and the log's stats.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DeltaTable } from '../../src/core/delta/table';
import { FsStorage } from '../../src/core/storage/local';
import { bufferOf, readParquetMetadata } from '../../src/core/parquet';
import { HOSTILE, writeHostileTable } from '../fixtures/hostile';
import { describeWorkbench } from './lib/suite';
import type { Workbench } from './lib/workbench';
import { buildWorkspace } from './lib/workspace';
import { e2eEnv } from './lib/env';

async function expectedRows(dir: string): Promise<number> {
  let n = 0;
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.parquet'))) {
    const p = path.join(dir, f);
    n += Number((await readParquetMetadata(bufferOf(fs.readFileSync(p)), p)).num_rows);
  }
  return n;
}

async function workspace(): Promise<string> {
  const dir = buildWorkspace('views', {
    'lake/bronze/covid': { corpus: 'open/delta-rs/COVID-19_NYT' },
    'lake/silver/events': { corpus: 'open/dat/basic_partitioned/delta' },
    'lake/silver/renamed': { corpus: 'open/dat/column_mapping/delta' },
    'lake/gold/small_files': { corpus: 'open/dask-deltatable/checkpoint' },
  });
  await writeHostileTable(path.join(dir, 'lake', 'gold', 'hostile'));
  return dir;
}


/** The active editor's webview content (panels stay alive hidden, so pick the visible one). */
function view(wb: Workbench) {
  return wb.page.locator('.editor-instance iframe.webview.ready, .webview.ready:visible').last().contentFrame().frameLocator('#active-frame');
}

describeWorkbench('views', { workspace }, (ctx, it) => {
  const dialogs: string[] = [];

  it('preview: a version of a 1.1M-row table pages through a virtual grid', async () => {
    const { wb } = ctx;
    wb.page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const snap = await new DeltaTable(new FsStorage(path.join(ctx.folder, 'lake/bronze/covid'))).snapshot();
    const total = snap.numRecords! - (snap.numDeletedRecords ?? 0);
    await wb.showLakehouse();
    await wb.expandTreeRow('covid');
    await wb.expandTreeRow('Versions');
    await wb.contextMenu(await wb.waitForTreeRow('v0'), 'Preview Rows at Version…');
    const v = view(wb);
    await v.locator('.row-count', { hasText: total.toLocaleString('en-US') }).waitFor({ timeout: 60_000 });
    await v.locator('.grid-head .col-name', { hasText: 'county' }).waitFor();
    await v.locator('.grid-head .col-type', { hasText: 'VARCHAR' }).first().waitFor();
    await v.locator('.grid-row .grid-cell:not(.rownum)').first().waitFor();
    assert.equal(await v.locator('.grid-row .pending').count(), 0, 'first page is loaded');
    await wb.screenshot('preview-first-page');
    // jump to the last row: the grid fetches only that page
    await v.locator('.grid-body').click();
    await wb.page.keyboard.press('Control+End');
    const lastRow = v.locator('.grid-row', { has: v.locator('.rownum', { hasText: new RegExp(`^${total}$`) }) });
    await lastRow.waitFor({ timeout: 30_000 });
    await v.locator('.grid-row .pending').first().waitFor({ state: 'detached', timeout: 30_000 });
    assert.ok((await v.locator('.grid-row').count()) < 200, 'only the rows in view are in the DOM');
    await wb.screenshot('preview-last-page');
  });

  it('preview: pick an older version and diff with the previous one (counts from DAT expected files)', async () => {
    const { wb } = ctx;
    const exp = path.join(e2eEnv().corpus, 'open/dat/basic_partitioned/expected');
    const [r0, r1] = [await expectedRows(path.join(exp, 'v0/table_content')), await expectedRows(path.join(exp, 'v1/table_content'))];
    await wb.runCommand('View: Close All Editors');
    await wb.runCommand('Lakelens: Preview Rows at Version…');
    await wb.quickPick('events');
    await wb.quickPick('v1');
    const v = view(wb);
    await v.locator('.row-count', { hasText: new RegExp(`^${r1}$`) }).waitFor({ timeout: 30_000 });
    await v.locator('aside.history button', { hasText: 'v0' }).click();
    await v.locator('.row-count', { hasText: new RegExp(`^${r0}$`) }).waitFor({ timeout: 30_000 });
    await v.locator('aside.history button', { hasText: 'v1' }).click();
    await v.locator('.row-count', { hasText: new RegExp(`^${r1}$`) }).waitFor({ timeout: 30_000 });
    await v.locator('vscode-button', { hasText: 'Diff with previous version' }).click();
    await v.locator('.added-count', { hasText: `+${r1 - r0} added` }).waitFor({ timeout: 30_000 });
    await v.locator('.removed-count', { hasText: '−0 removed' }).waitFor();
    await v.locator('vscode-button', { hasText: 'Show added rows' }).click();
    await v.locator('.diffbox .grid-row').nth(r1 - r0 - 1).waitFor();
    assert.equal(await v.locator('.diffbox .grid-row').count(), r1 - r0);
    await wb.screenshot('preview-diff');
    await wb.setTheme('light');
    await wb.screenshot('preview-diff-light');
    await wb.setTheme('dark');
  });

  it('SQL: runs the starter query, counts, shows errors inline, and cancels a long query', async () => {
    const { wb } = ctx;
    await wb.runCommand('View: Close All Editors');
    await wb.runCommand('Lakelens: New SQL Query');
    await wb.quickPick('covid');
    const v = view(wb);
    const editor = v.locator('textarea.editor');
    await editor.waitFor({ timeout: 30_000 });
    assert.equal(await editor.inputValue(), 'SELECT * FROM t LIMIT 100');
    await editor.press('Control+Enter');
    await v.locator('.result-info', { hasText: /^100 rows · / }).waitFor({ timeout: 60_000 });
    await wb.screenshot('sql-starter');
    await editor.fill('SELECT count(*) AS n FROM t');
    await editor.press('Control+Enter');
    await v.locator('.result-info', { hasText: /^1 row · 1 column/ }).waitFor({ timeout: 60_000 });
    await v.locator('.grid-row .grid-cell:not(.rownum)', { hasText: '1111930' }).waitFor();
    await editor.fill('SELECT no_such_column FROM t');
    await editor.press('Control+Enter');
    await v.locator('.error', { hasText: 'no_such_column' }).waitFor({ timeout: 30_000 });
    // DuckDB's position survives: the LINE context, and the caret under the column in the <pre>
    const text = (await v.locator('.error pre.sql-error').textContent()) ?? '';
    const lines = text.split('\n');
    const at = lines.findIndex((l) => l.startsWith('LINE 1: '));
    assert.ok(at > 0, `no LINE context in ${JSON.stringify(text)}`);
    assert.equal(lines[at], 'LINE 1: SELECT no_such_column FROM t');
    assert.equal(lines[at + 1], `${' '.repeat('LINE 1: SELECT '.length)}^`);
    await wb.screenshot('sql-error');
    await editor.fill('SELECT sum(a.range * b.range) FROM range(200000) a, range(200000) b');
    await editor.press('Control+Enter');
    await v.locator('.result-info', { hasText: 'Running…' }).waitFor();
    await wb.page.waitForTimeout(500);
    await v.locator('vscode-button', { hasText: 'Cancel' }).click();
    await v.locator('.error', { hasText: /cancel/i }).waitFor({ timeout: 30_000 });
    await wb.screenshot('sql-cancelled');
    // history lists what ran
    await v.locator('aside.history button', { hasText: 'SELECT count(*) AS n FROM t' }).waitFor();
    await wb.setTheme('light');
    await wb.screenshot('sql-light');
    await wb.setTheme('dark');
  });

  it('health: many small files call for OPTIMIZE, with the histogram drawn', async () => {
    const { wb } = ctx;
    await wb.runCommand('View: Close All Editors');
    await wb.runCommand('Lakelens: Show File Health');
    await wb.quickPick('small_files');
    const v = view(wb);
    await v.locator('.verdict.action', { hasText: 'Action recommended' }).waitFor({ timeout: 30_000 });
    await v.locator('.action pre', { hasText: /^OPTIMIZE delta\.`.*small_files`$/ }).waitFor();
    assert.ok((await v.locator('svg.chart rect.bar').count()) >= 8);
    await wb.screenshot('health-dark');
    await wb.setTheme('light');
    await wb.screenshot('health-light');
    await wb.setTheme('dark');
  });

  it('schema diff: a rename under column mapping, and the column lineage', async () => {
    const { wb } = ctx;
    await wb.runCommand('View: Close All Editors');
    await wb.runCommand('Lakelens: Compare Schemas…');
    await wb.quickPick('renamed');
    const v = view(wb);
    // defaults: previous vs latest, which did not rename; pick v1 → v2
    await v.locator('.notice, .chip').first().waitFor({ timeout: 30_000 });
    const [from, to] = [v.locator('vscode-single-select').nth(0), v.locator('vscode-single-select').nth(1)];
    await from.evaluate((el: { value: string; dispatchEvent(e: Event): boolean }) => { el.value = '1'; el.dispatchEvent(new Event('change')); });
    await to.evaluate((el: { value: string; dispatchEvent(e: Event): boolean }) => { el.value = '2'; el.dispatchEvent(new Event('change')); });
    await v.locator('.chip.changed', { hasText: '1 renamed' }).waitFor({ timeout: 30_000 });
    await v.locator('tr.changed td.change', { hasText: 'renamed from int' }).waitFor();
    await v.locator('tr.changed button.link', { hasText: 'history' }).click();
    await v.locator('.lineage tr.changed', { hasText: 'renamed' }).waitFor({ timeout: 30_000 });
    await v.locator('.lineage tr.added', { hasText: 'added' }).waitFor();
    await wb.screenshot('schema-diff-lineage');
    await wb.setTheme('light');
    await wb.screenshot('schema-diff-light');
    await wb.setTheme('dark');
  });

  it('a table of HTML and scripts renders as text in the tree and the views, and runs nothing', async () => {
    const { wb } = ctx;
    await wb.runCommand('View: Close All Editors');
    await wb.showLakehouse();
    await wb.expandTreeRow('hostile');
    // the hostile table is the last one: once its sections show, its Schema row is the last one
    await wb.waitForTreeRow(/^Health: 1 small file/);
    const schema = wb.treeRowLocator('Schema').last();
    if ((await schema.getAttribute('aria-expanded')) === 'false') await schema.locator('.monaco-tl-twistie').click();
    await wb.waitForTreeRow(HOSTILE.column);
    await wb.screenshot('hostile-tree');
    await wb.runCommand('Lakelens: Preview Rows at Version…');
    await wb.quickPick('hostile');
    await wb.quickPick('v0');
    const v = view(wb);
    await v.locator('.grid-cell', { hasText: HOSTILE.script }).waitFor({ timeout: 30_000 });
    await v.locator('.grid-cell', { hasText: HOSTILE.url }).waitFor();
    await v.locator('.grid-head .col-name', { hasText: HOSTILE.column }).waitFor();
    await v.locator('.grid-cell .empty').first().waitFor();
    // scripts in the frame: ours (from dist/webviews) and VS Code's own; none from table data
    const scripts = await v.locator('script').evaluateAll((els) => els.map((e) => `${(e as unknown as { src: string }).src} ${e.textContent ?? ''}`));
    assert.ok(scripts.some((x) => /dist\/webviews\/timeTravel\.js/.test(x)), scripts.join('\n'));
    assert.ok(!scripts.some((x) => /alert\(/.test(x)), `a script from table data: ${scripts.join('\n')}`);
    assert.equal(await v.locator('img, svg[onload], b[onmouseover]').count(), 0, 'no element built from table data');
    await wb.screenshot('hostile-preview');
    await wb.runCommand('Lakelens: Show File Health');
    await wb.quickPick('hostile');
    await view(wb).locator('.verdict').waitFor({ timeout: 30_000 });
    await wb.page.waitForTimeout(500);
    assert.deepEqual(dialogs, [], 'no alert() ran');
    await wb.screenshot('hostile-health');
  });
});
