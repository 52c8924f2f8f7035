/**
 * Hudi rows in a real VS Code: a merge-on-read table's rows are the read-optimized view, and both
 * row views say so next to the rows (the preview's notices, the SQL console's notes); a
 * copy-on-write table shows its rows with no such notice. Row counts come from corpus/HUDI.md and
 * the base files' Parquet footers.
 */
import assert from 'node:assert/strict';
import { describeWorkbench } from './lib/suite';
import type { Workbench } from './lib/workbench';
import { buildWorkspace } from './lib/workspace';

function workspace(): string {
  return buildWorkspace('hudi-rows', {
    'lake/bronze/trips_hudi': { corpus: 'open/hudi-rs/v6_cow_trips_partitioned' },
    'lake/bronze/mor_hudi': { corpus: 'open/hudi-rs/v6_mor_nonpartitioned' },
  });
}

function view(wb: Workbench) {
  return wb.page.locator('.editor-instance iframe.webview.ready, .webview.ready:visible').last().contentFrame().frameLocator('#active-frame');
}

describeWorkbench('hudi rows', { workspace }, (ctx, it) => {
  it('preview: merge-on-read rows carry the read-optimized notice; copy-on-write rows do not', async () => {
    const { wb } = ctx;
    await wb.runCommand('Lakelens: Preview Rows at Version…');
    await wb.quickPick('mor_hudi');
    await wb.quickPick('20250117083136333');
    let v = view(wb);
    // 3 + 1 rows in the two base files (the log file's changes are not merged)
    await v.locator('.row-count', { hasText: /^4$/ }).waitFor({ timeout: 60_000 });
    await v.locator('.notice', { hasText: /read-optimized view/i }).first().waitFor();
    await v.locator('.grid-row .grid-cell:not(.rownum)').first().waitFor();
    await wb.screenshot('mor-preview');
    await wb.runCommand('View: Close All Editors');
    await wb.runCommand('Lakelens: Preview Rows at Version…');
    await wb.quickPick('trips_hudi');
    await wb.quickPick('20240402144910683');
    v = view(wb);
    await v.locator('.row-count', { hasText: /^5$/ }).waitFor({ timeout: 60_000 });
    await v.locator('.grid-head .col-name', { hasText: 'city' }).waitFor();
    assert.equal(await v.locator('.notice', { hasText: /read-optimized/i }).count(), 0);
  });

  it('SQL: a merge-on-read result shows the read-optimized note with the rows', async () => {
    const { wb } = ctx;
    await wb.runCommand('View: Close All Editors');
    await wb.runCommand('Lakelens: New SQL Query');
    await wb.quickPick('mor_hudi');
    const v = view(wb);
    const editor = v.locator('textarea.editor');
    await editor.waitFor({ timeout: 30_000 });
    await editor.fill('SELECT id, name FROM t ORDER BY id');
    await editor.press('Control+Enter');
    await v.locator('.result-info', { hasText: /^4 rows · 2 columns/ }).waitFor({ timeout: 60_000 });
    const note = v.locator('.notice', { hasText: /^read-optimized view \(merge-on-read\): rows of the base files only, not the full snapshot/ });
    await note.waitFor();
    await wb.screenshot('mor-sql');
    await editor.fill('SELECT count(*) FROM t');
    await editor.press('Control+Enter');
    await v.locator('.result-info', { hasText: /^1 row · 1 column/ }).waitFor({ timeout: 60_000 });
    assert.equal(await note.count(), 1, 'every result of the table is labelled');
  });
});
