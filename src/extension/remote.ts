/**
 * Remote connections: object-store prefixes the user browses for tables (`lakelens.remote.connections`,
 * committable: no secrets), with the secrets typed in for them kept in VS Code's SecretStorage.
 * A connection becomes a `StoreConfig` for storageFor; without secrets each store's standard
 * chain (AWS profile/environment, DefaultAzureCredential, Application Default Credentials) applies.
 */
import * as vscode from 'vscode';
import type { StoreConfig } from '../core/storage/config';
import { formatLocation, isRemoteLocation, parseLocation } from '../core/storage/location';

export type AuthKind = 'default' | 'anonymous' | 'accessKey' | 'connectionString' | 'accountKey' | 'sas';

export interface RemoteConnection {
  /** Shown in the tree; the key of its secrets. */
  name: string;
  /** The prefix browsed: s3://bucket/prefix, gs://…, abfss://container@account.dfs.core.windows.net/…, az://… */
  uri: string;
  auth?: AuthKind;
  /** S3: profile of ~/.aws/config. */
  profile?: string;
  region?: string;
  /** Custom endpoint (MinIO, R2, Azurite, an emulator). */
  endpoint?: string;
  pathStyle?: boolean;
  /** Azure: storage account for az:// URIs. */
  account?: string;
  /** Folder levels below the prefix searched for tables (default lakelens.remote.scanDepth). */
  scanDepth?: number;
}

/** What SecretStorage holds for a connection (JSON), by auth kind. */
interface Secret {
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  connectionString?: string;
  accountKey?: string;
  sas?: string;
}

const SECRET_PREFIX = 'lakelens.remote/';

export function connections(): RemoteConnection[] {
  const raw = vscode.workspace.getConfiguration('lakelens').get<unknown[]>('remote.connections', []);
  const out: RemoteConnection[] = [];
  for (const r of Array.isArray(raw) ? raw : []) {
    if (!r || typeof r !== 'object') continue;
    const c = r as Partial<RemoteConnection>;
    if (typeof c.name !== 'string' || typeof c.uri !== 'string' || !isRemoteLocation(c.uri)) continue;
    out.push(c as RemoteConnection);
  }
  return out;
}

export function pollSeconds(): number {
  const s = vscode.workspace.getConfiguration('lakelens').get<number>('remote.pollSeconds', 0);
  return Number.isFinite(s) && s > 0 ? Math.max(5, s) : 0;
}

export function remoteScanDepth(conn?: RemoteConnection): number {
  const d = conn?.scanDepth ?? vscode.workspace.getConfiguration('lakelens').get<number>('remote.scanDepth', 3);
  return Math.min(16, Math.max(0, Number.isFinite(d) ? d : 3));
}

/** The canonical spelling of a connection's prefix (ids and cache keys use it). */
export function canonicalUri(uri: string): string {
  return formatLocation(parseLocation(uri));
}

export class RemoteSecrets {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  private async get(name: string): Promise<Secret> {
    const s = await this.secrets.get(SECRET_PREFIX + name);
    if (!s) return {};
    try {
      return JSON.parse(s) as Secret;
    } catch {
      return {};
    }
  }

  async set(name: string, secret: Secret): Promise<void> {
    await this.secrets.store(SECRET_PREFIX + name, JSON.stringify(secret));
  }

  async delete(name: string): Promise<void> {
    await this.secrets.delete(SECRET_PREFIX + name);
  }

  /** The store configuration of a connection, its secrets included (in memory only). */
  async config(conn: RemoteConnection): Promise<StoreConfig> {
    const secret = await this.get(conn.name);
    const kind = parseLocation(conn.uri).kind;
    const anonymous = conn.auth === 'anonymous';
    const source = `connection "${conn.name}"`;
    if (kind === 's3') {
      return {
        s3: {
          ...(conn.profile ? { profile: conn.profile } : {}),
          ...(conn.region ? { region: conn.region } : {}),
          ...(conn.endpoint ? { endpoint: conn.endpoint } : {}),
          ...(conn.pathStyle !== undefined ? { pathStyle: conn.pathStyle } : {}),
          ...(anonymous ? { anonymous } : {}),
          ...(conn.auth === 'accessKey' && secret.accessKeyId && secret.secretAccessKey
            ? {
                credentials: { accessKeyId: secret.accessKeyId, secretAccessKey: secret.secretAccessKey, ...(secret.sessionToken ? { sessionToken: secret.sessionToken } : {}) },
                credentialSource: `access key of ${source}`,
              }
            : {}),
        },
      };
    }
    if (kind === 'azure') {
      return {
        azure: {
          ...(conn.account ? { account: conn.account } : {}),
          ...(conn.endpoint ? { endpoint: conn.endpoint } : {}),
          ...(anonymous ? { anonymous } : {}),
          ...(conn.auth === 'connectionString' && secret.connectionString ? { connectionString: secret.connectionString, credentialSource: `connection string of ${source}` } : {}),
          ...(conn.auth === 'accountKey' && secret.accountKey ? { key: secret.accountKey, credentialSource: `account key of ${source}` } : {}),
          ...(conn.auth === 'sas' && secret.sas ? { sas: secret.sas, credentialSource: `SAS token of ${source}` } : {}),
        },
      };
    }
    return { gcs: { ...(conn.endpoint ? { endpoint: conn.endpoint } : {}), ...(anonymous ? { anonymous } : {}) } };
  }
}

/** Writes the connections setting (user settings unless the workspace already defines it). */
export async function saveConnections(list: RemoteConnection[]): Promise<void> {
  const c = vscode.workspace.getConfiguration('lakelens');
  const inspect = c.inspect('remote.connections');
  const target = inspect?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await c.update('remote.connections', list, target);
}
