/**
 * Restricted Mode (issue #8): the runner opens *.restricted.e2e.ts folders in a code-server with
 * workspace trust on, where folders open untrusted. Browsing metadata works; previewing rows, SQL
 * and export say why they are off and open nothing.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { DeltaTable } from '../../src/core/delta/table';
import { FsStorage } from '../../src/core/storage/local';
import { describeWorkbench } from './lib/suite';
import { buildWorkspace } from './lib/workspace';

const layout = {
  'lake/bronze/events_partitioned': { corpus: 'open/dat/basic_partitioned/delta' },
  'lake/silver/mytable_iceberg': { corpus: 'open/duckdb-iceberg/equality_deletes_mytable' },
} as const;

describeWorkbench('restricted mode', { workspace: () => buildWorkspace('restricted', layout) }, (ctx, it) => {
  it('the folder is untrusted, and the tree still shows tables, versions, partitions and schema', async () => {
    const { wb } = ctx;
    // the workbench says so: the Restricted Mode indicator in the status bar
    await wb.page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ timeout: 30_000 });
    await wb.showLakehouse();
    const snap = await new DeltaTable(new FsStorage(path.join(ctx.folder, 'lake/bronze/events_partitioned'))).snapshot();
    await wb.waitForTreeRow('mytable_iceberg');
    await wb.expandTreeRow('events_partitioned');
    await wb.expandTreeRow('Versions');
    await wb.waitForTreeRow(`v${snap.version}`);
    await wb.expandTreeRow('Schema');
    for (const f of snap.schema.fields) await wb.waitForTreeRow(f.name);
    await wb.screenshot('tree-in-restricted-mode');
  });

  for (const [command, what] of [
    ['Lakelens: Preview Rows at Version…', 'Previewing rows'],
    ['Lakelens: New SQL Query', 'SQL'],
    ['Lakelens: Export Version…', 'Export'],
  ] as const) {
    it(`"${command}" says it is off in Restricted Mode and opens nothing`, async () => {
      const { wb } = ctx;
      const tabsBefore = await wb.page.locator('.tabs-container .tab').count();
      await wb.runCommand(command);
      const text = await wb.waitForNotification(`${what} is disabled in Restricted Mode`);
      assert.match(text, /Trust the workspace to enable it; browsing metadata keeps working/);
      assert.ok(await wb.notification(what).getByRole('button', { name: 'Manage Workspace Trust' }).isVisible(), 'the notification offers to manage trust');
      // no table was asked for, no panel or dialog opened
      assert.equal(await wb.page.locator('.quick-input-widget').isVisible(), false, 'a table picker opened');
      assert.equal(await wb.page.locator('.tabs-container .tab').count(), tabsBefore, 'an editor or panel opened');
      await wb.screenshot(`refused-${what.toLowerCase().replace(/\s+/g, '-')}`);
      await wb.clearNotifications();
    });
  }
});
