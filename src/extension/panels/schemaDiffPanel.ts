/**
 * Host side of the schema diff view: versions to pick from, the diff of any two, and a column's
 * lineage over the whole history.
 */
import { columnLineage, diffSchemas } from '../../core/schemaDiff';
import type { VersionId } from '../../core/model';
import { DidChange, Diff, type Init, Lineage, MoreVersions, Ready } from '../../protocol/schemaDiff';
import type { TableEntry } from '../registry';
import type { TablesProvider } from '../tree/provider';
import { type PanelContext, showPanel, tableRef } from './panelHost';
import { schemaAt, versionId, versionItem } from './versions';

export function openSchemaDiff(pc: PanelContext, tree: TablesProvider, entry: TableEntry, from?: VersionId, to?: VersionId): void {
  const init = async (): Promise<Init> => {
    const history = await tree.history(entry);
    const versions = history.map((v) => versionItem(entry, v));
    const toIdx = to !== undefined ? Math.max(0, versions.findIndex((v) => v.version === String(to))) : 0;
    const fromIdx = from !== undefined ? versions.findIndex((v) => v.version === String(from)) : Math.min(toIdx + 1, versions.length - 1);
    const st = tree.historyState(entry);
    return {
      table: tableRef(entry),
      versions,
      more: st?.next !== undefined,
      from: versions[fromIdx < 0 ? Math.min(toIdx + 1, versions.length - 1) : fromIdx]?.version ?? '',
      to: versions[toIdx]?.version ?? '',
    };
  };
  showPanel(
    pc,
    'schemaDiff',
    entry,
    (h) => {
      h.endpoint.on(Ready, init);
      h.endpoint.on(Diff, async (p) => {
        const [a, b] = await Promise.all([schemaAt(entry, versionId(entry, p.from)), schemaAt(entry, versionId(entry, p.to))]);
        return { from: p.from, to: p.to, diff: diffSchemas(a, b) };
      });
      h.endpoint.on(Lineage, async (p) => {
        const table = await entry.table();
        if (!table.schemaHistory) throw new Error(`column lineage is not available for ${entry.format} tables yet`);
        return columnLineage(await table.schemaHistory(), p.path).map((e) => ({ ...e, version: String(e.version) }));
      });
      h.endpoint.on(MoreVersions, async () => {
        await tree.loadMore(entry);
        const st = tree.historyState(entry);
        return { versions: (st?.versions ?? []).map((v) => versionItem(entry, v)), more: st?.next !== undefined };
      });
      h.disposables.push(
        pc.registry.onDidChange((e) => {
          if (e === entry) void init().then((i) => h.endpoint.notify(DidChange, i), (err) => pc.log.error('schema diff refresh', err));
        }),
      );
    },
    (h) => {
      if (from !== undefined || to !== undefined) void init().then((i) => h.endpoint.notify(DidChange, i));
    },
  );
}
