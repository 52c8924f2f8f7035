/**
 * The real servers remote tests talk to (moto, s3rver, Azurite, fake-gcs-server), on 127.0.0.1.
 * Under `npm run test:unit` they were started once for the run by scripts/servers/run.mjs, which
 * put their addresses in LAKELENS_TEST_* variables; a test file run alone starts the ones it
 * needs itself and stops them when its process ends.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after } from 'node:test';

export type ServerName = 'moto' | 's3rver' | 'azurite' | 'fakeGcs' | 'unity' | 'icebergRest';

interface ServerModule {
  name: string;
  install(): Promise<void>;
  start(o: { dataDir: string; log: (m: string) => void }): Promise<{ env: Record<string, string>; stop(): Promise<void> }>;
}

/** Env variable each server module sets first; its presence means the run already started it. */
const MARKER: Record<ServerName, string> = {
  moto: 'LAKELENS_TEST_MOTO',
  s3rver: 'LAKELENS_TEST_S3RVER',
  azurite: 'LAKELENS_TEST_AZURITE',
  fakeGcs: 'LAKELENS_TEST_FAKE_GCS',
  unity: 'LAKELENS_TEST_UNITY',
  icebergRest: 'LAKELENS_TEST_ICEBERG_REST',
};

const started = new Map<ServerName, Promise<Record<string, string>>>();

/**
 * Stops for the servers this file started. Registered once, when the module loads (a test file's
 * top level), so the hook belongs to the root: an `after` called inside `server()` would attach to
 * whatever hook or test awaited it (a `before` hook's `after` runs as soon as that hook ends).
 */
const stops: (() => Promise<void>)[] = [];
after(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

/** The environment entries of a running server (its address and anything else it exports). */
export function server(name: ServerName): Promise<Record<string, string>> {
  if (process.env[MARKER[name]]) {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (k.startsWith('LAKELENS_TEST_') && v !== undefined) env[k] = v;
    return Promise.resolve(env);
  }
  let p = started.get(name);
  if (!p) {
    p = (async () => {
      const mod = (await load(name)) as ServerModule;
      await mod.install();
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `lakelens-${name}-`));
      const s = await mod.start({ dataDir, log: () => undefined });
      stops.push(async () => {
        await s.stop();
        fs.rmSync(dataDir, { recursive: true, force: true });
      });
      return s.env;
    })();
    started.set(name, p);
  }
  return p;
}

// static imports (not a template): esbuild bundles exactly these into the test files
function load(name: ServerName): Promise<unknown> {
  switch (name) {
    case 'moto':
      return import('../../scripts/servers/moto.mjs');
    case 's3rver':
      return import('../../scripts/servers/s3rver.mjs');
    case 'azurite':
      return import('../../scripts/servers/azurite.mjs');
    case 'fakeGcs':
      return import('../../scripts/servers/fakeGcs.mjs');
    case 'unity':
      return import('../../scripts/servers/unity.mjs');
    case 'icebergRest':
      return import('../../scripts/servers/icebergRest.mjs');
  }
}
