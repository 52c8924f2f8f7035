// fake-gcs-server (github.com/fsouza/fake-gcs-server), the GCS JSON API on 127.0.0.1 over plain
// HTTP. See lib.mjs for the module contract. Its defaults (0.0.0.0, https) are both overridden.
import fs from 'node:fs';
import path from 'node:path';
import { BIN, freePort, log, runOnce, spawnListening } from './lib.mjs';

export const name = 'fakeGcs';
const VERSION = 'v1.56.1';
const EXE = path.join(BIN, process.platform === 'win32' ? 'fake-gcs-server.exe' : 'fake-gcs-server');

export async function install() {
  if (fs.existsSync(EXE)) return;
  fs.mkdirSync(BIN, { recursive: true });
  log(`fakeGcs: go install github.com/fsouza/fake-gcs-server@${VERSION} (a minute or two the first time)`);
  await runOnce('go', ['install', `github.com/fsouza/fake-gcs-server@${VERSION}`], { env: { ...process.env, GOBIN: BIN } });
}

export async function start({ dataDir }) {
  const port = await freePort();
  // memory backend: the tests upload what they read and nothing outlives the server; the
  // filesystem backend lists ~3x slower (a whole test file: 60 s against 22 s)
  // no -external-url / -public-host: mediaLink and upload Location already name 127.0.0.1:PORT, and
  // the reader builds its URLs itself
  const args = ['-scheme', 'http', '-host', '127.0.0.1', '-port', String(port), '-backend', 'memory', '-log-level', 'warn'];
  const s = await spawnListening(EXE, args, { cwd: dataDir, env: {}, logFile: path.join(dataDir, 'fake-gcs-server.log') }, port, 30_000);
  return { env: { LAKELENS_TEST_FAKE_GCS: `http://127.0.0.1:${port}` }, stop: s.stop };
}
