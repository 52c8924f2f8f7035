/**
 * node:test glue for e2e files: one Workbench per file (fresh browser profile and extension host),
 * a screenshot when a test fails, and a closing test that fails on errors from the extension.
 *
 *   describeWorkbench('smoke', { workspace: () => buildWorkspace('smoke') }, (ctx) => {
 *     it('shows the Lakehouse tab', async () => { await ctx.wb.showLakehouse(); });
 *   });
 *
 * Tests inside one file run in order on the same page; files run one after another (the runner
 * passes --test-concurrency=1) against the one code-server of the run.
 */
import { after, before, describe, it as nodeIt } from 'node:test';
import { Workbench, type OpenOptions } from './workbench';

export interface SuiteContext {
  /** the workbench of this file; set before the first test runs */
  readonly wb: Workbench;
  readonly folder: string;
}

export interface SuiteOptions extends OpenOptions {
  /** returns the workspace folder to open (called once, before the first test) */
  workspace: () => string | Promise<string>;
  /** skip the closing "no errors from the extension" test */
  allowExtensionErrors?: boolean;
}

export type ItFn = (name: string, fn: () => Promise<void>, opts?: { timeout?: number }) => void;

export function describeWorkbench(name: string, opts: SuiteOptions, body: (ctx: SuiteContext, it: ItFn) => void): void {
  let wb: Workbench | undefined;
  let folder = '';
  const ctx: SuiteContext = {
    get wb() {
      if (!wb) throw new Error('workbench not open (did the before hook fail?)');
      return wb;
    },
    get folder() {
      return folder;
    },
  };
  const it: ItFn = (testName, fn, o = {}) =>
    nodeIt(testName, { timeout: o.timeout ?? 120_000 }, async () => {
      try {
        await fn();
      } catch (err) {
        await wb?.screenshot(`FAILED-${testName}`).catch(() => undefined);
        throw err;
      }
    });
  describe(name, () => {
    before(async () => {
      folder = await opts.workspace();
      wb = await Workbench.open(folder, { name, ...opts });
    }, { timeout: 120_000 });
    after(async () => {
      await wb?.close();
    });
    body(ctx, it);
    if (!opts.allowExtensionErrors) {
      it('no errors from the extension (page, webviews, extension host log, output channel)', async () => {
        await ctx.wb.assertNoExtensionErrors();
      });
    }
  });
}
