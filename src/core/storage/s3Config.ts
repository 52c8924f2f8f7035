/**
 * Where an S3 store's settings come from, in the AWS CLI's order: the configuration, then the
 * environment, then the profile in ~/.aws/config and ~/.aws/credentials. Credentials are cached
 * and refreshed a few minutes before they expire; sources are named, never their secrets.
 */
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { loadSharedConfigFiles } from '@smithy/shared-ini-file-loader';
import { LakeError } from '../errors';
import type { S3Credentials, StoreConfig } from './config';

type Env = Record<string, string | undefined>;

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** ms since epoch */
  expiration?: number;
}

export interface S3Settings {
  /** Configured region; undefined → discovered from the bucket (else us-east-1). */
  region?: string;
  /** Custom endpoint (no trailing '/'), or undefined for AWS. */
  endpoint?: string;
  pathStyle: boolean;
  credentialSource: string;
  /** undefined → unsigned requests. */
  credentials?: CredentialCache;
}

/** Refresh this long before credentials expire: clock skew and requests in flight. */
const REFRESH_EARLY_MS = 5 * 60_000;

export async function resolveS3Settings(bucket: string, cfg: StoreConfig): Promise<S3Settings> {
  const s3 = cfg.s3 ?? {};
  const env: Env = cfg.env ?? process.env;
  const explicitProfile = s3.profile ?? nonEmpty(env['AWS_PROFILE']);
  const profileName = explicitProfile ?? 'default';
  const files = { filepath: nonEmpty(env['AWS_SHARED_CREDENTIALS_FILE']), configFilepath: nonEmpty(env['AWS_CONFIG_FILE']) };

  const ignoreConfigured = /^true$/i.test(env['AWS_IGNORE_CONFIGURED_ENDPOINT_URLS'] ?? '');
  const envEndpoint = ignoreConfigured ? undefined : nonEmpty(env['AWS_ENDPOINT_URL_S3']) ?? nonEmpty(env['AWS_ENDPOINT_URL']);
  const envRegion = nonEmpty(env['AWS_REGION']) ?? nonEmpty(env['AWS_DEFAULT_REGION']);
  let profile: Record<string, string | undefined> | undefined;
  let services: Record<string, string | undefined> | undefined;
  if (!(s3.region ?? envRegion) || !(s3.endpoint ?? envEndpoint)) {
    const loaded: Record<string, Record<string, string | undefined> | undefined> = await loadSharedConfigFiles({ ...defined(files), ignoreCache: true })
      .then((f) => f.configFile)
      .catch(() => ({}));
    profile = loaded[profileName] ?? {};
    const svc = profile['services'];
    services = svc ? loaded[`services.${svc}`] : undefined;
  }

  const region = s3.region ?? envRegion ?? nonEmpty(profile?.['region']);
  const endpointRaw = s3.endpoint ?? envEndpoint ?? (ignoreConfigured ? undefined : nonEmpty(services?.['s3.endpoint_url']) ?? nonEmpty(profile?.['endpoint_url']));
  const endpoint = endpointRaw ? checkEndpoint(endpointRaw) : undefined;
  // virtual-hosted names need a DNS-safe bucket; TLS wildcards do not cover dotted names
  const pathStyle = endpoint ? s3.pathStyle !== false : s3.pathStyle === true || bucket.includes('.');

  if (s3.anonymous) return { ...(region ? { region } : {}), ...(endpoint ? { endpoint } : {}), pathStyle, credentialSource: 'anonymous' };

  let credentials: CredentialCache;
  let credentialSource: string;
  if (s3.credentials) {
    credentialSource = s3.credentialSource ?? 'configured credentials';
    credentials = new CredentialCache(fixed(s3.credentials), s3.refreshCredentials ? async () => fixed(await s3.refreshCredentials!()) : undefined, bucket, credentialSource);
  } else if (!explicitProfile && env['AWS_ACCESS_KEY_ID'] && env['AWS_SECRET_ACCESS_KEY']) {
    // read here rather than by the SDK, so a caller's own `env` is honoured
    credentialSource = 'environment';
    const exp = env['AWS_CREDENTIAL_EXPIRATION'] ? Date.parse(env['AWS_CREDENTIAL_EXPIRATION']) : NaN;
    credentials = new CredentialCache(
      { accessKeyId: env['AWS_ACCESS_KEY_ID'], secretAccessKey: env['AWS_SECRET_ACCESS_KEY'], ...(env['AWS_SESSION_TOKEN'] ? { sessionToken: env['AWS_SESSION_TOKEN'] } : {}), ...(Number.isFinite(exp) ? { expiration: exp } : {}) },
      undefined,
      bucket,
      credentialSource,
    );
  } else {
    credentialSource = explicitProfile ? `profile ${explicitProfile}` : 'AWS default chain';
    // the SDK chain: SSO, static keys, credential_process, role_arn + source_profile, web identity, container and instance metadata
    const provider = defaultProvider({ profile: profileName, ...defined(files) });
    let first = true;
    const load = async (): Promise<AwsCredentials> => {
      let c;
      try {
        c = await provider(first ? undefined : { forceRefresh: true });
      } catch (err) {
        throw noCredentials(bucket, credentialSource, profileName, err);
      }
      first = false;
      return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, ...(c.sessionToken ? { sessionToken: c.sessionToken } : {}), ...(c.expiration ? { expiration: c.expiration.getTime() } : {}) };
    };
    credentials = new CredentialCache(undefined, load, bucket, credentialSource);
  }
  return { ...(region ? { region } : {}), ...(endpoint ? { endpoint } : {}), pathStyle, credentialSource, credentials };
}

/** Holds one set of credentials, refreshing it shortly before it expires; concurrent callers share one refresh. */
export class CredentialCache {
  private pending: Promise<AwsCredentials> | undefined;

  constructor(
    private current: AwsCredentials | undefined,
    private readonly refresh: (() => Promise<AwsCredentials>) | undefined,
    private readonly bucket: string,
    private readonly source: string,
  ) {}

  async get(): Promise<AwsCredentials> {
    const c = this.current;
    if (c && (c.expiration === undefined || c.expiration - REFRESH_EARLY_MS > Date.now() || !this.refresh)) return c;
    if (!this.refresh) throw noCredentials(this.bucket, this.source, undefined, undefined);
    this.pending ??= this.refresh()
      .then((fresh) => (this.current = fresh))
      .finally(() => (this.pending = undefined));
    try {
      return await this.pending;
    } catch (err) {
      // a failed early refresh still leaves credentials that work until they expire
      if (c && (c.expiration === undefined || c.expiration > Date.now())) return c;
      if (err instanceof LakeError) throw err;
      throw new LakeError('denied', `s3: refreshing credentials from ${this.source} for bucket "${this.bucket}" failed: ${firstLine(err)}`);
    }
  }
}

function fixed(c: S3Credentials): AwsCredentials {
  return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, ...(c.sessionToken ? { sessionToken: c.sessionToken } : {}), ...(c.expiration !== undefined ? { expiration: c.expiration } : {}) };
}

function noCredentials(bucket: string, source: string, profile: string | undefined, err: unknown): LakeError {
  // the chain's own last words ("Could not load credentials from any providers") add nothing
  const sdk = err === undefined ? '' : firstLine(err);
  const why = sdk === '' || /from any providers/i.test(sdk) ? '' : `: ${sdk}`;
  const tried = profile
    ? `tried ${source === 'AWS default chain' ? 'AWS_ACCESS_KEY_ID, ' : ''}profile "${profile}" in the AWS config and credentials files (keys, SSO, credential_process, role_arn), web identity, container and instance metadata`
    : 'nothing to refresh them from';
  return new LakeError('denied', `s3: no AWS credentials for bucket "${bucket}" from ${source}${why} (${tried}): set AWS_PROFILE, run "aws sso login", set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or read a public bucket anonymously`);
}

/** The first line of an SDK error, short: its message names what failed, its stack is noise. */
function firstLine(err: unknown): string {
  const m = err instanceof Error ? err.message : String(err);
  const line = m.split('\n').find((l) => l.trim() !== '') ?? 'failed';
  return line.length > 160 ? `${line.slice(0, 157)}…` : line;
}

function checkEndpoint(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new LakeError('invalid-argument', `s3: endpoint is not a URL: ${JSON.stringify(raw.slice(0, 100))}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new LakeError('invalid-argument', `s3: endpoint must be http:// or https://, got ${u.protocol}//`);
  if (u.search || u.username || u.password) throw new LakeError('invalid-argument', 's3: endpoint must not carry a query or user info');
  return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

function defined<T extends Record<string, unknown>>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as { [K in keyof T]?: Exclude<T[K], undefined> };
}
