/**
 * A stand-in for the Unity Catalog OSS server, for when the real one cannot be had (its jar is not
 * on the Maven Central this project reaches). It answers the calls the client makes as the spec
 * (api/all.yaml) and the OSS server's sources shape them: catalogs, schemas and tables paged by
 * max_results/page_token, TableInfo, errors as {error_code, message} with the server's statuses,
 * temporary-table-credentials empty for file:// tables and FAILED_PRECONDITION for cloud paths the
 * server has no configuration for; plus bearer checks and a Databricks-style /oidc/v1/token.
 * Not the real server: a test against it checks the client against the spec, no more.
 */
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface UnityStubOptions {
  /** Required bearer token (else any or none is accepted, like the OSS server's default). */
  token?: string;
  /** OAuth M2M client: /oidc/v1/token issues tokens that are then accepted. */
  client?: { id: string; secret: string };
  /** Vended per scheme; absent → FAILED_PRECONDITION as the OSS server without configuration. */
  vend?: { s3?: () => object; abfss?: () => object; gs?: () => object };
}

export interface UnityStub {
  url: string;
  calls: { method: string; path: string }[];
  close(): Promise<void>;
}

type Json = Record<string, unknown>;

export async function startUnityStub(o: UnityStubOptions = {}): Promise<UnityStub> {
  const catalogs = new Map<string, Json>();
  const schemas = new Map<string, Json>();
  const tables = new Map<string, Json>();
  const issued = new Set<string>();
  const calls: { method: string; path: string }[] = [];

  const err = (res: http.ServerResponse, status: number, code: string, message: string) => send(res, status, { error_code: code, message, details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: code }] });
  const list = (res: http.ServerResponse, key: string, all: Json[], q: URLSearchParams, cap: number) => {
    const max = q.get('max_results') !== null ? Number(q.get('max_results')) : 0;
    if (max < 0) return err(res, 400, 'INVALID_ARGUMENT', 'max_results must be greater than or equal to 0');
    const size = max === 0 ? cap : Math.min(max, cap);
    const sorted = [...all].sort((a, b) => String(a['name']).localeCompare(String(b['name'])));
    const token = q.get('page_token');
    const start = token ? sorted.findIndex((x) => String(x['name']) > Buffer.from(token, 'base64url').toString()) : 0;
    const from = start < 0 ? sorted.length : start;
    const page = sorted.slice(from, from + size);
    const more = from + size < sorted.length;
    return send(res, 200, { [key]: page, ...(more ? { next_page_token: Buffer.from(String(page[page.length - 1]!['name'])).toString('base64url') } : {}) });
  };

  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x');
      calls.push({ method: req.method ?? '', path: u.pathname });
      if (u.pathname === '/oidc/v1/token' && req.method === 'POST') {
        const basic = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString();
        const form = new URLSearchParams(body);
        if (!o.client || basic !== `${o.client.id}:${o.client.secret}` || form.get('grant_type') !== 'client_credentials') return send(res, 401, { error: 'invalid_client', error_description: 'Client authentication failed' });
        const t = `m2m-${randomUUID()}`;
        issued.add(t);
        return send(res, 200, { access_token: t, token_type: 'Bearer', expires_in: 3600, scope: form.get('scope') });
      }
      const p = u.pathname.replace(/^\/api\/2\.1\/unity-catalog/, '');
      if (p === u.pathname) return err(res, 404, 'NOT_FOUND', `no route ${u.pathname}`);
      if (o.token || o.client) {
        const bearer = (req.headers.authorization ?? '').replace(/^Bearer /, '');
        if (bearer !== o.token && !issued.has(bearer)) return err(res, 401, 'UNAUTHENTICATED', 'Invalid access token.');
      }
      const j = body ? (JSON.parse(body) as Json) : {};
      const q = u.searchParams;
      const now = Date.now();
      if (p === '/catalogs' && req.method === 'POST') {
        const c = { name: j['name'], comment: j['comment'], properties: j['properties'] ?? {}, owner: 'admin', created_at: now, id: randomUUID() };
        catalogs.set(String(j['name']), c);
        return send(res, 200, c);
      }
      if (p === '/catalogs' && req.method === 'GET') return list(res, 'catalogs', [...catalogs.values()], q, 1000);
      if (p === '/schemas' && req.method === 'POST') {
        if (!catalogs.has(String(j['catalog_name']))) return err(res, 404, 'CATALOG_NOT_FOUND', `Catalog not found: ${String(j['catalog_name'])}`);
        const s = { name: j['name'], catalog_name: j['catalog_name'], full_name: `${String(j['catalog_name'])}.${String(j['name'])}`, owner: 'admin', created_at: now, schema_id: randomUUID() };
        schemas.set(s.full_name, s);
        return send(res, 200, s);
      }
      if (p === '/schemas' && req.method === 'GET') {
        const c = q.get('catalog_name') ?? '';
        if (!catalogs.has(c)) return err(res, 404, 'CATALOG_NOT_FOUND', `Catalog not found: ${c}`);
        return list(res, 'schemas', [...schemas.values()].filter((s) => s['catalog_name'] === c), q, 1000);
      }
      if (p === '/tables' && req.method === 'POST') {
        const full = `${String(j['catalog_name'])}.${String(j['schema_name'])}`;
        if (!schemas.has(full)) return err(res, 404, 'SCHEMA_NOT_FOUND', `Schema not found: ${full}`);
        const t = { ...j, owner: 'admin', created_at: now, updated_at: now, table_id: randomUUID() };
        tables.set(`${full}.${String(j['name'])}`, t);
        return send(res, 200, t);
      }
      if (p === '/tables' && req.method === 'GET') {
        const full = `${q.get('catalog_name') ?? ''}.${q.get('schema_name') ?? ''}`;
        if (!schemas.has(full)) return err(res, 404, 'SCHEMA_NOT_FOUND', `Schema not found: ${full}`);
        return list(res, 'tables', [...tables.entries()].filter(([k]) => k.startsWith(`${full}.`) && k.split('.').length === 3).map(([, t]) => t), q, 50);
      }
      const one = /^\/tables\/([^/]+)$/.exec(p);
      if (one && req.method === 'GET') {
        const full = decodeURIComponent(one[1]!);
        const t = tables.get(full);
        return t ? send(res, 200, t) : err(res, 404, 'TABLE_NOT_FOUND', `Table not found: ${full}`);
      }
      if (p === '/temporary-table-credentials' && req.method === 'POST') {
        const t = [...tables.values()].find((x) => x['table_id'] === j['table_id']);
        if (!t) return err(res, 404, 'TABLE_NOT_FOUND', `Table not found: ${String(j['table_id'])}`);
        const loc = String(t['storage_location'] ?? '');
        const scheme = /^([a-z0-9]+):/.exec(loc)?.[1] ?? 'file';
        if (scheme === 'file') return send(res, 200, { url: loc });
        const vend = scheme === 's3' ? o.vend?.s3 : scheme === 'abfss' ? o.vend?.abfss : scheme === 'gs' ? o.vend?.gs : undefined;
        if (!vend) return err(res, 400, 'FAILED_PRECONDITION', scheme === 's3' ? 'S3 bucket configuration not found.' : `${scheme} storage configuration not found.`);
        return send(res, 200, { ...vend(), url: loc });
      }
      return err(res, 404, 'NOT_FOUND', `no route ${req.method ?? ''} ${p}`);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
