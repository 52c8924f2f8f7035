/**
 * The views the commands open, behind the `Panels` interface of Ctx.
 */
import type * as vscode from 'vscode';
import type { VersionId } from '../../core/model';
import type { Panels } from '../ctx';
import { tableQuery } from '../engine';
import type { TableEntry } from '../registry';
import type { TablesProvider } from '../tree/provider';
import { exportWithDialog } from './exportFile';
import { openHealth } from './healthPanel';
import type { PanelContext } from './panelHost';
import { openSchemaDiff } from './schemaDiffPanel';
import { openSql } from './sqlPanel';
import { openTimeTravel } from './timeTravelPanel';
import { versionId } from './versions';

export function createPanels(
  pc: PanelContext & { state: vscode.Memento },
  tree: TablesProvider,
): { panels: Panels; exportVersion: (entry: TableEntry, version: VersionId) => Promise<void> } {
  return {
    panels: {
      schemaDiff: (entry, from, to) => openSchemaDiff(pc, tree, entry, from, to),
      health: (entry) => openHealth(pc, entry),
      preview: (entry, version) => openTimeTravel(pc, tree, entry, version),
      sql: (entry, version) => openSql(pc, tree, entry, version),
    },
    exportVersion: async (entry, version) => {
      const snap = await entry.snapshot({ version: versionId(entry, String(version)) });
      const q = await tableQuery(entry);
      await exportWithDialog(pc.log, entry, undefined, `${entry.name}-${entry.format === 'delta' ? 'v' : ''}${snap.version}`, (fmt, dest, signal) => q.export(snap, fmt, dest, signal));
    },
  };
}
