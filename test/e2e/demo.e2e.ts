/**
 * The demo lakehouse of `npm start` (scripts/demo) in the real workbench: the extension finds its
 * Delta and Iceberg tables.
 */
import assert from 'node:assert/strict';
import { describeWorkbench } from './lib/suite';
import { buildDemoWorkspace } from './lib/workspace';

describeWorkbench('demo', { workspace: () => buildDemoWorkspace('demo') }, (ctx, it) => {
  it('the Lakehouse view lists the demo tables', async () => {
    const { wb } = ctx;
    await wb.showLakehouse();
    for (const table of ['events', 'customers', 'orders']) await wb.revealTreeRow(table);
    const labels = (await wb.treeRows()).map((r) => r.label);
    assert.ok(!labels.includes('landing'), `landing/ is not a table: ${labels.join(', ')}`);
    await wb.screenshot('lakehouse-demo');
  });
});
