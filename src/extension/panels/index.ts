/**
 * The views the commands open, behind the `Panels` interface of Ctx.
 */
import * as vscode from 'vscode';
import type { VersionId } from '../../core/model';
import type { Panels } from '../ctx';
import type { TableEntry } from '../registry';
import type { TablesProvider } from '../tree/provider';
import { openHealth } from './healthPanel';
import type { PanelContext } from './panelHost';
import { openSchemaDiff } from './schemaDiffPanel';

export function createPanels(pc: PanelContext, tree: TablesProvider): { panels: Panels; exportVersion: (entry: TableEntry, version: VersionId) => Promise<void> } {
  const notYet = (what: string) => void vscode.window.showInformationMessage(`Lakelens: ${what} needs the query engine, which is not available in this build.`);
  return {
    panels: {
      schemaDiff: (entry, from, to) => openSchemaDiff(pc, tree, entry, from, to),
      health: (entry) => openHealth(pc, entry),
      preview: () => notYet('previewing rows'),
      sql: () => notYet('SQL'),
    },
    exportVersion: async () => notYet('export'),
  };
}
