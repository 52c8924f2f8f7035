/**
 * Untrusted tables in a real VS Code (issue #8):
 * - hostile names, operations, properties and cells render as text in the tree, its tooltips
 *   (including commit parameters that try to break out of a Markdown code block), the schema diff
 *   and the SQL console, and nothing from the table runs (no alert(), no elements built from data);
 *   right-to-left overrides and ANSI escapes are shown as escapes rather than obeyed;
 * - read-only: after every view has been opened over copies of Delta, Iceberg and Hudi tables, the
 *   table folders are byte-identical to how the workspace was built (content, size, mtime, names).
 * Restricted Mode is covered by test/hardeningTrust.test.ts: the e2e harness runs code-server with
 * --disable-workspace-trust for the whole run.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { HOSTILE, HOSTILE_V1, appendHostileVersion, writeHostileTable } from '../fixtures/hostile';
import { fingerprint, fingerprintChanges } from '../helpers/fingerprint';
import { describeWorkbench } from './lib/suite';
import type { Workbench } from './lib/workbench';
import { buildWorkspace } from './lib/workspace';

const TABLES = {
  hostile: 'lake/gold/hostile',
  checkpointed: 'lake/silver/checkpointed',
  dvs: 'lake/silver/with_dvs',
  iceberg: 'lake/bronze/iceberg_deletes',
  hudi: 'lake/bronze/trips_hudi',
} as const;

/** Fingerprints of the table folders right after the workspace was built. */
const before = new Map<string, Map<string, string>>();

async function workspace(): Promise<string> {
  const dir = buildWorkspace('hardening', {
    [TABLES.checkpointed]: { corpus: 'open/delta-rs/simple_table_with_checkpoint' },
    [TABLES.dvs]: { corpus: 'open/delta-kernel-rs-golden/dv-partitioned-with-checkpoint/delta' },
    [TABLES.iceberg]: { corpus: 'open/impala/iceberg_v2_positional_not_all_data_files_have_delete_files' },
    [TABLES.hudi]: { corpus: 'open/hudi-rs/v6_cow_trips_partitioned' },
  });
  const hostile = path.join(dir, TABLES.hostile);
  await writeHostileTable(hostile);
  appendHostileVersion(hostile);
  for (const rel of Object.values(TABLES)) before.set(rel, fingerprint(path.join(dir, rel)));
  return dir;
}

/** The active editor's webview content (panels stay alive hidden, so pick the visible one). */
function view(wb: Workbench) {
  return wb.page.locator('.editor-instance iframe.webview.ready, .webview.ready:visible').last().contentFrame().frameLocator('#active-frame');
}

/**
 * Picks in the quick pick a command opened, by keyboard: types `filter` (if any) and accepts the
 * first matching item. A mouse click can land on the next picker opening under the pointer
 * (table, then version), so these steps avoid the mouse.
 */
async function pick(wb: Workbench, filter?: string): Promise<void> {
  const quick = wb.page.locator('.quick-input-widget');
  await quick.waitFor({ state: 'visible', timeout: 30_000 });
  const rows = quick.locator('.monaco-list-row');
  if (filter !== undefined) {
    await quick.locator('.quick-input-box input').fill(filter);
    await rows.filter({ has: wb.page.locator('.label-name', { hasText: filter }) }).first().waitFor({ timeout: 15_000 });
  } else await rows.first().waitFor({ timeout: 30_000 });
  const first = await rows.first().innerText();
  await wb.page.keyboard.press('Enter');
  // closed, or showing the next question
  await Promise.any([quick.waitFor({ state: 'hidden', timeout: 15_000 }), rows.filter({ hasText: first }).first().waitFor({ state: 'detached', timeout: 15_000 })]);
}

/** Elements a hostile string would have become had it been parsed as HTML anywhere in the frame. */
const FROM_DATA = 'img, svg[onload], b[onmouseover], b, a[href^="javascript:"], a[href*="example.invalid"]';

async function assertNoScriptsFromData(v: ReturnType<typeof view>): Promise<void> {
  const scripts = await v.locator('script').evaluateAll((els) => els.map((e) => `${(e as { src?: string }).src ?? ''} ${e.textContent ?? ''}`));
  assert.ok(!scripts.some((x) => /alert\(/.test(x)), `a script from table data: ${scripts.join('\n')}`);
  assert.equal(await v.locator(FROM_DATA).count(), 0, 'an element was built from table data');
}

describeWorkbench('hardening', { workspace }, (ctx, it) => {
  const dialogs: string[] = [];

  it('tree: hostile operations, names and tooltips are text (no Markdown breakout)', async () => {
    const { wb } = ctx;
    wb.page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await wb.showLakehouse();
    await wb.expandTreeRow('hostile');
    await wb.expandTreeRow('Versions');
    const v1 = await wb.waitForTreeRow('v1');
    assert.ok((await v1.locator('.label-description').innerText()).includes(HOSTILE_V1.operation));
    // the version's tooltip: operation as text, parameters inside a code block they cannot close
    await v1.hover();
    const hover = wb.page.locator('.monaco-hover:visible, .workbench-hover:visible').last();
    await hover.waitFor({ timeout: 15_000 });
    // (the tooltip keeps spaces as no-break spaces)
    const text = (await hover.innerText()).replace(/\u00a0/g, ' ');
    assert.ok(text.includes(HOSTILE_V1.operation), text);
    // the right-to-left override in the engine name is shown, not obeyed
    assert.ok(text.includes('abc\\u202egnp.exe'), `the RTL override is not shown as an escape: ${text}`);
    assert.ok(!text.includes('\u202e'), 'an RTL override reached the tooltip');
    assert.ok(text.includes('![pixel](https://example.invalid/pixel.png)'), `the parameter is not shown as written: ${text}`);
    assert.equal(await hover.locator('img, a[href*="example.invalid"]').count(), 0, 'the tooltip rendered Markdown from table data');
    await wb.screenshot('hostile-tooltip');
    await wb.page.mouse.move(900, 700);
    // the schema of the latest version lists both hostile column names
    const schema = wb.treeRowLocator('Schema').last();
    if ((await schema.getAttribute('aria-expanded')) === 'false') await schema.locator('.monaco-tl-twistie').click();
    await wb.waitForTreeRow(HOSTILE.column);
    await wb.waitForTreeRow(HOSTILE_V1.column);
    await wb.screenshot('hostile-tree');
  });

  it('schema diff: hostile column names and properties are text', async () => {
    const { wb } = ctx;
    await wb.runCommand('View: Close All Editors');
    await wb.runCommand('Lakelens: Compare Schemas…');
    await wb.quickPick('hostile');
    const v = view(wb);
    await v.locator('.chip.added', { hasText: '1 added' }).waitFor({ timeout: 30_000 });
    await v.locator('tr.added td.name', { hasText: HOSTILE_V1.column }).first().waitFor();
    await v.locator('.props td.key', { hasText: HOSTILE_V1.propertyKey }).waitFor();
    await v.locator('.props td.after', { hasText: HOSTILE_V1.propertyValue }).waitFor();
    await v.locator('tr.added button.link', { hasText: 'history' }).first().click();
    await v.locator('.lineage h2', { hasText: HOSTILE_V1.column }).waitFor({ timeout: 30_000 });
    await assertNoScriptsFromData(v);
    await wb.screenshot('hostile-schema-diff');
  });

  it('SQL: hostile cells, column names and error messages are text', async () => {
    const { wb } = ctx;
    await wb.runCommand('View: Close All Editors');
    await wb.runCommand('Lakelens: New SQL Query');
    await wb.quickPick('hostile');
    const v = view(wb);
    const editor = v.locator('textarea.editor');
    await editor.waitFor({ timeout: 30_000 });
    await editor.fill(`SELECT *, '<img src=x onerror=alert("sql")>' AS "<b onmouseover=alert(1)>h</b>" FROM t`);
    await editor.press('Control+Enter');
    await v.locator('.grid-cell', { hasText: '<img src=x onerror=alert("sql")>' }).first().waitFor({ timeout: 60_000 });
    await v.locator('.grid-cell', { hasText: HOSTILE.script }).first().waitFor();
    // invisible and reordering controls are shown as escapes, not obeyed
    await v.locator('.grid-cell', { hasText: 'abc\\u202egnp.exe' }).first().waitFor();
    await v.locator('.grid-cell', { hasText: '\\x1b[31mred\\x1b[0m' }).first().waitFor();
    await v.locator('.grid-head .col-name', { hasText: '<b onmouseover=alert(1)>h</b>' }).waitFor();
    await v.locator('.grid-head .col-name', { hasText: HOSTILE_V1.column }).waitFor();
    await assertNoScriptsFromData(v);
    await wb.screenshot('hostile-sql');
    await editor.fill(`SELECT "<script>alert('err')</script>" FROM t`);
    await editor.press('Control+Enter');
    await v.locator('.error', { hasText: `<script>alert('err')</script>` }).waitFor({ timeout: 30_000 });
    await assertNoScriptsFromData(v);
    await wb.screenshot('hostile-sql-error');
  });

  it('every view over Delta, Iceberg and Hudi copies opens (and, below, changes nothing)', async () => {
    const { wb } = ctx;
    for (const name of ['checkpointed', 'with_dvs', 'iceberg_deletes', 'trips_hudi']) {
      await wb.runCommand('View: Close All Editors');
      await wb.runCommand('Lakelens: Preview Rows at Version…');
      await pick(wb, name);
      await pick(wb); // the newest version
      // rows, or a clear error where a format's rows are not readable yet
      await view(wb).locator('.row-count, .error').first().waitFor({ timeout: 60_000 });
      await wb.runCommand('View: Close All Editors');
      await wb.runCommand('Lakelens: Show File Health');
      await wb.quickPick(name);
      await view(wb).locator('.verdict, .error').first().waitFor({ timeout: 60_000 });
      await wb.runCommand('View: Close All Editors');
      await wb.runCommand('Lakelens: Compare Schemas…');
      await wb.quickPick(name);
      await view(wb).locator('.notice, .chip, .error').first().waitFor({ timeout: 60_000 });
      if (name !== 'trips_hudi') {
        await wb.runCommand('View: Close All Editors');
        await wb.runCommand('Lakelens: New SQL Query');
        await wb.quickPick(name);
        const editor = view(wb).locator('textarea.editor');
        await editor.waitFor({ timeout: 30_000 });
        await editor.fill('SELECT count(*) AS n FROM t');
        await editor.press('Control+Enter');
        await view(wb).locator('.result-info', { hasText: /^1 row/ }).waitFor({ timeout: 60_000 });
      }
    }
    await wb.runCommand('View: Close All Editors');
  });

  it('read-only: every table folder is byte-identical to how the workspace was built', async () => {
    for (const [rel, fp] of before) {
      assert.deepEqual(fingerprintChanges(fp, fingerprint(path.join(ctx.folder, rel))), [], `${rel} changed`);
    }
    assert.deepEqual(dialogs, [], 'no alert() ran');
  });
});
