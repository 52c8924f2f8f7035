/**
 * How an Iceberg REST client authenticates: nothing, a bearer token, OAuth2 client credentials
 * (a token POSTed for at the catalog's /v1/oauth/tokens or another server, cached, refreshed
 * before it expires and once after a 401), or AWS SigV4 (API Gateway, Glue's and S3 Tables'
 * Iceberg endpoints) with the AWS default credential chain. `source` names the method for
 * messages; no secret or token ever reaches a message.
 */
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { CatalogDefinition, CatalogSecrets } from './catalog';
import { LakeError } from '../core/errors';
import type { HttpClient, HttpRequest } from '../core/storage/http';

export interface RestAuth {
  /** The method, for messages: `OAuth2 client credentials (client "id")`. */
  readonly source: string;
  authorize(req: HttpRequest): Promise<void>;
  /** After a 401: forget the token; true when asking again may help (a fresh OAuth2 token). */
  invalidate(): boolean;
}

/** The catalog's error text: Iceberg's `{error: {type, message}}`, OAuth2's `{error, error_description}`. */
export function restReason(_status: number, body: string): string | undefined {
  try {
    const j = JSON.parse(body) as { error?: unknown; error_description?: unknown };
    const e = j.error;
    if (e && typeof e === 'object') {
      const { type, message } = e as { type?: unknown; message?: unknown };
      const text = [typeof type === 'string' ? type : '', typeof message === 'string' ? message : ''].filter(Boolean).join(': ');
      return text ? oneLine(text) : undefined;
    }
    if (typeof e === 'string') return oneLine(typeof j.error_description === 'string' ? `${e}: ${j.error_description}` : e);
  } catch {
    // not JSON: a proxy's HTML page says nothing useful
  }
  return undefined;
}

function oneLine(s: string): string {
  const line = s.replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

export function restAuth(def: CatalogDefinition, secrets: CatalogSecrets, http: HttpClient, base: URL, label: string): RestAuth {
  switch (def.auth ?? (secrets.token ? 'bearer' : def.clientId || secrets.clientSecret ? 'oauth2' : 'none')) {
    case 'none':
      return { source: 'no auth', authorize: async () => undefined, invalidate: () => false };
    case 'bearer': {
      const token = secrets.token;
      if (!token) throw new LakeError('denied', `${label}: auth is bearer but no token is set`);
      return { source: 'bearer token', authorize: async (req) => void (req.headers['authorization'] = `Bearer ${token}`), invalidate: () => false };
    }
    case 'oauth2':
      return new OAuth2(def, secrets, http, base, label);
    case 'sigv4':
      return sigv4(def, base, label);
    default:
      throw new LakeError('invalid-argument', `${label}: auth "${def.auth}" is not one of none, bearer, oauth2, sigv4`);
  }
}

/** Refresh this share of a token's lifetime before it ends (at most a minute). */
const EARLY_SHARE = 0.1;

class OAuth2 implements RestAuth {
  readonly source: string;
  private readonly endpoint: URL;
  private token: { value: string; expiresAt?: number } | undefined;
  private pending: Promise<string> | undefined;

  constructor(
    private readonly def: CatalogDefinition,
    private readonly secrets: CatalogSecrets,
    private readonly http: HttpClient,
    base: URL,
    private readonly label: string,
  ) {
    this.source = `OAuth2 client credentials (client "${def.clientId ?? ''}")`;
    let u: URL;
    try {
      u = def.oauth2ServerUri ? new URL(def.oauth2ServerUri) : new URL(`${base.href.replace(/\/$/, '')}/v1/oauth/tokens`);
    } catch {
      throw new LakeError('invalid-argument', `${label}: the OAuth2 server URI is not a URL`);
    }
    if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.username || u.password) throw new LakeError('invalid-argument', `${label}: the OAuth2 server URI must be http(s) without credentials in it`);
    this.endpoint = u;
  }

  async authorize(req: HttpRequest): Promise<void> {
    req.headers['authorization'] = `Bearer ${await this.current()}`;
  }

  invalidate(): boolean {
    this.token = undefined;
    return true;
  }

  private current(): Promise<string> {
    const t = this.token;
    if (t && (t.expiresAt === undefined || Date.now() < t.expiresAt)) return Promise.resolve(t.value);
    this.pending ??= this.fetchToken().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async fetchToken(): Promise<string> {
    const { clientId } = this.def;
    const secret = this.secrets.clientSecret;
    if (!clientId || !secret) throw new LakeError('denied', `${this.label}: ${this.source}: ${clientId ? 'no client secret is set' : 'no client id is set'}`);
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret, scope: this.def.scope ?? 'catalog' });
    const what = `${this.label}: POST ${this.endpoint.origin}${this.endpoint.pathname} (OAuth2 token)`;
    const res = await this.http.send(
      { method: 'POST', url: this.endpoint, headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: form.toString() },
      { what, reason: restReason, accept: [400, 401, 403], credentialSource: this.source },
    );
    const text = new TextDecoder().decode(res.body);
    if (res.status >= 300) {
      const why = restReason(res.status, text.slice(0, 4096));
      throw new LakeError('denied', `${what}: ${this.source} refused (HTTP ${res.status}${why ? ` ${why}` : ''}): check the client id and secret`);
    }
    let body: { access_token?: unknown; expires_in?: unknown };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new LakeError('unavailable', `${what}: the answer is not JSON`);
    }
    if (typeof body.access_token !== 'string' || body.access_token === '') throw new LakeError('unavailable', `${what}: the answer has no access_token`);
    const now = Date.now();
    const lifetimeMs = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in * 1000 : jwtExpiry(body.access_token, now);
    this.token = { value: body.access_token, ...(lifetimeMs !== undefined ? { expiresAt: now + lifetimeMs - Math.min(60_000, lifetimeMs * EARLY_SHARE) } : {}) };
    return body.access_token;
  }
}

/** ms until a JWT's `exp`, when the token is one (servers that leave out expires_in). */
function jwtExpiry(token: string, now: number): number | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const exp = (JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? Math.max(0, exp * 1000 - now) : undefined;
  } catch {
    return undefined;
  }
}

class Sha256 extends Hash {
  constructor(secret?: Parameters<typeof Hash.prototype.update>[0]) {
    super('sha256', secret);
  }
}

/**
 * SigV4 with the AWS default chain. The signing name follows the host (glue, s3tables), else
 * execute-api (API Gateway in front of a catalog); the region is the definition's, else the host's.
 */
function sigv4(def: CatalogDefinition, base: URL, label: string): RestAuth {
  const host = base.hostname.toLowerCase();
  const m = /^([a-z0-9-]+)\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(host);
  const service = m?.[1] === 'glue' || m?.[1] === 's3tables' ? m[1] : 'execute-api';
  const region = def.region ?? m?.[2] ?? process.env['AWS_REGION'] ?? process.env['AWS_DEFAULT_REGION'];
  if (!region) throw new LakeError('invalid-argument', `${label}: SigV4 needs a region (set the catalog's region)`);
  const source = `SigV4 (${def.profile ? `profile ${def.profile}` : 'AWS default chain'}, ${service} in ${region})`;
  const provider = defaultProvider(def.profile ? { profile: def.profile } : {});
  const signer = new SignatureV4({ service, region, sha256: Sha256, credentials: provider });
  return {
    source,
    invalidate: () => false,
    authorize: async (req) => {
      const u = req.url;
      const query: Record<string, string> = {};
      u.searchParams.forEach((v, k) => (query[k] = v));
      const headers: Record<string, string> = { ...req.headers, host: u.host };
      let signed;
      try {
        signed = await signer.sign({ method: req.method, protocol: u.protocol, hostname: u.hostname, ...(u.port ? { port: Number(u.port) } : {}), path: u.pathname, query, headers, ...(req.body !== undefined ? { body: req.body } : {}) });
      } catch (err) {
        throw new LakeError('denied', `${label}: no AWS credentials for ${source}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
      }
      for (const [k, v] of Object.entries(signed.headers)) if (k.toLowerCase() !== 'host') req.headers[k] = v;
    },
  };
}
