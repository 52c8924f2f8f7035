/**
 * Where catalog definitions come from for the CLI: a JSON or YAML file (`--catalogs FILE` or
 * LAKELENS_CATALOGS), plus the files users already keep — `~/.pyiceberg.yaml` catalogs and
 * `~/.databrickscfg` profiles — and how a table is named through a catalog:
 *
 *   <catalog>:<namespace>.<table>        prod:sales.orders, glue:analytics.events
 *   <catalog>:<ns1>.<ns2>.<table>        nested Iceberg namespaces (the last part is the table)
 *
 * A string is a catalog reference only when its prefix names a configured catalog, so local paths
 * (`C:\x`, `./a:b`) and URIs (`s3://…`) never read as one. Secrets come from the environment
 * variables a definition names, or from the imported file that held them; they stay in memory.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { parse as parseYaml } from 'yaml';
import { LakeError } from '../core/errors';
import type { CatalogDefinition, CatalogKind, CatalogSecrets } from './catalog';

export interface LoadedDefinitions {
  catalogs: { definition: CatalogDefinition; secrets: CatalogSecrets; source: string }[];
}

const KINDS = new Set<CatalogKind>(['iceberg-rest', 'unity', 'glue']);

/** Definitions from the file (if any), ~/.pyiceberg.yaml and ~/.databrickscfg; a file given explicitly must exist. */
export function loadDefinitions(opts: { file?: string | undefined; env?: Record<string, string | undefined>; home?: string } = {}): LoadedDefinitions {
  const env = opts.env ?? process.env;
  const home = opts.home ?? os.homedir();
  const out: LoadedDefinitions = { catalogs: [] };
  const add = (definition: CatalogDefinition, secrets: CatalogSecrets, source: string) => {
    if (out.catalogs.some((c) => c.definition.name === definition.name)) return; // the first source wins
    out.catalogs.push({ definition, secrets: { ...secrets, ...secretsFromEnv(definition, env) }, source });
  };
  const file = opts.file ?? env['LAKELENS_CATALOGS'];
  if (file) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new LakeError('missing', `catalogs file cannot be read: ${(err as Error).message}`, file);
    }
    for (const d of parseDefinitions(text, file)) add(d, {}, file);
  }
  const pyiceberg = env['PYICEBERG_HOME'] ? nodePath.join(env['PYICEBERG_HOME'], '.pyiceberg.yaml') : nodePath.join(home, '.pyiceberg.yaml');
  if (fs.existsSync(pyiceberg)) for (const c of pyicebergCatalogs(fs.readFileSync(pyiceberg, 'utf8'), pyiceberg)) add(c.definition, c.secrets, pyiceberg);
  const dbcfg = env['DATABRICKS_CONFIG_FILE'] ?? nodePath.join(home, '.databrickscfg');
  if (fs.existsSync(dbcfg)) for (const c of databricksProfiles(fs.readFileSync(dbcfg, 'utf8'))) add(c.definition, c.secrets, dbcfg);
  return out;
}

/** `{ catalogs: [def…] }`, a list of definitions, or a map of name → definition (JSON or YAML). */
export function parseDefinitions(text: string, file: string): CatalogDefinition[] {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new LakeError('corrupt', `catalogs file is not valid JSON or YAML: ${(err as Error).message.split('\n')[0]}`, file);
  }
  const list = Array.isArray(doc) ? doc : doc && typeof doc === 'object' && Array.isArray((doc as { catalogs?: unknown }).catalogs) ? (doc as { catalogs: unknown[] }).catalogs : doc && typeof doc === 'object' ? Object.entries(doc as Record<string, unknown>).map(([name, d]) => ({ name, ...(d as object) })) : [];
  return list.map((d, i) => checkDefinition(d, `${file} (catalog ${i + 1})`));
}

function checkDefinition(d: unknown, where: string): CatalogDefinition {
  if (!d || typeof d !== 'object') throw new LakeError('invalid-argument', 'a catalog definition must be an object', where);
  const def = d as Partial<CatalogDefinition>;
  if (typeof def.name !== 'string' || !/^[A-Za-z0-9_-]{2,}$/.test(def.name)) throw new LakeError('invalid-argument', 'a catalog needs a name of two or more letters, digits, _ or -', where);
  if (!def.type || !KINDS.has(def.type)) throw new LakeError('invalid-argument', `catalog "${def.name}" needs a type: iceberg-rest, unity or glue`, where);
  if (def.type !== 'glue' && typeof def.uri !== 'string') throw new LakeError('invalid-argument', `catalog "${def.name}" needs a uri`, where);
  for (const k of ['token', 'clientSecret', 'password', 'secret'] as const) {
    if (k in def) throw new LakeError('invalid-argument', `catalog "${def.name}" holds a secret (${k}); name an environment variable instead (tokenEnv, clientSecretEnv)`, where);
  }
  return def as CatalogDefinition;
}

function secretsFromEnv(def: CatalogDefinition, env: Record<string, string | undefined>): CatalogSecrets {
  const s: CatalogSecrets = {};
  if (def.tokenEnv && env[def.tokenEnv]) s.token = env[def.tokenEnv]!;
  if (def.clientSecretEnv && env[def.clientSecretEnv]) s.clientSecret = env[def.clientSecretEnv]!;
  return s;
}

/** Iceberg REST catalogs of a ~/.pyiceberg.yaml (`catalog: { name: { uri, token | credential, … } }`). */
export function pyicebergCatalogs(text: string, file: string): { definition: CatalogDefinition; secrets: CatalogSecrets }[] {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch {
    throw new LakeError('corrupt', 'not valid YAML', file);
  }
  const cats = (doc as { catalog?: Record<string, Record<string, unknown>> } | null)?.catalog ?? {};
  const out: { definition: CatalogDefinition; secrets: CatalogSecrets }[] = [];
  for (const [name, c] of Object.entries(cats)) {
    if (!c || typeof c !== 'object' || !/^[A-Za-z0-9_-]{2,}$/.test(name)) continue;
    const str = (k: string) => (typeof c[k] === 'string' ? (c[k] as string) : undefined);
    const type = str('type') ?? (str('uri')?.startsWith('http') ? 'rest' : undefined);
    if (type === 'glue') {
      out.push({ definition: { name, type: 'glue', ...(str('glue.region') ?? str('client.region') ? { region: str('glue.region') ?? str('client.region')! } : {}), ...(str('glue.id') ? { catalogId: str('glue.id')! } : {}), ...(str('glue.profile-name') ? { profile: str('glue.profile-name')! } : {}) }, secrets: {} });
      continue;
    }
    if (type !== 'rest' || !str('uri')) continue;
    const credential = str('credential');
    const sigv4 = c['rest.sigv4-enabled'] === true || str('rest.sigv4-enabled') === 'true';
    const def: CatalogDefinition = {
      name,
      type: 'iceberg-rest',
      uri: str('uri')!,
      ...(str('warehouse') ? { warehouse: str('warehouse')! } : {}),
      auth: sigv4 ? 'sigv4' : credential ? 'oauth2' : str('token') ? 'bearer' : 'none',
      ...(str('oauth2-server-uri') ? { oauth2ServerUri: str('oauth2-server-uri')! } : {}),
      ...(str('scope') ? { scope: str('scope')! } : {}),
      ...(sigv4 && str('rest.signing-region') ? { region: str('rest.signing-region')! } : {}),
    };
    const secrets: CatalogSecrets = {};
    if (str('token')) secrets.token = str('token')!;
    if (credential) {
      // "client_id:client_secret", or a secret alone
      const i = credential.indexOf(':');
      if (i >= 0) {
        def.clientId = credential.slice(0, i);
        secrets.clientSecret = credential.slice(i + 1);
      } else secrets.clientSecret = credential;
    }
    out.push({ definition: def, secrets });
  }
  return out;
}

/** Unity catalogs from ~/.databrickscfg profiles (`[name] host = … token = …`). */
export function databricksProfiles(text: string): { definition: CatalogDefinition; secrets: CatalogSecrets }[] {
  const out: { definition: CatalogDefinition; secrets: CatalogSecrets }[] = [];
  let cur: { name: string; kv: Record<string, string> } | undefined;
  const flush = () => {
    if (!cur?.kv['host']) return;
    const name = cur.name === 'DEFAULT' ? 'databricks' : `databricks-${cur.name.replace(/[^A-Za-z0-9_-]/g, '-')}`;
    const oauth = cur.kv['client_id'] !== undefined;
    out.push({
      definition: { name, type: 'unity', uri: cur.kv['host'].replace(/\/+$/, ''), auth: oauth ? 'oauth2' : 'pat', ...(oauth ? { clientId: cur.kv['client_id']! } : {}), profile: cur.name },
      secrets: { ...(cur.kv['token'] ? { token: cur.kv['token'] } : {}), ...(cur.kv['client_secret'] ? { clientSecret: cur.kv['client_secret'] } : {}) },
    });
  };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const sec = /^\[([^\]]+)\]$/.exec(line);
    if (sec) {
      flush();
      cur = { name: sec[1]!.trim(), kv: {} };
      continue;
    }
    const eq = line.indexOf('=');
    if (cur && eq > 0) cur.kv[line.slice(0, eq).trim().toLowerCase()] = line.slice(eq + 1).trim();
  }
  flush();
  return out;
}

export interface CatalogRef {
  catalog: string;
  namespace: string[];
  /** Undefined for a namespace reference (`lakelens ls prod:sales`). */
  table?: string;
}

/**
 * Parses `<catalog>:<ns>….<table>` (or, with `namespaceOnly`, `<catalog>[:<ns>…]`), when the
 * catalog is one of `names`; undefined for anything else (paths, URIs).
 */
export function parseCatalogRef(s: string, names: readonly string[], namespaceOnly = false): CatalogRef | undefined {
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(s)) return undefined;
  const colon = s.indexOf(':');
  const catalog = colon < 0 ? s : s.slice(0, colon);
  if (!names.includes(catalog)) return undefined;
  const rest = colon < 0 ? '' : s.slice(colon + 1);
  const parts = rest === '' ? [] : rest.split('.');
  if (parts.some((p) => p === '')) throw new LakeError('invalid-argument', `empty name in catalog reference ${JSON.stringify(s)}: write <catalog>:<namespace>.<table>`);
  if (namespaceOnly) return { catalog, namespace: parts };
  if (parts.length < 2) throw new LakeError('invalid-argument', `catalog reference ${JSON.stringify(s)} names no table: write ${catalog}:<namespace>.<table>`);
  return { catalog, namespace: parts.slice(0, -1), table: parts.at(-1)! };
}
