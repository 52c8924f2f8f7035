/**
 * Fault and auth injection in front of the real Iceberg REST fixture (which has no auth of its
 * own): an OAuth2 token issuer for client credentials, and a proxy that forwards every request to
 * the fixture unless its bearer token is not one the issuer handed out (or has expired), can serve
 * the catalog under a `prefix` and can drop endpoints from /v1/config. Requests are counted.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Issuer {
  url: string;
  /** Token requests answered (good or bad). */
  requests: number;
  /** Tokens live now; `revokeAll` forgets them (a server-side revocation). */
  revokeAll(): void;
  isValid(token: string): boolean;
  close(): Promise<void>;
}

/** A client-credentials token endpoint: `clientId`/`secret` get a token that lives `lifetimeS`. */
export async function tokenIssuer(clientId: string, secret: string, lifetimeS: number): Promise<Issuer> {
  const live = new Map<string, number>();
  let n = 0;
  const issuer: Issuer = {
    url: '',
    requests: 0,
    revokeAll: () => live.clear(),
    isValid: (t) => (live.get(t) ?? 0) > Date.now(),
    close: () => new Promise((r) => srv.close(() => r())),
  };
  const srv = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      issuer.requests++;
      const form = new URLSearchParams(body);
      res.setHeader('content-type', 'application/json');
      if (req.method !== 'POST' || form.get('grant_type') !== 'client_credentials') {
        res.statusCode = 400;
        res.end(JSON.stringify({ error: 'unsupported_grant_type' }));
      } else if (form.get('client_id') !== clientId || form.get('client_secret') !== secret) {
        res.statusCode = 401;
        res.end(JSON.stringify({ error: 'invalid_client', error_description: 'unknown client or wrong secret' }));
      } else {
        const token = `tok-${++n}-${form.get('scope') ?? ''}`;
        live.set(token, Date.now() + lifetimeS * 1000);
        res.end(JSON.stringify({ access_token: token, token_type: 'bearer', expires_in: lifetimeS, issued_token_type: 'urn:ietf:params:oauth:token-type:access_token' }));
      }
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  issuer.url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}/token`;
  return issuer;
}

export interface ProxyOptions {
  /** Accepts a bearer token (undefined: no auth required). */
  check?: (token: string) => boolean;
  /** Serve the catalog under /v1/{prefix}/… (announced in /v1/config overrides). */
  prefix?: string;
  /** Endpoints removed from /v1/config's list. */
  dropEndpoints?: string[];
}

export interface Proxy {
  url: string;
  /** Paths requested (method and path, without the query). */
  seen: string[];
  /** Authorization headers of refused requests were never logged: only that they were refused. */
  refused: number;
  close(): Promise<void>;
}

export async function restProxy(target: string, opts: ProxyOptions): Promise<Proxy> {
  const t = new URL(target);
  const proxy: Proxy = { url: '', seen: [], refused: 0, close: () => new Promise((r) => srv.close(() => r())) };
  const srv = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    proxy.seen.push(`${req.method} ${u.pathname}`);
    const auth = req.headers['authorization'] ?? '';
    if (opts.check && !(auth.startsWith('Bearer ') && opts.check(auth.slice(7)))) {
      proxy.refused++;
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'Not authorized: missing or invalid bearer token', type: 'NotAuthorizedException', code: 401 } }));
      return;
    }
    let path = u.pathname;
    if (opts.prefix && path.startsWith(`/v1/${opts.prefix}/`)) path = `/v1/${path.slice(opts.prefix.length + 5)}`;
    else if (opts.prefix && path !== '/v1/config') {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `no route ${path}`, type: 'NoSuchRoute', code: 404 } }));
      return;
    }
    const headers = { ...req.headers, host: t.host };
    delete headers['authorization'];
    delete headers['accept-encoding'];
    const up = http.request({ host: t.hostname, port: t.port, method: req.method, path: path + u.search, headers }, (ur) => {
      const chunks: Buffer[] = [];
      ur.on('data', (d: Buffer) => chunks.push(d));
      ur.on('end', () => {
        let body = Buffer.concat(chunks);
        if (path === '/v1/config' && ur.statusCode === 200 && (opts.prefix || opts.dropEndpoints)) {
          const cfg = JSON.parse(body.toString()) as { overrides?: Record<string, string>; endpoints?: string[] };
          if (opts.prefix) cfg.overrides = { ...(cfg.overrides ?? {}), prefix: opts.prefix };
          if (opts.dropEndpoints && cfg.endpoints) cfg.endpoints = cfg.endpoints.filter((e) => !opts.dropEndpoints!.includes(e));
          body = Buffer.from(JSON.stringify(cfg));
        }
        const h = { ...ur.headers, 'content-length': String(body.length) };
        delete h['transfer-encoding'];
        res.writeHead(ur.statusCode ?? 502, h);
        res.end(body);
      });
    });
    up.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(up);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  proxy.url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  return proxy;
}
