// Azurite (npm `azurite`, a devDependency): the Azure Blob API on 127.0.0.1 over plain HTTP, with
// Shared Key and SAS checked. See lib.mjs for the module contract. No DFS endpoint exists, so
// abfss:// locations are tested through the Blob API they map onto.
// No import.meta here: test bundles compile this file to CommonJS.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { freePort, spawnServer, waitForPort } from './lib.mjs';

export const name = 'azurite';

/** Azurite's well-known development account (public, documented by Microsoft). */
export const ACCOUNT = 'devstoreaccount1';
export const KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** The azurite-blob entry script: the repo's node_modules (tests and CI run from the repo root). */
function entry() {
  const bin = path.join(process.cwd(), 'node_modules', '.bin', 'azurite-blob');
  if (fs.existsSync(bin)) return fs.realpathSync(bin);
  try {
    const req = createRequire(path.join(process.cwd(), 'package.json'));
    return path.join(path.dirname(req.resolve('azurite/package.json')), 'dist', 'src', 'blob', 'main.js');
  } catch {
    throw new Error('azurite: node_modules/.bin/azurite-blob not found; run `npm ci` in the repository root');
  }
}

export async function install() {
  if (!fs.existsSync(entry())) throw new Error('azurite: azurite-blob not installed; run `npm ci`');
}

export async function start({ dataDir }) {
  const port = await freePort();
  // --disableTelemetry: Azurite otherwise reports usage to Microsoft (tests stay on loopback)
  const args = [entry(), '--blobHost', '127.0.0.1', '--blobPort', String(port), '--location', dataDir, '--skipApiVersionCheck', '--loose', '--silent', '--disableTelemetry'];
  const s = spawnServer(process.execPath, args, { cwd: dataDir, env: {}, logFile: path.join(dataDir, 'azurite.log') });
  try {
    await waitForPort(port, 30_000, s.child);
  } catch (err) {
    await s.stop();
    throw err;
  }
  const endpoint = `http://127.0.0.1:${port}/${ACCOUNT}`;
  return {
    env: {
      LAKELENS_TEST_AZURITE: endpoint,
      LAKELENS_TEST_AZURITE_CONNECTION_STRING: `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${KEY};BlobEndpoint=${endpoint};`,
    },
    stop: s.stop,
  };
}
