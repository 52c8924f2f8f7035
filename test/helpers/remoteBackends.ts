/**
 * The object stores remote tests run against, each a real server started by the tests (see
 * servers.ts), with what a test needs to use one: upload a folder (test-only writes), the URI of a
 * key prefix, the environment a CLI run gets credentials from, and a set of wrong credentials.
 */
import { formatLocation, parseLocation } from '../../src/core/storage/location';
import { DEV_ACCOUNT, DEV_KEY, createContainer, uploadFolder } from './azureUpload';
import { createBucket, uploadFolder as gcsUploadFolder } from './gcsUpload';
import { S3Uploader } from './s3Upload';
import { server } from './servers';

export interface RemoteBackend {
  /** URI of a prefix in the test bucket, as a user writes it. */
  uri(prefix: string): string;
  /** The same location in canonical spelling (messages and JSON may show it). */
  canonical(prefix: string): string;
  /** Test-only upload of a local folder under a prefix. */
  upload(dir: string, prefix: string): Promise<void>;
  /** Environment a CLI process reads its credentials and endpoint from. */
  env: Record<string, string>;
  missingBucketUri: string;
  /** Credentials that must be refused, and the secrets in them that must never be printed. */
  badCredentials?: { env: Record<string, string>; secrets: string[] };
}

export interface BackendSetup {
  name: string;
  setup(): Promise<RemoteBackend>;
}

const canonical = (uri: string) => formatLocation(parseLocation(uri));

const azure: BackendSetup = {
  name: 'Azure Blob (Azurite)',
  async setup() {
    const env = await server('azurite');
    const conn = env['LAKELENS_TEST_AZURITE_CONNECTION_STRING']!;
    const container = await createContainer(conn, 'lakelens-cli');
    const uri = (p: string) => `abfss://lakelens-cli@${DEV_ACCOUNT}.dfs.core.windows.net/${p}`;
    const wrongKey = Buffer.from('not-the-key-'.repeat(6)).toString('base64');
    return {
      uri,
      canonical: (p) => canonical(uri(p)),
      upload: async (dir, prefix) => void (await uploadFolder(container, dir, prefix)),
      env: { AZURE_STORAGE_CONNECTION_STRING: conn },
      missingBucketUri: `abfss://no-such-container@${DEV_ACCOUNT}.dfs.core.windows.net/t`,
      badCredentials: { env: { AZURE_STORAGE_CONNECTION_STRING: conn.replace(DEV_KEY, wrongKey) }, secrets: [wrongKey] },
    };
  },
};

const gcs: BackendSetup = {
  name: 'Google Cloud Storage (fake-gcs-server)',
  async setup() {
    const endpoint = (await server('fakeGcs'))['LAKELENS_TEST_FAKE_GCS']!;
    await createBucket(endpoint, 'lakelens-cli');
    const uri = (p: string) => `gs://lakelens-cli/${p}`;
    return {
      uri,
      canonical: (p) => canonical(uri(p)),
      upload: async (dir, prefix) => void (await gcsUploadFolder(endpoint, 'lakelens-cli', prefix, dir)),
      // the emulator has no auth: wrong credentials cannot be shown here (storageGcs covers 401s)
      env: { STORAGE_EMULATOR_HOST: endpoint },
      missingBucketUri: 'gs://no-such-bucket/t',
    };
  },
};

const s3: BackendSetup = {
  name: 'S3 (moto)',
  async setup() {
    const endpoint = (await server('moto'))['LAKELENS_TEST_MOTO']!;
    const up = new S3Uploader({ endpoint, accessKeyId: 'testing', secretAccessKey: 'testing' });
    await up.createBucket('lakelens-cli');
    const uri = (p: string) => `s3://lakelens-cli/${p}`;
    return {
      uri,
      canonical: (p) => canonical(uri(p)),
      upload: async (dir, prefix) => void (await up.uploadDir('lakelens-cli', prefix, dir)),
      // the AWS chain as users have it: keys and the endpoint from the environment
      env: { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_S3: endpoint, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' },
      missingBucketUri: 's3://no-such-bucket/t',
      // moto accepts any signature: storageS3 covers refused credentials against a checking server
    };
  },
};

/** Every backend whose server this machine can run. */
export function backends(): BackendSetup[] {
  return [s3, azure, gcs];
}
