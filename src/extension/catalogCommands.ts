/**
 * Commands for catalogs: add one (Iceberg REST, Unity Catalog, AWS Glue — or import a catalog
 * from ~/.pyiceberg.yaml or a ~/.databrickscfg profile, offered, never used unasked), remove,
 * refresh, and the next page of a listing. Secrets go to SecretStorage, the rest to settings.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CatalogDefinition, CatalogSecrets } from '../catalog/catalog';
import { databricksProfiles, pyicebergCatalogs } from '../catalog/definitions';
import { catalogDefinitions, saveCatalogDefinitions } from './catalogs';
import type { Ctx, Handler } from './ctx';
import type { Node } from './tree/nodes';

async function ask(prompt: string, opts: Partial<vscode.InputBoxOptions> = {}): Promise<string | undefined> {
  const v = await vscode.window.showInputBox({ prompt, ignoreFocusOut: true, ...opts });
  return v === undefined ? undefined : v.trim();
}

/** Catalogs the user already defined for other tools, to offer for import. */
function importable(): { label: string; description: string; definition: CatalogDefinition; secrets: CatalogSecrets }[] {
  const out: { label: string; description: string; definition: CatalogDefinition; secrets: CatalogSecrets }[] = [];
  const home = os.homedir();
  const py = process.env['PYICEBERG_HOME'] ? path.join(process.env['PYICEBERG_HOME'], '.pyiceberg.yaml') : path.join(home, '.pyiceberg.yaml');
  const db = process.env['DATABRICKS_CONFIG_FILE'] ?? path.join(home, '.databrickscfg');
  try {
    if (fs.existsSync(py)) for (const c of pyicebergCatalogs(fs.readFileSync(py, 'utf8'), py)) out.push({ label: `Import "${c.definition.name}"`, description: `from ~/.pyiceberg.yaml (${c.definition.uri ?? c.definition.type})`, ...c });
  } catch {
    // an unreadable file offers nothing
  }
  try {
    if (fs.existsSync(db)) for (const c of databricksProfiles(fs.readFileSync(db, 'utf8'))) out.push({ label: `Import "${c.definition.name}"`, description: `from ~/.databrickscfg (${c.definition.uri})`, ...c });
  } catch {
    // likewise
  }
  return out;
}

async function save(ctx: Ctx, def: CatalogDefinition, secrets: CatalogSecrets): Promise<void> {
  await ctx.catalogs?.setSecrets(def.name, secrets);
  await saveCatalogDefinitions([...catalogDefinitions().filter((d) => d.name !== def.name), def]);
  ctx.tree.catalogTree?.refresh(def.name);
  ctx.log.info(`added catalog ${def.name} (${def.type}${def.uri ? ` at ${def.uri}` : ''}, auth: ${def.auth ?? 'none'})`);
}

export const CATALOG_COMMANDS: Record<string, Handler> = {
  addCatalog: async (ctx) => {
    const pick = await vscode.window.showQuickPick(
      [
        { label: 'Iceberg REST catalog', description: 'Polaris, Lakekeeper, Nessie, Gravitino, Unity/Glue/S3 Tables Iceberg endpoints', type: 'iceberg-rest' as const },
        { label: 'Unity Catalog', description: 'open-source server or a Databricks workspace', type: 'unity' as const },
        { label: 'AWS Glue Data Catalog', description: 'with the AWS credential chain', type: 'glue' as const },
        ...importable().map((i) => ({ ...i, type: 'import' as const })),
      ],
      { placeHolder: 'Which kind of catalog?', ignoreFocusOut: true },
    );
    if (!pick) return;
    if (pick.type === 'import') {
      const i = pick as unknown as { definition: CatalogDefinition; secrets: CatalogSecrets };
      await save(ctx, i.definition, i.secrets);
      return;
    }
    const def: CatalogDefinition = { name: '', type: pick.type };
    const secrets: CatalogSecrets = {};
    if (pick.type !== 'glue') {
      const uri = await ask(pick.type === 'unity' ? 'Workspace or server URL' : 'Catalog URI', {
        placeHolder: pick.type === 'unity' ? 'https://dbc-1234.cloud.databricks.com or http://localhost:8080' : 'https://catalog.example.com/api/catalog',
        validateInput: (v) => (/^https?:\/\/[^\s]+$/.test(v.trim()) ? undefined : 'an http:// or https:// URL'),
      });
      if (!uri) return;
      def.uri = uri.replace(/\/+$/, '');
    }
    if (pick.type === 'iceberg-rest') {
      const wh = await ask('Warehouse (optional)', { placeHolder: 'leave empty if the catalog needs none' });
      if (wh === undefined) return;
      if (wh) def.warehouse = wh;
    }
    type AuthItem = { label: string; auth: NonNullable<CatalogDefinition['auth']> };
    const auths: AuthItem[] =
      pick.type === 'iceberg-rest'
        ? [{ label: 'None', auth: 'none' as const }, { label: 'Bearer token…', auth: 'bearer' as const }, { label: 'OAuth2 client credentials…', auth: 'oauth2' as const }, { label: 'AWS SigV4 (Glue / S3 Tables endpoints)', auth: 'sigv4' as const }]
        : pick.type === 'unity'
          ? [{ label: 'Personal access token…', auth: 'pat' as const }, { label: 'OAuth machine-to-machine…', auth: 'oauth2' as const }, { label: 'None (a local server without auth)', auth: 'none' as const }]
          : [{ label: 'AWS credential chain', auth: 'aws' as const }];
    const a: AuthItem | undefined = auths.length === 1 ? auths[0]! : await vscode.window.showQuickPick<AuthItem>(auths, { placeHolder: 'Authentication', ignoreFocusOut: true });
    if (!a) return;
    def.auth = a.auth;
    if (a.auth === 'bearer' || a.auth === 'pat') {
      const token = await ask('Token (kept in VS Code secret storage)', { password: true });
      if (!token) return;
      secrets.token = token;
    } else if (a.auth === 'oauth2') {
      const id = await ask('Client id');
      const secret = id && (await ask('Client secret (kept in VS Code secret storage)', { password: true }));
      if (!id || !secret) return;
      def.clientId = id;
      secrets.clientSecret = secret;
    } else if (a.auth === 'aws' || a.auth === 'sigv4') {
      const region = await ask('AWS region (optional; else AWS_REGION or the profile)');
      if (region === undefined) return;
      if (region) def.region = region;
    }
    const name = await ask('Name of the catalog', { value: pick.type === 'glue' ? 'glue' : new URL(def.uri!).hostname.split('.')[0], validateInput: (v) => (/^[A-Za-z0-9_-]{2,}$/.test(v.trim()) ? undefined : 'two or more letters, digits, _ or -') });
    if (!name) return;
    def.name = name;
    await save(ctx, def, secrets);
  },

  removeCatalog: async (ctx, arg) => {
    const node = arg as Node | undefined;
    const name = node && typeof node === 'object' && node.kind === 'catalog' ? node.def.name : (await vscode.window.showQuickPick(catalogDefinitions().map((d) => ({ label: d.name, description: d.type }))))?.label;
    if (!name) return;
    await saveCatalogDefinitions(catalogDefinitions().filter((d) => d.name !== name));
    await ctx.catalogs?.setSecrets(name, {});
    ctx.tree.catalogTree?.refresh(name);
    ctx.log.info(`removed catalog ${name}`);
  },

  refreshCatalog: (ctx, arg) => {
    const node = arg as Node | undefined;
    ctx.tree.catalogTree?.refresh(node && typeof node === 'object' && node.kind === 'catalog' ? node.def.name : undefined);
  },

  catalogLoadMore: async (ctx, key) => {
    if (typeof key === 'string') await ctx.tree.catalogTree?.loadMore(key);
  },
};
