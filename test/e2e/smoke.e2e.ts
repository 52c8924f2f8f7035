/**
 * Smoke test: the real workbench loads a lakehouse workspace with the extension installed from
 * its VSIX; the Lakehouse container opens and `Lakelens: Refresh` runs.
 */
import assert from 'node:assert/strict';
import { describeWorkbench } from './lib/suite';
import { LAKELENS } from './lib/workbench';
import { buildWorkspace } from './lib/workspace';

describeWorkbench('smoke', { workspace: () => buildWorkspace('smoke') }, (ctx, it) => {
  it('the workbench shows the workspace and the Lakehouse activity-bar tab', async () => {
    const { wb } = ctx;
    await wb.explorerRow('lake').waitFor({ timeout: 30_000 });
    await wb.activityTab().waitFor();
    await wb.screenshot('workbench-loaded');
  });

  it('the Lakehouse container opens with the Tables view', async () => {
    const { wb } = ctx;
    await wb.showLakehouse();
    // a container with one view shows "<container>: <view>" as the side bar title
    const title = (await wb.page.locator('.part.sidebar .composite.title').innerText()).trim();
    assert.match(title, new RegExp(`^${LAKELENS.containerTitle}: Tables$`, 'i'));
    await wb.container().locator('[aria-label="Tables Section"]').waitFor({ state: 'attached' });
    await wb.screenshot('lakehouse-open');
  });

  it('Lakelens: Refresh runs from the command palette', async () => {
    const { wb } = ctx;
    await wb.runCommand('Lakelens: Refresh');
    await wb.showLakehouse();
    await wb.screenshot('after-refresh');
    // the extension is active: its output channel has been written
    await wb.waitForOutput(/\S/);
  });

  it('the light theme renders too', async () => {
    const { wb } = ctx;
    await wb.setTheme('light');
    await wb.screenshot('lakehouse-light');
    await wb.setTheme('dark');
  });
});
