/**
 * Commands for tables in object stores: open a table by URI (recent URIs remembered), add and
 * remove connections (secrets to SecretStorage, the rest to settings), clear the local cache of
 * remote data files.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatBytes } from '../core/format';
import { isRemoteLocation, parseLocation } from '../core/storage/location';
import type { Handler } from './ctx';
import { query } from './lazy';
import { type AuthKind, type RemoteConnection, canonicalUri, connections, saveConnections } from './remote';
import type { Node } from './tree/nodes';

const RECENT_KEY = 'lakelens.recentUris';
const MAX_RECENT = 10;

function checkUri(v: string): string | undefined {
  if (!isRemoteLocation(v.trim())) return 'An object-store URI: s3://bucket/path, gs://bucket/path, abfss://container@account.dfs.core.windows.net/path, az://container/path';
  try {
    parseLocation(v.trim());
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** Profile names from the user's AWS config and credentials files. */
function awsProfiles(): string[] {
  const names = new Set<string>();
  const files = [process.env['AWS_CONFIG_FILE'] ?? path.join(os.homedir(), '.aws', 'config'), process.env['AWS_SHARED_CREDENTIALS_FILE'] ?? path.join(os.homedir(), '.aws', 'credentials')];
  for (const f of files) {
    let text = '';
    try {
      text = fs.readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    for (const m of text.matchAll(/^\s*\[(?:profile\s+)?([^\]\s]+)\s*\]/gm)) if (!m[1]!.startsWith('sso-session')) names.add(m[1]!);
  }
  return [...names];
}

async function ask(prompt: string, opts: Partial<vscode.InputBoxOptions> = {}): Promise<string | undefined> {
  const v = await vscode.window.showInputBox({ prompt, ignoreFocusOut: true, ...opts });
  return v === undefined ? undefined : v.trim();
}

export const REMOTE_COMMANDS: Record<string, Handler> = {
  openTableFromUri: async (ctx, arg) => {
    const recent = ctx.context.globalState.get<string[]>(RECENT_KEY, []);
    let uri = typeof arg === 'string' ? arg : undefined;
    if (!uri) {
      const qp = vscode.window.createQuickPick();
      qp.placeholder = 's3://bucket/path/table, gs://…, abfss://container@account.dfs.core.windows.net/…';
      qp.items = recent.map((r) => ({ label: r, description: 'recent' }));
      qp.ignoreFocusOut = true;
      uri = await new Promise<string | undefined>((resolve) => {
        qp.onDidChangeValue((v) => (qp.items = [...(v ? [{ label: v }] : []), ...recent.filter((r) => r !== v).map((r) => ({ label: r, description: 'recent' }))]));
        qp.onDidAccept(() => resolve(qp.selectedItems[0]?.label ?? qp.value));
        qp.onDidHide(() => resolve(undefined));
        qp.show();
      });
      qp.dispose();
    }
    if (!uri) return;
    const bad = checkUri(uri);
    if (bad) throw new Error(bad);
    const entries = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Lakelens: opening ${uri}` }, () => ctx.registry.openUri(uri!.trim()));
    if (entries.length === 0) {
      void vscode.window.showWarningMessage(`Lakelens: ${uri} is not a Delta, Iceberg or Hudi table (no _delta_log/, metadata/*.metadata.json or .hoodie/ under it). To find tables below a prefix, add it as a connection.`, 'Add Connection…').then((p) => {
        if (p) void vscode.commands.executeCommand('lakelens.addConnection', uri);
      });
      return;
    }
    await ctx.context.globalState.update(RECENT_KEY, [canonicalUri(uri), ...recent.filter((r) => r !== canonicalUri(uri!))].slice(0, MAX_RECENT));
    ctx.log.info(`opened ${entries[0]!.location} as ${entries.map((e) => e.format).join(' + ')} table`);
    await ctx.reveal(entries[0]!, 'table');
  },

  addConnection: async (ctx, arg) => {
    const uri = typeof arg === 'string' ? arg : await ask('Prefix to browse for tables', { placeHolder: 's3://bucket/warehouse, gs://bucket/lake, abfss://container@account.dfs.core.windows.net/lake', validateInput: checkUri });
    if (!uri) return;
    const kind = parseLocation(uri).kind;
    const conn: RemoteConnection = { name: '', uri: canonicalUri(uri) };
    const secret: Record<string, string> = {};
    if (kind === 's3') {
      const profiles = awsProfiles();
      const pick = await vscode.window.showQuickPick(
        [
          { label: 'AWS default chain', description: 'environment, AWS_PROFILE, SSO, instance/container roles', auth: 'default' as AuthKind },
          ...profiles.map((p) => ({ label: `Profile ${p}`, description: '~/.aws/config', auth: 'default' as AuthKind, profile: p })),
          { label: 'Access key…', description: 'stored in VS Code secret storage', auth: 'accessKey' as AuthKind },
          { label: 'Anonymous', description: 'public bucket, unsigned requests', auth: 'anonymous' as AuthKind },
        ],
        { placeHolder: 'Credentials for this bucket', ignoreFocusOut: true },
      );
      if (!pick) return;
      conn.auth = pick.auth;
      if ('profile' in pick && pick.profile) conn.profile = pick.profile;
      if (pick.auth === 'accessKey') {
        const id = await ask('AWS access key id');
        const key = id && (await ask('AWS secret access key', { password: true }));
        if (!id || !key) return;
        secret['accessKeyId'] = id;
        secret['secretAccessKey'] = key;
      }
      const endpoint = await ask('Custom endpoint (MinIO, R2, Ceph…); leave empty for AWS', { placeHolder: 'https://minio.example.com:9000' });
      if (endpoint === undefined) return;
      if (endpoint) conn.endpoint = endpoint;
    } else if (kind === 'azure') {
      const pick = await vscode.window.showQuickPick(
        [
          { label: 'DefaultAzureCredential', description: 'environment, workload/managed identity, Azure CLI login', auth: 'default' as AuthKind },
          { label: 'Connection string…', description: 'stored in VS Code secret storage', auth: 'connectionString' as AuthKind },
          { label: 'Account key…', description: 'stored in VS Code secret storage', auth: 'accountKey' as AuthKind },
          { label: 'SAS token…', description: 'stored in VS Code secret storage', auth: 'sas' as AuthKind },
          { label: 'Anonymous', description: 'public container', auth: 'anonymous' as AuthKind },
        ],
        { placeHolder: 'Credentials for this container', ignoreFocusOut: true },
      );
      if (!pick) return;
      conn.auth = pick.auth;
      const field = pick.auth === 'connectionString' ? 'connectionString' : pick.auth === 'accountKey' ? 'accountKey' : pick.auth === 'sas' ? 'sas' : undefined;
      if (field) {
        const v = await ask(pick.label.replace('…', ''), { password: true });
        if (!v) return;
        secret[field] = v;
      }
      if (!parseLocation(uri).account && pick.auth !== 'connectionString') {
        const account = await ask('Storage account name', { placeHolder: 'mystorageaccount' });
        if (!account) return;
        conn.account = account;
      }
    } else {
      const pick = await vscode.window.showQuickPick(
        [
          { label: 'Application Default Credentials', description: 'GOOGLE_APPLICATION_CREDENTIALS, gcloud, metadata server', auth: 'default' as AuthKind },
          { label: 'Anonymous', description: 'public bucket', auth: 'anonymous' as AuthKind },
        ],
        { placeHolder: 'Credentials for this bucket', ignoreFocusOut: true },
      );
      if (!pick) return;
      conn.auth = pick.auth;
    }
    const loc = parseLocation(uri);
    const name = await ask('Name of the connection', { value: [loc.bucket, loc.path.split('/').pop()].filter(Boolean).join('/') });
    if (!name) return;
    conn.name = name;
    const list = connections().filter((c) => c.name !== name);
    if (Object.keys(secret).length > 0) await ctx.registry.secrets?.set(name, secret);
    await saveConnections([...list, conn]);
    ctx.registry.dropRemote(name);
    ctx.log.info(`added connection ${name} (${conn.uri}, credentials: ${conn.auth ?? 'default'})`);
  },

  removeConnection: async (ctx, arg) => {
    const node = arg as Node | undefined;
    const name = node && typeof node === 'object' && node.kind === 'connection' ? node.conn.name : (await vscode.window.showQuickPick(connections().map((c) => ({ label: c.name, description: c.uri }))))?.label;
    if (!name) return;
    await saveConnections(connections().filter((c) => c.name !== name));
    await ctx.registry.secrets?.delete(name);
    ctx.registry.dropRemote(name);
    ctx.log.info(`removed connection ${name}`);
  },

  refreshConnection: (ctx, arg) => {
    const node = arg as Node | undefined;
    if (!node || typeof node !== 'object' || node.kind !== 'connection') return;
    ctx.registry.dropRemote(node.conn.name);
  },

  clearRemoteCache: async (ctx) => {
    const cache = query().stagingCache();
    const used = cache.usedBytes();
    cache.clear();
    ctx.log.info(`cleared the remote data cache (${formatBytes(used)}) at ${cache.dir}`);
    void vscode.window.showInformationMessage(`Lakelens: cleared ${formatBytes(used)} of cached remote data files.`);
  },
};
