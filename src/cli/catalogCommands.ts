/**
 * `lakelens catalogs` (the configured catalogs and where each definition came from) and
 * `lakelens ls <catalog>[:<namespace>…]` (namespaces and tables under one, every page).
 */
import { stringifyJson } from '../core/json';
import { parseCatalogRef } from '../catalog/definitions';
import type { CatalogTable } from '../catalog/catalog';
import { UsageError } from './args';
import { table, terminalText } from './format';
import { catalogDefinitions, catalogNamed } from './storageArgs';

export const CATALOG_COMMANDS = new Set(['catalogs', 'ls']);

export async function runCatalogCommand(cmd: string, args: string[], flags: Map<string, string | true>): Promise<number> {
  const json = flags.has('json');
  const write = (value: unknown, text: () => string) => process.stdout.write((json ? stringifyJson(value, 2) : terminalText(text())) + '\n');
  const defs = catalogDefinitions(flags).catalogs;
  if (cmd === 'catalogs') {
    if (args.length > 0) throw new UsageError('catalogs takes no argument');
    const rows = defs.map((c) => ({ name: c.definition.name, type: c.definition.type, uri: c.definition.uri ?? null, source: c.source }));
    write(rows, () => (rows.length ? table(['NAME', 'TYPE', 'URI', 'FROM'], rows.map((r) => [r.name, r.type, r.uri ?? '', r.source])) : 'no catalogs configured (--catalogs FILE, LAKELENS_CATALOGS, ~/.pyiceberg.yaml, ~/.databrickscfg)'));
    return 0;
  }
  const [where, ...rest] = args;
  if (!where || rest.length > 0) throw new UsageError('ls needs one catalog or namespace: lakelens ls <catalog>[:<namespace>]');
  const ref = parseCatalogRef(where, defs.map((c) => c.definition.name), true);
  if (!ref) throw new UsageError(`no catalog named ${JSON.stringify(where.split(':')[0])} (see lakelens catalogs)`);
  const catalog = await catalogNamed(flags, ref.catalog);
  const namespaces: string[][] = [];
  for (let token: string | undefined, first = true; first || token; first = false) {
    const page = await catalog.listNamespaces(ref.namespace, token ? { pageToken: token } : {});
    namespaces.push(...page.items);
    token = page.next;
  }
  const tables: CatalogTable[] = [];
  if (ref.namespace.length > 0) {
    for (let token: string | undefined, first = true; first || token; first = false) {
      const page = await catalog.listTables(ref.namespace, token ? { pageToken: token } : {});
      tables.push(...page.items);
      token = page.next;
    }
  }
  const rows = [
    ...namespaces.map((ns) => ({ kind: 'namespace', name: ns.join('.'), ref: `${ref.catalog}:${ns.join('.')}`, format: null as string | null, note: null as string | null })),
    ...tables.map((t) => ({ kind: t.kind, name: t.name, ref: `${ref.catalog}:${[...t.namespace, t.name].join('.')}`, format: t.format ?? null, note: t.note ?? null })),
  ];
  write(rows, () => (rows.length ? table(['KIND', 'FORMAT', 'REFERENCE', 'NOTE'], rows.map((r) => [r.kind, r.format ?? '', r.ref, r.note ?? ''])) : `nothing under ${where}`));
  return 0;
}
