/**
 * What a user (or a catalog's vended credentials) says about how to reach object stores. Every
 * field is optional: without them each backend follows its platform's standard chain (AWS SDK
 * default chain, Azure DefaultAzureCredential, Google Application Default Credentials). Secrets
 * held here live in memory only; settings and logs never see them.
 */
import type { HttpOptions } from './http';

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** When temporary credentials stop working (ms since epoch). */
  expiration?: number;
}

export interface S3Config {
  /** A profile of ~/.aws/config and ~/.aws/credentials (else AWS_PROFILE, else "default"). */
  profile?: string;
  /** Else AWS_REGION / AWS_DEFAULT_REGION / the profile, else discovered from the bucket. */
  region?: string;
  /** Custom endpoint (MinIO, R2, Ceph, a local server); else AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL / the profile's endpoint_url. */
  endpoint?: string;
  /** Path-style addressing; default true for custom endpoints, false for AWS. */
  pathStyle?: boolean;
  /** Unsigned requests, for public buckets. */
  anonymous?: boolean;
  /** Fixed credentials (a catalog's vended ones); else the default chain. */
  credentials?: S3Credentials;
  /** Called for fresh credentials when `credentials` expire (vended credentials refresh). */
  refreshCredentials?: () => Promise<S3Credentials>;
  /** Where fixed credentials came from, for messages ("catalog prod"). */
  credentialSource?: string;
}

export interface AzureConfig {
  /** Account name, for `az://container/…` spellings (else AZURE_STORAGE_ACCOUNT). */
  account?: string;
  /** Else AZURE_STORAGE_CONNECTION_STRING. */
  connectionString?: string;
  /** Shared key (else AZURE_STORAGE_KEY). */
  key?: string;
  /** SAS token, with or without the leading '?' (else AZURE_STORAGE_SAS_TOKEN). */
  sas?: string;
  /** Blob endpoint, e.g. http://127.0.0.1:10000/devstoreaccount1 (Azurite); else https://ACCOUNT.blob.core.windows.net. */
  endpoint?: string;
  /** A bearer token getter (a catalog's vended token); else DefaultAzureCredential. */
  token?: () => Promise<string>;
  anonymous?: boolean;
  credentialSource?: string;
}

export interface GcsConfig {
  /** Else STORAGE_EMULATOR_HOST, else https://storage.googleapis.com. */
  endpoint?: string;
  /** An OAuth2 access token getter (a catalog's vended token); else Application Default Credentials. */
  token?: () => Promise<string>;
  anonymous?: boolean;
  credentialSource?: string;
}

export interface StoreConfig {
  s3?: S3Config;
  azure?: AzureConfig;
  gcs?: GcsConfig;
  /** The environment the standard chains read (default process.env); tests pass their own. */
  env?: Record<string, string | undefined>;
  http?: HttpOptions;
}
