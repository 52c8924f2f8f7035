// moto (PyPI moto[server]), the AWS API mock, as an S3 server on 127.0.0.1. See lib.mjs for the
// module contract. In memory, path-style; it accepts SigV4 without checking it (s3rver.mjs does).
// A python3 that already imports moto is used as it is; else moto goes into a venv in the cache.
import fs from 'node:fs';
import path from 'node:path';
import { CACHE, freePort, log, runOnce, spawnListening } from './lib.mjs';

export const name = 'moto';
const VERSION = '5.2.1';
const SYSTEM_PY = process.env.LAKELENS_PYTHON || 'python3';
const VENV = path.join(CACHE, `moto-${VERSION}`);
const VENV_PY = path.join(VENV, process.platform === 'win32' ? 'Scripts/python.exe' : 'bin/python');

async function importsMoto(py) {
  try {
    await runOnce(py, ['-c', 'import moto.server']);
    return true;
  } catch {
    return false;
  }
}

export async function install() {
  if (fs.existsSync(VENV_PY) && (await importsMoto(VENV_PY))) return;
  if (await importsMoto(SYSTEM_PY)) return;
  log(`moto: python3 -m venv ${VENV} && pip install moto[server]==${VERSION}`);
  fs.mkdirSync(CACHE, { recursive: true });
  await runOnce(SYSTEM_PY, ['-m', 'venv', VENV]);
  await runOnce(VENV_PY, ['-m', 'pip', 'install', '--quiet', `moto[server]==${VERSION}`]);
}

export async function start({ dataDir }) {
  const py = fs.existsSync(VENV_PY) ? VENV_PY : SYSTEM_PY;
  const port = await freePort();
  // `python -m moto.server` is the moto_server script, without needing it on PATH
  const s = await spawnListening(py, ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    cwd: dataDir,
    env: { PYTHONUNBUFFERED: '1' },
    logFile: path.join(dataDir, 'moto.log'),
  }, port, 60_000);
  return { env: { LAKELENS_TEST_MOTO: `http://127.0.0.1:${port}` }, stop: s.stop };
}
